"""The customs declaration procedure (수입·수출신고) as the case kernel runs it.

The declarant (a trader, or a broker under mandate) submits (신고); the platform accepts it,
assesses the risk and routes it: green lanes are released at once when nothing is owed or
the trader is an AEO, else once the payment order is paid; yellow goes to document review
(서류심사), red to physical inspection (물품검사); a missing permit of another agency holds it
(보류). Officials of the customs office request documents, record inspection results and
findings, amend the assessment, impose penalties, approve or reject. The declarant may amend
(정정) and withdraw (취하) before release.
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
from egov.customs.models import Declaration

OPEN = Declaration.OPEN_STATES
ACT_ROLES = ("registrar", "agency_admin")
LAW = "관세법"
WORK = ("under_review", "inspection")

DECLARATION = procedure_register(
    Procedure(
        code="customs.declaration",
        model="customs.Declaration",
        label=pgettext_lazy("procedure", "Customs declaration"),
        audit_prefix="customs.declaration",
        number=NumberFormat(prefix="CD-", date_format="%y%m%d", digits=8),
        transitions=(
            Transition(
                "submit",
                pgettext_lazy("declaration action", "Submit"),
                sources=(),
                target="accepted",
                by=APPLICANT,
                legal_basis=f"{LAW} 제241조 (수출·수입 또는 반송의 신고)",
            ),
            Transition(
                "hold",
                pgettext_lazy("declaration action", "Hold for a permit"),
                sources=("accepted",),
                target="held",
                by=SYSTEM,
                legal_basis=f"{LAW} 제226조 (허가·승인 등의 증명 및 확인)",
            ),
            Transition(
                "recheck",
                pgettext_lazy("declaration action", "Check the permits again"),
                sources=("held",),
                target="accepted",
                by=APPLICANT,
            ),
            Transition(
                "route_review",
                pgettext_lazy("declaration action", "Sent to document review"),
                sources=("accepted",),
                target="under_review",
                by=SYSTEM,
            ),
            Transition(
                "route_inspection",
                pgettext_lazy("declaration action", "Sent to physical inspection"),
                sources=("accepted",),
                target="inspection",
                by=SYSTEM,
                legal_basis=f"{LAW} 제246조 (물품의 검사)",
            ),
            Transition(
                "charge",
                pgettext_lazy("declaration action", "Duties charged"),
                sources=("accepted", *WORK),
                target="awaiting_payment",
                by=SYSTEM,
                legal_basis=f"{LAW} 제38조 (신고납부)",
            ),
            Transition(
                "release",
                pgettext_lazy("declaration action", "Released"),
                sources=("accepted", "awaiting_payment", *WORK),
                target="released",
                by=SYSTEM,
                legal_basis=f"{LAW} 제248조 (신고의 수리)",
            ),
            Transition(
                "issue_notice",
                pgettext_lazy("declaration action", "Release notice issued"),
                sources=("released",),
                target=None,
                by=SYSTEM,
                legal_basis=f"{LAW} 제248조 (신고의 수리)",
            ),
            Transition(
                "request_documents",
                pgettext_lazy("declaration action", "Documents requested"),
                sources=WORK,
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
            ),
            Transition(
                "record_inspection",
                pgettext_lazy("declaration action", "Inspection recorded"),
                sources=WORK,
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제246조 (물품의 검사)",
            ),
            Transition(
                "reassess",
                pgettext_lazy("declaration action", "Assessment amended"),
                sources=WORK,
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제38조의3 (수정 및 경정)",
            ),
            Transition(
                "penalize",
                pgettext_lazy("declaration action", "Penalty imposed"),
                sources=WORK,
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제276조 (허위신고죄 등)",
            ),
            Transition(
                "approve",
                pgettext_lazy("declaration action", "Approved"),
                sources=WORK,
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제248조 (신고의 수리)",
            ),
            Transition(
                "reject",
                pgettext_lazy("declaration action", "Rejected"),
                sources=(*WORK, "held"),
                target="rejected",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제250조 (신고의 각하)",
            ),
            Transition(
                "amend",
                pgettext_lazy("declaration action", "Amended"),
                sources=OPEN,
                target=None,
                by=APPLICANT,
                legal_basis=f"{LAW} 제38조의2 (보정)",
            ),
            Transition(
                "withdraw",
                pgettext_lazy("declaration action", "Withdrawn"),
                sources=("accepted", "held", *WORK, "awaiting_payment"),
                target="withdrawn",
                by=APPLICANT,
                legal_basis=f"{LAW} 제250조 (신고의 취하)",
            ),
        ),
        open_states=OPEN,
        applicant_field="filed_by",
        agency_field="agency",
        submitted_field="submitted_at",
        closed_field="decided_at",
        number_label="신고번호 / Declaration",
        url_path="customs",
        attachment_folder="customs",
        watches=(),
        mail_subject="통관",
    )
)
