"""A4 PDFs from HTML templates, laid out with reportlab in the Pretendard font.

A document template is a Django template written in a small subset of HTML, so that anyone
who can edit HTML can change a certificate. The subset (docs/documents.md):

    blocks   h1 h2 h3 p div ul ol li table tr th td hr
    inline   b strong i em br span small
    classes  on p/div/td: "small", "muted", "right", "center", "note";
             on table: "grid" (ruled cells), "kv" (first column is a label, shaded)

Anything else is rendered as its text. Why not a full HTML engine: WeasyPrint takes ~50 ms
for one page, reportlab ~4 ms, and the documents target is ~100 signed documents a second on
two cores (docs/benchmarks.md).

Every page also carries, drawn here and not in the template: the issuing agency, the
issuance number, the page count, the verification address and the QR code (segno), so no
template can forget them.
"""

import functools
import io
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.template.loader import render_to_string
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "Pretendard"
FONT_BOLD = "Pretendard-Bold"
INK = colors.HexColor("#1d1d1d")
MUTED = colors.HexColor("#5c5c5c")
LINE = colors.HexColor("#b1b8be")
SHADE = colors.HexColor("#eef2f7")
QR_SIZE = 26 * mm
QR_MASK = 4  # pattern 100: (row // 2 + column // 3) % 2 == 0 — blocks, no long stripes
MARGIN = 18 * mm
FOOTER = 36 * mm


class FontMissing(RuntimeError):
    pass


# zlib level for the PDF's streams (page content and font files): reportlab calls
# `zlib.compress(data)`, level 6. Level 1 compresses a document's ~60 KB of streams in 0.8 ms
# instead of 1.6, for a file about 4% larger (docs/benchmarks.md, issue 4).
ZLIB_LEVEL = 1


class _StreamZlib:
    """What reportlab's `pdfdoc` module sees as `zlib`: the same, at ZLIB_LEVEL."""

    decompress = staticmethod(zlib.decompress)

    @staticmethod
    def compress(data, level=ZLIB_LEVEL):
        return zlib.compress(data, level)


@functools.cache
def fonts_register() -> None:
    """Register Pretendard once per process (TrueType files from the npm package)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfdoc

    if getattr(pdfdoc, "zlib", None) is zlib:  # the attribute reportlab reads its compressor from
        pdfdoc.zlib = _StreamZlib
    directory = settings.EGOV_FONT_DIR
    for name, filename in ((FONT, "Pretendard-Regular.ttf"), (FONT_BOLD, "Pretendard-Bold.ttf")):
        path = directory / filename
        if not path.is_file():
            raise FontMissing(f"font {path} is missing: run `make setup` (npm package pretendard)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, name)


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15.5, textColor=INK, spaceAfter=4)
    return {
        "p": base,
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=20, leading=27, spaceAfter=6, alignment=TA_CENTER
        ),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=13.5, leading=19, spaceBefore=8),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=16, spaceBefore=6),
        "cell": ParagraphStyle("cell", parent=base, spaceAfter=0, fontSize=10, leading=14),
        "th": ParagraphStyle("th", parent=base, spaceAfter=0, fontSize=10, leading=14, fontName=FONT_BOLD),
        "footer": ParagraphStyle("footer", parent=base, fontSize=8, leading=11, textColor=MUTED),
    }


def _style_for(tag: str, classes: set[str], base: str | None = None) -> ParagraphStyle:
    style = _styles()[base or tag]
    if not classes:
        return style
    changes = {}
    if classes & {"small", "note"}:
        changes.update(fontSize=style.fontSize - 1.5, leading=style.leading - 2)
    if classes & {"muted", "note"}:
        changes["textColor"] = MUTED
    if "right" in classes:
        changes["alignment"] = TA_RIGHT
    if "center" in classes:
        changes["alignment"] = TA_CENTER
    return ParagraphStyle(f"{style.name}-{'-'.join(sorted(classes))}", parent=style, **changes)


# --- the HTML subset -----------------------------------------------------------------------

BLOCKS = {"h1", "h2", "h3", "p", "div", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "hr"}
INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "span": None, "small": None}
VOID = {"br", "hr"}


@dataclass
class Node:
    tag: str
    classes: set
    children: list

    def text_nodes(self):
        return self.children


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", set(), [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        classes = set(dict(attrs).get("class", "").split()) if attrs else set()
        node = Node(tag, classes, [])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, set(), []))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _inline(node: Node) -> str:
    """reportlab's paragraph markup for the inline content of `node`."""
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(escape(" ".join(child.split()) if not child.isspace() else " "))
        elif child.tag == "br":
            out.append("<br/>")
        elif child.tag in BLOCKS:
            out.append(" " + _inline(child) + " ")
        else:
            mapped = INLINE.get(child.tag)
            inner = _inline(child)
            out.append(f"<{mapped}>{inner}</{mapped}>" if mapped else inner)
    return "".join(out).strip()


