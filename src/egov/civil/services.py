"""Civil services: issue certificates at once, take applications, decide them.

Once-only: nothing the platform holds is asked of the citizen. What a service needs comes
through `exchange.services.shared_item_fetch`, called by the competent agency's civil-service
system (an AgencySystem "civil-<agency code>") on the agency's grant — or, where no grant
covers it, on the citizen's consent, which the portal asks for first — with the citizen as
the user behind the call and the application number as the case. Every fetch is therefore in
the citizen's "who looked at my data".

An application is a case of the case kernel (`civil.procedure.APPLICATION`): each state change
is one transaction with its declared step in the history, its audit event, its deadline clock
(core.deadlines) and an e-mail to the applicant after commit.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import AgencySystem
from egov.accounts.permissions import agency_scope_ids, has_role
from egov.cases.services import (
    case_event_record,
    case_lock_for,
    case_notify,
    case_number_allocate,
    case_refused,
    case_transition,
)
from egov.civil.handlers import handler_get
from egov.civil.models import Application, Service
from egov.civil.procedure import APPLICATION
from egov.core import deadlines
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, PermissionDenied, ServiceError, ValidationFailed
from egov.documents.services import document_files_atomic, document_issue
from egov.exchange.models import Consent, Grant, SharedItem
from egov.exchange.services import ExchangeRefused, person_record_shown, shared_item_fetch
from egov.payments.models import PaymentOrder
from egov.payments.services import (
    due_date_for,
    payment_order_cancel,
    payment_order_create,
    payment_order_for_case,
)
from egov.registry.models import Agency, Resident

# Other apps subscribe to decisions in process (e.g. a benefit recomputed after a move);
# agencies subscribed in `Subscription` also get a notice row they read in the back office.
application_decided = Signal()  # sender=Application, application=..., state=...
resident_moved = Signal()  # sender=Application, application=..., resident=...

PURPOSE = "민원 처리 (civil service: %(service)s, %(number)s)"
# What an official does with an application shows its subject: each is on their "who looked".
CIVIL_ACT_BASIS = "민원 처리에 관한 법률 (Civil Petitions Treatment Act)"


# --- the catalogue and what a service will fetch ------------------------------------------------


@dataclass
class Fetch:
    """One shared item a service fetches instead of asking for a paper."""

    item: SharedItem
    fields: tuple[str, ...]
    basis: str  # "grant:<id>", "consent:<id>", or "" when the citizen must consent first
    legal_basis: str

    @property
    def needs_consent(self) -> bool:
        return not self.basis


def _items_of(service: Service) -> dict[str, tuple[str, ...]]:
    h = handler_get(service.handler)
    if h.items:
        return dict(h.items)
    return {code: () for code in service.items}


def fetch_plan(*, service: Service, resident: Resident | None) -> list[Fetch]:
    """What the service will fetch, from which agency, on which basis — shown before applying."""
    today = timezone.localdate()
    plan = []
    wanted = _items_of(service)
    # The agency's approved grants on these items with their items, in one statement, the
    # longest-running first; the items without one (to consent to) in a second, if any.
    grants, items = {}, {}
    for grant in (
        Grant.objects.select_related("item__provider")
        .filter(
            consumer=service.agency_id,
            item__code__in=list(wanted),
            status="approved",
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .order_by("-valid_until", "-pk")
    ):
        grants.setdefault(grant.item_id, grant)
        items.setdefault(grant.item.code, grant.item)
    if len(items) < len(wanted):
        items.update(
            (i.code, i)
            for i in SharedItem.objects.select_related("provider").filter(code__in=set(wanted) - set(items))
        )
    for code, fields in wanted.items():
        item = items.get(code)
        if item is None:
            continue
        grant = grants.get(item.pk)
        basis, legal = "", ""
        if grant:
            basis, legal = f"grant:{grant.pk}", grant.legal_basis
        elif resident is not None:
            consent = (
                Consent.objects.filter(
                    resident=resident,
                    recipient=service.agency,
                    items=item,
                    revoked_at__isnull=True,
                    valid_from__lte=today,
                    valid_until__gte=today,
                )  # fmt: skip
                .order_by("-valid_until")
                .first()
            )
            if consent:
                basis, legal = f"consent:{consent.pk}", _("your consent")
        plan.append(Fetch(item, tuple(fields) or tuple(item.fields), basis, legal))
    return plan


# (agency id, code) -> the client id of its civil-service system, once the row is known to exist.
_CIVIL_CLIENT_IDS: dict[tuple[int, str], str] = {}


def _civil_system(agency: Agency) -> AgencySystem:
    """The competent agency's in-platform civil-service system: the consumer of its fetches.
    Its row is created on the agency's first fetch; after that a fetch needs only its agency and
    client id (what the access log records), kept per process instead of read for every
    certificate."""
    client_id = _CIVIL_CLIENT_IDS.get((agency.pk, agency.code))
    if client_id is None:
        system, _created = AgencySystem.objects.get_or_create(
            agency=agency, name="Government24 civil services", defaults={"client_id": f"civil-{agency.code}"}
        )
        _CIVIL_CLIENT_IDS[(agency.pk, agency.code)] = client_id = system.client_id
    return AgencySystem(agency=agency, name="Government24 civil services", client_id=client_id)


def _fetch(
    *,
    service: Service,
    citizen,
    resident: Resident,
    number: str,
    consent: bool,
    options: dict | None = None,
    consent_until: dt.date | None = None,
) -> tuple[dict, list]:
    plan = fetch_plan(service=service, resident=resident)
    h = handler_get(service.handler)
    for option, (item_code, extra) in h.option_fields.items():
        for f in plan:
            if (options or {}).get(option) and f.item.code == item_code and extra not in f.fields:
                f.fields = (*f.fields, extra)
    missing = [f for f in plan if f.needs_consent]
    if missing:
        if not consent:
            raise ValidationFailed(
                _("This service needs your consent to fetch: %(items)s.")
                % {"items": ", ".join(f.item.name_ko for f in missing)},
                field="consent",
            )
        from egov.exchange.services import consent_give

        given = consent_give(
            actor=citizen, recipient=service.agency, items=[f.item for f in missing],
            purpose=_("Civil service: %(service)s") % {"service": service.name_ko},
            valid_until=consent_until or timezone.localdate(),
        )  # fmt: skip
        for f in missing:
            f.basis = f"consent:{given.pk}"
    system = _civil_system(service.agency)
    fetched, trail = {}, []
    for f in plan:
        try:
            data, entry = shared_item_fetch(  # the citizen's own record: no number to decrypt and look up
                actor=system, item=f.item.code, subject="", resident=resident,
                purpose=PURPOSE % {"service": service.name_ko, "number": number}, basis=f.basis,
                fields=list(f.fields), case_ref=number, user_ref=f"citizen:{citizen.pk}",
            )  # fmt: skip
        except ExchangeRefused as exc:
            raise ValidationFailed(
                _("%(item)s could not be fetched from %(agency)s: %(reason)s")
                % {"item": f.item.name_ko, "agency": f.item.provider.name_ko, "reason": exc.message},
                field="service",
            ) from None
        fetched[f.item.code] = data
        trail.append(
            {"item": f.item.code, "provider": f.item.provider.code, "basis": f.basis, "log_seq": entry.seq}
        )
    return fetched, trail


# --- filing ----------------------------------------------------------------------------------


def _filed(
    application: Application, *, actor, action: str, note: str = "", after: dict, notify: bool
) -> None:
    """The first step of a new application (created in the state its declared `action` leads
    to): its history event, its audit event under the step's legal basis and, with `notify`,
    the applicant's e-mail after commit. Not `case_transition`: the row was just written as
    it is, and an instant certificate must not pay for saving it twice."""
    case_event_record(actor=actor, case=application, action=action, note=note, at=application.submitted_at)
    audit_record(
        actor=actor,
        action=f"{APPLICATION.audit_prefix}.{action}",
        obj=application,
        after={"state": application.state, **after},
        legal_basis=APPLICATION.transition(action).legal_basis,
    )
    if notify:
        case_notify(application)


def _period_code(service: Service) -> str:
    code = f"civil.{service.code}.{service.processing_days}d"
    if deadlines.period_get(code) is None:
        deadlines.register_period(
            code,
            name_ko=service.name_ko,
            name_en=service.name_en,
            legal_basis=f"{service.legal_basis}; 민원 처리에 관한 법률 제17조·제19조",
            days=service.processing_days,
        )
    return code


def _clock_sync(application: Application, clock) -> None:
    application.clock = clock  # the same row, reloaded: due_at as the clock service left it


# --- instant certificates ---------------------------------------------------------------------


def certificate_issue(
    *,
    actor,
    service: Service,
    options: dict | None = None,
    language: str = "ko",
    idempotency_key: str,
    consent: bool = False,
) -> Application:
    """Issue `service`'s certificate about the citizen (`actor`) at once: fetch, sign, record ("issue").
    A retry with the same idempotency key returns the first issuance.

    The national hot path: nothing here waits on a row lock held across the fetch, the
    rendering and the signing. The application's number is therefore a lock-free random
    serial of the usual shape (`case_number_allocate(..., sequenced=False)`), not one from
    the gapless counter; the document's issuance number is the register that counts."""
    options = dict(options or {})
    h = handler_get(service.handler)
    if h.kind != "instant" or service.kind != Service.Kind.INSTANT:
        raise ValidationFailed(_("This service is not issued at once."), field="service")
    resident = _citizen_resident(actor)
    key = _idempotency(idempotency_key)
    existing = Application.objects.filter(applicant=actor, idempotency_key=key).first()
    if existing:
        return existing
    unknown = set(options) - set(h.options)
    if unknown:
        raise ValidationFailed(
            _("Unknown option: %(name)s.") % {"name": sorted(unknown)[0]}, field=sorted(unknown)[0]
        )
    if not consent:
        # The citizen asks for the fetching the page showed; without the box ticked nothing is
        # fetched, whether a grant or a consent would then cover it.
        raise ValidationFailed(
            _("Tick the consent box: the certificate is made from the data shown above."), field="consent"
        )
    if language not in ("ko", "en"):
        raise ValidationFailed(_("Choose Korean or English."), field="language")
    number = case_number_allocate(procedure=APPLICATION, sequenced=False)
    now = timezone.now()
    if service.fee > 0:
        return _certificate_charge(
            actor=actor, service=service, resident=resident, number=number, options=options,
            language=language, key=key, consent=consent,
        )  # fmt: skip
    try:
        with document_files_atomic():  # a rollback takes the PDF with it
            fetched, trail = _fetch(
                service=service,
                citizen=actor,
                resident=resident,
                number=number,
                consent=consent,
                options=options,
            )
            payload = h.payload(fetched, options, resident)
            document = document_issue(
                actor=actor, doc_type=h.doc_type, subject=resident, payload=payload,
                agency=service.agency, language=language,
            )  # fmt: skip
            application = Application.objects.create(
                number=number, service=service, applicant=actor, subject=resident, agency=service.agency,
                channel=Application.Channel.ONLINE, state=Application.State.ISSUED,
                data={"options": options, "language": language}, fetched=trail, idempotency_key=key,
                submitted_at=now, decided_at=now, document=document,
            )  # fmt: skip
            _filed(
                application, actor=actor, action="issue", note=document.number_display,
                after={"service": service.code, "document": document.number}, notify=False,
            )  # fmt: skip
    except IntegrityError:
        existing = Application.objects.filter(applicant=actor, idempotency_key=key).first()
        if existing:
            return existing  # a concurrent double submission: the first one won
        raise
    return application


