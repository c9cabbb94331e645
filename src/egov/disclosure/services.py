"""Information disclosure (정보공개법): request, extension, decision, deemed refusal, objection and
its decision, released files.

A request is a case of the kernel (`egov.cases`, declared in `procedure.py`): every state change
is one transaction, taken with `case_lock_for` (who may act, as declared) and recorded with
`case_transition` (the state, a history row, an audit event with the step's legal basis, an
e-mail to the requester after commit). What is particular to disclosure stays here: the grounds
and exempt categories of a decision, the withheld parts, the deadline clocks (`core.deadlines`:
started on receipt, extended once, closed on the decision or the deemed refusal; the objection
has its own), the 30 days for an objection. Released files are kept by the kernel
(`case_files_store`, purpose "released") and never mailed: the requester downloads them in the
portal.

Who may act: the requester on their own request (object); officials of the agency the request
was made to, or of an agency above it, holding the registrar or agency-administrator role
(extend, decide, release, extend and decide the objection). To anyone else the request does not
exist (NotFound), so its number reveals nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.cases.models import CaseAttachment
from egov.cases.services import (
    case_files_atomic,
    case_files_store,
    case_lock_for,
    case_number_allocate,
    case_transition,
)
from egov.core import deadlines
from egov.core import files as core_files
from egov.core.checks import require_text
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.disclosure.models import DisclosureRequest, ExemptCategory, Objection, WithheldPart
from egov.disclosure.periods import OBJECTION, REQUEST
from egov.disclosure.procedure import DECIDED_STATES, DISCLOSURE, LAW, RELEASED
from egov.exchange.services import person_record_shown
from egov.registry.models import Agency

TITLE_MAX = 200
CONTENT_MAX = 4000
GROUNDS_MAX = 8000
REASON_MAX = 1000
PART_MAX = 500
OBJECTION_DAYS = 30  # 정보공개법 제18조제1항: 30 days from the decision or the deemed refusal
OBJECTABLE = (
    DisclosureRequest.Outcome.PARTIAL,
    DisclosureRequest.Outcome.REFUSED,
    DisclosureRequest.Outcome.DEEMED_REFUSED,
)
RELEASING_OBJECTIONS = (Objection.Outcome.ACCEPTED, Objection.Outcome.PARTLY_ACCEPTED)

Request = DisclosureRequest


# --- helpers ----------------------------------------------------------------------------------


def _agency(agency) -> Agency:
    if isinstance(agency, Agency):
        agency = agency.code
    code = str(agency or "").strip()[:7]
    found = Agency.objects.filter(code=code).exclude(kind=Agency.Kind.THIRD_PARTY).first() if code else None
    if found is None:
        raise ValidationFailed(_("Choose the agency that holds the information."), field="agency")
    return found


def _categories(values, field: str) -> list[str]:
    codes = sorted({str(value).strip() for value in (values or [])})
    if any(code not in ExemptCategory.values for code in codes):
        raise ValidationFailed(
            _("An exempt category is one of 1 to 8 of Article 9(1) of the Act."), field=field
        )
    return codes


def _withheld_parts(parts) -> list[tuple[str, str]]:
    """[(category, description)] from dicts or pairs; ValidationFailed on `withheld_parts`."""
    out = []
    for part in parts or []:
        if isinstance(part, dict):
            category, description = part.get("category"), part.get("description")
        else:
            try:
                category, description = part
            except (TypeError, ValueError):
                raise ValidationFailed(_("Describe each withheld part."), field="withheld_parts") from None
        category = str(category or "").strip()
        if category not in ExemptCategory.values:
            raise ValidationFailed(
                _("Each withheld part cites an exempt category, 1 to 8 of Article 9(1) of the Act."),
                field="withheld_parts",
            )
        description = require_text(
            description, "withheld_parts", label=_("The withheld part"), max_length=PART_MAX
        )
        out.append((category, description))
    return out


# --- the requester ----------------------------------------------------------------------------


def request_file(*, actor, agency, title: str, content: str, release_form: str) -> Request:
    """A citizen or a business representative asks an agency for information (정보공개 청구,
    제10조): the agency decides within 10 business days of receipt (제11조제1항)."""
    if not (getattr(actor, "is_citizen", False) or getattr(actor, "is_business", False)):
        raise PermissionDenied(_("Disclosure requests are made by citizens and businesses."))
    title = require_text(title, "title", label=_("The title"), max_length=TITLE_MAX)
    content = require_text(content, "content", label=_("The information sought"), max_length=CONTENT_MAX)
    if release_form not in Request.ReleaseForm.values:
        raise ValidationFailed(_("Choose how the information should be released."), field="release_form")
    agency = _agency(agency)
    with transaction.atomic():
        now = timezone.now()
        number = case_number_allocate(procedure=DISCLOSURE, at=now)
        clock = deadlines.clock_start(
            case_type=REQUEST, case_ref=f"disclosure.request:{number}", agency=agency, received_at=now,
            actor=actor,
        )  # fmt: skip
        request = Request.objects.create(
            number=number, agency=agency, requester=actor, title=title, content=content,
            release_form=release_form, submitted_at=now, clock=clock,
        )  # fmt: skip
        case_transition(
            actor=actor, case=request, action="file", data={"agency": agency.code},
            after={"agency": agency.code, "release_form": release_form},
            notify_note=f"처리기한 / Due: {timezone.localtime(clock.due_at):%Y-%m-%d}",
        )  # fmt: skip
    return request


def objection_deadline(request: Request) -> dt.datetime | None:
    """The last moment for an objection: 30 days after the decision or the deemed refusal."""
    if request.decided_at is None:
        return None
    return request.decided_at + dt.timedelta(days=OBJECTION_DAYS)


@transaction.atomic
def objection_file(*, actor, request: Request, reason: str) -> Objection:
    """The requester objects (이의신청, 제18조) to a partial disclosure, a non-disclosure or a deemed
    refusal, within 30 days; the agency decides within 7 business days on a new clock."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=CONTENT_MAX)
    request = case_lock_for(actor=actor, case=request, action="object", check_state=False)
    if request.state not in DECIDED_STATES or request.outcome not in OBJECTABLE:
        raise Conflict(
            _("An objection can be made to a partial disclosure, a non-disclosure or a deemed refusal."),
            field="request",
            code="state",
        )
    now = timezone.now()
    if now > objection_deadline(request):
        raise Conflict(
            _("An objection is made within %(days)d days of the decision.") % {"days": OBJECTION_DAYS},
            field="request",
            code="expired",
        )
    clock = deadlines.clock_start(
        case_type=OBJECTION, case_ref=request.objection_case_ref, agency=request.agency, received_at=now,
        actor=actor,
    )  # fmt: skip
    objection = Objection.objects.create(request=request, reason=reason, filed_at=now, clock=clock)
    case_transition(
        actor=actor, case=request, action="object", note=reason, reason=reason,
        notify_note=f"처리기한 / Due: {timezone.localtime(clock.due_at):%Y-%m-%d}",
    )  # fmt: skip
    return objection


