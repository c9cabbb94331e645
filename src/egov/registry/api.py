"""Registry API: a public business-status check and the officials' resident search."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from egov.core.api_schemas import BRN_PATTERN, Error
from egov.core.errors import NotFound, ValidationFailed
from egov.core.ids import brn_format
from egov.registry import selectors, services

router = Router(tags=["registry"])


class BusinessStatusOut(Schema):
    brn: str
    status: str
    closed_on: dt.date | None


@router.get(
    "/businesses/status",
    response={200: BusinessStatusOut, 404: Error},
    summary="Status of a business registration number (public, like 사업자등록상태조회)",
)
def business_status(
    request,
    brn: str = Query(..., pattern=BRN_PATTERN, description="NNN-NN-NNNNN, hyphens optional"),
):
    """404 `not_found` when no business holds the number; a number whose check digit is wrong
    is one no business can hold, and the message says so."""
    try:
        business = selectors.business_get_by_brn(brn=brn)
    except ValidationFailed as exc:
        raise NotFound(exc.message, field="brn") from None
    if business is None:
        raise NotFound(_("No business is registered under this number."), field="brn")
    return {
        "brn": brn_format(business.brn),
        "status": business.status,
        "closed_on": business.closed_on,
    }


class ResidentOut(Schema):
    id: int
    rrn_masked: str
    name_ko: str
    name_en: str
    birth_date: dt.date
    sex: str
    status: str
    agency_code: str
    road_address: str

    @staticmethod
    def resolve_agency_code(obj) -> str:
        return obj.agency.code


# A full ID number, or two or more Hangul syllables (selectors.resident_search_for).
RESIDENT_QUERY_PATTERN = r"^([0-9]{6}-?[0-9]{7}|[가-힣]{2,100})$"


class ResidentSearchIn(Schema):
    q: str = Field(
        ...,
        min_length=2,
        max_length=100,
        pattern=RESIDENT_QUERY_PATTERN,
        description="Name prefix (2+ characters) or full ID number",
    )


@router.post(
    "/residents/search",
    response={200: list[ResidentOut], 400: Error, 401: Error, 403: Error},
    auth=django_auth,
    summary="Search residents in the official's agency by full ID number or name prefix",
    description="A POST so that names and ID numbers never appear in URLs or access logs.",
)
def resident_search(request, payload: ResidentSearchIn):
    """An ID number of the right shape that no one can hold (a wrong check digit, a date that
    does not exist) finds nobody: an empty list, like any number not on the register."""
    try:
        found = list(selectors.resident_search_for(actor=request.user, query=payload.q))
    except ValidationFailed:
        if payload.q[:1].isdigit():
            return []
        raise
    services.residents_listed(actor=request.user, found=found)
    return found


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentOut, 401: Error, 404: Error},
    auth=django_auth,
)
def resident_detail(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    services.resident_shown(actor=request.user, resident=resident)
    return resident
