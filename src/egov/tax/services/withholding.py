"""The employer files the withholding statement (근로소득 지급명세서) for an employee who gave
them their year-end settlement data, and the settlement is computed (`yearend_calc.settle`):
the refund (환급) or the additional tax (추가 납부) of income tax and local income tax.

One statement per employer, employee and year: filing the same figures again changes nothing;
other figures are refused unless the filing is marked amended (수정 제출), which keeps the
earlier one and adds the next version. Every filing is audited.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.core.notifications import notification_send
from egov.documents.services import document_files_atomic, document_issue
from egov.registry.models import Agency, Business
from egov.tax import selectors
from egov.tax.models import WithholdingStatement, YearEndPackage
from egov.tax.shared import NTS
from egov.tax.yearend_calc import LOCAL_TAX_PCT, Settlement, settle

DOC_TYPE = "tax.withholding_receipt"

MAX_WON = 10**13  # far above any wage; keeps the integers in the database's range


def _won(value, field: str, *, positive: bool = False) -> int:
    """A whole number of won from a form or the API ("50,000,000" allowed); the field named."""
    if isinstance(value, bool):
        value = None
    text = (
        value if isinstance(value, int) else str(value if value is not None else "").strip().replace(",", "")
    )
    try:
        amount = int(text) if isinstance(text, int) or (text.isascii() and text.isdigit()) else None
    except ValueError:
        amount = None
    if amount is None:
        raise ValidationFailed(_("Enter a whole number of won (no decimals, no minus sign)."), field=field)
    if amount >= MAX_WON or (positive and amount == 0):
        raise ValidationFailed(_("Enter an amount between 1 won and 10 trillion won."), field=field)
    return amount


def withholding_file(
    *, actor, business: Business, package_pk, total_pay, withheld_tax, amend: bool = False
) -> WithholdingStatement:
    """File the withholding statement of `business` (from `selectors.business_for`) for the
    data `package_pk` an employee gave it: 총급여 `total_pay` and the income tax withheld
    `withheld_tax` (지방소득세 withheld taken as 10 % of it), in won."""
    package = selectors.yearend_received_get(business=business, pk=package_pk)
    total_pay = _won(total_pay, "total_pay", positive=True)
    withheld_tax = _won(withheld_tax, "withheld_tax")
    if withheld_tax > total_pay:
        raise ValidationFailed(_("The tax withheld cannot exceed the total pay."), field="withheld_tax")
    withheld_local = withheld_tax * LOCAL_TAX_PCT // 100
    totals = package.totals
    result = settle(
        total_pay=total_pay, withheld_tax=withheld_tax, withheld_local_tax=withheld_local,
        insurance=int(totals.get("insurance", 0)), medical=int(totals.get("medical", 0)),
        education=int(totals.get("education", 0)), card=int(totals.get("card", 0)),
    )  # fmt: skip
    with transaction.atomic():
        YearEndPackage.objects.select_for_update().filter(pk=package.pk).first()
        current = (
            WithholdingStatement.objects.filter(
                employer=business, resident_id=package.resident_id, year=package.year
            )
            .order_by("-version")
            .first()
        )
        if current is not None and current.result == result.as_dict():
            return current
        if current is not None and not amend:
            raise Conflict(
                _("Already filed for this employee and year; tick 'amended filing' to correct it."),
                field="amend",
            )
        if current is None and amend:
            raise ValidationFailed(_("Nothing has been filed yet to amend."), field="amend")
        version = (current.version + 1) if current else 1
        try:
            with transaction.atomic(), document_files_atomic():
                document = document_issue(
                    actor=actor, doc_type=DOC_TYPE, subject=package.resident,
                    agency=Agency.objects.get(code=NTS), language="ko",
                    payload=_payload(package, business, version, result),
                )  # fmt: skip
                statement = WithholdingStatement.objects.create(
                    employer=business, resident_id=package.resident_id, year=package.year, version=version,
                    package=package, total_pay=total_pay, withheld_tax=withheld_tax,
                    withheld_local_tax=withheld_local, result=result.as_dict(), balance=result.balance,
                    local_balance=result.local_balance, filed_by=actor, document=document,
                )  # fmt: skip
        except IntegrityError:
            raise Conflict(
                _("Another filing for this employee was made at the same time."), field="amend"
            ) from None
        audit_record(
            actor=actor, action="tax.withholding_amend" if current else "tax.withholding_file", obj=statement,
            before={"version": current.version, "total_pay": current.total_pay,
                    "withheld_tax": current.withheld_tax} if current else None,
            after={"year": package.year, "version": statement.version, "total_pay": total_pay,
                   "withheld_tax": withheld_tax, "balance": result.balance,
                   "local_balance": result.local_balance},
        )  # fmt: skip
        _notify_employee(statement)
    return statement


LINES = (
    ("total_pay", "총급여"), ("earned_income_deduction", "근로소득공제"), ("earned_income", "근로소득금액"),
    ("basic_deduction", "기본공제(본인)"), ("card_deduction", "신용카드 등 소득공제"),
    ("tax_base", "과세표준"), ("computed_tax", "산출세액"), ("wage_credit", "근로소득세액공제"),
    ("insurance_credit", "보험료 세액공제"),
    ("medical_credit", "의료비 세액공제"), ("education_credit", "교육비 세액공제"),
    ("standard_credit", "표준세액공제"), ("determined_tax", "결정세액(소득세)"),
    ("withheld_tax", "기납부세액(소득세)"), ("balance", "차감징수세액(소득세)"),
    ("determined_local_tax", "결정세액(지방소득세)"), ("withheld_local_tax", "기납부세액(지방소득세)"),
    ("local_balance", "차감징수세액(지방소득세)"),
)  # fmt: skip


def _payload(package: YearEndPackage, business: Business, version: int, result: Settlement) -> dict:
    values = result.as_dict()
    return {
        "name": package.resident.name_ko, "rrn": package.resident.rrn_masked, "year": package.year,
        "employer": business.name, "employer_brn": business.brn, "version": version,
        "lines": [[label, values[key]] for key, label in LINES], "result": values,
    }  # fmt: skip


def _notify_employee(statement: WithholdingStatement) -> None:
    """The employee's notification (on My page) that the settlement is computed."""
    if statement.refund:
        line_ko, line_en = (
            f"환급 예정 금액 {statement.refund:,}원",
            f"Expected refund {statement.refund:,} won",
        )
    elif statement.additional:
        line_ko = f"추가 납부 금액 {statement.additional:,}원"
        line_en = f"Additional tax to pay {statement.additional:,} won"
    else:
        line_ko, line_en = "환급 및 추가 납부 금액 없음", "Nothing refunded or due"
    notification_send(
        user=User.objects.filter(resident_id=statement.resident_id).first(),
        key=f"tax-withholding:{statement.pk}",
        title_ko=f"{statement.year}년 귀속 연말정산 결과: {line_ko}",
        title_en=f"{statement.year} year-end settlement: {line_en}",
        body=f"{statement.employer.name} · {line_ko}",
        link="/tax/yearend/",
    )
