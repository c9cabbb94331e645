"""A4 PDFs from HTML templates, laid out with reportlab in the Pretendard font.

A document template is a Django template written in a small subset of HTML, so that anyone
who can edit HTML can change a certificate. The subset (docs/documents.md):

    blocks   h1 h2 h3 p div ul ol li table tr th td hr
    inline   b strong i em br span small
    classes  on p/div/td: "small", "muted", "right", "center", "note";
             on table: "grid" (ruled cells), "kv" (first column is a label, shaded)

Anything else is rendered as its text. Why not a full HTML engine: WeasyPrint takes ~50 ms
for one page, and the documents target is ~100 signed documents a second on two cores
(docs/benchmarks.md). Nor reportlab's Platypus: its paragraphs and tables took ~6 ms of a
one-page certificate's ~9. The layout here is direct: words measured with the font's widths,
lines wrapped at spaces (a word longer than a line, e.g. Korean without spaces, between any
two characters), tables with their rows' heights computed, page breaks between lines and
between table rows (a split table repeats its header row), all written as PDF operators on a
reportlab canvas, which still embeds the font subsets and writes the file: about 1 ms a page.

Every page also carries, drawn here and not in the template: the issuing agency, the
issuance number, the page count, the verification address and the QR code (segno), so no
template can forget them.
"""

import functools
import io
import re
import zlib
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import segno
from django.conf import settings
from django.template.loader import render_to_string
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

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


@dataclass(frozen=True)
class _Style:
    font: str
    size: float
    leading: float  # baseline to baseline; the first baseline is `size` below the block's top
    color: str  # the PDF fill operator, e.g. "0.1 0.1 0.1 rg"
    align: str = "left"  # left, center, right
    before: float = 0.0  # space before and after, collapsed between blocks as Platypus did
    after: float = 0.0
    keep: bool = False  # a heading: moves to the next page with the block after it


def _rg(color) -> str:
    return f"{color.red:.4f} {color.green:.4f} {color.blue:.4f} rg"


def _RG(color) -> str:  # noqa: N802 (the PDF operator's name)
    return f"{color.red:.4f} {color.green:.4f} {color.blue:.4f} RG"


FILL_SHADE, STROKE_LINE, STROKE_INK = _rg(SHADE), _RG(LINE), _RG(INK)


@functools.cache
def _styles() -> dict[str, _Style]:
    body = _Style(FONT, 10.5, 15.5, _rg(INK), after=4)
    return {
        "p": body,
        "h1": replace(body, font=FONT_BOLD, size=20, leading=27, after=6, align="center", keep=True),
        "h2": replace(body, font=FONT_BOLD, size=13.5, leading=19, before=8, keep=True),
        "h3": replace(body, font=FONT_BOLD, size=11.5, leading=16, before=6, keep=True),
        "cell": replace(body, after=0, size=10, leading=14),
        "th": replace(body, after=0, size=10, leading=14, font=FONT_BOLD),
        "footer": replace(body, size=8, leading=11, color=_rg(MUTED), after=0),
    }


@functools.lru_cache(maxsize=256)
def _style(tag: str, classes: frozenset, base: str | None = None) -> _Style:
    style = _styles()[base or tag]
    if classes & {"small", "note"}:
        style = replace(style, size=style.size - 1.5, leading=style.leading - 2)
    if classes & {"muted", "note"}:
        style = replace(style, color=_rg(MUTED))
    if "right" in classes:
        style = replace(style, align="right")
    if "center" in classes:
        style = replace(style, align="center")
    return style


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
        classes = set((dict(attrs).get("class") or "").split()) if attrs else set()
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


# --- the page ---------------------------------------------------------------------------------


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


# --- lines: inline content measured and wrapped ---------------------------------------------

BREAK = None  # a forced line break (<br>) among the inline pieces
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space: a no-break space stays
_FUZZ = 1e-6


@functools.cache
def _font(name: str):
    return pdfmetrics.getFont(name)


