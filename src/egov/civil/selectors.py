"""The counters the government reports, per service and month (Government24's KPIs).

- online vs counter applications (certificates issued online count as online applications);
- papers not submitted: each application × the papers its service's shared items replace;
- visits avoided: each online application is one visit to an office not made;
- processing time of decided applications, in business days: average and 95th percentile;
- on-time share: decided applications decided by their due date.
"""

import datetime as dt
import math

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids
from egov.civil.models import Application, Service
from egov.core import deadlines
from egov.core.errors import ValidationFailed


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime, str]:
    today = timezone.localdate()
    if not month:
        first = today.replace(day=1)
    else:
        try:
            year, number = (int(part) for part in month.split("-"))
            first = dt.date(year, number, 1)
        except (ValueError, TypeError):
            raise ValidationFailed(_("Give the month as YYYY-MM."), field="month") from None
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(following, dt.time.min, tzinfo=zone)
    return start, end, first.strftime("%Y-%m")


def counters(*, official=None, month: str = "", services=None) -> tuple[list[dict], str]:
    start, end, label = _month_bounds(month)
    rows = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if official is not None:
        rows = rows.filter(service__agency_id__in=agency_scope_ids(official))
    if services is not None:
        rows = rows.filter(service__in=services)
    counts = {
        r["service"]: r
        for r in rows.values("service").annotate(
            total=Count("id"),
            online=Count("id", filter=Q(channel="online")),
            counter=Count("id", filter=Q(channel="counter")),
        )
    }
    decided = rows.filter(decided_at__isnull=False).values_list(
        "service", "submitted_at", "decided_at", "clock__due_at", "service__kind"
    )
    calendar = deadlines.calendar_get()  # once: each look-up checks the holiday table
    times: dict[int, list[float]] = {}
    on_time: dict[int, list[bool]] = {}
    for service_id, submitted, decided_at, due, kind in decided:
        if kind == Service.Kind.INSTANT:
            days = (decided_at - submitted).total_seconds() / 86400
        else:
            days = deadlines.business_days_between(submitted, decided_at, calendar=calendar)
        times.setdefault(service_id, []).append(days)
        on_time.setdefault(service_id, []).append(due is None or decided_at <= due)
    out = []
    for service in Service.objects.filter(pk__in=counts).select_related("agency").order_by("name_ko"):
        c = counts[service.pk]
        spent = sorted(times.get(service.pk, []))
        p95 = spent[max(0, math.ceil(len(spent) * 0.95) - 1)] if spent else None
        punctual = on_time.get(service.pk, [])
        out.append(
            {
                "service": service,
                "total": c["total"],
                "online": c["online"],
                "counter": c["counter"],
                "online_share": c["online"] / c["total"] if c["total"] else 0,
                "papers_saved": c["total"] * service.papers_replaced,
                "visits_avoided": c["online"],
                "decided": len(spent),
                "average_days": sum(spent) / len(spent) if spent else None,
                "p95_days": p95,
                "on_time_share": sum(punctual) / len(punctual) if punctual else None,
            }
        )
    return out, label
