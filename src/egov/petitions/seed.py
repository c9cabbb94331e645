"""Petition categories of the demo nation, each routed to its competent agency.

Run from a shell or a later `egov seed` step: `categories_seed()` creates what is missing and
skips agencies the database does not hold.
"""

from egov.petitions.models import Category
from egov.registry.models import Agency

# code, Korean name, English name, competent agency code, complaint period
CATEGORIES = (
    ("road-jongno", "도로·교통 (종로구)", "Roads and traffic (Jongno-gu)", "3000000",
     "petitions.complaint.suggestion"),
    ("sanitation-jongno", "청소·환경 (종로구)", "Waste and environment (Jongno-gu)", "3000000",
     "petitions.complaint.other"),
    ("parking-gangnam", "주차 (강남구)", "Parking (Gangnam-gu)", "3220000", "petitions.complaint.other"),
    ("housing-seoul", "주택·건축 (서울특별시)", "Housing and building (Seoul)", "6110000",
     "petitions.complaint.inquiry_law"),
    ("port-busan", "항만 (부산광역시)", "Port (Busan)", "6260000", "petitions.complaint.inquiry_procedure"),
    ("resident-registration", "주민등록 제도", "Resident registration", "1741000",
     "petitions.complaint.inquiry_law"),
)  # fmt: skip


def categories_seed() -> list[Category]:
    agencies = Agency.objects.in_bulk({row[3] for row in CATEGORIES}, field_name="code")
    out = []
    for code, name_ko, name_en, agency_code, period in CATEGORIES:
        agency = agencies.get(agency_code)
        if agency is None:
            continue
        category, _created = Category.objects.get_or_create(
            code=code,
            defaults={"name_ko": name_ko, "name_en": name_en, "agency": agency, "period_code": period},
        )
        out.append(category)
    return out