def _certificate_charge(
    *, actor, service: Service, resident: Resident, number: str, options: dict, language: str, key: str,
    consent: bool,
) -> Application:  # fmt: skip
    """An instant certificate whose service has a fee: the data is fetched and the certificate's
    content checked now (a refusal, such as tax in arrears, comes before any charge), the
    request is filed ("request") and charged ("charge": a payment order with its own virtual
    account). The certificate is issued by the platform when the payment arrives
    (`certificate_paid`), fetched again then under the same basis: a consent given here lasts
    until the order's due date."""
    h = handler_get(service.handler)
    due = due_date_for()
    try:
        with transaction.atomic():
            fetched, trail = _fetch(
                service=service, citizen=actor, resident=resident, number=number, consent=consent,
                options=options, consent_until=due,
            )  # fmt: skip
            h.payload(fetched, options, resident)  # refused now, not after the payment
            application = Application.objects.create(
                number=number, service=service, applicant=actor, subject=resident, agency=service.agency,
                channel=Application.Channel.ONLINE, state=Application.State.SUBMITTED,
                data={"options": options, "language": language}, fetched=trail, idempotency_key=key,
                submitted_at=timezone.now(),
            )  # fmt: skip
            _filed(
                application, actor=actor, action="request", notify=False,
                after={"service": service.code, "fee": service.fee},
            )  # fmt: skip
            order = payment_order_create(
                actor=None, payer=actor, agency=service.agency, amount=service.fee, due_date=due,
                purpose=f"{service.name_ko} 수수료 ({service.name_en} fee) {number}", case=application,
            )  # fmt: skip
            account, until = order.virtual_account_display, f"{order.due_date:%Y-%m-%d}"
            note = f"{service.fee:,}원 · 가상계좌 {account} · ~{until}"
            case_transition(
                actor=None, case=application, action="charge", note=note,
                after={"order": order.pk, "amount": service.fee, "virtual_account": order.virtual_account},
            )  # fmt: skip
    except IntegrityError:
        existing = Application.objects.filter(applicant=actor, idempotency_key=key).first()
        if existing:
            return existing
        raise
    return application


