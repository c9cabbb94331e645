"""The PDF layout (documents/pdf.py): text in order and complete, wrapping inside the text
width, alignment, tables split across pages with their header row, the stamp on every page."""

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from egov.documents import pdf
from egov.documents.pdf import Stamp, pdf_from_html, pdf_render

STAMP = Stamp(
    agency_line="서울특별시 종로구 · 대한민국 정부",
    number_label="발급번호 1234-5678-9012-3456",
    issued_line="Issued 2026-12-03 10:00 by 서울특별시 종로구, signed electronically (key 0123456789abcdef).",
    verify_line="Verify this document at https://gov.example/verify with the issuance number or the QR code.",
    page_format="Page {page}",
    qr_content="https://gov.example/v/1234567890123456?h=abcdef",
    keywords="egov-issuance:1234567890123456",
    title="레이아웃 시험",
    author="서울특별시 종로구",
    subject="egov-issuance:1234567890123456",
)
RIGHT_EDGE = pdf.TEXT_LEFT + pdf.TEXT_WIDTH


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _squash(text: str) -> str:
    return "".join(text.split())


def _in_order(text: str, parts: list[str]) -> None:
    """Each of `parts` occurs in `text` after the one before (white space ignored: a wrapped
    line may break anywhere)."""
    flat, at = _squash(text), 0
    for part in parts:
        found = flat.find(_squash(part), at)
        assert found >= 0, (part, flat[at : at + 300])
        at = found + len(_squash(part))


def _drawn(monkeypatch, html: str) -> list[list[tuple]]:
    """The text items of each page as the layout placed them: (x, y, text, font, size, colour)."""
    pages = []
    finish = pdf._Pages._finish

    def record(self):
        pages.append(list(self.text))
        finish(self)

    monkeypatch.setattr(pdf._Pages, "_finish", record)
    pdf_from_html(html, STAMP)
    return pages


def _width(item) -> float:
    _, _, text, font, size, _ = item
    return pdfmetrics.stringWidth(text, font, size)


def _at(page: list, text: str) -> tuple:
    [item] = [i for i in page if i[2] == text]
    return item


def test_korean_and_english_text_come_out_in_order():
    html = (
        "<h1>주민등록표 초본</h1><p class='center muted'>서울특별시 종로구</p>"
        "<table class='kv'><tr><th>성명</th><td>이서연</td></tr>"
        "<tr><th>Address</th><td>서울특별시 종로구 세종대로 209</td></tr></table>"
        "<h2>Address history</h2><p>This is to certify that the above <b>agrees</b> with the register.</p>"
    )
    [text] = _pages(pdf_from_html(html, STAMP))
    _in_order(
        text,
        [
            "주민등록표 초본",
            "서울특별시 종로구",
            "성명",
            "이서연",
            "Address",
            "서울특별시 종로구 세종대로 209",
            "Address history",
            "This is to certify that the above agrees with the register.",
        ],
    )
    assert "the above agrees with" in text  # the space beside the bold word is kept


def test_pdf_metadata_is_kept():
    reader = PdfReader(io.BytesIO(pdf_from_html("<p>x</p>", STAMP)))
    meta = reader.metadata
    assert meta["/Title"] == STAMP.title
    assert meta["/Author"] == STAMP.author
    assert meta["/Subject"] == STAMP.subject
    assert meta["/Keywords"] == STAMP.keywords
    assert meta["/Creator"] == "egov"
    assert meta["/Producer"] == "egov (reportlab)"


def test_a_long_table_flows_onto_more_pages_with_its_header_and_the_stamp_on_each(monkeypatch):
    rows = "".join(
        f"<tr><td>2019-03-{i:02d}</td><td>부산광역시 해운대구 센텀중앙로 {i}번길</td></tr>" for i in range(60)
    )
    header = "<tr><th>변동일</th><th>주소</th></tr>"
    html = f"<h1>초본</h1><h2>주소 변동 이력</h2><table class='grid'>{header}{rows}</table><p>끝.</p>"
    data = pdf_from_html(html, STAMP)
    texts = _pages(data)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"Page {number}" in text
        assert STAMP.number_label in text and STAMP.agency_line in text
        assert "https://gov.example/verify" in text
        # the header row, before the first row of this page
        first_row = min(text.find(f"2019-03-{i:02d}") for i in range(60) if f"2019-03-{i:02d}" in text)
        assert 0 <= text.find("변동일") < first_row and text.find("주소") < first_row
    everything = "".join(texts)
    for i in range(60):  # every row, once
        assert everything.count(f"센텀중앙로 {i}번길") == 1, i
    _in_order("".join(texts), [f"센텀중앙로 {i}번길" for i in range(60)] + ["끝."])
    # each page has its QR link, and nothing is drawn into the footer
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        [link] = page["/Annots"]
        assert link.get_object()["/A"]["/URI"] == STAMP.qr_content
    for page in _drawn(monkeypatch, html):
        body = [item for item in page if pdf.FOOTER < item[1] < pdf.PAGE_HEIGHT - 13 * pdf.mm]
        assert body and all(pdf.TEXT_BOTTOM <= item[1] <= pdf.TEXT_TOP for item in body)


