"""Open data procurement publishes: the OCDS 1.1 bulk release package of every tender (the same
package `/api/v1/procurement/ocds/bulk/releases.json` streams), as a file refreshed daily."""

from django.conf import settings

from egov.core.open_data import FileOutput, OpenDataFeed
from egov.procurement import ocds
from egov.procurement.models import Tender

MOIS = "1741000"


def ocds_package() -> FileOutput:
    uri = settings.EGOV_PUBLIC_URL + "/api/v1/procurement/ocds/bulk/releases.json"
    content = "".join(ocds.bulk_package(Tender.objects.all(), kind="releases", uri=uri)).encode()
    return FileOutput(
        name="OCDS 1.1 릴리스 패키지 (전체)", format="JSON", media_type="application/json", content=content
    )


FEEDS = (
    OpenDataFeed(
        slug="procurement-ocds-releases",
        title_ko="나라장터 입찰·계약 정보(OCDS)",
        title_en="Public procurement tenders and contracts (OCDS)",
        description_ko=(
            "모든 입찰 공고, 개찰, 낙찰과 계약을 개방형 계약 데이터 표준(OCDS 1.1) "
            "릴리스 패키지로 제공합니다."
        ),
        publisher_code=MOIS,
        theme="procurement",
        frequency="daily",
        licence="kogl-type1",
        build=ocds_package,
        tags=("조달", "입찰", "계약", "OCDS"),
    ),
)
