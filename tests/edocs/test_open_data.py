"""On-nara's open data feed (issue 19, item 4): documents approved and sent electronically per
month and agency, published by the open-data portal as a dataset."""

import pytest
from django.utils import timezone

from egov.core.open_data import feeds
from egov.edocs.open_data import statistics_table
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from egov.opendata.models import Dataset, DatastoreRow
from egov.opendata.services import feed_refresh
from tests.edocs.stepup import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(draft, minji, junho, soyeon, park, gangnam, gangnam_office, busan):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft(recipients=[gangnam, busan]))
    for official in (junho, soyeon, park):
        document = document_sign(actor=official, step_up=fresh(official), document=document)
    document_dispatch(actor=minji, document=document)  # Busan has no registry office: bounced
    return document


def _rows(table):
    names = [c.name for c in table.columns]
    return [dict(zip(names, row, strict=True)) for row in table.rows]


def test_the_statistics_count_the_agencys_approved_delivered_and_bounced_documents(dispatched, mois):
    [row] = _rows(statistics_table())
    assert row["month"] == timezone.localdate().strftime("%Y-%m")
    assert row["agency_code"] == dispatched.agency.code and row["agency"] == dispatched.agency.name_ko
    assert (row["approved"], row["internal"], row["delivered"], row["bounced"]) == (1, 0, 1, 1)
    assert row["average_approval_hours"] is not None and row["average_approval_hours"] >= 0
    assert "title" not in row and dispatched.title not in str(row)


def test_the_feed_is_published_as_a_dataset_with_a_datastore(dispatched, mois):
    [feed] = [f for f in feeds() if f.slug == "edocs-statistics-by-agency"]
    dataset = feed_refresh(feed=feed, force=True)
    assert Dataset.objects.get(name="edocs-statistics-by-agency").pk == dataset.pk
    resource = dataset.resources.get()
    assert resource.row_count == 1
    assert DatastoreRow.objects.get(resource=resource).data["delivered"] == 1
