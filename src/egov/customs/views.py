"""Customs pages: the trader's and broker's declarations, the officials' queue and case work,
rule sets and the tariff, and the public statistics."""

from django.shortcuts import render

from egov.customs import selectors


def statistics(request):
    """Trade by month, HS chapter and country, and clearance times by lane (public)."""
    return render(
        request,
        "customs/statistics.html",
        {"trade": selectors.trade_statistics(), "clearance": selectors.clearance_times()},
    )