def _pieces(node: Node, bold: bool = False, out: list | None = None) -> list:
    """The inline content of `node`: (text, font name) pieces, white space collapsed to single
    spaces as HTML does, and BREAK for <br>. A block inside inline content is its text,
    with a space either side."""
    if out is None:
        out = []
    font = FONT_BOLD if bold else FONT
    for child in node.children:
        if isinstance(child, str):
            text = _WHITESPACE.sub(" ", child)
            if text:
                out.append((text, font))
        elif child.tag == "br":
            out.append(BREAK)
        elif child.tag in BLOCKS:
            out.append((" ", font))
            _pieces(child, bold, out)
            out.append((" ", font))
        else:
            _pieces(child, bold or INLINE.get(child.tag) == "b", out)
    return out


def _wrap(pieces: list, size: float, width: float) -> list:
    """Lines of at most `width` points: a list of (width, [(x, text, font name), ...]).

    Lines break at spaces, Latin and Korean alike; a word wider than a whole line (a long
    number, a Korean run without spaces) breaks between any two characters, as reportlab's
    CJK wrap does, filling the line it starts on. A segment is a run of one font, spaces
    included, so that a line of plain text is one string in the PDF.
    """
    lines: list = []
    segs: list = []  # the current line's segments, [x, text, font name]
    x = 0.0  # where the current line's last word ends
    space = False  # a space comes before the next word
    for piece in pieces:
        if piece is BREAK:
            lines.append((x, segs))
            segs, x, space = [], 0.0, False
            continue
        text, name = piece
        measure = _font(name).stringWidth
        space_width = measure(" ", size)
        for i, word in enumerate(text.split(" ")):
            if i:
                space = True
            if not word:
                continue
            w = measure(word, size)
            gap = space_width if space and segs else 0.0
            if x + gap + w > width + _FUZZ:
                if w > width + _FUZZ:  # no line can hold it: break it between characters
                    chunks = _chunks(word, measure, size, width - x - gap if segs else width, width)
                    for n, (chunk, chunk_width) in enumerate(chunks):
                        if n:
                            lines.append((x, segs))
                            segs, x, gap = [], 0.0, 0.0
                        if chunk:
                            x = _place(segs, x, gap, chunk, name, chunk_width)
                    space = False
                    continue
                if segs:
                    lines.append((x, segs))
                    segs, x, gap = [], 0.0, 0.0
            x = _place(segs, x, gap, word, name, w)
            space = False
    if segs:
        lines.append((x, segs))
    return lines


def _place(segs: list, x: float, gap: float, word: str, name: str, w: float) -> float:
    if segs and segs[-1][2] == name:
        last = segs[-1]
        last[1] = f"{last[1]} {word}" if gap else last[1] + word
    else:
        segs.append([x + gap, word, name])
    return x + gap + w


def _chunks(word: str, measure, size: float, room: float, width: float) -> list:
    """`word` cut into (text, width) pieces: the first fits `room`, the others `width`."""
    chunks, current, used = [], [], 0.0
    for char in word:
        w = measure(char, size)
        if used + w > room + _FUZZ and (current or room < width):
            chunks.append(("".join(current), used))
            current, used, room = [], 0.0, width
        current.append(char)
        used += w
    chunks.append(("".join(current), used))
    return chunks


# --- blocks ----------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
PAD = 6  # Platypus' frame padding, kept so that pages look as they did
TEXT_LEFT = MARGIN + PAD
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN - 2 * PAD
TEXT_TOP = PAGE_HEIGHT - 20 * mm - PAD
TEXT_BOTTOM = FOOTER + 6 * mm + PAD
CELL_PAD_X, CELL_PAD_Y = 6, 3.5
LIST_INDENT = 18
TABLE_GAP = 12  # below a table


@dataclass
class _Para:
    lines: list
    style: _Style
    x: float
    width: float
    bullet: str | None = None


@dataclass
class _Rule:
    x: float
    width: float


