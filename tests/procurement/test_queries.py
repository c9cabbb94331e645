"""Query counts of the public procurement pages and APIs stay the same as processes grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.procurement import ocds, services
from tests.procurement.conftest import close, seal, tender_kwargs


def contracted(bob, committee, hana, hanbit, minsu, donghae, *, milestones: int = 1):
    """A tender through publication, two bids, opening, award and contract, with `milestones`
    accepted and paid milestones."""
    tender = services.tender_publish(actor=bob, **tender_kwargs(committee))
    shares = {m.username: services.committee_share_collect(actor=m, number=tender.number) for m in committee}
    for user, business, price in ((hana, hanbit, 70_000_000), (minsu, donghae, 71_000_000)):
        services.bid_submit(
            actor=user, number=tender.number, brn=business.brn, sealed=seal(tender, business.brn, price)
        )
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    services.tender_award(actor=bob, number=tender.number)
    today = timezone.localdate()
    contract = services.contract_issue(
        actor=bob,
        number=tender.number,
        start_date=today,
        end_date=today + dt.timedelta(days=90),
        terms="T",
        clearance_document="1234-567-8901",
        clearance_checked_on=today,
    )
    for n in range(milestones):
        m = services.milestone_add(
            actor=bob, contract=contract.number, description=f"{n}", due_date=today, amount=1_000_000
        )
        services.milestone_decide(actor=bob, milestone_id=m.pk, accepted=True)
        services.payment_record(actor=bob, milestone_id=m.pk, amount=500_000, paid_on=today, reference="R")
    tender.refresh_from_db()
    return tender, contract


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018
    return len(queries)


@pytest.fixture
def cast(bob, committee, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier):
    return bob, committee, hana, hanbit, minsu, donghae


@pytest.mark.parametrize(
    "url",
    ["/api/v1/procurement/ocds/bulk/releases.json", "/api/v1/procurement/ocds/bulk/records.json"],
)
def test_the_bulk_packages_read_a_fixed_number_of_queries(client, cast, url):
    contracted(*cast)
    one = count(client, url)
    contracted(*cast)
    contracted(*cast)
    assert count(client, url) == one


def test_a_record_and_the_notice_do_not_grow_with_milestones(client, cast, hana):
    tender, contract = contracted(*cast, milestones=1)
    ocid = ocds.ocid_of(tender)
    urls = [
        f"/api/v1/procurement/ocds/{ocid}",
        f"/api/v1/procurement/ocds/{ocid}/record",
        f"/api/v1/procurement/tenders/{tender.number}",
        f"/api/v1/procurement/tenders/{tender.number}/contract",
        f"/procurement/tenders/{tender.number}/",
    ]
    before = {url: count(client, url) for url in urls}
    client.force_login(hana)
    page = f"/procurement/contracts/{contract.number}/"
    count(client, page)  # the first request after the login writes the session back
    page_before = count(client, page)
    bob = cast[0]
    today = timezone.localdate()
    for n in range(3):
        m = services.milestone_add(
            actor=bob, contract=contract.number, description=f"x{n}", due_date=today, amount=1_000_000
        )
        services.milestone_decide(actor=bob, milestone_id=m.pk, accepted=True)
        services.payment_record(actor=bob, milestone_id=m.pk, amount=500_000, paid_on=today, reference="R")
    assert count(client, page) == page_before
    client.logout()
    assert {url: count(client, url) for url in urls} == before
