"""Information disclosure (정보공개법): request, extension, decision, deemed refusal, objection and
its decision, released files.

Every state change is one transaction: the request's state, a history row (`RequestEvent`), the
deadline clock (`core.deadlines`: started on receipt, extended once, closed on the decision or
the deemed refusal; the objection has its own), an audit event, and an e-mail to the requester
after commit. Released files are never mailed: the requester downloads them in the portal.

Who may act: the requester on their own request (object); officials of the agency the request
was made to, or of an agency above it, holding the registrar or agency-administrator role
(extend, decide, upload, decide the objection). To anyone else the request does not exist
(NotFound), so its number reveals nothing.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, has_role
from egov.core import deadlines
from egov.core.audit import audit_record, refusal_log
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.disclosure import files
from egov.disclosure.models import (
    DisclosureRequest,
    ExemptCategory,
    Objection,
    ReleasedFile,
    RequestEvent,
    WithheldPart,
)
from egov.disclosure.periods import OBJECTION, REQUEST
from egov.registry.models import Agency

logger = logging.getLogger(__name__)

TITLE_MAX = 200
CONTENT_MAX = 4000
GROUNDS_MAX = 8000
REASON_MAX = 1000
PART_MAX = 500
OBJECTION_DAYS = 30  # 정보공개법 제18조제1항: 30 days from the decision or the deemed refusal
ACT_ROLES = ("registrar", "agency_admin")
OBJECTABLE = (
    DisclosureRequest.Outcome.PARTIAL,
    DisclosureRequest.Outcome.REFUSED,
    DisclosureRequest.Outcome.DEEMED_REFUSED,
)
RELEASING_OBJECTIONS = (Objection.Outcome.ACCEPTED, Objection.Outcome.PARTLY_ACCEPTED)

Request = DisclosureRequest


# --- helpers ----------------------------------------------------------------------------------


def _refused(actor, what: str, **ids) -> None:
    refusal_log(logger, "disclosure", actor, what, **ids)


def _number() -> str:
    while True:
        number = f"DR-{timezone.localdate():%y%m}-{secrets.randbelow(10**7):07d}"
        if not Request.objects.filter(number=number).exists():
            return number


def event_record(request: Request, *, actor, action: str, note: str = "", **data) -> None:
    RequestEvent.objects.create(
        request=request,
        actor=actor if getattr(actor, "pk", None) else None,
        state=request.state,
        action=action,
        note=note,
        data=data,
    )


def mail_after_commit(
    request: Request, note: str = "", *, to: list[str] | None = None, office: bool = False
) -> None:
    """Tell the requester (or the officials `to`, with `office`) of the request's new state once
    the change is committed."""
    recipients = [address for address in (to if to is not None else [request.requester.email]) if address]
    if not recipients:
        return
    state = request.state

    def send():
        with translation.override("ko"):
            state_ko = str(Request.State(state).label)
        with translation.override("en"):
            state_en = str(Request.State(state).label)
        subject = f"[egov] 정보공개 {request.number}: {state_ko} / {state_en}"
        body = "\n".join(
            line
            for line in (
                request.title,
                f"청구번호 / Request: {request.number}",
                f"상태 / Status: {state_ko} / {state_en}",
                note,
                f"{settings.EGOV_PUBLIC_URL}/{'office' if office else 'my'}/disclosure/{request.number}/",
            )
            if line
        )
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # noqa: BLE001 - a mail server outage must not undo the change
            logger.exception("disclosure mail not sent", extra={"disclosure_request": request.pk})

    transaction.on_commit(send)


def _agency(agency) -> Agency:
    if isinstance(agency, Agency):
        agency = agency.code
    code = str(agency or "").strip()[:7]
    found = Agency.objects.filter(code=code).exclude(kind=Agency.Kind.THIRD_PARTY).first() if code else None
    if found is None:
        raise ValidationFailed(_("Choose the agency that holds the information."), field="agency")
    return found


def for_official(actor, request: Request) -> Request:
    """The request locked for an official who may act on it; NotFound outside their agencies."""
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only officials decide disclosure requests."))
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.agency_id not in agency_scope_ids(actor):
        _refused(actor, "request of another agency", disclosure_request=request.pk)
        raise NotFound(_("No such request."), field="request")
    if not any(has_role(actor, role) for role in ACT_ROLES):
        raise PermissionDenied(_("Deciding requests needs the registrar or agency administrator role."))
    return locked


def _for_requester(actor, request: Request) -> Request:
    if request.requester_id != getattr(actor, "pk", None):
        _refused(actor, "request of someone else", disclosure_request=request.pk)
        raise NotFound(_("No such request."), field="request")
    return Request.objects.select_for_update().get(pk=request.pk)


def _require_open(request: Request) -> None:
    if not request.is_open:
        raise Conflict(
            _("The request is %(state)s; this cannot be done now.") % {"state": request.get_state_display()},
            field="request",
            code="closed",
        )


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
        number = _number()
        now = timezone.now()
        clock = deadlines.clock_start(
            case_type=REQUEST, case_ref=f"disclosure.request:{number}", agency=agency, received_at=now,
            actor=actor,
        )  # fmt: skip
        request = Request.objects.create(
            number=number, agency=agency, requester=actor, title=title, content=content,
            release_form=release_form, submitted_at=now, clock=clock,
        )  # fmt: skip
        event_record(request, actor=actor, action="file", agency=agency.code)
        audit_record(
            actor=actor, action="disclosure.file", obj=request,
            after={"agency": agency.code, "release_form": release_form},
        )  # fmt: skip
        mail_after_commit(request, f"처리기한 / Due: {timezone.localtime(clock.due_at):%Y-%m-%d}")
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
    request = _for_requester(actor, request)
    if request.state not in (Request.State.DECIDED, Request.State.DEEMED_REFUSED) or (
        request.outcome not in OBJECTABLE
    ):
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
    request.state = Request.State.OBJECTED
    request.save(update_fields=["state"])
    event_record(request, actor=actor, action="object", note=reason)
    audit_record(actor=actor, action="disclosure.object", obj=request, reason=reason)
    mail_after_commit(request, f"처리기한 / Due: {timezone.localtime(clock.due_at):%Y-%m-%d}")
    return objection


# --- officials --------------------------------------------------------------------------------


@transaction.atomic
def request_extend(*, actor, request: Request, reason: str) -> Request:
    """Extend the decision period once by 10 business days (제11조제2항): the requester is told the
    reason and the new due date by e-mail."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    request = for_official(actor, request)
    _require_open(request)
    clock = deadlines.clock_extend(case_ref=request.case_ref, reason=reason, actor=actor)
    request.clock = clock
    request.state = Request.State.EXTENDED
    request.save(update_fields=["state"])
    due = timezone.localtime(clock.due_at)
    event_record(request, actor=actor, action="extend", note=reason, due_at=clock.due_at.isoformat())
    audit_record(actor=actor, action="disclosure.extend", obj=request, reason=reason, after={"due_at": due})
    mail_after_commit(request, f"처리기한 / New due date: {due:%Y-%m-%d}\n사유 / Reason: {reason}")
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
    request = for_official(actor, request)
    _require_open(request)
    clock = deadlines.clock_close(case_ref=request.case_ref, actor=actor, reason=f"decided: {outcome}")
    request.clock = clock
    request.state = Request.State.DECIDED
    request.outcome = outcome
    request.grounds = grounds
    request.exempt_categories = categories
    request.decided_at = clock.closed_at
    request.decided_by = actor
    request.save(
        update_fields=["state", "outcome", "grounds", "exempt_categories", "decided_at", "decided_by"]
    )
    WithheldPart.objects.bulk_create(
        WithheldPart(request=request, category=category, description=description)
        for category, description in parts
    )
    event_record(
        request, actor=actor, action="decide", note=grounds, outcome=outcome, categories=categories,
        late=bool(clock.closed_late),
    )  # fmt: skip
    audit_record(
        actor=actor, action="disclosure.decide", obj=request,
        after={"outcome": outcome, "exempt_categories": categories, "withheld_parts": len(parts)},
        legal_basis="공공기관의 정보공개에 관한 법률 제9조제1항·제13조",
    )  # fmt: skip
    mail_after_commit(request, grounds)
    return request