# --- officials --------------------------------------------------------------------------------


@transaction.atomic
def request_extend(*, actor, request: Request, reason: str) -> Request:
    """Extend the decision period once by 10 business days (제11조제2항): the requester is told the
    reason and the new due date by e-mail. A second extension is refused (`extension_limit`)."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    request = case_lock_for(actor=actor, case=request, action="extend")
    clock = deadlines.clock_extend(case_ref=request.case_ref, reason=reason, actor=actor)
    request.clock = clock
    due = timezone.localtime(clock.due_at)
    case_transition(
        actor=actor, case=request, action="extend", note=reason, reason=reason, after={"due_at": due},
        data={"due_at": clock.due_at.isoformat()},
        notify_note=f"처리기한 / New due date: {due:%Y-%m-%d}\n사유 / Reason: {reason}",
    )  # fmt: skip
    return request


@transaction.atomic
def request_decide(
    *,
    actor,
    request: Request,
    outcome: str,
    grounds: str = "",
    withheld_parts=(),
    exempt_categories=(),
) -> Request:
    """Decide the request (제13조): `full`; `partial`, naming each withheld part with its exempt
    category of 제9조제1항 (1–8); or `refused`, citing one or more exempt categories. Grounds are
    required unless everything is disclosed. The clock closes."""
    if outcome not in (Request.Outcome.FULL, Request.Outcome.PARTIAL, Request.Outcome.REFUSED):
        raise ValidationFailed(_("Choose full, partial or non-disclosure."), field="outcome")
    parts = _withheld_parts(withheld_parts)
    categories = _categories(exempt_categories, "exempt_categories")
    if outcome == Request.Outcome.FULL:
        grounds = (grounds or "").strip()
        if len(grounds) > GROUNDS_MAX or "\x00" in grounds:
            raise ValidationFailed(_("The grounds are too long."), field="grounds")
        if parts or categories:
            raise ValidationFailed(_("A full disclosure withholds nothing."), field="withheld_parts")
    else:
        grounds = require_text(grounds, "grounds", label=_("The grounds"), max_length=GROUNDS_MAX)
    if outcome == Request.Outcome.PARTIAL:
        if not parts:
            raise ValidationFailed(
                _("A partial disclosure names each withheld part and its exempt category."),
                field="withheld_parts",
            )
        categories = sorted({category for category, _description in parts} | set(categories))
    if outcome == Request.Outcome.REFUSED:
        if parts:
            raise ValidationFailed(_("A non-disclosure withholds everything."), field="withheld_parts")
        if not categories:
            raise ValidationFailed(
                _("A non-disclosure cites the exempt category of Article 9(1)."), field="exempt_categories"
            )
    request = case_lock_for(actor=actor, case=request, action="decide")
    clock = deadlines.clock_close(case_ref=request.case_ref, actor=actor, reason=f"decided: {outcome}")
    request.clock = clock
    request.outcome = outcome
    request.grounds = grounds
    request.exempt_categories = categories
    request.decided_at = clock.closed_at
    request.decided_by = actor
    WithheldPart.objects.bulk_create(
        WithheldPart(request=request, category=category, description=description)
        for category, description in parts
    )
    case_transition(
        actor=actor, case=request, action="decide",
        fields=["outcome", "grounds", "exempt_categories", "decided_at", "decided_by"], note=grounds,
        data={"outcome": outcome, "categories": categories, "late": bool(clock.closed_late)},
        after={"outcome": outcome, "exempt_categories": categories, "withheld_parts": len(parts)},
    )  # fmt: skip
    return request


def _may_release(request: Request) -> bool:
    if request.outcome in (Request.Outcome.FULL, Request.Outcome.PARTIAL):
        return True
    objection = getattr(request, "objection", None)
    return objection is not None and objection.outcome in RELEASING_OBJECTIONS


def release_upload(*, actor, request: Request, uploads) -> list[CaseAttachment]:
    """The official uploads the information released (after a full or partial disclosure, or an
    objection accepted): checked by content, delivered to the requester in the portal only."""
    checked = core_files.files_check(uploads, field="files")
    if not checked:
        raise ValidationFailed(_("Attach at least one file."), field="files")
    with case_files_atomic():
        request = case_lock_for(actor=actor, case=request, action="release", check_state=False)
        if not _may_release(request):
            raise Conflict(
                _("Files are released after a full or partial disclosure or an accepted objection."),
                field="files",
                code="state",
            )
        created = case_files_store(actor=actor, case=request, files=checked, purpose=RELEASED)
        case_transition(
            actor=actor, case=request, action="release", data={"files": len(created)},
            after={"files": len(created)},
            notify_note="공개 파일을 내려받으실 수 있습니다 / Released files are ready in the portal.",
        )  # fmt: skip
    return created


def _objection_for_official(actor, request: Request, action: str) -> tuple[Request, Objection]:
    request = case_lock_for(actor=actor, case=request, action=action, check_state=False)
    objection = Objection.objects.select_for_update().filter(request=request).first()
    if objection is None or request.state != Request.State.OBJECTED or not objection.is_open:
        raise Conflict(_("There is no pending objection."), field="request", code="state")
    return request, objection


@transaction.atomic
def objection_extend(*, actor, request: Request, reason: str) -> Objection:
    """Extend the objection's period once by 7 business days (제18조제3항), with notice."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    request, objection = _objection_for_official(actor, request, "objection_extend")
    clock = deadlines.clock_extend(case_ref=request.objection_case_ref, reason=reason, actor=actor)
    objection.clock = clock
    objection.state = Objection.State.EXTENDED
    objection.save(update_fields=["state"])
    due = timezone.localtime(clock.due_at)
    case_transition(
        actor=actor, case=request, action="objection_extend", note=reason, reason=reason,
        after={"due_at": due}, data={"due_at": clock.due_at.isoformat()},
        notify_note=f"이의신청 처리기한 / New due date: {due:%Y-%m-%d}\n사유 / Reason: {reason}",
    )  # fmt: skip
    return objection


