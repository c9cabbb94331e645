"""Every change in the exchange layer, and the mediated fetch every consumer goes through."""

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import AgencySystem
from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.crypto import blind_index
from egov.core.errors import Conflict, PermissionDenied, ServiceError, ValidationFailed
from egov.core.ids import IdentifierError, brn_parse, rrn_parse
from egov.exchange import store
from egov.exchange.accesslog import access_log_append, appends_sent_with_the_commit
from egov.exchange.catalogue import READS, REGISTRY
from egov.exchange.models import AccessLogEntry, Consent, Grant, SharedItem
from egov.registry.models import Agency, Business, Resident


class ExchangeRefused(ServiceError):
    """A query refused for a stable reason (`code`), logged like a granted one; the log
    entry is on `log_entry` once `shared_item_fetch` has written it."""

    log_entry: AccessLogEntry | None = None


# code -> HTTP status the API answers with
REFUSAL_STATUS = {
    "unknown_item": 404,
    "unknown_subject": 404,
    "malformed_id": 400,
    "missing_purpose": 400,
    "no_basis": 403,
    "grant_invalid": 403,
    "consent_invalid": 403,
    "field_not_granted": 403,
}


def shared_item_sync() -> list[SharedItem]:
    """Write a catalogue row for every item declared in code whose provider exists."""
    providers = {
        a.code: a for a in Agency.objects.filter(code__in={d.provider_code for d in REGISTRY.values()})
    }
    items = []
    for definition in REGISTRY.values():
        provider = providers.get(definition.provider_code)
        if provider is None:
            continue
        item, _created = SharedItem.objects.update_or_create(
            code=definition.code,
            defaults={
                "provider": provider,
                "name_ko": definition.name_ko,
                "name_en": definition.name_en,
                "fields": list(definition.fields),
            },
        )
        items.append(item)
    return items


def _check_fields(item: SharedItem, fields: list[str]) -> list[str]:
    fields = list(dict.fromkeys(fields or []))
    if not fields:
        raise ValidationFailed(_("Choose at least one field."), field="fields")
    unknown = [f for f in fields if f not in item.fields]
    if unknown:
        raise ValidationFailed(
            _("The item has no field %(field)s.") % {"field": ", ".join(unknown)}, field="fields"
        )
    return fields


def _check_period(valid_from: dt.date, valid_until: dt.date) -> None:
    if not isinstance(valid_from, dt.date) or not isinstance(valid_until, dt.date):
        raise ValidationFailed(_("Give the validity dates."), field="valid_from")
    if valid_until < valid_from:
        raise ValidationFailed(_("The end of validity is before its start."), field="valid_until")


@transaction.atomic
def grant_request(
    *,
    actor,
    item: SharedItem,
    fields: list[str],
    purpose: str,
    legal_basis: str,
    valid_from: dt.date,
    valid_until: dt.date,
) -> Grant:
    """A consuming agency asks the provider for `fields` of `item` under a legal basis."""
    require_role(actor, "agency_admin")
    if item.provider_id == actor.agency_id:
        raise ValidationFailed(_("An agency does not need a grant for its own items."), field="item")
    fields = _check_fields(item, fields)
    purpose = require_text(purpose, "purpose", label=_("The purpose"), max_length=300)
    legal_basis = require_text(legal_basis, "legal_basis", label=_("The legal basis"), max_length=200)
    _check_period(valid_from, valid_until)
    grant = Grant.objects.create(
        consumer_id=actor.agency_id,
        item=item,
        fields=fields,
        purpose=purpose,
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_until=valid_until,
        requested_by=actor,
    )
    audit_record(actor=actor, action="grant.request", obj=grant, after={"item": item.code, "fields": fields})
    return grant


def _decide(*, actor, grant: Grant, status: str, reason: str, allowed_from: set[str]) -> Grant:
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    require_role(actor, "agency_admin", agency_id=grant.item.provider_id)
    if grant.status not in allowed_from:
        raise Conflict(
            _("This grant is already %(status)s.") % {"status": grant.get_status_display()}, field=None
        )
    before = {"status": grant.status}
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.decision_reason = (reason or "").strip()
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=actor,
        action=f"grant.{status}",
        obj=grant,
        before=before,
        after={"status": status},
        reason=reason,
    )
    return grant


@transaction.atomic
def grant_approve(*, actor, grant: Grant, reason: str = "") -> Grant:
    """The provider approves a requested grant."""
    return _decide(
        actor=actor, grant=grant, status=Grant.Status.APPROVED, reason=reason, allowed_from={"requested"}
    )


@transaction.atomic
def grant_refuse(*, actor, grant: Grant, reason: str) -> Grant:
    """The provider refuses a requested grant, saying why."""
    require_text(reason, "reason", label=_("The reason"), max_length=2000)
    return _decide(
        actor=actor, grant=grant, status=Grant.Status.REFUSED, reason=reason, allowed_from={"requested"}
    )


