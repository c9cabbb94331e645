"""Documents the registries issue (declared here, issued through egov.documents)."""

from egov.core.document_types import document_type

document_type(
    "resident.abstract",
    title_ko="주민등록표 초본",
    title_en="Resident Registration Abstract",
    template="registry/documents/resident_abstract.html",
)
