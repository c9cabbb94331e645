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

`pdfa_convert` produces a PDF/A-2b copy with Ghostscript (Debian's `ghostscript`, run
with -dSAFER, the default): its pdfwrite device writes the pdfaid XMP, embeds the fonts and
the ICC profile of the sRGB output intent (a PDFA_def.ps written beside the input, as
Ghostscript's own lib/PDFA_def.ps says to customise it). A signature does not survive the
conversion: the copy is a rendition, the signed PDF is kept as it is. Ghostscript 10.00 and
10.01 (Debian bookworm has 10.00.0) run with their legacy PDF interpreter (-dNEWPDF=false):
their new one drops the ToUnicode maps of our TrueType subsets, so the Korean text of the
rendition would no longer be extractable; from 10.02 the legacy one is gone and the new one
is used (the transfer test extracts the title from the rendition, on whichever version).
"""

import functools
import io
import re
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/ResetForm", "/Sound", "/Movie"}
# an element (<pdfaid:part>2<) or an attribute in either quote (pdfaid:part='2', Ghostscript's)
PART = re.compile(rb"pdfaid:part(?:>|=[\"'])\s*([1-4])")
CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=[\"'])\s*([ABUabu])")


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


GHOSTSCRIPT = "/usr/bin/gs"
SRGB_PROFILES = (
    "/usr/share/color/icc/ghostscript/srgb.icc",
    "/usr/share/color/icc/ghostscript/default_rgb.icc",
)
CONVERT_TIMEOUT = 120  # seconds, per document


class PdfAConversionFailed(Exception):
    """Ghostscript could not produce the PDF/A rendition (the message says why)."""


@functools.cache
def _legacy_interpreter() -> bool:
    """Whether this Ghostscript (10.00 or 10.01) should run its legacy PDF interpreter."""
    try:
        version = subprocess.run(  # noqa: S603 - a fixed command, no shell
            [GHOSTSCRIPT, "--version"], capture_output=True, timeout=10, check=True
        )
        major, minor = (int(x) for x in version.stdout.decode().strip().split(".")[:2])
    except (OSError, subprocess.SubprocessError, ValueError):
        return False
    return (major, minor) < (10, 2)


def pdfa_convert(data: bytes, *, timeout: int = CONVERT_TIMEOUT) -> bytes:
    """A PDF/A-2b rendition of the PDF `data`, made by Ghostscript's pdfwrite device in a
    temporary directory; raises PdfAConversionFailed (missing tool or profile, error exit,
    timeout, no output)."""
    profile = next((p for p in SRGB_PROFILES if Path(p).is_file()), None)
    if not Path(GHOSTSCRIPT).is_file():
        raise PdfAConversionFailed(f"{GHOSTSCRIPT} not found (Debian package ghostscript)")
    if profile is None:
        raise PdfAConversionFailed("no sRGB ICC profile (Debian package ghostscript)")
    with tempfile.TemporaryDirectory(prefix="pdfa-") as tmp:
        folder = Path(tmp)
        source, target, definitions = folder / "in.pdf", folder / "out.pdf", folder / "PDFA_def.ps"
        source.write_bytes(data)
        definitions.write_text(PDFA_DEF.format(profile=profile), encoding="ascii")
        command = [
            GHOSTSCRIPT,
            "-q",
            "-dBATCH",
            "-dNOPAUSE",
            "-dSAFER",
            *(["-dNEWPDF=false"] if _legacy_interpreter() else []),
            "-dPDFA=2",
            "-dPDFACompatibilityPolicy=1",
            "-sColorConversionStrategy=RGB",
            "-sDEVICE=pdfwrite",
            "-dEmbedAllFonts=true",
            f"--permit-file-read={profile}",
            f"-sOutputFile={target}",
            str(definitions),
            str(source),
        ]
        try:
            done = subprocess.run(  # noqa: S603 - our arguments and temporary paths, no shell
                command, capture_output=True, timeout=timeout, cwd=tmp, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfAConversionFailed(f"ghostscript timed out after {timeout} s") from exc
        except OSError as exc:
            raise PdfAConversionFailed(f"ghostscript could not run: {exc}") from exc
        output = target.read_bytes() if target.is_file() else b""
        if done.returncode != 0 or not output.startswith(b"%PDF"):
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-500:]
            raise PdfAConversionFailed(f"ghostscript exited with {done.returncode}: {detail}")
    # Ghostscript exits 0 on input it skips: the rendition must have the signed PDF's pages.
    expected, got = _pages(data), _pages(output)
    if expected is None or got != expected:
        raise PdfAConversionFailed(f"the rendition has {got} pages, the input {expected}")
    return output


def _pages(data: bytes) -> int | None:
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - unreadable
        return None


# Ghostscript's lib/PDFA_def.ps (10.x) with the profile filled in, without its /Title
# (the document's own information is kept) and without the fallback to ProcessColorModel
# (ColorConversionStrategy is always RGB here).
PDFA_DEF = """%!
/ICCProfile ({profile}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent
  /S /GTS_PDFA1
  /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""
