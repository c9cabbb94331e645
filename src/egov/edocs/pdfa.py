"""A check of the PDF/A requirements that matter for an archive copy, read with pypdf.

This is not a PDF/A validator: veraPDF (the reference) cannot be installed here, and no
maintained validator is packaged for PyPI or Debian. What is checked, in the PDF's own
structure (ISO 19005-2 clauses named):

- the file claims a PDF/A part and conformance level in its XMP metadata (pdfaid, 6.6.4);
- an output intent GTS_PDFA1 with an embedded ICC profile (6.2.3);
- every font used on a page (forms and Type0 descendants included) is embedded (6.2.11.4;
  Type3 fonts are drawn by the file itself);
- no encryption (6.1.3), no JavaScript and no Launch, ImportData, ResetForm, Sound or Movie
  action anywhere (6.5.1, 6.6.1), no stream whose data is in an external file (/F, 6.1.7);
- a trailer file identifier (/ID, 6.1.3).

What is not checked: colour spaces against the output intent, transparency groups, fonts'
glyph widths and encodings against their programs, the XMP schema's validity, annotations'
appearance streams, tagging (level A) and Unicode maps (level U).
"""

import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/ResetForm", "/Sound", "/Movie"}
PART = re.compile(rb"pdfaid:part(?:>|=\")\s*([1-4])")
CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=\")\s*([ABUabu])")


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _fonts(resources, seen: set, out: list) -> None:
    """Every font of `resources`, then of the form XObjects they use (each object once)."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    for font in (_resolve(resources.get("/Font")) or {}).values():
        ref = id(_resolve(font))
        if ref not in seen:
            seen.add(ref)
            out.append(_resolve(font))
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        xobject = _resolve(xobject)
        if id(xobject) in seen or not isinstance(xobject, StreamObject):
            continue
        seen.add(id(xobject))
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), seen, out)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(_resolve(d)) for d in _resolve(font.get("/DescendantFonts")) or [])
    descriptor = _resolve(font.get("/FontDescriptor"))
    return isinstance(descriptor, DictionaryObject) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _walk(value, seen: set, problems: set) -> None:
    """Forbidden actions and external streams anywhere under `value` (each object once)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            action = item.get("/S")
            if action in FORBIDDEN_ACTIONS:
                problems.add(f"forbidden action {action[1:]}")
            if item.get("/Type") == "/Filespec" and "/EF" in item:
                problems.add("embedded file")
            if isinstance(item, StreamObject) and "/F" in item:
                problems.add("stream in an external file")
            stack.extend(v for k, v in item.items() if k not in ("/Parent", "/P"))
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def pdfa_check(data: bytes) -> dict:
    """{"claimed": e.g. "2B" or None, "problems": [what breaks the requirements above]}."""
    problems: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return {"claimed": None, "problems": ["encrypted"]}
        catalog = reader.trailer["/Root"].get_object()
    except Exception as exc:  # noqa: BLE001 - any unreadable file is simply not PDF/A
        return {"claimed": None, "problems": [f"unreadable: {type(exc).__name__}"]}
    claimed = None
    metadata = _resolve(catalog.get("/Metadata"))
    xmp = metadata.get_data() if isinstance(metadata, StreamObject) else b""
    part, conformance = PART.search(xmp), CONFORMANCE.search(xmp)
    if part and conformance:
        claimed = (part.group(1) + conformance.group(1)).decode().upper()
    else:
        problems.append("no PDF/A identification (pdfaid) in the XMP metadata")
    intents = [_resolve(i) for i in _resolve(catalog.get("/OutputIntents")) or []]
    if not any(
        i.get("/S") == "/GTS_PDFA1" and isinstance(_resolve(i.get("/DestOutputProfile")), StreamObject)
        for i in intents
    ):
        problems.append("no PDF/A output intent with an ICC profile")
    if "/ID" not in reader.trailer:
        problems.append("no file identifier (/ID) in the trailer")
    seen: set = set()
    fonts: list = []
    for page in reader.pages:
        _fonts(page.get("/Resources"), seen, fonts)
    missing = sorted({str(f.get("/BaseFont", "?"))[1:] for f in fonts if not _embedded(f)})
    if missing:
        problems.append("fonts not embedded: " + ", ".join(missing))
    found: set = set()
    if "/JavaScript" in (_resolve(catalog.get("/Names")) or {}):
        found.add("forbidden action JavaScript")
    if "/AA" in catalog:
        found.add("additional actions (/AA) on the document")
    _walk(catalog, set(), found)
    if claimed and claimed.startswith("3"):
        found.discard("embedded file")  # PDF/A-3 allows any embedded file (6.8)
    problems.extend(sorted(found))
    return {"claimed": claimed, "problems": problems}
