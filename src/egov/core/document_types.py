"""Document types: what the platform issues, with its title and the template that lays it out.

An app declares its types in `<app>/documents.py` (autodiscovered by the documents app). The
declarations live in core, below every app, because the registry, which sits below documents,
declares types too.

    document_type("resident.abstract", title_ko="주민등록표 초본",
                  title_en="Resident Registration Abstract",
                  template="documents/pdf/resident_abstract.html")

A template is an ordinary Django template in a small HTML subset (docs/documents.md lists the
tags); anyone who can edit HTML can change a certificate's layout without touching code.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed

GENERIC_TEMPLATE = "documents/pdf/generic.html"
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class DocumentType:
    code: str
    title_ko: str
    title_en: str
    template: str = GENERIC_TEMPLATE

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ko


_TYPES: dict[str, DocumentType] = {}


def document_type(
    code: str, *, title_ko: str, title_en: str, template: str = GENERIC_TEMPLATE
) -> DocumentType:
    """Declare (or re-declare, identically) a document type."""
    if not CODE_RE.match(code) or len(code) > 64:
        raise ValueError(f"a document type code looks like 'app.thing', not {code!r}")
    declared = DocumentType(code, title_ko, title_en, template)
    if code in _TYPES and _TYPES[code] != declared:
        raise ValueError(f"document type {code!r} is declared twice, differently")
    _TYPES[code] = declared
    return declared


def document_type_get(code: str) -> DocumentType:
    try:
        return _TYPES[code]
    except (KeyError, TypeError):
        raise ValidationFailed(
            _("Unknown document type: %(code)s.") % {"code": code}, field="doc_type"
        ) from None


def document_types() -> list[DocumentType]:
    return sorted(_TYPES.values(), key=lambda t: t.code)


def document_type_title(code: str, language: str) -> str:
    found = _TYPES.get(code)
    return found.title(language) if found else code
