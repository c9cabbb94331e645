"""Year-end settlement, simplified (연말정산 간소화).

The National Tax Service gathers an employee's deduction data for a year from the agencies and
companies that hold it — insurance premiums (the insurers' association), medical costs (the
National Health Insurance Service), education costs (the Ministry of Education), card spending
(the card companies' association) — each served through `exchange` as a shared item
(`tax/shared.py`, `yearend.*`), fetched under the employee's consent (a `Consent` to the NTS
for those items, logged in the access log). The result is issued to the employee as a signed
document (`tax.yearend_deductions`, through `documents`), which they view and download. With a
second consent the employee gives it to their employer (a business by its registration
number); the employer's representatives then see it among the data received.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import AgencySystem
from egov.core.audit import audit_record
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.ids import IdentifierError, brn_parse
from egov.documents.services import document_files_atomic, document_issue
from egov.exchange.models import SharedItem
from egov.exchange.services import ExchangeRefused, consent_give, shared_item_fetch
from egov.registry.models import Agency, Business, Resident
from egov.tax.models import DeductionKind, YearEndPackage
from egov.tax.shared import NTS, YEAREND_PROVIDERS, YEAREND_YEARS

DOC_TYPE = "tax.yearend_deductions"
PURPOSE = "연말정산 간소화 자료 조회"
ITEMS = {code: kind for kind, code, *_rest in YEAREND_PROVIDERS}


def yearend_years(today: dt.date | None = None) -> list[int]:
    """The years whose data can be gathered, the latest (last year) first."""
    last = (today or timezone.localdate()).year - 1
    return [last - n for n in range(YEAREND_YEARS)]


def _citizen(actor) -> Resident:
    if not getattr(actor, "is_citizen", False) or not getattr(actor, "resident_id", None):
        raise PermissionDenied(_("Only the employee themselves can do this."))
    return Resident.objects.get(pk=actor.resident_id)


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year not in yearend_years():
        raise ValidationFailed(_("Choose one of the years offered."), field="year")
    return year


def yearend_prefill(*, actor, year, consent: bool) -> YearEndPackage:
    """Gather the employee's (`actor`, a citizen) deduction data for `year` through `exchange`
    under their consent, and issue it to them as a signed document. Gathering again replaces
    the year's data until it has been given to the employer (then Conflict)."""
    resident = _citizen(actor)
    year = _year(year)
    if consent is not True:
        raise ValidationFailed(
            _("Tick the consent box: the data is fetched from the agencies and companies that hold it."),
            field="consent",
        )
    existing = YearEndPackage.objects.filter(resident=resident, year=year).first()
    if existing is not None and existing.employer_id is not None:
        raise Conflict(_("This year's data has already been given to your employer."), field="year")
    nts = Agency.objects.get(code=NTS)
    items = list(SharedItem.objects.select_related("provider").filter(code__in=ITEMS).order_by("code"))
    if not items:
        raise ValidationFailed(_("No agency serves year-end settlement data yet."), field="year")
    today = timezone.localdate()
    with transaction.atomic():
        given = consent_give(actor=actor, recipient=nts, items=items, purpose=PURPOSE, valid_until=today)
        system, _created = AgencySystem.objects.get_or_create(
            agency=nts, name="HomeTax year-end settlement",
            defaults={"client_id": f"hometax-yearend-{nts.code}"},
        )  # fmt: skip
        subject = resident.rrn_reveal().replace("-", "")
        rows, trail = [], []
        for item in items:
            try:
                data, entry = shared_item_fetch(
                    actor=system, item=item.code, subject=subject, purpose=PURPOSE,
                    basis=f"consent:{given.pk}", fields=["records"], case_ref=f"YE-{year}",
                    user_ref=f"citizen:{actor.pk}",
                )  # fmt: skip
            except ExchangeRefused as exc:
                raise ValidationFailed(
                    _("%(item)s could not be fetched from %(agency)s: %(reason)s")
                    % {"item": item.name_ko, "agency": item.provider.name_ko, "reason": exc.message},
                    field="consent",
                ) from None
            trail.append({"item": item.code, "provider": item.provider.code, "log_seq": entry.seq})
            rows += [
                {"kind": ITEMS[item.code], "provider": item.provider.code,
                 "provider_name": item.provider.name_ko, "payee": r["payee"], "amount": int(r["amount"])}
                for r in data.get("records", []) if r.get("year") == year
            ]  # fmt: skip
        totals = {kind: sum(r["amount"] for r in rows if r["kind"] == kind) for kind in DeductionKind.values}
        with document_files_atomic():
            document = document_issue(
                actor=actor, doc_type=DOC_TYPE, subject=resident, agency=nts, language="ko",
                payload=_payload(resident, year, rows, totals),
            )  # fmt: skip
            package, _created = YearEndPackage.objects.update_or_create(
                resident=resident, year=year,
                defaults={"items": rows, "totals": totals, "fetched": trail, "document": document,
                          "created_at": timezone.now()},
            )  # fmt: skip
        audit_record(
            actor=actor, action="tax.yearend_prefill", obj=package,
            after={"year": year, "records": len(rows), "totals": totals, "document": document.number},
        )  # fmt: skip
    return package


def _payload(resident: Resident, year: int, rows: list[dict], totals: dict) -> dict:
    labels = dict(DeductionKind.choices)
    korean = {
        "insurance": "보험료", "medical": "의료비", "education": "교육비", "card": "신용카드 등 사용금액",
    }  # fmt: skip
    return {
        "name": resident.name_ko,
        "rrn": resident.rrn_masked,
        "year": year,
        "sections": [
            {
                "kind": kind,
                "label": korean[kind],
                "label_en": str(labels[kind]),
                "total": totals[kind],
                "rows": [r for r in rows if r["kind"] == kind],
            }
            for kind in DeductionKind.values
        ],  # fmt: skip
        "total": sum(totals.values()),
    }


def yearend_give(*, actor, year, brn, consent: bool) -> YearEndPackage:
    """The employee gives the year's data to their employer (the business `brn`), with consent.
    Giving it again to the same employer changes nothing; to another one is refused."""
    resident = _citizen(actor)
    year = _year(year)
    if consent is not True:
        raise ValidationFailed(
            _("Tick the box to consent to giving the data to your employer."), field="consent"
        )
    try:
        digits = brn_parse(brn)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="brn") from None
    employer = Business.objects.filter(brn=digits).first()
    if employer is None:
        raise ValidationFailed(_("No business has this registration number."), field="brn")
    if employer.status == Business.Status.CLOSED:
        raise ValidationFailed(_("This business is closed."), field="brn", code="business_closed")
    with transaction.atomic():
        package = YearEndPackage.objects.select_for_update().filter(resident=resident, year=year).first()
        if package is None:
            raise ValidationFailed(_("Gather the year's data first."), field="year")
        if package.employer_id == employer.pk:
            return package
        if package.employer_id is not None:
            raise Conflict(_("This year's data has already been given to another employer."), field="brn")
        package.employer, package.given_at = employer, timezone.now()
        try:
            with transaction.atomic():
                package.save(update_fields=["employer", "given_at"])
        except IntegrityError:
            raise Conflict(_("This year's data has already been given."), field="brn") from None
        audit_record(
            actor=actor, action="tax.yearend_give", obj=package,
            after={"year": year, "employer": employer.brn, "consent": True,
                   "document": package.document.number},
        )  # fmt: skip
    return package
