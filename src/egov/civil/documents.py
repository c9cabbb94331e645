"""Documents the civil services issue (resident.abstract is declared by the registry)."""

from egov.core.document_types import document_type

document_type(
    "civil.resident_copy",
    title_ko="주민등록표 등본",
    title_en="Resident Registration Copy (household)",
    template="civil/documents/resident_copy.html",
)
document_type(
    "civil.family_relations",
    title_ko="가족관계증명서",
    title_en="Certificate of Family Relations",
    template="civil/documents/family_relations.html",
)
document_type(
    "civil.vehicle_registration",
    title_ko="자동차등록증",
    title_en="Vehicle Registration Certificate",
    template="civil/documents/vehicle_registration.html",
)
document_type(
    "civil.business_registration",
    title_ko="사업자등록증명",
    title_en="Certificate of Business Registration",
    template="civil/documents/business_registration.html",
)
document_type(
    "civil.tax_clearance",
    title_ko="납세증명서",
    title_en="Tax Clearance Certificate",
    template="civil/documents/tax_clearance.html",
)
document_type(
    "civil.decision",
    title_ko="민원 처리 결과 통지서",
    title_en="Notice of Decision on an Application",
    template="civil/documents/decision.html",
)
document_type(
    "civil.application_receipt",
    title_ko="민원 접수증",
    title_en="Application Receipt",
    template="documents/pdf/receipt.html",
)
