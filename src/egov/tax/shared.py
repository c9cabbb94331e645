"""The tax app's shared item: `tax.clearance` (납세사실 / 체납 여부), what a 납세증명서 certifies,
served through `exchange` so that an agency (procurement's contract step, a licence office)
checks it under a grant instead of asking for the paper. The subject is a resident; the item
answers for the resident and for each business they represent."""

from collections.abc import Collection

from django.utils import timezone

from egov.core.shared_items import shared_item
from egov.registry.models import Business, Resident
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