def test_a_kv_table_split_across_pages_does_not_repeat_its_first_row():
    rows = "".join(f"<tr><th>항목 {i}</th><td>값 {i}</td></tr>" for i in range(70))
    texts = _pages(pdf_from_html(f"<table class='kv'>{rows}</table>", STAMP))
    assert len(texts) >= 2
    assert "".join(texts).count("항목 0") == 1


def test_a_heading_at_the_foot_of_a_page_moves_to_the_next_with_its_table():
    filler = "".join(f"<p>문단 {i}</p>" for i in range(31))  # leaves room for the heading alone
    table = "<table class='grid'><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
    html = f"{filler}<h2>주소 변동 이력</h2>{table}"
    texts = _pages(pdf_from_html(html, STAMP))
    assert len(texts) == 2, texts
    assert "주소 변동 이력" in texts[1] and "주소 변동 이력" not in texts[0]


@pytest.mark.parametrize(
    "word",
    [
        "가" * 300,  # Korean with no space at all
        "https://gov.example/" + "abcdefghij" * 30,  # a long address
        "서울특별시종로구세종대로209정부서울청사" * 8 + " 짧은 말 " + "1234567890" * 20,
    ],
)
def test_a_very_long_word_wraps_inside_the_text_width(monkeypatch, word):
    html = f"<p>{word}</p><table class='grid'><tr><td>{word}</td><td>짧다</td></tr></table>"
    [para, table] = pdf.html_blocks(html)
    for width, _segs in para.lines:
        assert width <= pdf.TEXT_WIDTH + 1e-6
    assert len(para.lines) > 1
    assert _squash("".join(seg[1] for _, segs in para.lines for seg in segs)) == _squash(word)
    cell = table.rows[0][0]
    for width, _segs in cell.lines:
        assert width <= table.widths[0] - 2 * pdf.CELL_PAD_X + 1e-6
    # as drawn: nothing beyond the page's margins, and all of it in the PDF
    for page in _drawn(monkeypatch, html):
        for item in page:
            assert (
                pdf.MARGIN - 0.01 <= item[0] and item[0] + _width(item) <= pdf.PAGE_WIDTH - pdf.MARGIN + 0.01
            )
    text = "".join(_pages(pdf_from_html(html, STAMP)))
    assert _squash(text).count(_squash(word)) == 2


def test_lines_break_at_spaces_when_a_word_fits():
    words = [f"단어{i}" for i in range(80)] + ["word", "another", "Hangul한글mixed"]
    [para] = pdf.html_blocks(f"<p>{' '.join(words)}</p>")
    assert len(para.lines) > 1
    drawn = [segs[0][1] for _, segs in para.lines]
    assert [w for line in drawn for w in line.split(" ")] == words  # no word cut in two


def test_right_and_centred_text(monkeypatch):
    html = (
        "<p class='right'>오른쪽 끝 Right</p><p class='center'>가운데 Centre</p><p>왼쪽 Left</p>"
        "<table class='grid'><tr><td class='right'>12,345</td><td class='center'>중앙</td></tr></table>"
    )
    [page] = _drawn(monkeypatch, html)
    right, centre, left = _at(page, "오른쪽 끝 Right"), _at(page, "가운데 Centre"), _at(page, "왼쪽 Left")
    assert right[0] + _width(right) == pytest.approx(RIGHT_EDGE, abs=0.01)
    assert centre[0] + _width(centre) / 2 == pytest.approx(pdf.TEXT_LEFT + pdf.TEXT_WIDTH / 2, abs=0.01)
    assert left[0] == pytest.approx(pdf.TEXT_LEFT)
    half = (pdf.PAGE_WIDTH - 2 * pdf.MARGIN) / 2
    number, middle = _at(page, "12,345"), _at(page, "중앙")
    assert number[0] + _width(number) == pytest.approx(pdf.MARGIN + half - pdf.CELL_PAD_X, abs=0.01)
    assert middle[0] + _width(middle) / 2 == pytest.approx(pdf.MARGIN + 1.5 * half, abs=0.01)
    # and in the file: pypdf sees the right-aligned line where the layout put it
    seen = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            seen[text.strip()] = tm[4]

    PdfReader(io.BytesIO(pdf_from_html(html, STAMP))).pages[0].extract_text(visitor_text=visit)
    assert seen["오른쪽 끝 Right"] == pytest.approx(right[0], abs=0.05)
    assert seen["가운데 Centre"] == pytest.approx(centre[0], abs=0.05)


