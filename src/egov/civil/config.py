"""Services a government defines in the back office, without code: form, approval line, output."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.civil.handlers import schema_check
from egov.civil.models import Service
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, ValidationFailed
from egov.exchange.models import SharedItem


def configurable_service_create(
    *,
    actor,
    agency,
    code: str,
    name_ko: str,
    name_en: str,
    legal_basis: str,
    processing_days: int,
    form_schema: list,
    approval_steps: list,
    summary_ko: str = "",
    summary_en: str = "",
    eligibility_ko: str = "",
    eligibility_en: str = "",
    fee: int = 0,
    items: list[str] | None = None,
    papers_replaced: int = 0,
) -> Service:
    """Publish a configurable service of `agency`: an agency administrator's act. The output
    is the signed notice of decision (`civil.decision`) listing what was applied for."""
    if actor is not None:
        require_role(actor, "agency_admin", agency_id=agency.pk)
    schema, steps = schema_check(form_schema, approval_steps)
    name_ko = require_text(name_ko, "name_ko", label=_("The Korean name"), max_length=200)
    name_en = require_text(name_en, "name_en", label=_("The English name"), max_length=200)
    legal_basis = require_text(legal_basis, "legal_basis", label=_("The legal basis"), max_length=300)
    items = list(items or [])
    known = set(SharedItem.objects.filter(code__in=items, is_active=True).values_list("code", flat=True))
    if set(items) - known:
        raise ValidationFailed(
            _("Unknown shared item: %(code)s.") % {"code": sorted(set(items) - known)[0]}, field="items"
        )
    try:
        with transaction.atomic():
            service = Service.objects.create(
                code=code, name_ko=name_ko, name_en=name_en, summary_ko=summary_ko, summary_en=summary_en,
                agency=agency, legal_basis=legal_basis, eligibility_ko=eligibility_ko,
                eligibility_en=eligibility_en, fee=fee, processing_days=processing_days,
                kind=Service.Kind.PROCESSED, handler="configurable", form_schema=schema,
                approval_steps=steps, doc_type="civil.decision", items=items, papers_replaced=papers_replaced,
            )  # fmt: skip
            audit_record(actor=actor, action="civil.service.create", obj=service, after={"code": code})
    except IntegrityError:
        raise Conflict(_("A service with this code exists."), field="code") from None
    return service