def _has_blocks(node: Node) -> bool:
    return any(not isinstance(c, str) and c.tag in BLOCKS for c in node.children)


def _flowables(node: Node, width: float) -> list:
    out = []
    loose: list = []  # inline content between blocks, e.g. text directly in a div

    def flush():
        if loose:
            text = _inline(Node("p", set(), list(loose)))
            if text:
                out.append(Paragraph(text, _style_for("p", node.classes)))
            loose.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in BLOCKS:
            loose.append(child)
            continue
        flush()
        tag = child.tag
        if tag in {"h1", "h2", "h3", "p"}:
            out.append(Paragraph(_inline(child), _style_for(tag, child.classes)))
        elif tag == "hr":
            out.append(HRFlowable(width="100%", thickness=0.6, color=LINE, spaceBefore=4, spaceAfter=6))
        elif tag in {"ul", "ol"}:
            items = [
                ListItem(_flowables(li, width - 12 * mm) or [Paragraph("", _styles()["p"])], leftIndent=12)
                for li in child.children
                if not isinstance(li, str) and li.tag == "li"
            ]
            bullet = "1" if tag == "ol" else "bullet"
            out.append(ListFlowable(items, bulletType=bullet, bulletFontName=FONT, leftIndent=12))
        elif tag == "table":
            out.extend((_table(child, width), Spacer(0, 6)))
            out.append(Spacer(0, 6))
        elif tag in {"div", "li", "thead", "tbody", "tr", "td", "th"}:
            out.extend(_flowables(child, width) if _has_blocks(child) else _div(child))
    flush()
    return out


def _div(node: Node) -> list:
    text = _inline(node)
    return [Paragraph(text, _style_for("p", node.classes))] if text else []


def _rows(table: Node):
    for child in table.children:
        if isinstance(child, str):
            continue
        if child.tag == "tr":
            yield child
        elif child.tag in {"thead", "tbody"}:
            yield from _rows(child)


def _table(node: Node, width: float) -> Table:
    data, header_cells = [], []
    for r, row in enumerate(_rows(node)):
        cells = [c for c in row.children if not isinstance(c, str) and c.tag in {"td", "th"}]
        line = []
        for c, cell in enumerate(cells):
            base = "th" if cell.tag == "th" else "cell"
            line.append(Paragraph(_inline(cell), _style_for(cell.tag, cell.classes, base=base)))
            if cell.tag == "th":
                header_cells.append((c, r))
        data.append(line)
    if not data:
        return Spacer(0, 0)
    columns = max(len(row) for row in data)
    for row in data:
        row.extend(Paragraph("", _styles()["cell"]) for _ in range(columns - len(row)))
    kv = "kv" in node.classes
    if kv and columns == 2:
        col_widths = [width * 0.3, width * 0.7]
    else:
        col_widths = [width / columns] * columns
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell default would be Helvetica
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    if kv or "grid" in node.classes:
        commands += [("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BOX", (0, 0), (-1, -1), 0.9, INK)]
    if kv:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    for c, r in header_cells:
        commands.append(("BACKGROUND", (c, r), (c, r), SHADE))
    table = Table(data, colWidths=col_widths, repeatRows=1 if header_cells and not kv else 0)
    table.setStyle(TableStyle(commands))
    return table