@transaction.atomic
def grant_revoke(*, actor, grant: Grant, reason: str) -> Grant:
    """The provider withdraws an approved grant; queries under it are refused from now on."""
    require_text(reason, "reason", label=_("The reason"), max_length=2000)
    return _decide(
        actor=actor, grant=grant, status=Grant.Status.REVOKED, reason=reason, allowed_from={"approved"}
    )


@transaction.atomic
def consent_give(
    *, actor, recipient: Agency, items: list[SharedItem], purpose: str, valid_until: dt.date
) -> Consent:
    """A citizen lets `recipient` receive `items` about them for `purpose` until `valid_until`."""
    if not getattr(actor, "is_citizen", False):
        raise PermissionDenied(_("Only a citizen consents, for themselves."))
    if not items:
        raise ValidationFailed(_("Choose at least one item."), field="items")
    purpose = require_text(purpose, "purpose", label=_("The purpose"), max_length=300)
    today = timezone.localdate()
    if not isinstance(valid_until, dt.date) or valid_until < today:
        raise ValidationFailed(_("The consent must run until today or later."), field="valid_until")
    if valid_until > today + dt.timedelta(days=366 * 5):
        raise ValidationFailed(_("A consent lasts at most five years."), field="valid_until")
    consent = Consent.objects.create(
        resident_id=actor.resident_id,
        recipient=recipient,
        purpose=purpose,
        valid_from=today,
        valid_until=valid_until,
    )
    consent.items.set(items)
    audit_record(
        actor=actor, action="consent.give", obj=consent,
        after={"recipient": recipient.code, "items": [i.code for i in items], "until": valid_until},
    )  # fmt: skip
    return consent


@transaction.atomic
def consent_revoke(*, actor, consent: Consent) -> Consent:
    """A citizen withdraws their consent, effective at once."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not getattr(actor, "is_citizen", False) or consent.resident_id != actor.resident_id:
        raise PermissionDenied(_("Only the person who consented may revoke it."))
    if consent.revoked_at:
        raise Conflict(_("This consent is already revoked."), field=None)
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="consent.revoke", obj=consent)
    return consent


def _clean(value, length: int) -> str:
    return str(value or "").replace("\x00", "")[:length]


def _consumer_of(actor) -> tuple[Agency | None, str, str]:
    """(consuming agency, client id, user reference) for an official or an agency system."""
    if isinstance(actor, AgencySystem):
        return actor.agency, actor.client_id, ""
    if getattr(actor, "is_official", False):
        return actor.agency, "", actor.username
    return None, "", ""


_BIGINT_MAX = 2**63 - 1


@dataclass(frozen=True)
class _Basis:
    """What a query's `basis` names: "grant" or "consent" and an id, or nothing usable."""

    kind: str  # "grant", "consent", or "" when the basis is malformed
    ident: int | None  # None when it cannot name any row (malformed, or out of range)

    @classmethod
    def parse(cls, basis: str) -> "_Basis":
        kind, _sep, ident = (basis or "").partition(":")
        if kind not in ("grant", "consent") or not ident.isdecimal():
            return cls("", None)
        number = int(ident)
        return cls(kind, number if number <= _BIGINT_MAX else None)


@dataclass(frozen=True)
class _ItemRow:
    """An active catalogue item and, if the basis named one, the consumer's grant on it."""

    id: int
    fields: list[str]
    grant: tuple[str, dt.date, dt.date, list[str]] | None  # status, valid from, until, fields


def _allowed_fields(*, consumer: Agency, item: _ItemRow, resident: Resident, basis: _Basis, today: dt.date):
    """The fields the basis allows, or ExchangeRefused."""
    if not basis.kind:
        raise ExchangeRefused(
            _("Name the basis: grant:<id> or consent:<id>."), field="basis", code="no_basis"
        )
    if basis.kind == "grant":
        status, valid_from, valid_until, fields = item.grant or (None, None, None, [])
        if status != Grant.Status.APPROVED or not valid_from <= today <= valid_until:
            raise ExchangeRefused(
                _("The grant is unknown, not approved, revoked or expired."),
                field="basis",
                code="grant_invalid",
            )
        return fields
    consent = None
    if basis.ident is not None:
        consent = (
            Consent.objects.filter(pk=basis.ident, recipient=consumer, resident=resident, items=item.id)
            .values("revoked_at", "valid_from", "valid_until")
            .first()
        )
    if (
        consent is None
        or consent["revoked_at"]
        or not consent["valid_from"] <= today <= consent["valid_until"]
    ):
        raise ExchangeRefused(
            _("The consent is unknown, revoked or expired."), field="basis", code="consent_invalid"
        )
    return list(item.fields)


