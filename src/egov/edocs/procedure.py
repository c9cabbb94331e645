"""The two procedures of On-nara as the case kernel runs them.

An official document (`edocs.document`): the drafter drafts (기안), submits it to the approval
line (상신), may withdraw it (회수) while nobody has finished it; reviewers (검토) and
cooperators (협조) sign in turn, the approver approves (결재) — under the agency's delegation
table (전결) or, absent, by a substitute (대결) whom the approver follows with a post-approval
(후결) — or anyone in turn returns it with a comment (반려). Approved, it is registered with the
department's next registration number; a document for others is then dispatched (발송).

A received document (`edocs.receipt`): delivered by the platform, registered (접수) with the
receiving department's next receipt number, assigned (배부) to a department and an official,
or sent back (반송).

Legal basis: 행정업무의 운영 및 혁신에 관한 규정 (the regulation; 2023 title of 행정업무의 효율적
운영에 관한 규정) and its 시행규칙. Articles are cited only where we are sure; the rest say
"조문 미확인 (unverified)" until checked against law.go.kr (docs/edocs.md).
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
from egov.edocs.models import AppraisalCase, OfficialDocument, ReceivedDocument

LAW = "행정업무의 운영 및 혁신에 관한 규정"
UNVERIFIED = "조문 미확인 (unverified)"
# Every official drafts and approves in On-nara; who acts on a given document is decided by its
# approval line and department (services), the roles only keep out accounts without any.
OFFICE_ROLES = ("viewer", "registrar", "agency_admin")

DOCUMENT = procedure_register(
    Procedure(
        code="edocs.document",
        model="edocs.OfficialDocument",
        label=pgettext_lazy("procedure", "Official document"),
        audit_prefix="edocs.document",
        number=NumberFormat(prefix="ED-", date_format="%y%m", digits=7),
        transitions=(
            Transition(
                "draft",
                pgettext_lazy("edocs action", "Draft"),
                sources=(),
                target="draft",
                by=APPLICANT,
                legal_basis=f"{LAW} (문서의 기안; {UNVERIFIED})",
            ),
            Transition(
                "edit",
                pgettext_lazy("edocs action", "Edit the draft"),
                sources=("draft", "returned"),
                target=None,
                by=APPLICANT,
            ),
            Transition(
                "submit",
                pgettext_lazy("edocs action", "Submit for approval"),
                sources=("draft", "returned"),
                target="in_approval",
                by=APPLICANT,
                legal_basis=f"{LAW} (문서의 기안; {UNVERIFIED})",
            ),
            Transition(
                "withdraw",
                pgettext_lazy("edocs action", "Withdraw"),
                sources=("draft", "in_approval", "returned"),
                target="withdrawn",
                by=APPLICANT,
            ),
            Transition(
                "review",
                pgettext_lazy("edocs action", "Review"),
                sources=("in_approval",),
                target=None,
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} (문서의 검토 및 협조; {UNVERIFIED})",
            ),
            Transition(
                "cooperate",
                pgettext_lazy("edocs action", "Cooperate"),
                sources=("in_approval",),
                target=None,
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} (문서의 검토 및 협조; {UNVERIFIED})",
            ),
            Transition(
                "approve",
                pgettext_lazy("edocs action", "Approve"),
                sources=("in_approval",),
                target="approved",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} 제10조 (문서의 결재)",
            ),
            Transition(
                "approve_delegated",
                pgettext_lazy("edocs action", "Approve under delegation"),
                sources=("in_approval",),
                target="approved",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} 제10조 제2항 (위임전결)",
            ),
            Transition(
                "approve_substitute",
                pgettext_lazy("edocs action", "Approve as substitute"),
                sources=("in_approval",),
                target="approved",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} 제10조 제3항 (대결)",
            ),
            Transition(
                "post_approve",
                pgettext_lazy("edocs action", "Post-approve"),
                sources=("approved", "dispatched"),
                target=None,
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} 제10조 제3항 (대결 후 사후 보고·후결)",
            ),
            Transition(
                "return",
                pgettext_lazy("edocs action", "Return"),
                sources=("in_approval",),
                target="returned",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
            ),
            Transition(
                "dispatch",
                pgettext_lazy("edocs action", "Dispatch"),
                sources=("approved",),
                target="dispatched",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} (문서의 발신; {UNVERIFIED})",
            ),
        ),
        open_states=OfficialDocument.OPEN_STATES,
        applicant_field="drafter",
        agency_field="agency",
        assignee_field=None,
        submitted_field="submitted_at",
        closed_field="approved_at",
        number_label="문서 / Document",
        url_path="edocs/documents",
        attachment_folder="edocs",
        watches=(),
        mail_subject="공문서",
        title_field="title",
    )
)

RECEIPT = procedure_register(
    Procedure(
        code="edocs.receipt",
        model="edocs.ReceivedDocument",
        label=pgettext_lazy("procedure", "Received document"),
        audit_prefix="edocs.receipt",
        number=NumberFormat(prefix="ER-", date_format="%y%m", digits=7),
        transitions=(
            Transition(
                "deliver",
                pgettext_lazy("edocs action", "Delivered"),
                sources=(),
                target="delivered",
                by=SYSTEM,
                legal_basis=f"{LAW} 제6조 (문서의 효력 발생: 도달)",
            ),
            Transition(
                "register",
                pgettext_lazy("edocs action", "Register"),
                sources=("delivered",),
                target="registered",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} (문서의 접수·처리; {UNVERIFIED})",
            ),
            Transition(
                "assign",
                pgettext_lazy("edocs action", "Assign"),
                sources=("registered",),
                target="assigned",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
                legal_basis=f"{LAW} (문서의 접수·처리: 배부; {UNVERIFIED})",
            ),
            Transition(
                "send_back",
                pgettext_lazy("edocs action", "Send back"),
                sources=("delivered",),
                target="returned",
                by=OFFICIAL,
                roles=OFFICE_ROLES,
            ),
        ),
        open_states=ReceivedDocument.OPEN_STATES,
        applicant_field="sender",
        agency_field="agency",
        assignee_field="assignee",
        submitted_field="delivered_at",
        closed_field="registered_at",
        number_label="접수 / Receipt",
        url_path="edocs/received",
        watches=(),
        mail_subject="공문서 접수",
        title_field=None,
    )
)

RECORDS_LAW = "공공기록물 관리에 관한 법률"
RECORDS_ROLES = ("registrar", "agency_admin")

APPRAISAL = procedure_register(
    Procedure(
        code="edocs.appraisal",
        model="edocs.AppraisalCase",
        label=pgettext_lazy("procedure", "Records appraisal"),
        audit_prefix="edocs.appraisal",
        number=NumberFormat(prefix="EA-", date_format="%y%m", digits=7),
        transitions=(
            Transition(
                "open",
                pgettext_lazy("edocs action", "Retention ended"),
                sources=(),
                target="proposed",
                by=SYSTEM,
                legal_basis=f"{RECORDS_LAW} (보존기간 경과 기록물의 평가; {UNVERIFIED})",
            ),
            Transition(
                "dispose",
                pgettext_lazy("edocs action", "Approve disposal"),
                sources=("proposed",),
                target="disposed",
                by=OFFICIAL,
                roles=RECORDS_ROLES,
                legal_basis=f"{RECORDS_LAW} (기록물의 폐기; {UNVERIFIED})",
            ),
            Transition(
                "transfer",
                pgettext_lazy("edocs action", "Transfer to the archive"),
                sources=("proposed",),
                target="transferred",
                by=OFFICIAL,
                roles=RECORDS_ROLES,
                legal_basis=f"{RECORDS_LAW} (기록물의 이관; {UNVERIFIED})",
            ),
            Transition(
                "retain",
                pgettext_lazy("edocs action", "Extend retention"),
                sources=("proposed",),
                target="retained",
                by=OFFICIAL,
                roles=RECORDS_ROLES,
            ),
        ),
        open_states=AppraisalCase.OPEN_STATES,
        applicant_field="opened_by",
        agency_field="agency",
        assignee_field=None,
        submitted_field="opened_at",
        closed_field="decided_at",
        number_label="평가 / Appraisal",
        url_path="edocs/appraisals",
        watches=(),
        mail_subject="기록물 평가",
        title_field=None,
    )
)
