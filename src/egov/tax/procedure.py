"""The VAT return (부가가치세 확정신고) as a procedure of the case kernel (`egov.cases`).

The business prepares its return from the pre-filled figures (작성 중), files it (신고): with tax
to pay it gets a payment order and waits for the money (신고·납부 대기); with input tax above
output tax it waits for its refund (환급 대기); a nil return is settled at once. The payment
arriving settles the return (the platform's step); an official of the tax office pays out a
refund.
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
from egov.tax.models import VatReturn

LAW = "부가가치세법 제49조 (확정신고와 납부)"
REFUND_LAW = "부가가치세법 제59조 (환급)"

VAT_RETURN = procedure_register(
    Procedure(
        code="tax.vat_return",
        model="tax.VatReturn",
        label=pgettext_lazy("procedure", "VAT return"),
        audit_prefix="vat_return",
        number=NumberFormat(prefix="VAT-", date_format="%y%m", digits=7),
        transitions=(
            Transition(
                "prepare",
                pgettext_lazy("vat return action", "Prepare"),
                sources=(),
                target="draft",
                by=APPLICANT,
            ),
            Transition(
                "file",
                pgettext_lazy("vat return action", "File"),
                sources=("draft",),
                target="filed",
                by=APPLICANT,
                legal_basis=LAW,
            ),
            Transition(
                "file_refund",
                pgettext_lazy("vat return action", "File (refund)"),
                sources=("draft",),
                target="refund_due",
                by=APPLICANT,
                legal_basis=REFUND_LAW,
            ),
            Transition(
                "file_nil",
                pgettext_lazy("vat return action", "File (nothing due)"),
                sources=("draft",),
                target="settled",
                by=APPLICANT,
                legal_basis=LAW,
            ),
            Transition(
                "settle",
                pgettext_lazy("vat return action", "Tax paid"),
                sources=("filed",),
                target="settled",
                by=SYSTEM,
            ),
            Transition(
                "refund",
                pgettext_lazy("vat return action", "Refund paid out"),
                sources=("refund_due",),
                target="settled",
                by=OFFICIAL,
                roles=("registrar", "agency_admin"),
                legal_basis=REFUND_LAW,
            ),
        ),
        open_states=VatReturn.OPEN_STATES,
        applicant_field="applicant",
        title_field="period_label",  # "2026년 제2기": a draft has no number yet
        agency_field="agency",
        submitted_field="submitted_at",
        closed_field="decided_at",
        number_label="신고번호 / VAT return",
        url_path="tax/vat",
        applicant_link=lambda vat_return: f"/business/tax/vat/{vat_return.period}/",
        watches=(),
        mail_subject="부가가치세 신고",
    )
)