def certificate_paid(*, application: Application, order) -> None:
    """The fee of an instant certificate is paid ("pay"): the platform fetches the data again and
    issues the certificate ("issue_paid"), within the transaction that settles the order. When
    the data no longer allows it (the consent revoked, tax now in arrears) the request closes
    as "issue_failed" with the reason, and the paid order waits in payments for an official's
    refund (the payer is told by e-mail)."""
    case_transition(
        actor=None, case=application, action="pay", note=f"{order.paid_amount:,}원",
        after={"order": order.pk, "paid": order.paid_amount}, notify=False,
    )  # fmt: skip
    service, citizen = application.service, application.applicant
    h = handler_get(service.handler)
    options, language = application.data.get("options", {}), application.data.get("language", "ko")
    try:
        with document_files_atomic():
            resident = Resident.objects.get(pk=application.subject_id)
            fetched, trail = _fetch(
                service=service, citizen=citizen, resident=resident, number=application.number, consent=False,
                options=options,
            )  # fmt: skip
            payload = h.payload(fetched, options, resident)
            application.document = document_issue(
                actor=None, doc_type=h.doc_type, subject=resident, payload=payload, agency=service.agency,
                language=language,
            )  # fmt: skip
            application.fetched = [*application.fetched, *trail]
            application.decided_at = timezone.now()
            case_transition(
                actor=None, case=application, action="issue_paid", note=application.document.number_display,
                fields=["document", "fetched", "decided_at"], after={"document": application.document.number},
            )  # fmt: skip
    except ServiceError as exc:
        application.decided_at = timezone.now()
        application.decision_reason = exc.message
        case_transition(
            actor=None, case=application, action="issue_failed", fields=["decided_at", "decision_reason"],
            note=exc.message, reason=exc.message, after={"order": order.pk, "refund": "official"},
        )  # fmt: skip