@transaction.atomic
def objection_decide(*, actor, request: Request, outcome: str, grounds: str) -> Objection:
    """Decide the objection (제18조제3항·제4항): accepted, partly accepted or dismissed, with grounds.
    After an acceptance the official releases the files."""
    if outcome not in Objection.Outcome.values:
        raise ValidationFailed(_("Choose accepted, partly accepted or dismissed."), field="outcome")
    grounds = require_text(grounds, "grounds", label=_("The grounds"), max_length=GROUNDS_MAX)
    request, objection = _objection_for_official(actor, request, "objection_decide")
    clock = deadlines.clock_close(
        case_ref=request.objection_case_ref, actor=actor, reason=f"decided: {outcome}"
    )
    objection.clock = clock
    objection.state = Objection.State.DECIDED
    objection.outcome = outcome
    objection.grounds = grounds
    objection.decided_at = clock.closed_at
    objection.decided_by = actor
    objection.save(update_fields=["state", "outcome", "grounds", "decided_at", "decided_by"])
    case_transition(
        actor=actor, case=request, action="objection_decide", note=grounds, data={"outcome": outcome},
        after={"outcome": outcome},
    )  # fmt: skip
    return objection


def request_shown(*, actor, disclosure: DisclosureRequest) -> None:
    """An official opened `disclosure` (from `request_get_for_official`), a request its
    requester wrote: recorded in the requester's "who looked at my data"."""
    resident_id = getattr(disclosure.requester, "resident_id", None)
    if resident_id is None:
        return
    person_record_shown(
        actor=actor, subject=resident_id, what="disclosure.request", case_ref=disclosure.number,
        purpose=f"정보공개 청구 처리 (disclosure request {disclosure.number})",
        legal_basis=f"{LAW} 제11조 (정보공개 여부의 결정)",
    )  # fmt: skip
