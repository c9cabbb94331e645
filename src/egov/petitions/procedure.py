"""The petition procedure (민원, e-People) as the case kernel runs it: its numbers, its states and
the steps between them, who takes each and under which law.

A petitioner files (접수), withdraws (취하), rates the answer (만족도 평가; a rating of 3 or more
closes the petition, 종결) and reopens an answer they are not satisfied with (재민원). Registrars
and agency administrators of the competent agency, or of an agency above it, assign (배정) and
reassign (재배정) it, start work (처리 시작), transfer it to the competent agency (이송), extend
its period once (처리기간 연장) and answer (답변). The platform escalates an overdue petition to
the agency's supervisor (상급자 보고) and reminds the officials before its due date.
"""

from django.utils.translation import pgettext_lazy

from egov.cases.procedures import (
    APPLICANT,
    OFFICIAL,
    SYSTEM,
    NumberFormat,
    Procedure,
    Transition,
    procedure_register,
)
from egov.petitions.models import Petition

OPEN = Petition.OPEN_STATES
ACT_ROLES = ("registrar", "agency_admin")
LAW = "민원 처리에 관한 법률"

PETITION = procedure_register(
    Procedure(
        code="petitions.petition",
        model="petitions.Petition",
        label=pgettext_lazy("procedure", "Petition"),
        audit_prefix="petition",
        number=NumberFormat(prefix="1AA-", date_format="%y%m", digits=7),
        transitions=(
            Transition(
                "file",
                pgettext_lazy("petition action", "File"),
                sources=(),
                target="received",
                by=APPLICANT,
                legal_basis=f"{LAW} 제8조·제9조 (민원의 신청·접수)",
            ),
            Transition(
                "assign",
                pgettext_lazy("petition action", "Assign"),
                sources=("received", "transferred", "reopened"),
                target="assigned",
                by=OFFICIAL,
                roles=ACT_ROLES,
            ),
            Transition(
                "reassign",
                pgettext_lazy("petition action", "Reassign"),
                sources=("assigned", "in_progress", "extended"),
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
            ),
            Transition(
                "start",
                pgettext_lazy("petition action", "Start work"),
                sources=tuple(s for s in OPEN if s != "in_progress"),
                target="in_progress",
                by=OFFICIAL,
                roles=ACT_ROLES,
            ),
            Transition(
                "transfer",
                pgettext_lazy("petition action", "Transfer"),
                sources=OPEN,
                target="transferred",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제16조 (민원문서의 이송)",
            ),
            Transition(
                "extend",
                pgettext_lazy("petition action", "Extend the period"),
                sources=OPEN,
                target="extended",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 시행령 제21조 (처리기간의 연장)",
            ),
            Transition(
                "answer",
                pgettext_lazy("petition action", "Answer"),
                sources=OPEN,
                target="answered",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제27조 (처리결과의 통지)",
            ),
            Transition(
                "rate",
                pgettext_lazy("petition action", "Rate the answer"),
                sources=("answered",),
                target=None,
                by=APPLICANT,
            ),
            Transition(
                "close",
                pgettext_lazy("petition action", "Close"),
                sources=("answered",),
                target="closed",
                by=APPLICANT,
            ),
            Transition(
                "reopen",
                pgettext_lazy("petition action", "Reopen"),
                sources=("answered",),
                target="reopened",
                by=APPLICANT,
            ),
            Transition(
                "withdraw",
                pgettext_lazy("petition action", "Withdraw"),
                sources=OPEN,
                target="closed",
                by=APPLICANT,
            ),
            Transition(
                "escalate",
                pgettext_lazy("petition action", "Escalate to the supervisor"),
                sources=OPEN,
                target=None,
                by=SYSTEM,
            ),
        ),
        open_states=OPEN,
        applicant_field="petitioner",
        agency_field="agency",
        assignee_field="assignee",
        submitted_field="submitted_at",
        closed_field="answered_at",
        number_label="민원번호 / Petition",
        url_path="petitions",
        attachment_folder="petitions",
        reminders=True,
        escalations=True,
        mail_subject="민원",
        title_field="title",
    )
)