# --- applications decided by officials ----------------------------------------------------------


def _citizen_resident(citizen) -> Resident:
    if not getattr(citizen, "is_citizen", False) or not citizen.resident_id:
        case_refused(citizen, APPLICATION, "not a citizen applying for themselves")
        raise PermissionDenied(_("Only a citizen applies, for themselves."))
    return citizen.resident


def _idempotency(key: str) -> str:
    key = str(key or "").strip()
    if not (8 <= len(key) <= 64) or not key.replace("-", "").isalnum():
        raise ValidationFailed(_("The form expired; open it again."), field="idempotency_key")
    return key


def application_submit(
    *, actor, service: Service, data: dict, idempotency_key: str, consent: bool = False
) -> Application:
    """A citizen (`actor`) applies for a processed service ("submit"), numbered without gaps; the same
    idempotency key twice gives one application. A second moving-in report while one is open is
    refused (Conflict, field "service")."""
    h = handler_get(service.handler)
    if h.kind != "processed" or service.kind != Service.Kind.PROCESSED:
        raise ValidationFailed(_("This service is issued at once, not applied for."), field="service")
    resident = _citizen_resident(actor)
    key = _idempotency(idempotency_key)
    existing = Application.objects.filter(applicant=actor, idempotency_key=key).first()
    if existing:
        return existing
    cleaned = h.validate(service, data or {})
    try:
        with transaction.atomic():
            application = _create(
                service=service, applicant=actor, resident=resident, data=cleaned, key=key,
                channel=Application.Channel.ONLINE, actor=actor, consent=consent,
            )  # fmt: skip
    except IntegrityError:
        existing = Application.objects.filter(applicant=actor, idempotency_key=key).first()
        if existing:
            return existing
        raise
    return application


