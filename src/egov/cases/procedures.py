"""How a procedure declares itself to the case kernel.

A procedure (a civil application, a petition, a disclosure request, later a customs
declaration or a tax return) is a model of its own app — its domain fields, its constraints —
plus one `Procedure` declaration in that app's `procedure.py`:

    PETITION = procedure_register(Procedure(
        code="petitions.petition", model="petitions.Petition", label=_("Petition"),
        number=NumberFormat(prefix="1AA-", date_format="%y%m", digits=7),
        transitions=(
            Transition("assign", _("Assigned"), sources=("received", ...), target="assigned",
                       by=OFFICIAL, roles=("registrar", "agency_admin"), legal_basis="..."),
            ...
        ),
        applicant_field="petitioner", ...
    ))

The kernel then gives it: numbers without gaps per procedure and year (`case_number_allocate`),
the checked state machine (`case_lock_for`, `case_transition`), the append-only history with
its audit event, attachments checked by content, queues, reminder and escalation sweeps run by
`egov worker`, e-mails after commit and monthly statistics. What stays in the app is what is
particular to the procedure: its forms, its rules inside each transition, its documents.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q

from egov.core.app_modules import app_modules

# Who may take a transition.
APPLICANT = "applicant"  # the person who filed the case, on their own case only
OFFICIAL = "official"  # an official of the case's agency (or one above it) holding one of `roles`
SYSTEM = "system"  # the platform itself (a sweep, a payment arriving), never a person's request


@dataclass(frozen=True)
class Transition:
    """One step a case may take: from which states, to which state, by whom, under which law.

    `target` None leaves the state as it is (an assignment, an attachment added). The label is
    what the history shows a person ("배정", "답변"), never the action's code.
    """

    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    by: str
    roles: tuple[str, ...] = ()
    legal_basis: str = ""

    def __post_init__(self) -> None:
        if self.by not in (APPLICANT, OFFICIAL, SYSTEM):
            raise ValueError(f"{self.action}: by must be applicant, official or system")
        if self.by == OFFICIAL and not self.roles:
            raise ValueError(f"{self.action}: an official's transition names the roles that may take it")


@dataclass(frozen=True)
class NumberFormat:
    """`<prefix><local date in date_format>-<serial, zero-padded to digits>`; the serial counts
    per procedure and calendar year (Seoul) from 1, without gaps."""

    prefix: str
    date_format: str
    digits: int

    def format(self, day, serial: int) -> str:
        return f"{self.prefix}{day:{self.date_format}}-{serial:0{self.digits}d}"


@dataclass(frozen=True)
class Watch:
    """A clock the reminder and escalation sweeps watch: `clock` is the path from the case to a
    `core.CaseClock` ("clock", or "objection__clock"); `pending` the condition under which that
    clock is the case's business (default: the case is in an open state)."""

    clock: str = "clock"
    pending: Q | None = None
    name: str = ""  # recorded on the reminder ("" for the case's own clock)


@dataclass(frozen=True)
class Procedure:
    """A procedure's declaration (see the module's docstring)."""

    code: str
    model: str  # "app_label.ModelName"
    label: str
    audit_prefix: str  # audit actions are "<audit_prefix>.<action>" ("petition.answer")
    number: NumberFormat
    transitions: tuple[Transition, ...]
    open_states: tuple[str, ...]
    applicant_field: str = "applicant"
    agency_field: str = "agency"
    assignee_field: str | None = None
    submitted_field: str = "submitted_at"
    closed_field: str = "decided_at"  # when the case got its answer or decision (statistics)
    number_label: str = ""  # "민원번호 / Petition" in e-mails
    url_path: str = ""  # "petitions": /my/<url_path>/<number>/ and /office/<url_path>/<number>/
    attachment_folder: str = ""  # under DATA_DIR; "" when the procedure takes no files
    watches: tuple[Watch, ...] = (Watch(),)
    reminders: bool = False
    escalations: bool = False
    mail_subject: str = ""  # "민원", "정보공개": the subject line's word for the case
    title_field: str | None = None  # the case's title shown in e-mails, if it has one
    # the title on pages, where it differs from the e-mails' (which name it in both languages)
    page_title_field: str | None = None
    # The applicant's page of a case when it is not /my/<url_path>/<number>/ (a VAT return's,
    # found by its period), as a function of the case.
    applicant_link: Callable[[object], str] | None = None

    def applicant_url(self, case) -> str:
        if self.applicant_link is not None:
            return self.applicant_link(case)
        return f"/my/{self.url_path}/{case.number}/"

    def __post_init__(self) -> None:
        actions = [t.action for t in self.transitions]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.code}: an action is declared twice")

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def transition(self, action: str) -> Transition:
        for transition in self.transitions:
            if transition.action == action:
                return transition
        raise LookupError(f"{self.code} has no transition {action!r}")

    def action_label(self, action: str) -> str:
        for transition in self.transitions:
            if transition.action == action:
                return str(transition.label)
        return ""

    def state_label(self, state: str) -> str:
        choices = dict(self.model_class._meta.get_field("state").flatchoices)
        return str(choices.get(state, state))

    def is_open(self, state: str) -> bool:
        return state in self.open_states


_REGISTRY: dict[str, Procedure] = {}
_BY_MODEL: dict[str, Procedure] = {}


def procedure_register(procedure: Procedure) -> Procedure:
    """Declare a procedure; the same declaration registered twice (a module re-imported) is
    kept once, two different ones under one code are refused."""
    known = _REGISTRY.get(procedure.code)
    if known is not None and known != procedure:
        raise ValueError(f"procedure {procedure.code} is declared twice")
    _REGISTRY[procedure.code] = procedure
    _BY_MODEL[procedure.model.lower()] = procedure
    return procedure


def procedure_get(code: str) -> Procedure:
    procedures_discover()
    return _REGISTRY[code]


def procedure_of(case: models.Model) -> Procedure:
    """The procedure a case (a model instance, or its class) belongs to."""
    procedures_discover()
    return _BY_MODEL[case._meta.label_lower]


def procedures() -> list[Procedure]:
    procedures_discover()
    return sorted(_REGISTRY.values(), key=lambda p: p.code)


_discovered = False


def procedures_discover() -> None:
    """Import every installed egov app's `procedure.py` once (like `core.tasks` finds SWEEPS)."""
    global _discovered
    if _discovered or not apps.ready and not apps.apps_ready:
        return
    for _module in app_modules("procedure"):
        pass  # importing a procedure module registers its declarations
    _discovered = True