def _may_release(request: Request) -> bool:
    if request.outcome in (Request.Outcome.FULL, Request.Outcome.PARTIAL):
        return True
    objection = getattr(request, "objection", None)
    return objection is not None and objection.outcome in RELEASING_OBJECTIONS


def release_upload(*, actor, request: Request, uploads) -> list[ReleasedFile]:
    """The official uploads the information released (after a full or partial disclosure, or an
    objection accepted): checked by content, delivered to the requester in the portal only."""
    checked = files.files_check(uploads, field="files")
    written: list[str] = []
    try:
        with transaction.atomic():
            request = for_official(actor, request)
            if not _may_release(request):
                raise Conflict(
                    _("Files are released after a full or partial disclosure or an accepted objection."),
                    field="files",
                    code="state",
                )
            created = []
            for item in checked:
                storage_name = files.file_write(item.content)
                written.append(storage_name)
                created.append(
                    ReleasedFile.objects.create(
                        request=request, original_name=item.name, content_type=item.content_type,
                        size=len(item.content), sha256=item.sha256, storage_name=storage_name,
                        uploaded_by=actor,
                    )
                )  # fmt: skip
            event_record(request, actor=actor, action="release", files=len(created))
            audit_record(actor=actor, action="disclosure.release", obj=request, after={"files": len(created)})
            mail_after_commit(
                request, "공개 파일을 내려받으실 수 있습니다 / Released files are ready in the portal."
            )
    except BaseException:
        for storage_name in written:
            files.file_delete(storage_name)
        raise
    return created