def counter_application_record(
    *, actor, service: Service, resident: Resident, data: dict, idempotency_key: str
) -> Application:
    """An official (`actor`) records an application made at the counter ("record"; it counts as not
    online), numbered without gaps."""
    if not getattr(actor, "is_official", False) or not has_role(actor, "registrar"):
        raise PermissionDenied(_("Recording counter applications needs the registrar role."))
    h = handler_get(service.handler)
    if h.kind != "processed":
        raise ValidationFailed(
            _("Certificates at the counter are issued, not recorded here."), field="service"
        )
    key = _idempotency(idempotency_key)
    cleaned = h.validate(service, data or {})
    agency = h.handling_agency(service, cleaned)
    if agency.pk not in agency_scope_ids(actor):
        raise PermissionDenied(_("This application is handled by another agency."))
    existing = Application.objects.filter(recorded_by=actor, idempotency_key=key).first()
    if existing:
        return existing
    with transaction.atomic():
        return _create(
            service=service, applicant=None, resident=resident, data=cleaned, key=key,
            channel=Application.Channel.COUNTER, actor=actor, consent=True, recorded_by=actor,
        )  # fmt: skip


def _create(
    *, service, applicant, resident, data, key, channel, actor, consent, recorded_by=None
) -> Application:
    h = handler_get(service.handler)
    if service.handler == "moving_in":
        _moving_in_none_open(resident)
    number = case_number_allocate(procedure=APPLICATION)
    agency = h.handling_agency(service, data)
    trail = []
    if applicant is not None and _items_of(service):
        _fetched, trail = _fetch(
            service=service, citizen=applicant, resident=resident, number=number, consent=consent
        )
    application = Application.objects.create(
        number=number, service=service, applicant=applicant, subject=resident, agency=agency, channel=channel,
        state=Application.State.SUBMITTED, data=data, fetched=trail, idempotency_key=key,
        submitted_at=timezone.now(), recorded_by=recorded_by,
    )  # fmt: skip
    clock = deadlines.clock_start(
        case_type=_period_code(service), case_ref=application.case_ref, agency=agency,
        received_at=application.submitted_at, actor=actor,
    )  # fmt: skip
    application.clock = clock
    application.save(update_fields=["clock"])
    charged = service.fee > 0 and applicant is not None
    _filed(
        application, actor=actor, action="submit" if recorded_by is None else "record",
        after={"service": service.code, "channel": channel}, notify=not charged,
    )  # fmt: skip
    if recorded_by is not None:
        _subject_shown(actor=actor, application=application, what="civil.counter")
    if charged:
        application_fee_charge(application=application)
    return application


def _moving_in_none_open(resident: Resident) -> None:
    """One moving-in report open at a time per person: a second one would move them twice, and
    the first would stay open after the second is approved. The resident's row is locked until
    the filing commits, so two reports sent at once are filed one after the other."""
    Resident.objects.select_for_update().filter(pk=resident.pk).first()
    open_one = (
        Application.objects.filter(
            subject=resident, service__handler="moving_in", state__in=Application.OPEN_STATES
        )
        .only("number")
        .first()
    )
    if open_one is not None:
        raise Conflict(
            _(
                "A moving-in report (%(number)s) is still being processed; "
                "withdraw it or wait for its decision before sending another."
            )
            % {"number": open_one.number},
            field="service",
            code="already_open",
        )


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    """The applicant (`actor`) withdraws (취하) an application that is still open: it closes as
    withdrawn, its clock stops and nothing of it is decided. Conflict once it is decided. An
    application still waiting for its fee has its payment order cancelled (nothing was paid
    into it), so money sent to its virtual account afterwards goes to the reconciliation queue
    and back to the payer; a fee partly paid stays for the officials to refund there."""
    application = case_lock_for(actor=actor, case=application, action="withdraw")
    if application.state == Application.State.AWAITING_PAYMENT:
        order = payment_order_for_case(application)
        if order is not None and order.state == PaymentOrder.State.OPEN and not order.paid_amount:
            payment_order_cancel(actor=None, order=order, reason="신청 취하 (application withdrawn)")
    reason = (reason or "").strip()[:2000]
    application.decided_at = timezone.now()
    if application.clock_id is not None:  # an instant certificate waiting for its fee has none
        clock = deadlines.clock_close(case_ref=application.case_ref, actor=actor)
        _clock_sync(application, clock)
    case_transition(
        actor=actor, case=application, action="withdraw", fields=["decided_at"], note=reason, reason=reason,
    )  # fmt: skip
    transaction.on_commit(
        lambda: application_decided.send(sender=Application, application=application, state="withdrawn")
    )
    return application


