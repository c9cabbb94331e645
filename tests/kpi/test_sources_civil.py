"""Government24's `online_services_share` from the real catalogue (`catalogue_seed`, as the
platform is set up), then the worker's tick; a service taken offline lowers it at the next
gauge write (the gauge is rewritten at most once a minute: the test lets that minute pass)."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from egov.civil.models import Service
from egov.kpi.models import Watermark
from tests.civil.conftest import *  # noqa: F403  (the agencies and the catalogue, as fixtures)
from tests.kpi.helpers import tick_and_read


def a_minute_passes() -> None:
    Watermark.objects.filter(source="civil.catalogue").update(
        updated_at=timezone.now() - dt.timedelta(minutes=2)
    )


def test_services_online_is_the_agencys_active_services_over_its_catalogue(catalogue):
    by_agency = Counter(s.agency for s in catalogue.values())
    agency, n = by_agency.most_common(1)[0]
    assert n >= 2 and all(s.is_active for s in catalogue.values())
    mine = Service.objects.filter(agency=agency)
    assert tick_and_read("online_services_share", agency) == 100.0

    # Taken offline (no service function does this yet: the catalogue flag itself).
    Service.objects.filter(pk=mine.order_by("code").first().pk).update(is_active=False)
    assert tick_and_read("online_services_share", agency) == 100.0  # within the minute: not yet rewritten
    a_minute_passes()
    assert tick_and_read("online_services_share", agency) == 100.0 * (n - 1) / n

    mine.update(is_active=False)
    a_minute_passes()
    assert tick_and_read("online_services_share", agency) == 0.0  # none online: 0 %, not "no figure"
    others = [a for a in by_agency if a != agency]
    for other in others:
        assert tick_and_read("online_services_share", other) == 100.0