def _objection_for_official(actor, request: Request) -> tuple[Request, Objection]:
    request = for_official(actor, request)
    objection = Objection.objects.select_for_update().filter(request=request).first()
    if objection is None or request.state != Request.State.OBJECTED or not objection.is_open:
        raise Conflict(_("There is no pending objection."), field="request", code="state")
    return request, objection


@transaction.atomic
def objection_extend(*, actor, request: Request, reason: str) -> Objection:
    """Extend the objection's period once by 7 business days (제18조제3항), with notice."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=REASON_MAX)
    request, objection = _objection_for_official(actor, request)
    clock = deadlines.clock_extend(case_ref=request.objection_case_ref, reason=reason, actor=actor)
    objection.clock = clock
    objection.state = Objection.State.EXTENDED
    objection.save(update_fields=["state"])
    due = timezone.localtime(clock.due_at)
    event_record(
        request, actor=actor, action="objection_extend", note=reason, due_at=clock.due_at.isoformat()
    )
    audit_record(
        actor=actor, action="disclosure.objection_extend", obj=request, reason=reason, after={"due_at": due}
    )
    mail_after_commit(request, f"이의신청 처리기한 / New due date: {due:%Y-%m-%d}\n사유 / Reason: {reason}")
    return objection


@transaction.atomic
def objection_decide(*, actor, request: Request, outcome: str, grounds: str) -> Objection:
    """Decide the objection (제18조제3항·제4항): accepted, partly accepted or dismissed, with grounds.
    After an acceptance the official releases the files."""
    if outcome not in Objection.Outcome.values:
        raise ValidationFailed(_("Choose accepted, partly accepted or dismissed."), field="outcome")
    grounds = require_text(grounds, "grounds", label=_("The grounds"), max_length=GROUNDS_MAX)
    request, objection = _objection_for_official(actor, request)
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
    request.state = Request.State.OBJECTION_DECIDED
    request.save(update_fields=["state"])
    event_record(request, actor=actor, action="objection_decide", note=grounds, outcome=outcome)
    audit_record(
        actor=actor, action="disclosure.objection_decide", obj=request, after={"outcome": outcome},
        legal_basis="공공기관의 정보공개에 관한 법률 제18조",
    )  # fmt: skip
    mail_after_commit(request, grounds)
    return objection
