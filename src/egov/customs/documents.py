"""The release notices customs issues through `documents` (signed, with the QR, verifiable at
/verify)."""

from egov.core.document_types import document_type

document_type(
    "customs.import_release",
    title_ko="수입신고필증",
    title_en="Import Declaration Certificate (release notice)",
    template="customs/documents/release.html",
)
document_type(
    "customs.export_release",
    title_ko="수출신고필증",
    title_en="Export Declaration Certificate (release notice)",
    template="customs/documents/release.html",
)