def html_to_flowables(html: str, width: float) -> list:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _flowables(builder.root, width)


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What every page carries, whatever the template."""

    agency_line: str
    number_label: str  # e.g. "발급번호 1234-5678-9012-3456"
    issued_line: str
    verify_line: str
    page_format: str  # "{page}쪽" or "Page {page}"
    qr_content: str
    keywords: str
    title: str
    author: str
    subject: str


def _qr_path(canvas, content: str, x: float, y: float, size: float) -> None:
    # A fixed mask pattern: ISO/IEC 18004 lets an encoder use any of the eight and every reader
    # decodes them all; scoring all eight in pure Python (segno's default) took ~5 ms a code,
    # a quarter of a document's budget (docs/benchmarks.md).
    qr = segno.make(content, error="m", micro=False, boost_error=False, mask=QR_MASK)
    matrix = qr.matrix
    modules = len(matrix) + 2 * 2  # a quiet zone of 2 modules is enough on white paper
    # Draw in module units (one unit = one module, rows downwards): the path is then small
    # integers, a third of the bytes to format and compress. The operators are written as
    # PDF text directly (`addLiteral`): one `re` per run of dark modules in a row, then one
    # fill; through reportlab's path object each rectangle cost ~2 µs of number formatting.
    canvas.saveState()
    canvas.translate(x, y + size)
    canvas.scale(size / modules, -size / modules)
    ops = []
    for row_index, row in enumerate(matrix, start=2):
        start = None
        for col, dark in enumerate((*row, 0), start=2):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start} {row_index} {col - start} 1 re")
                start = None
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()


def _decorate(stamp: Stamp):
    footer_style = _styles()["footer"]

    def draw(canvas, doc):
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, height - 11 * mm, stamp.agency_line)
        canvas.drawRightString(width - MARGIN, height - 11 * mm, stamp.number_label)
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, height - 13 * mm, width - MARGIN, height - 13 * mm)
        canvas.line(MARGIN, FOOTER, width - MARGIN, FOOTER)
        canvas.setFillColor(INK)
        qr_x, qr_y = width - MARGIN - QR_SIZE, 7 * mm
        _qr_path(canvas, stamp.qr_content, qr_x, qr_y, QR_SIZE)
        # The same address as a link on the code, for screen readers and a click on screen.
        canvas.linkURL(stamp.qr_content, (qr_x, qr_y, qr_x + QR_SIZE, qr_y + QR_SIZE), relative=0)
        text = Paragraph(
            f"<b>{escape(stamp.number_label)}</b><br/>{escape(stamp.issued_line)}<br/>"
            f"{escape(stamp.verify_line)}<br/>{escape(stamp.page_format.format(page=doc.page))}",
            footer_style,
        )
        _, used = text.wrap(width - 2 * MARGIN - QR_SIZE - 6 * mm, FOOTER)
        text.drawOn(canvas, MARGIN, FOOTER - 4 * mm - used)
        canvas.restoreState()

    return draw


def pdf_render(template: str, context: dict, stamp: Stamp) -> bytes:
    """The unsigned A4 PDF of `template` rendered with `context`, stamped with `stamp`."""
    fonts_register()
    html = render_to_string(template, context)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=FOOTER + 6 * mm,
        title=stamp.title,
        author=stamp.author,
        subject=stamp.subject,
        keywords=stamp.keywords,
        creator="egov",
        producer="egov (reportlab)",
        invariant=False,
        initialFontName=FONT,  # else every page starts in Helvetica, which has no Hangul
        initialFontSize=10.5,
    )
    doc.build(html_to_flowables(html, doc.width), onFirstPage=_decorate(stamp), onLaterPages=_decorate(stamp))
    return buffer.getvalue()
