"""The processing periods (처리기간) of petitions, registered with `core.deadlines`.

A grievance and a proposal have one period each, whatever their category; a complaint's period
depends on what is asked, so each `Category` names one of the complaint periods below.
"""

from egov.core import deadlines

GRIEVANCE = "petitions.grievance"
PROPOSAL = "petitions.proposal"

# code -> (days, Korean name, English name, legal basis); `days=` applies 민원처리법 제19조:
# up to 5 days the period runs in business hours, from 6 days in business days.
COMPLAINT_PERIODS = {
    "petitions.complaint.inquiry_law": (
        7, "질의민원(법령 해석)", "Inquiry about the law",
        "민원 처리에 관한 법률 시행령 (질의민원의 처리기간)",
    ),
    "petitions.complaint.inquiry_procedure": (
        4, "질의민원(제도·절차)", "Inquiry about a procedure",
        "민원 처리에 관한 법률 시행령 (질의민원의 처리기간)",
    ),
    "petitions.complaint.suggestion": (
        10, "건의민원", "Suggestion", "민원 처리에 관한 법률 시행령 (건의민원의 처리기간)"
    ),
    "petitions.complaint.other": (
        7, "기타민원", "Other complaint", "민원 처리에 관한 법률 제17조·제19조"
    ),
}  # fmt: skip


def periods_register() -> None:
    """Declare every petition period (from `PetitionsConfig.ready`; registering twice is a no-op)."""
    deadlines.register_period(
        GRIEVANCE,
        days=7,
        name_ko="고충민원",
        name_en="Grievance",
        legal_basis="민원 처리에 관한 법률 시행령 (고충민원의 처리기간)",
    )
    deadlines.register_period(
        PROPOSAL,
        days=14,
        name_ko="국민제안",
        name_en="Proposal",
        legal_basis="국민제안 규정 (제안의 처리기간)",
    )
    for code, (days, name_ko, name_en, basis) in COMPLAINT_PERIODS.items():
        deadlines.register_period(code, days=days, name_ko=name_ko, name_en=name_en, legal_basis=basis)