def _subject_shown(*, actor, application: Application, what: str) -> None:
    person_record_shown(
        actor=actor, subject=application.subject_id, what=what, case_ref=application.number,
        purpose=PURPOSE % {"service": application.service.name_ko, "number": application.number},
        legal_basis=application.service.legal_basis or CIVIL_ACT_BASIS,
    )  # fmt: skip


def application_shown(*, actor, application: Application) -> None:
    """An official opened `application` (from `application_get_for`), which shows its subject:
    recorded in the subject's "who looked at my data"."""
    _subject_shown(actor=actor, application=application, what="civil.application")


FEE_PAUSE = "수수료 납부 대기"


def application_fee_charge(*, application: Application) -> None:
    """The platform charges an online application its service's fee ("charge"): a payment
    order with its own virtual account; the application waits, its clock paused, until the
    payment arrives (`application_paid`, called back by payments through `fees.py`)."""
    service = application.service
    order = payment_order_create(
        actor=None, payer=application.applicant, agency=application.agency, amount=service.fee,
        purpose=f"{service.name_ko} 수수료 ({service.name_en} fee) {application.number}", case=application,
    )  # fmt: skip
    clock = deadlines.clock_pause(case_ref=application.case_ref, reason=FEE_PAUSE)
    _clock_sync(application, clock)
    note = f"{service.fee:,}원 · 가상계좌 {order.virtual_account_display} · ~{order.due_date:%Y-%m-%d}"
    case_transition(
        actor=None, case=application, action="charge", note=note,
        after={"order": order.pk, "amount": service.fee, "virtual_account": order.virtual_account},
    )  # fmt: skip


@transaction.atomic
def application_paid(*, order) -> None:
    """The fee of an application waiting for it is paid: the application proceeds by itself
    ("pay", by the platform), its clock running again. Anything else is left as it is (an
    application withdrawn meanwhile: its money goes back through reconciliation)."""
    application = Application.objects.select_for_update().filter(pk=order.case_id).first()
    if application is None or application.state != Application.State.AWAITING_PAYMENT:
        return
    if application.clock_id is None:  # an instant certificate: issued now
        certificate_paid(application=application, order=order)
        return
    clock = deadlines.clock_resume(case_ref=application.case_ref)
    _clock_sync(application, clock)
    case_transition(
        actor=None, case=application, action="pay", note=f"{order.paid_amount:,}원",
        after={"order": order.pk, "paid": order.paid_amount},
    )  # fmt: skip


@transaction.atomic
def application_review(*, actor, application: Application) -> Application:
    """An official (`actor`) of the handling agency starts reviewing a submitted application."""
    application = case_lock_for(actor=actor, case=application, action="review")
    case_transition(actor=actor, case=application, action="review")
    return application


@transaction.atomic
def application_request_supplement(*, actor, application: Application, note: str) -> Application:
    """Ask the applicant for a supplement: the clock stops until it arrives."""
    note = require_text(note, "note", label=_("What is missing"), max_length=2000)
    application = case_lock_for(actor=actor, case=application, action="request_supplement")
    clock = deadlines.clock_pause(case_ref=application.case_ref, actor=actor, reason=note)
    _clock_sync(application, clock)
    case_transition(actor=actor, case=application, action="request_supplement", note=note, reason=note)
    return application


@transaction.atomic
def application_supplement(*, actor, application: Application, data: dict, note: str = "") -> Application:
    """The applicant answers a supplement request: corrected form data; the clock restarts."""
    application = case_lock_for(actor=actor, case=application, action="supplement")
    h = handler_get(application.service.handler)
    application.data = h.validate(application.service, {**application.data, **(data or {})})
    clock = deadlines.clock_resume(case_ref=application.case_ref, actor=actor)
    _clock_sync(application, clock)
    note = (note or "").strip()[:2000]
    case_transition(
        actor=actor, case=application, action="supplement", fields=["data"], note=note, reason=note
    )
    return application


