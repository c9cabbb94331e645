import datetime as dt

import pytest
from django.utils import timezone

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.procurement import crypto, selectors, services
from egov.procurement.models import CommitteeMember, Tender, TenderAmendment
from tests import factories
from tests.procurement.conftest import close, tender_kwargs


def test_bob_publishes_a_tender_and_only_the_public_key_is_stored(bob, committee):
    tender = services.tender_publish(actor=bob, **tender_kwargs(committee))
    assert tender.agency == bob.agency
    assert tender.number.startswith(timezone.localdate().strftime("%Y%m%d"))
    assert len(bytes(tender.opening_public_key)) == 65
    members = list(tender.committee.all())
    assert sorted(m.index for m in members) == [1, 2, 3]
    plain = [crypto.share_unseal(m.pending_share, tender_id=tender.pk) for m in members]
    assert all(m.share_sha256 == crypto.share_digest(p) for m, p in zip(members, plain, strict=True))
    assert all(
        p.encode() not in bytes(m.pending_share) for m, p in zip(members, plain, strict=True)
    )  # encrypted
    # any two shares rebuild the key that matches the public one
    crypto.opening_key_combine([plain[0], plain[2]], bytes(tender.opening_public_key))


def test_each_member_sees_their_share_once_and_then_the_server_forgets_it(bob, committee):
    tender = services.tender_publish(actor=bob, **tender_kwargs(committee))
    share = services.committee_share_collect(actor=committee[0], number=tender.number)
    assert crypto.share_digest(share) == CommitteeMember.objects.get(official=committee[0]).share_sha256
    assert CommitteeMember.objects.get(official=committee[0]).pending_share is None
    with pytest.raises(Conflict):
        services.committee_share_collect(actor=committee[0], number=tender.number)
    assert not selectors.bids_open(tender)  # two shares still on the server: no bids yet
    for member in committee[1:]:
        services.committee_share_collect(actor=member, number=tender.number)
    assert selectors.bids_open(tender)
    assert not CommitteeMember.objects.filter(pending_share__isnull=False).exists()


def test_someone_off_the_committee_gets_no_share(bob, committee):
    tender = services.tender_publish(actor=bob, **tender_kwargs(committee))
    with pytest.raises(NotFound):
        services.committee_share_collect(actor=bob, number=tender.number)


