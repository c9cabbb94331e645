"""datastore_search's parts directly (the live-server tests drive it through ckanapi)."""

import pytest
from django.db import connection

from egov.core.errors import ValidationFailed
from egov.opendata import actions, store


def test_a_large_filtered_total_is_estimated_past_the_cap_on_postgresql(bus_dataset, monkeypatch):
    resource = bus_dataset.resources.get()
    monkeypatch.setattr(store, "COUNT_CAP", 1)
    result = actions.datastore_search({"resource_id": str(resource.pk), "filters": {"district": "종로구"}})
    if connection.vendor == "postgresql":
        assert result["total_was_estimated"] is True and result["total"] >= 2
    else:
        assert result["total"] == 2 and result["total_was_estimated"] is False
    assert len(result["records"]) == 2


def test_several_equality_filters_are_one_containment_and_still_exact(bus_dataset):
    resource = bus_dataset.resources.get()
    result = actions.datastore_search(
        {"resource_id": str(resource.pk), "filters": {"district": "종로구", "month": "2026-02"}}
    )
    assert result["total"] == 1 and result["records"][0]["riders"] == 1500
    assert result["total_was_estimated"] is False


def test_a_date_field_filter_needs_an_iso_date():
    from egov.opendata.query import datastore_query_parse

    columns = [{"id": "day", "type": "date"}]
    assert datastore_query_parse({"filters": {"day": "2026-01-05"}}, columns=columns).filters == {
        "day": ["2026-01-05"]
    }
    with pytest.raises(ValidationFailed):
        datastore_query_parse({"filters": {"day": "5 Jan"}}, columns=columns)