@dataclass
class _Cell:
    lines: list
    style: _Style
    shaded: bool

    def height(self) -> float:
        return max(len(self.lines), 1) * self.style.leading + 2 * CELL_PAD_Y


@dataclass
class _Table:
    rows: list  # of lists of _Cell, all as long as `widths`
    widths: list
    x: float
    ruled: bool
    repeat: bool  # the first row is a header, repeated on every page the table runs onto

    def heights(self) -> list:
        return [max(cell.height() for cell in row) for row in self.rows]


def _para(node: Node, tag: str, classes, x: float, width: float) -> _Para | None:
    style = _style(tag, frozenset(classes))
    lines = _wrap(_pieces(node, style.font == FONT_BOLD), style.size, width)
    return _Para(lines, style, x, width) if lines else None


def _has_blocks(node: Node) -> bool:
    return any(not isinstance(c, str) and c.tag in BLOCKS for c in node.children)


def _blocks(node: Node, x: float, width: float) -> list:
    out: list = []
    loose: list = []  # inline content between blocks, e.g. text directly in a div

    def add(block):
        if block is not None:
            out.append(block)

    def flush():
        if loose:
            add(_para(Node("p", set(), list(loose)), "p", node.classes, x, width))
            loose.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in BLOCKS:
            loose.append(child)
            continue
        flush()
        tag = child.tag
        if tag in {"h1", "h2", "h3", "p"}:
            add(_para(child, tag, child.classes, x, width))
        elif tag == "hr":
            out.append(_Rule(x, width))
        elif tag in {"ul", "ol"}:
            items = [li for li in child.children if not isinstance(li, str) and li.tag == "li"]
            for number, li in enumerate(items, start=1):
                inner = _blocks(li, x + LIST_INDENT, width - LIST_INDENT)
                if not inner or not isinstance(inner[0], _Para):
                    inner.insert(0, _Para([(0.0, [])], _styles()["p"], x + LIST_INDENT, width - LIST_INDENT))
                inner[0].bullet = f"{number}." if tag == "ol" else "•"
                out.extend(inner)
        elif tag == "table":
            add(_table(child, x, width))
        elif _has_blocks(child):  # div, li, thead, tbody, tr, td, th outside their places
            out.extend(_blocks(child, x, width))
        else:
            add(_para(child, "p", child.classes, x, width))
    flush()
    return out


def _rows(table: Node):
    for child in table.children:
        if isinstance(child, str):
            continue
        if child.tag == "tr":
            yield child
        elif child.tag in {"thead", "tbody"}:
            yield from _rows(child)


def _table(node: Node, x: float, width: float) -> _Table | None:
    rows = [
        [c for c in row.children if not isinstance(c, str) and c.tag in {"td", "th"}] for row in _rows(node)
    ]
    columns = max((len(row) for row in rows), default=0)
    if not columns:
        return None
    kv = "kv" in node.classes
    full = width + 2 * PAD  # a table reaches into the frame's padding, as in Platypus
    widths = [full * 0.3, full * 0.7] if kv and columns == 2 else [full / columns] * columns
    empty = _styles()["cell"]
    laid = []
    for row in rows:
        cells = []
        for c, cell in enumerate(row):
            style = _style(cell.tag, frozenset(cell.classes), "th" if cell.tag == "th" else "cell")
            lines = _wrap(_pieces(cell, style.font == FONT_BOLD), style.size, widths[c] - 2 * CELL_PAD_X)
            cells.append(_Cell(lines, style, cell.tag == "th" or (kv and c == 0)))
        cells.extend(_Cell([], empty, kv and c == 0) for c in range(len(row), columns))
        laid.append(cells)
    ruled = kv or "grid" in node.classes
    repeat = not kv and any(cell.tag == "th" for cell in rows[0])
    return _Table(laid, widths, x - PAD, ruled, repeat)


# --- pages -----------------------------------------------------------------------------------