def test_empty_cells_and_rows_of_uneven_length():
    html = (
        "<table class='grid'><tr><th>하나</th><th>둘</th><th>셋</th></tr>"
        "<tr><td>a</td><td></td><td>c</td></tr><tr><td>only</td></tr><tr></tr>"
        "<tr><td>1</td><td>2</td><td>3</td><td>4 넘침</td></tr></table><p>after</p>"
    )
    [table, after] = pdf.html_blocks(html)
    assert [len(row) for row in table.rows] == [4, 4, 4, 4, 4]
    assert all(h > 0 for h in table.heights())
    [text] = _pages(pdf_from_html(html, STAMP))
    _in_order(text, ["하나", "둘", "셋", "a", "c", "only", "1", "2", "3", "4 넘침", "after"])


def test_nothing_in_the_subset_is_dropped():
    html = """
    <h1>제목 <small>작게</small></h1>
    <h2>둘째 <em>강조</em></h2>
    <h3>셋째 <i>기울임</i></h3>
    <p class="small">작은 글 <strong>굵게</strong> 보통<br>다음 줄 <span>스팬</span> <a href="#">링크</a></p>
    <div class="note">노트 상자 안의 글<p>상자 속 문단</p>꼬리 글</div>
    <hr>
    <ul><li>첫 항목</li><li><b>둘째</b> 항목<ul><li>안쪽 항목</li></ul></li></ul>
    <ol><li>하나 번째</li><li>두 번째</li></ol>
    <table class="grid"><thead><tr><th>머리 1</th><th>머리 2</th></tr></thead>
    <tbody><tr><td>몸 1 <b>굵게</b></td><td class="muted">몸 2<br>둘째 줄</td></tr></tbody></table>
    <div>그냥 div 글 &amp; 기호 &lt;꺾쇠&gt;</div>
    끝맺음 글
    """
    [text] = _pages(pdf_from_html(html, STAMP))
    words = re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    _in_order(text, words.split())
    _in_order(text, ["•", "첫 항목", "•", "둘째 항목", "•", "안쪽 항목", "1.", "하나 번째", "2.", "두 번째"])


@pytest.mark.parametrize("rows", [5, 60])
def test_the_resident_abstract_template(rows, settings):
    history = [
        {"date": f"20{i % 25:02d}-03-02", "address": f"대전광역시 서구 둔산로 {i}"} for i in range(rows)
    ]
    context = {
        "title": "주민등록표 초본",
        "data": {
            "name": "이서연",
            "rrn": "900101-2******",
            "address": "서울특별시 종로구 세종대로 209",
            "address_history": history,
        },
        "agency": None,
        "agency_name": "서울특별시 종로구",
        "number": "1234-5678-9012-3456",
        "issued_at": None,
        "language": "ko",
    }
    texts = _pages(pdf_render("registry/documents/resident_abstract.html", context, STAMP))
    assert (len(texts) > 1) == (rows > 20)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number}" in text
    _in_order("".join(texts), ["주민등록표 초본", "이서연", *[f"둔산로 {i}" for i in range(rows)]])


def test_a_cell_or_a_paragraph_taller_than_a_page_is_split_across_pages(monkeypatch):
    tall = "<br>".join(f"셀 줄 {i}" for i in range(80))
    long = " ".join(f"문장{i}" for i in range(1200))
    table = (
        f"<table class='grid'><tr><th>머리</th><th>값</th></tr><tr><td>왼쪽</td><td>{tall}</td></tr></table>"
    )
    html = f"{table}<p>{long}</p>"
    texts = _pages(pdf_from_html(html, STAMP))
    assert len(texts) >= 4
    _in_order("".join(texts), [f"셀 줄 {i}" for i in range(80)] + [f"문장{i}" for i in range(1200)])
    for page in _drawn(monkeypatch, html):
        body = [item for item in page if pdf.FOOTER < item[1] < pdf.PAGE_HEIGHT - 13 * pdf.mm]
        assert body and all(pdf.TEXT_BOTTOM <= item[1] <= pdf.TEXT_TOP for item in body)
