"""The single window's shared items: permits other agencies issue, served by the issuing agency
through `exchange` (found at start-up by the exchange app).

A permit is a business's, so the item's subject is the business, asked for by its registration
number: the access log records the read against the business, and no person — not its
representative — sees it among the reads of their own data."""

from collections.abc import Collection

from django.utils import timezone

from egov.core.shared_items import shared_item
from egov.registry.models import Business

QUARANTINE = "1543000"  # 농림축산검역본부 (Animal and Plant Quarantine Agency)
QUARANTINE_ITEM = "quarantine.import_permits"


@shared_item(
    code=QUARANTINE_ITEM,
    provider_code=QUARANTINE,
    name_ko="수입검역 합격 증명",
    name_en="Import quarantine clearances",
    fields=("permits",),
    subject="business",
)
def quarantine_permits(business: Business, fields: Collection[str]) -> dict:
    from egov.customs.models import Permit

    today = timezone.localdate()
    rows = Permit.objects.filter(
        item_code=QUARANTINE_ITEM,
        business=business,
        valid_from__lte=today,
        valid_until__gte=today,
    ).select_related("business")
    return {
        "permits": [
            {
                "brn": p.business.brn,
                "number": p.number,
                "hs_prefix": p.hs_prefix,
                "valid_until": p.valid_until.isoformat(),
            }
            for p in rows
        ]
    }