@document_files_atomic()
def application_approve(*, actor, application: Application, note: str = "") -> Application:
    """Approve: one step of a configurable service's approval line ("approve_step"), or the
    decision ("approve", or "approve_issue" when the handler issues a document to an online
    applicant). On the last step the handler's effect happens in this transaction and the
    output document is issued. The audit event names the service's own legal basis too."""
    application = case_lock_for(actor=actor, case=application, action="approve")
    service = application.service
    steps = service.approval_steps or [{"role": "registrar"}]
    step = steps[min(application.step, len(steps) - 1)]
    if not has_role(actor, step["role"]):
        raise PermissionDenied(_("This step needs the role '%(role)s'.") % {"role": step["role"]})
    application.step += 1
    if application.step < len(steps):
        label = step.get("label_ko") or step["role"]
        note = f"{label} ✔ {note}".strip()
        case_transition(
            actor=actor, case=application, action="approve_step", fields=["step"], note=note, reason=note,
            after={"step": application.step}, legal_basis=_basis(service, "approve_step"),
        )  # fmt: skip
        return application
    h = handler_get(service.handler)
    if h.approve:
        h.approve(application, actor)
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = (note or "").strip()[:2000]
    clock = deadlines.clock_close(case_ref=application.case_ref, actor=actor)
    _clock_sync(application, clock)
    action = "approve"
    if h.doc_type and application.applicant_id:
        application.document = document_issue(
            actor=actor, doc_type=h.doc_type, subject=application.subject,
            payload=_decision_payload(application), agency=application.agency,
        )  # fmt: skip
        _subject_shown(actor=actor, application=application, what="civil.certificate")
        action = "approve_issue"
    case_transition(
        actor=actor, case=application, action=action, note=application.decision_reason,
        reason=application.decision_reason, legal_basis=_basis(service, action),
        fields=["step", "decided_at", "decided_by", "decision_reason", "document"],
        after={"document": application.document.number if application.document_id else None},
    )  # fmt: skip
    state = application.state
    _notify(application, "application.approved")
    if service.handler == "moving_in":
        _notify(application, "resident.moved")
        transaction.on_commit(
            lambda: resident_moved.send(
                sender=Application, application=application, resident=application.subject
            )
        )
    transaction.on_commit(
        lambda: application_decided.send(sender=Application, application=application, state=state)
    )
    return application


def _basis(service: Service, action: str) -> str:
    """The step's legal basis in the procedure, after the service's own law."""
    return f"{service.legal_basis}; {APPLICATION.transition(action).legal_basis}"


def _decision_payload(application: Application) -> dict:
    service = application.service
    labels = {spec["name"]: spec.get("label_ko", spec["name"]) for spec in service.form_schema}
    return {
        "service": service.name_ko,
        "service_en": service.name_en,
        "application": application.number,
        "applicant": application.subject.name_ko,
        "decision": "승인 (approved)",
        "fields": [{"label": labels.get(k, k), "value": str(v)} for k, v in application.data.items()],
        "note": application.decision_reason,
    }


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str) -> Application:
    """Reject with the reason the applicant is told (with the remedies, by law); a registrar's
    or an agency administrator's decision."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=2000)
    application = case_lock_for(actor=actor, case=application, action="reject")
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = reason
    clock = deadlines.clock_close(case_ref=application.case_ref, actor=actor)
    _clock_sync(application, clock)
    case_transition(
        actor=actor, case=application, action="reject", note=reason, reason=reason,
        fields=["decided_at", "decided_by", "decision_reason"],
        legal_basis=_basis(application.service, "reject"),
    )  # fmt: skip
    transaction.on_commit(
        lambda: application_decided.send(sender=Application, application=application, state="rejected")
    )
    return application


def _notify(application: Application, event: str) -> None:
    from egov.civil.models import Notice, Subscription

    agencies = Subscription.objects.filter(event=event).values_list("agency_id", flat=True)
    Notice.objects.bulk_create(
        Notice(
            agency_id=agency_id,
            event=event,
            application=application,
            payload={
                "number": application.number,
                "service": application.service.code,
                "agency": application.agency.code,
            },
        )  # fmt: skip
        for agency_id in agencies
    )
