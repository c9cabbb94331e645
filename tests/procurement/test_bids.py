import json

import pytest

from egov.core import keys
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.procurement import crypto, services
from egov.procurement.models import Bid, Tender
from egov.registry.models import Business
from tests.procurement.conftest import close, seal


def test_hana_submits_a_sealed_bid_and_gets_a_signed_receipt(tender, hana, hanbit, hanbit_supplier):
    sealed = seal(tender, hanbit.brn, 70_500_000, "delivery in 30 days")
    bid = services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=sealed)
    assert bid.state == "live"
    assert "70500000" not in bid.sealed
    receipt = json.loads(bid.receipt)
    assert receipt["sealed_sha256"] == crypto.sealed_digest(sealed)
    assert receipt["tender"] == tender.number and receipt["supplier"] == hanbit.brn
    key = keys.platform_key()
    assert keys.signature_valid(
        key.public_key, crypto.b64u_decode(bid.receipt_signature), bid.receipt.encode()
    )
    assert services.receipt_verify(bid) == ""


def test_a_new_bid_replaces_the_live_one(tender, hana, hanbit, hanbit_supplier):
    first = services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71)
    )
    second = services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70)
    )
    first.refresh_from_db()
    assert first.state == "replaced"
    assert list(Bid.objects.filter(state="live")) == [second]


def test_the_database_refuses_a_second_live_bid(tender, hana, hanbit, hanbit_supplier):
    from django.db import IntegrityError, transaction

    bid = services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Bid.objects.create(
            tender=tender,
            supplier=hanbit_supplier,
            submitted_by=hana,
            sealed=bid.sealed,
            sealed_sha256=bid.sealed_sha256,
            submitted_at=bid.submitted_at,
            receipt="{}",
            receipt_signature="x",
        )


def test_a_bid_is_withdrawn_until_the_deadline(tender, hana, hanbit, hanbit_supplier):
    services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71))
    bid = services.bid_withdraw(actor=hana, number=tender.number, brn=hanbit.brn)
    assert bid.state == "withdrawn"
    with pytest.raises(NotFound):
        services.bid_withdraw(actor=hana, number=tender.number, brn=hanbit.brn)


def test_a_late_bid_or_withdrawal_is_refused(tender, hana, hanbit, hanbit_supplier, caplog):
    services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71))
    close(tender)
    with pytest.raises(ValidationFailed) as exc:
        services.bid_submit(
            actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70)
        )
    assert (exc.value.field, exc.value.code) == ("deadline", "late")
    assert "code=late" in caplog.text
    with pytest.raises(ValidationFailed):
        services.bid_withdraw(actor=hana, number=tender.number, brn=hanbit.brn)
    assert Bid.objects.get().state == "live"


def test_an_unregistered_business_cannot_bid(tender, hana, hanbit):
    with pytest.raises(ValidationFailed) as exc:
        services.bid_submit(
            actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71)
        )
    assert (exc.value.field, exc.value.code) == ("brn", "not_supplier")


@pytest.mark.parametrize("status", ["closed", "suspended"])
def test_a_business_closed_or_suspended_after_registering_cannot_bid(
    tender, hana, hanbit, hanbit_supplier, status
):
    Business.objects.filter(pk=hanbit.pk).update(status=status)
    with pytest.raises(ValidationFailed) as exc:
        services.bid_submit(
            actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71)
        )
    assert exc.value.code == f"business_{status}"
    assert not Bid.objects.exists()


def test_only_the_businesss_representative_bids_for_it(tender, minsu, hanbit, hanbit_supplier, bob):
    for actor in (minsu, bob):
        with pytest.raises(PermissionDenied):
            services.bid_submit(
                actor=actor, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 7)
            )


def test_a_supplier_outside_the_tenders_categories_cannot_bid(tender, minsu, donghae, donghae_supplier):
    services.supplier_categories_update(actor=minsu, brn=donghae.brn, categories=["72"])
    with pytest.raises(ValidationFailed) as exc:
        services.bid_submit(
            actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 7)
        )
    assert exc.value.code == "not_eligible"


@pytest.mark.parametrize(
    "sealed",
    ["", "v2.a.b.c", "v1.a.b.c", "v1.AAAA.AAAA.AAAA", "v1.!!.x.y", "x" * (64 * 1024 + 1)],
)
def test_a_malformed_sealed_bid_is_refused(tender, hana, hanbit, hanbit_supplier, sealed):
    with pytest.raises(ValidationFailed) as exc:
        services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=sealed)
    assert exc.value.field == "sealed"


def test_no_bid_before_the_committee_has_collected_every_share(bob, committee, hana, hanbit, hanbit_supplier):
    from tests.procurement.conftest import tender_kwargs

    tender = services.tender_publish(actor=bob, **tender_kwargs(committee))
    services.committee_share_collect(actor=committee[0], number=tender.number)
    with pytest.raises(Conflict):
        services.bid_submit(
            actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 71)
        )


def test_an_unknown_tender_is_not_found(hana, hanbit, hanbit_supplier):
    with pytest.raises(NotFound):
        services.bid_submit(actor=hana, number="nope", brn=hanbit.brn, sealed="v1.a.b.c")
    assert not Tender.objects.exists()
