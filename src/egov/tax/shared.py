"""The tax app's shared item: `tax.clearance` (납세사실 / 체납 여부), what a 납세증명서 certifies,
served through `exchange` so that an agency (procurement's contract step, a licence office)
checks it under a grant instead of asking for the paper. The subject is a resident; the item
answers for the resident and for each business they represent."""

from collections.abc import Collection

from django.utils import timezone

from egov.core.shared_items import shared_item
from egov.registry.models import Business, Resident
from egov.tax.models import DeductionRecord
from egov.tax.selectors import arrears_of

NTS = "1210000"  # National Tax Service


@shared_item(
    code="tax.clearance",
    provider_code=NTS,
    name_ko="납세사실 (체납 여부)",
    name_en="Tax clearance (no arrears)",
    fields=("clear", "arrears", "businesses", "as_of"),
)
def tax_clearance(resident: Resident, fields: Collection[str]) -> dict:
    served: dict = {"as_of": timezone.localdate().isoformat()}
    if "clear" in fields or "arrears" in fields:
        own = arrears_of(resident=resident)
        served["arrears"] = own
        served["clear"] = own == 0
    if "businesses" in fields:
        served["businesses"] = [
            {
                "brn": b.brn_formatted,
                "name": b.name,
                "arrears": (owed := arrears_of(business=b)),
                "clear": owed == 0,
            }
            for b in Business.objects.filter(representative=resident).order_by("id")
        ]
    return served


# 연말정산 간소화: each kind of deduction data is served by the agency or company that holds it.
# (kind, item code, provider code, provider's name, item's names). The provider codes of the
# 교육부 and the NHIS are the registry's; 9000101 and 9000102 are the demo's third-party codes.
YEAREND_PROVIDERS = (
    ("insurance", "yearend.insurance", "9000101", ("생명보험협회", "Korea Life Insurance Association"),
     ("보험료 납입 내역", "Insurance premiums paid")),
    ("medical", "yearend.medical", "1352100", ("국민건강보험공단", "National Health Insurance Service"),
     ("의료비 지출 내역", "Medical costs paid")),
    ("education", "yearend.education", "1342000", ("교육부", "Ministry of Education"),
     ("교육비 납입 내역", "Education costs paid")),
    ("card", "yearend.card", "9000102", ("여신금융협회", "Credit Finance Association"),
     ("신용카드 등 사용 내역", "Card spending")),
)  # fmt: skip
YEAREND_YEARS = 5  # the years served back from last year


def _yearend_item(kind: str, code: str, provider: str, names: tuple[str, str]):
    def serve(resident: Resident, fields: Collection[str]) -> dict:
        last = timezone.localdate().year - 1
        rows = (
            DeductionRecord.objects.filter(
                resident=resident, kind=kind, provider__code=provider, year__gte=last - YEAREND_YEARS + 1
            )
            .order_by("year", "id")
            .values("year", "payee", "amount")
        )
        return {"records": [dict(r) for r in rows]}

    serve.__name__ = f"yearend_{kind}"
    register = shared_item(
        code=code, provider_code=provider, name_ko=names[0], name_en=names[1], fields=("records",)
    )
    return register(serve)


for _kind, _code, _provider, _agency_names, _names in YEAREND_PROVIDERS:
    _yearend_item(_kind, _code, _provider, _names)