def test_publishing_needs_the_registrar_role(committee, jongno):
    viewer = factories.official("viewer", jongno, roles=("viewer",))
    with pytest.raises(PermissionDenied):
        services.tender_publish(actor=viewer, **tender_kwargs(committee))
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"items": []}, "items"),
        ({"items": [{"description": "Laptop", "quantity": 0, "unit": "EA"}]}, "items"),
        ({"items": [{"description": "Laptop", "quantity": 3}]}, "items"),
        ({"budget": -1}, "budget"),
        ({"base_price": 90_000_000}, "base_price"),
        ({"base_price": "72000000"}, "base_price"),
        ({"award_method": "auction"}, "award_method"),
        ({"categories": ["00"]}, "categories"),
        ({"deadline": timezone.now() + dt.timedelta(days=3)}, "deadline"),
        ({"deadline": dt.datetime(2030, 1, 1, 10, 0)}, "deadline"),  # noqa: DTZ001 (naive on purpose)
        ({"opening_at": timezone.now() + dt.timedelta(days=9)}, "opening_at"),
        ({"documents": [{"title": "Spec", "url": "javascript:alert(1)"}]}, "documents"),
    ],
)
def test_bad_notices_are_refused_naming_the_field(bob, committee, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        services.tender_publish(actor=bob, **tender_kwargs(committee, **overrides))
    assert exc.value.field == field
    assert not Tender.objects.exists()
    assert not CommitteeMember.objects.exists()


def test_the_committee_is_three_officials_of_the_agency(bob, committee, carol):
    for members in (committee[:2], [committee[0], committee[0], committee[1]], [*committee[:2], carol]):
        with pytest.raises(ValidationFailed) as exc:
            services.tender_publish(actor=bob, **tender_kwargs(members))
        assert exc.value.field == "committee"


def test_an_amendment_that_leaves_less_than_five_days_must_move_the_deadline(tender, bob):
    soon = timezone.now() + dt.timedelta(days=4)
    Tender.objects.filter(pk=tender.pk).update(deadline=soon, opening_at=soon)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_amend(actor=bob, number=tender.number, reason="Spec corrected", base_price=70_000_000)
    assert exc.value.field == "deadline"
    later = timezone.now() + dt.timedelta(days=6)
    amendment = services.tender_amend(
        actor=bob,
        number=tender.number,
        reason="Spec corrected",
        base_price=70_000_000,
        deadline=later,
        opening_at=later + dt.timedelta(hours=1),
    )
    tender.refresh_from_db()
    assert tender.base_price == 70_000_000
    assert tender.deadline == later
    assert amendment.changes["base_price"] == [72_000_000, 70_000_000]
    assert set(amendment.changes) == {"base_price", "deadline", "opening_at"}


def test_an_amendment_with_time_to_spare_keeps_the_deadline(tender, bob):
    services.tender_amend(
        actor=bob,
        number=tender.number,
        reason="More laptops",
        items=[{"description": "Laptop, 14 inch", "quantity": 45, "unit": "EA"}],
    )
    tender.refresh_from_db()
    assert tender.items[0]["quantity"] == 45


def test_amendments_are_refused_after_the_deadline_or_when_empty_or_from_elsewhere(tender, bob, carol):
    with pytest.raises(ValidationFailed) as exc:
        services.tender_amend(actor=bob, number=tender.number, reason="Nothing", base_price=tender.base_price)
    assert exc.value.field == "reason"
    with pytest.raises(ValidationFailed) as exc:
        services.tender_amend(actor=bob, number=tender.number, reason="x", state="opened")
    assert exc.value.field == "state"
    with pytest.raises(NotFound):
        services.tender_amend(actor=carol, number=tender.number, reason="Mine now", base_price=1)
    close(tender)
    with pytest.raises(Conflict):
        services.tender_amend(actor=bob, number=tender.number, reason="Late", base_price=1)
    assert not TenderAmendment.objects.exists()


def test_questions_are_public_and_answered_by_the_agency(tender, hana, bob, carol, alice):
    question = services.clarification_ask(
        actor=hana, number=tender.number, question="Is a 15-inch model acceptable?"
    )
    with pytest.raises(PermissionDenied):
        services.clarification_ask(actor=alice, number=tender.number, question="?")
    with pytest.raises(ValidationFailed) as exc:
        services.clarification_ask(actor=hana, number=tender.number, question="  ")
    assert exc.value.field == "question"
    with pytest.raises(NotFound):
        services.clarification_answer(actor=carol, clarification_id=question.pk, answer="No")
    answered = services.clarification_answer(
        actor=bob, clarification_id=question.pk, answer="No, 14 inch only."
    )
    assert answered.answer == "No, 14 inch only."
    with pytest.raises(Conflict):
        services.clarification_answer(actor=bob, clarification_id=question.pk, answer="Again")


def test_the_public_search_finds_open_tenders_by_title_and_category(tender, bob, committee):
    assert selectors.tender_search(query="노트북") == [tender]
    assert selectors.tender_search(category="43") == [tender]
    assert selectors.tender_search(category="72") == []
    assert selectors.tender_search(query="Jongno") == [tender]
    close(tender)
    assert selectors.tender_search() == []
    assert selectors.tender_search(open_only=False) == [tender]


def test_another_agencys_official_does_not_find_the_tender(tender, carol, bob):
    assert selectors.tender_get_for(actor=bob, number=tender.number) == tender
    with pytest.raises(NotFound):
        selectors.tender_get_for(actor=carol, number=tender.number)