@dataclass
class Checked:
    """A mediated query checked (`shared_item_check`), not yet logged: the log entry's values,
    and the data served or the refusal."""

    log: dict[str, Any]
    data: dict[str, Any] | None = None
    refusal: ExchangeRefused | None = None


def shared_item_check(
    *,
    actor,
    item: str,
    subject: str,
    purpose: str,
    basis: str,
    fields: list[str] | None = None,
    case_ref: str = "",
    message_id: str = "",
    user_ref: str = "",
    resident: Resident | None = None,
) -> Checked:
    """The reads of `shared_item_fetch` (its arguments): the item, the basis, the resident and
    the data, with no write and no transaction of its own, so that a caller can run them
    before it opens the transaction that logs the query (`shared_item_record`). Raises only
    PermissionDenied (not an agency's actor); refusals come back in `Checked.refusal`."""
    consumer, client_id, actor_user_ref = _consumer_of(actor)
    user_ref = user_ref[:64] if user_ref else actor_user_ref
    if consumer is None:
        raise PermissionDenied(_("Only an agency's official or system may fetch shared items."))
    # What callers send is logged as sent, minus NUL characters (which no database column holds)
    # and cut to the column sizes; the checks below run on the same cleaned values.
    # A value changed by cleaning is not what the caller asked for: it matches nothing.
    exact_item = _clean(item, 64) == item
    exact_fields = all(_clean(f, 64) == f for f in fields or [])
    item, purpose, subject = _clean(item, 64), _clean(purpose, 300), _clean(subject, 20)
    log = {
        "consumer": consumer, "client_id": client_id, "user_ref": _clean(user_ref, 64),
        "case_ref": _clean(case_ref, 100), "message_id": _clean(message_id, 100), "item_code": item,
        "purpose": purpose, "basis": _clean(basis, 32), "fields": [],
    }  # fmt: skip
    definition = REGISTRY.get(item) if exact_item else None
    about_business = definition is not None and definition.subject == "business"
    business = None
    try:
        parsed = _Basis.parse(basis)
        malformed = None
        rrn_index = None
        if about_business:
            try:
                brn = brn_parse(subject)
            except IdentifierError as exc:
                malformed = str(exc)
            else:
                business = Business.objects.filter(brn=brn).first()
        elif resident is None:
            try:
                rrn_index = blind_index(rrn_parse(subject).digits)
            except IdentifierError as exc:
                malformed = str(exc)
        shared = None
        if definition is not None:
            # The item, the grant and the resident in one statement.
            grant_id = parsed.ident if parsed.kind == "grant" else None
            found = store.item_grant_and_resident_get(
                code=item, consumer_id=consumer.pk, grant_id=grant_id, rrn_index=rrn_index
            )
            if found is not None:
                shared = _ItemRow(*found[:3])
                resident = None if about_business else resident or found[3]
        if shared is None:
            raise ExchangeRefused(_("No such shared item."), field="item", code="unknown_item")
        if not (purpose or "").strip():
            raise ExchangeRefused(
                _("State the purpose of the query."), field="purpose", code="missing_purpose"
            )
        if malformed is not None:
            raise ExchangeRefused(malformed, field="subject", code="malformed_id")
        if about_business:
            if business is None:
                raise ExchangeRefused(
                    _("No business has this registration number."), field="subject", code="unknown_subject"
                )
            log["subject_business"] = business
        elif resident is None:
            raise ExchangeRefused(
                _("No resident has this ID number."), field="subject", code="unknown_subject"
            )
        else:
            log["subject"] = resident
        allowed = _allowed_fields(
            consumer=consumer, item=shared, resident=resident, basis=parsed, today=timezone.localdate()
        )
        wanted = list(dict.fromkeys(_clean(f, 64) for f in fields)) if fields else allowed
        log["fields"] = wanted
        outside = [f for f in wanted if f not in allowed or not exact_fields]
        if outside:
            raise ExchangeRefused(
                _("Not allowed under this basis: %(fields)s.") % {"fields": ", ".join(outside)},
                field="fields",
                code="field_not_granted",
            )
    except ExchangeRefused as refusal:
        return Checked(log, refusal=refusal)
    served = definition.serve(business if about_business else resident, wanted)
    return Checked(log, data={field: served[field] for field in wanted})


def shared_item_record(
    checked: Checked, receipt: store.Receipt | None = None
) -> tuple[dict[str, Any], AccessLogEntry]:
    """Log a checked query (an append, no lock) in the caller's transaction, or committed at
    once outside one; returns the data and the entry, or raises the refusal (ExchangeRefused)
    once logged. `receipt` (`store.Receipt`) is written with the entry, in one statement."""
    refusal = checked.refusal
    if refusal is not None:
        outcome, error_code = AccessLogEntry.Outcome.REFUSED, refusal.code
    else:
        outcome, error_code = AccessLogEntry.Outcome.GRANTED, ""
    entry = access_log_append(outcome=outcome, error_code=error_code, receipt=receipt, **checked.log)
    if refusal is not None:  # raised outside the block: the entry is kept
        refusal.log_entry = entry
        raise refusal
    return checked.data, entry