def _qr_ops(content: str) -> tuple[str, int]:
    """The QR code of `content` as PDF operators in module units (rows downwards, a quiet zone
    of 2 modules: enough on white paper), and its size in modules."""
    # A fixed mask pattern: ISO/IEC 18004 lets an encoder use any of the eight and every reader
    # decodes them all; scoring all eight in pure Python (segno's default) took ~5 ms a code,
    # a quarter of a document's budget (docs/benchmarks.md).
    qr = segno.make(content, error="m", micro=False, boost_error=False, mask=QR_MASK)
    matrix = qr.matrix
    # One `re` per run of dark modules in a row, then one fill, as small integers; through
    # reportlab's path object each rectangle cost ~2 µs of number formatting.
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
    return "\n".join(ops), len(matrix) + 2 * 2


class _Pages:
    """The pages of one document, drawn on a reportlab canvas as PDF operators: each page's
    graphics (shading, rules, the QR code) and then its text, in reading order, in one text
    object. Every page starts with the stamp."""

    def __init__(self, canvas, stamp: Stamp):
        self.canvas = canvas
        self.doc = canvas._doc
        self.escape = canvas._escape
        self.stamp = stamp
        self.page = 0
        qr, modules = _qr_ops(stamp.qr_content)
        self.qr_x, self.qr_y = PAGE_WIDTH - MARGIN - QR_SIZE, 7 * mm
        scale = QR_SIZE / modules
        top = PAGE_HEIGHT - 13 * mm
        self.stamp_gfx = (
            f"{_RG(LINE)} 0.6 w {MARGIN:.2f} {top:.2f} m {PAGE_WIDTH - MARGIN:.2f} {top:.2f} l S "
            f"{MARGIN:.2f} {FOOTER:.2f} m {PAGE_WIDTH - MARGIN:.2f} {FOOTER:.2f} l S\n"
            f"{_rg(INK)} q {scale:.5f} 0 0 {-scale:.5f} {self.qr_x:.2f} {self.qr_y + QR_SIZE:.2f} cm\n{qr}\nQ"
        )
        footer = _styles()["footer"]
        self.footer_width = PAGE_WIDTH - 2 * MARGIN - QR_SIZE - 6 * mm
        self.footer_lines = _wrap(
            [
                (stamp.number_label, FONT_BOLD),
                BREAK,
                (stamp.issued_line, FONT),
                BREAK,
                (stamp.verify_line, FONT),
            ],
            footer.size,
            self.footer_width,
        )
        self._start()

    # the stamp, and a page's beginning and end

    def _start(self) -> None:
        self.page += 1
        self.gfx = [self.stamp_gfx]
        self.text = []
        stamp, muted = self.stamp, _rg(MUTED)
        header = _font(FONT).stringWidth(stamp.number_label, 8.5)
        self.text.append((MARGIN, PAGE_HEIGHT - 11 * mm, stamp.agency_line, FONT, 8.5, muted))
        self.text.append(
            (PAGE_WIDTH - MARGIN - header, PAGE_HEIGHT - 11 * mm, stamp.number_label, FONT, 8.5, muted)
        )
        footer = _styles()["footer"]
        lines = self.footer_lines + _wrap(
            [(stamp.page_format.format(page=self.page), FONT)], footer.size, self.footer_width
        )
        self.lines(lines, footer, MARGIN, self.footer_width, FOOTER - 4 * mm)
        self.y = TEXT_TOP
        self.at_top = True
        self.after = 0.0  # the space after the last block, which the next one's space before overlaps

    def _finish(self) -> None:
        canvas = self.canvas
        canvas.addLiteral("q\n" + "\n".join(self.gfx) + "\nQ")
        canvas.addLiteral(self._text_ops())
        # The verification address as a link on the code, for screen readers and a click on screen.
        x, y = self.qr_x, self.qr_y
        canvas.linkURL(self.stamp.qr_content, (x, y, x + QR_SIZE, y + QR_SIZE), relative=0)
        canvas.showPage()

    def new_page(self) -> None:
        self._finish()
        self._start()

    def close(self) -> None:
        self._finish()

    def _text_ops(self) -> str:
        doc, escape = self.doc, self.escape
        ops = ["BT"]
        current_font = current_color = None
        for x, y, text, name, size, color in self.text:
            if color != current_color:
                ops.append(color)
                current_color = color
            ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
            font = _font(name)
            for subset, chars in font.splitString(text, doc):
                if (name, subset, size) != current_font:
                    ops.append(f"{font.getSubsetInternalName(subset, doc)} {size:g} Tf")
                    current_font = (name, subset, size)
                ops.append(f"({escape(chars)}) Tj")
        ops.append("ET")
        return "\n".join(ops)

    # drawing

    def lines(self, lines: list, style: _Style, x: float, width: float, top: float) -> None:
        """Draw `lines` in a box `width` wide whose top is `top`."""
        text, size, color, align = self.text, style.size, style.color, style.align
        baseline = top - size
        for line_width, segs in lines:
            offset = x
            if align == "right":
                offset += width - line_width
            elif align == "center":
                offset += (width - line_width) / 2
            for dx, chars, name in segs:
                text.append((offset + dx, baseline, chars, name, size, color))
            baseline -= style.leading

    def space(self, before: float) -> float:
        return 0.0 if self.at_top else max(before - self.after, 0.0)

    # blocks

    def para(self, para: _Para, keep: float = 0.0) -> None:
        style, lines, leading = para.style, para.lines, para.style.leading
        done = 0
        while done < len(lines):
            top = self.y - self.space(style.before)
            fits = min(int((top - TEXT_BOTTOM + _FUZZ) // leading), len(lines) - done)
            whole = done == 0 and fits == len(lines)
            if not self.at_top and (
                fits <= 0 or (whole and top - fits * leading - keep < TEXT_BOTTOM - _FUZZ)
            ):
                self.new_page()
                continue
            fits = max(fits, 1)  # a line taller than the page: drawn all the same
            if para.bullet and done == 0:
                w = _font(FONT).stringWidth(para.bullet, style.size)
                self.text.append(
                    (para.x - 4 - w, top - style.size, para.bullet, FONT, style.size, style.color)
                )
            self.lines(lines[done : done + fits], style, para.x, para.width, top)
            done += fits
            self.y, self.at_top = top - fits * leading, False
            if done < len(lines):
                self.new_page()
        self.y -= style.after
        self.after = style.after

    def rule(self, rule: _Rule) -> None:
        top = self.y - self.space(4)
        if top - 0.6 < TEXT_BOTTOM and not self.at_top:
            self.new_page()
            top = self.y
        y = top - 0.3
        self.gfx.append(f"{STROKE_LINE} 0.6 w {rule.x:.2f} {y:.2f} m {rule.x + rule.width:.2f} {y:.2f} l S")
        self.y, self.at_top = top - 0.6, False
        self.y -= 6
        self.after = 6

    def table(self, table: _Table) -> None:
        rows, heights = table.rows, table.heights()
        index = 0
        while index < len(rows):
            start = index
            segment = [0] if start and table.repeat else []  # the header again on a new page
            y = self.y - sum(heights[r] for r in segment)
            while index < len(rows) and y - heights[index] >= TEXT_BOTTOM - _FUZZ:
                segment.append(index)
                y -= heights[index]
                index += 1
            # A page's part holds at least one row besides the header.
            if index < min(start + (2 if start == 0 and table.repeat else 1), len(rows)):
                room = y - TEXT_BOTTOM
                header = heights[0] if table.repeat and index else 0.0
                too_tall = heights[index] > TEXT_TOP - TEXT_BOTTOM - header + _FUZZ  # for any page
                if too_tall and any(len(c.lines) > 1 for c in rows[index]) and room >= 2 * CELL_PAD_Y + 16:
                    rows[index : index + 1] = _row_split(rows[index], room)  # its lines, over pages
                    heights = table.heights()
                    index = start
                    continue
                if not self.at_top:
                    index = start
                    self.new_page()
                    continue
                segment.append(index)  # a row of one line taller than a page: drawn all the same
                index += 1
            self._table_segment(table, segment, heights)
            if index < len(rows):
                self.new_page()
        self.y -= TABLE_GAP
        self.after = 0.0

    def _table_segment(self, table: _Table, segment: list, heights: list) -> None:
        x0, widths = table.x, table.widths
        right = x0 + sum(widths)
        top = y = self.y
        shade, rules = [], []
        for r in segment:
            row, height = table.rows[r], heights[r]
            x = x0
            for cell, width in zip(row, widths, strict=True):
                if cell.shaded:
                    shade.append(f"{x:.2f} {y - height:.2f} {width:.2f} {height:.2f} re")
                content = len(cell.lines) * cell.style.leading
                inner = y - CELL_PAD_Y - (height - 2 * CELL_PAD_Y - content) / 2  # vertically centred
                self.lines(cell.lines, cell.style, x + CELL_PAD_X, width - 2 * CELL_PAD_X, inner)
                x += width
            y -= height
            rules.append(f"{x0:.2f} {y:.2f} m {right:.2f} {y:.2f} l")
        if shade:
            self.gfx.append(f"{FILL_SHADE} " + " ".join(shade) + " f")
        if table.ruled:
            x = x0
            for width in widths[:-1]:
                x += width
                rules.append(f"{x:.2f} {top:.2f} m {x:.2f} {y:.2f} l")
            self.gfx.append(f"{STROKE_LINE} 0.5 w " + " ".join(rules) + " S")
            self.gfx.append(f"{STROKE_INK} 0.9 w {x0:.2f} {y:.2f} {right - x0:.2f} {top - y:.2f} re S")
        self.y, self.at_top = y, False


def _row_split(row: list, room: float) -> tuple[list, list]:
    first, rest = [], []
    for cell in row:
        n = max(int((room - 2 * CELL_PAD_Y + _FUZZ) // cell.style.leading), 1)
        first.append(_Cell(cell.lines[:n], cell.style, cell.shaded))
        rest.append(_Cell(cell.lines[n:], cell.style, cell.shaded))
    return first, rest


def _first_height(block) -> float:
    """The height the start of `block` needs: what a heading before it keeps it company with."""
    if isinstance(block, _Para):
        return block.style.before + block.style.leading
    if isinstance(block, _Table):
        heights = block.heights()
        return sum(heights[:2]) if block.repeat else heights[0]
    return 0.0


def html_blocks(html: str) -> list:
    """The blocks of `html` laid out in lines, at the page's text width."""
    fonts_register()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _blocks(builder.root, TEXT_LEFT, TEXT_WIDTH)


def _draw(pages: _Pages, blocks: list) -> None:
    for i, block in enumerate(blocks):
        if isinstance(block, _Para):
            keep = _first_height(blocks[i + 1]) if block.style.keep and i + 1 < len(blocks) else 0.0
            pages.para(block, keep)
        elif isinstance(block, _Table):
            pages.table(block)
        else:
            pages.rule(block)


def pdf_render(template: str, context: dict, stamp: Stamp) -> bytes:
    """The unsigned A4 PDF of `template` rendered with `context`, stamped with `stamp`."""
    return pdf_from_html(render_to_string(template, context), stamp)


def pdf_from_html(html: str, stamp: Stamp) -> bytes:
    """The unsigned A4 PDF of `html` (the subset above), stamped with `stamp`."""
    blocks = html_blocks(html)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        invariant=False,
        initialFontName=FONT,  # else every page starts in Helvetica, which has no Hangul
        initialFontSize=10.5,
    )
    canvas.setAuthor(stamp.author)
    canvas.setTitle(stamp.title)
    canvas.setSubject(stamp.subject)
    canvas.setCreator("egov")
    canvas.setProducer("egov (reportlab)")
    canvas.setKeywords(stamp.keywords)
    pages = _Pages(canvas, stamp)
    _draw(pages, blocks)
    pages.close()
    canvas.save()
    return buffer.getvalue()