def shared_item_fetch(
    *,
    actor,
    item: str,
    subject: str,
    purpose: str,
    basis: str,
    fields: list[str] | None = None,
    case_ref: str = "",
    message_id: str = "",
    user_ref: str = "",
    resident: Resident | None = None,
) -> tuple[dict[str, Any], AccessLogEntry]:
    """Fetch `fields` (default: all allowed) of shared item `item` about the resident with
    national ID `subject` — or, for an item about businesses, the business with registration
    number `subject` — for `purpose`, on `basis` ("grant:<id>" or "consent:<id>"; a consent is
    a person's, so an item about a business is fetched under a grant).

    Every call, granted or refused, appends to the access log. Returns the data, holding only
    the allowed fields, and the log entry; raises ExchangeRefused (after logging) otherwise.
    `user_ref` names the person behind a system's call (X-Road-UserId); when given it replaces
    the one taken from the actor. An in-process caller that holds the resident already passes
    it as `resident` (and `subject` empty): no ID number is decrypted and looked up again.
    """
    checked = shared_item_check(
        actor=actor, item=item, subject=subject, purpose=purpose, basis=basis, fields=fields,
        case_ref=case_ref, message_id=message_id, user_ref=user_ref, resident=resident,
    )  # fmt: skip
    return shared_item_record(checked)


# --- reads of a person by an official or a system, outside a mediated query ---------------------

# What "<purpose> (<legal basis>)" joins: the log's purpose column holds both (its basis
# column is for "grant:<id>"/"consent:<id>"), and the basis says "law".
OFFICE_BASIS = "law"


def _subject_id(subject) -> int | None:
    return subject if isinstance(subject, int) or subject is None else subject.pk


def people_shown(
    *, actor, shown: Iterable[tuple[Resident | int, str]], purpose: str, legal_basis: str, case_ref: str = ""
) -> list[AccessLogEntry]:
    """Record that `actor` (an official or an agency system) was shown each person of `shown`,
    a list of (resident, what), `what` one of `catalogue.READS` (a record page, a search
    listing them, a reveal, a certificate issued for them...), for `purpose` under
    `legal_basis`: one access-log entry per person and what, holding what an API query's
    entry holds (the agency, the system or the official's user name, the resident's id) and
    no personal data beyond it. The person sees it on "who looked at my data".

    One transaction; called outside one, every entry goes to the database with its COMMIT
    (`appends_sent_with_the_commit`), so a search page listing fifty people costs one round
    trip, and a single person's read is one statement in autocommit. A citizen's look at their
    own record is not a read by someone else: nothing is recorded for other actors."""
    consumer, client_id, user_ref = _consumer_of(actor)
    if consumer is None:
        return []
    pairs = list(dict.fromkeys((_subject_id(s), what) for s, what in shown if _subject_id(s) is not None))
    unknown = sorted({what for _s, what in pairs if what not in READS})
    if unknown:
        raise ValueError(f"not a kind of read in exchange.catalogue.READS: {unknown}")
    if not pairs:
        return []
    purpose = require_text(purpose, "purpose", label=_("The purpose"), max_length=300)
    legal_basis = require_text(legal_basis, "legal_basis", label=_("The legal basis"), max_length=300)
    log = {
        "consumer": consumer, "client_id": client_id, "user_ref": _clean(user_ref, 64),
        "case_ref": _clean(case_ref, 100), "message_id": "", "fields": [],
        "purpose": _clean(f"{purpose} ({legal_basis})", 300), "basis": OFFICE_BASIS,
        "outcome": AccessLogEntry.Outcome.GRANTED, "error_code": "",
    }  # fmt: skip
    if len(pairs) == 1 and not connection.in_atomic_block:  # one statement in autocommit
        (subject_id, what) = pairs[0]
        return [access_log_append(item_code=what, subject_id=subject_id, **log)]
    sent = appends_sent_with_the_commit() if not connection.in_atomic_block else contextlib.nullcontext()
    with sent, transaction.atomic():
        return [access_log_append(item_code=what, subject_id=subject_id, **log) for subject_id, what in pairs]


def person_record_shown(
    *, actor, subject: Resident | int, what: str, purpose: str, legal_basis: str, case_ref: str = ""
) -> list[AccessLogEntry]:
    """`people_shown` for one person."""
    return people_shown(
        actor=actor, shown=[(subject, what)], purpose=purpose, legal_basis=legal_basis, case_ref=case_ref
    )
