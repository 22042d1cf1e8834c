"""The narrative and the whole publication as Word documents (python-docx).

Both take the Markdown-flavoured text of :func:`xlfin.narrative.narrate` ('#' headings,
blank-line paragraphs, '|' tables, '**' bold) so the words are exactly those of the .md/.txt
output. :func:`build_document` is the draft (``narrate -o x.docx``); :func:`build_publication`
is what goes on the website (``publish``): a cover page of its own, a 目录 TOC field, each 部分
on a new page, page numbers, the 决算表 as Word tables, 图1/图2 as native charts, every
项目支出绩效自评表 as the full form, and every 【请填写…】/【请核对…】 marker highlighted.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from xlfin.io.files import atomic_write
from xlfin.narrative.render import MARKER
from xlfin.publication import PLACEHOLDER, ProjectForm, Publication, TableGrid
from xlfin.values import display_width

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# a figure of a traced text: \ue000 index \ue001 printed text \ue002 (see narrate_traced)
_FIGURE = re.compile("\ue000(\\d+)\ue001(.*?)\ue002")


def strip_figures(text: str) -> str:
    """*text* without the figure marks of a traced text."""
    return _FIGURE.sub(lambda m: m.group(2), text)


A4 = (Cm(21.0), Cm(29.7))
PORTRAIT_MARGINS = (Cm(2.6), Cm(2.5))  # left/right, top/bottom
LANDSCAPE_MARGINS = (Cm(2.0), Cm(2.0))


def _font(style, name: str, size: float, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _run_font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _runs(paragraph, text: str, highlight: bool = False, annotate=None) -> None:
    """*text* as runs: **bold** terms bold; with *highlight*, each 【请填写…】 marker yellow;
    with *annotate*, each traced figure a run of its own, given to ``annotate(run, index)``."""
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            _figure_runs(paragraph, text[pos : m.start()], highlight, annotate)
        paragraph.add_run(strip_figures(m.group(1))).bold = True
        pos = m.end()
    if pos < len(text):
        _figure_runs(paragraph, text[pos:], highlight, annotate)


def _figure_runs(paragraph, text: str, highlight: bool, annotate) -> None:
    pos = 0
    for m in _FIGURE.finditer(text):
        if m.start() > pos:
            _plain_runs(paragraph, text[pos : m.start()], highlight)
        run = paragraph.add_run(m.group(2))
        if annotate is not None:
            annotate(run, int(m.group(1)))
        pos = m.end()
    if pos < len(text):
        _plain_runs(paragraph, text[pos:], highlight)


def _plain_runs(paragraph, text: str, highlight: bool) -> None:
    if not highlight:
        paragraph.add_run(text)
        return
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos : m.start()])
        run = paragraph.add_run(m.group(0))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


TABLE_STYLE = "决算表文字"
TABLE_STYLE_ID = "xlfinTableText"


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _font(doc.styles["Normal"], BODY_FONT, 14)
    cell = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.style_id = TABLE_STYLE_ID
    cell.base_style = doc.styles["Normal"]
    _font(cell, TABLE_FONT, 9)
    fmt = cell.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    for level, size in ((1, 16), (2, 15), (3, 14)):
        style = doc.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, size, bold=True)
        style.font.color.rgb = None
        style.paragraph_format.keep_with_next = True


def _page(section, landscape: bool = False) -> None:
    w, h = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    side, top = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.left_margin = section.right_margin = side
    section.top_margin = section.bottom_margin = top


def _md_table(doc, lines: list[str]) -> None:
    rows = [
        [c.strip() for c in ln.strip().strip("|").split("|")]
        for ln in lines
        if not set(ln) <= set("|-: ")
    ]
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        cells = table.rows[i].cells
        for j, value in enumerate(row):
            cells[j].text = value
            for run in cells[j].paragraphs[0].runs:
                run.font.size = Pt(10.5)  # 五号: tables of eight columns stay legible
                run.bold = i == 0


def _text_lines(lines: list[str]) -> list[str]:
    """Each line of a block its own paragraph (list marks dropped)."""
    return [ln[2:] if ln.startswith("- ") else ln for ln in lines if ln.strip()]


def build_document(markdown: str):
    """A python-docx Document of the narrative text (the draft of ``narrate -o x.docx``)."""
    doc = Document()
    _page(doc.sections[0])
    _styles(doc)
    first = True
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = block.strip().splitlines()
        if not lines:
            continue
        head = re.match(r"^(#+) (.*)$", lines[0])
        if head and len(lines) == 1:
            level = min(len(head.group(1)), 3)
            if first:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run_font(p.add_run(head.group(2)), HEADING_FONT, 20, True)
            else:
                doc.add_heading(head.group(2), level=level)
            first = False
            continue
        first = False
        if lines[0].startswith("|"):
            _md_table(doc, lines)
            continue
        for text in _text_lines(lines):
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(28)
            _runs(p, text)
    return doc


def write_docx(markdown: str, path: Path) -> None:
    """Write the narrative to *path* as .docx, atomically."""
    doc = build_document(markdown)
    atomic_write(Path(path), lambda tmp: doc.save(str(tmp)))


# ---------------------------------------------------------------- the publication


def _field(paragraph, instruction: str, cached: str = "") -> None:
    """A complex field (PAGE, TOC …) in *paragraph*, with *cached* as its shown result."""

    def char(kind: str):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(cached)
    paragraph.add_run()._r.append(char("end"))


def _insert(parent, el, *successors: str) -> None:
    """Put *el* into *parent* before the first of *successors* there (the schema's order:
    Word refuses a file whose elements are out of it), else at the end."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(el)
            return
    parent.append(el)


def _outline(paragraph, level: int) -> None:
    """Give *paragraph* an outline level (0 = 一级), so that the TOC lists it."""
    ppr = paragraph._p.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    _insert(ppr, el, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _row_props(row, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    trpr.append(el)
    if header:
        el = OxmlElement("w:tblHeader")  # repeated at the top of every page
        trpr.append(el)


def _cell_text(cell, text: str, align, size: float, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    # an empty cell too: its row is as high as 9 pt text, not 14 pt (the style set by its
    # id: python-docx looks a style name up among all styles on every assignment)
    p._p.get_or_add_pPr().style = TABLE_STYLE_ID
    p.alignment = align
    if text:
        _run_font(p.add_run(text), TABLE_FONT, size, bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


_ALIGN = {
    "header": WD_ALIGN_PARAGRAPH.CENTER,
    "lanci": WD_ALIGN_PARAGRAPH.CENTER,
    "line": WD_ALIGN_PARAGRAPH.CENTER,
    "unit": WD_ALIGN_PARAGRAPH.CENTER,
    "code": WD_ALIGN_PARAGRAPH.LEFT,
    "label": WD_ALIGN_PARAGRAPH.LEFT,
    "text": WD_ALIGN_PARAGRAPH.LEFT,
    "blank": WD_ALIGN_PARAGRAPH.LEFT,
    "money": WD_ALIGN_PARAGRAPH.RIGHT,
    "count": WD_ALIGN_PARAGRAPH.RIGHT,
    "pct": WD_ALIGN_PARAGRAPH.RIGHT,
}
# minimum widths (cm) of a published table's columns by kind; values share what is left
_MIN_WIDTH = {"code": 2.0, "label": 4.6, "line": 1.0, "unit": 1.6, "value": 2.2}
PORTRAIT_TEXT = 21.0 - 2 * 2.6
LANDSCAPE_TEXT = 29.7 - 2 * 2.0


def table_widths(kinds: list[str]) -> tuple[bool, list[float]]:
    """(landscape, column widths in cm) for a table whose columns are of *kinds*: portrait
    when the minimum widths fit, else landscape; what is left goes to the value columns."""
    need = sum(_MIN_WIDTH[k] for k in kinds)
    landscape = need > PORTRAIT_TEXT
    room = (LANDSCAPE_TEXT if landscape else PORTRAIT_TEXT) - need
    grow = [k for k in kinds if k in ("value", "label")]
    extra = room / len(grow) if grow and room > 0 else 0
    widths = [_MIN_WIDTH[k] + (extra if k in ("value", "label") else 0) for k in kinds]
    return landscape, widths


def _grid_table(doc, header, body, widths: list[float], size: float, header_rows: int):
    rows = header + body
    table = doc.add_table(rows=len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)
    merges = []
    grid = [r.cells for r in table.rows]  # once: table.cell() walks the whole table per call
    for i, row in enumerate(rows):
        cells = grid[i]
        _row_props(table.rows[i], i < header_rows)
        for j, cell in enumerate(row):
            cells[j].width = Cm(widths[j])
            if cell is None:
                continue
            _cell_text(cells[j], cell.text, _ALIGN.get(cell.kind, _ALIGN["text"]), size, cell.bold)
            if cell.rowspan > 1 or cell.colspan > 1:
                merges.append((i, j, i + cell.rowspan - 1, j + cell.colspan - 1))
    for i, j, i2, j2 in merges:  # regions never overlap: each tc is merged at most once
        grid[i][j].merge(grid[i2][j2])
    return table


_AFTER_PGNUMTYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
_AFTER_UPDATEFIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


class _Publisher:
    """Writes the blocks of the publication text into a Word document, section by section."""

    def __init__(self, pub: Publication, sources: list | None = None):
        self.pub = pub
        self.sources = sources
        self.doc = Document()
        _page(self.doc.sections[0])
        _styles(self.doc)
        self.landscape = False
        self.numbered = False  # page numbers start with the first 部分
        self.shapes = 100

    # sections ----------------------------------------------------------------
    def new_page(self, landscape: bool = False) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        for pg in section._sectPr.findall(qn("w:pgNumType")):  # numbering runs on
            section._sectPr.remove(pg)
        _page(section, landscape)
        self.landscape = landscape

    def flow(self) -> None:
        """Text after a landscape table or form goes on in portrait, on a new page."""
        if self.landscape:
            self.new_page(False)

    def start_numbering(self) -> None:
        section = self.doc.sections[-1]
        section.footer.is_linked_to_previous = False
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("— ")
        _field(p, "PAGE", "1")
        p.add_run(" —")
        pg = OxmlElement("w:pgNumType")
        pg.set(qn("w:start"), "1")
        _insert(section._sectPr, pg, *_AFTER_PGNUMTYPE)
        self.numbered = True

    # blocks ------------------------------------------------------------------
    def cover(self, title: str, lines: list[str]) -> None:
        doc = self.doc
        for _ in range(5):
            doc.add_paragraph()
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run_font(p.add_run(title), HEADING_FONT, 22, True)
        for _ in range(6):
            doc.add_paragraph()
        for line in lines:
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(3.5)
            _runs(p, line, highlight=True)

    def toc(self, entries: list[tuple[int, str]]) -> None:
        self.new_page(False)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run_font(p.add_run("目  录"), HEADING_FONT, 18, True)
        # the cached result lists the entries; Word/WPS/LibreOffice fill in the page numbers
        # when they update the field (Word asks on opening: updateFields is set)
        p = self.doc.add_paragraph()
        _field_begin(p, 'TOC \\o "1-2" \\h \\z \\u')
        for n, (level, text) in enumerate(entries or [(1, "（请更新目录）")]):
            if n:
                p = self.doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0 if level == 1 else 0.74)
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.tab_stops.add_tab_stop(
                Cm(PORTRAIT_TEXT), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            p.add_run(text + "\t")
        _field_end(p)
        update = OxmlElement("w:updateFields")  # Word asks to update the 目录 on opening
        update.set(qn("w:val"), "true")
        _insert(self.doc.settings.element, update, *_AFTER_UPDATEFIELDS)

    def part(self, title: str) -> None:
        self.new_page(False)
        if not self.numbered:
            self.start_numbering()
        h = self.doc.add_heading(title, level=1)
        h.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def heading(self, text: str, level: int, landscape_next: bool = False) -> None:
        if landscape_next:
            self.new_page(True)
        else:
            self.flow()
        self.doc.add_heading(text, level=level)

    def annotate(self, run, index: int) -> None:
        """A comment on a figure: the cell it is printed from (publish --trace)."""
        src = (
            self.sources[index] if self.sources is not None and index < len(self.sources) else None
        )
        note = f"来源：{src}" if src is not None else "来源：无（请报告此问题）"
        self.doc.add_comment(run, text=note, author="xlfin", initials="xf")

    def text(self, lines: list[str]) -> None:
        self.flow()
        annotate = self.annotate if self.sources is not None else None
        for text in _text_lines(lines):
            p = self.doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(28)
            _runs(p, text, highlight=True, annotate=annotate)

    def md_table(self, lines: list[str]) -> None:
        self.flow()
        _md_table(self.doc, lines)

    def chart(self, chart_id: str) -> None:
        chart = self.pub.charts.get(chart_id)
        if chart is None or not chart.values:
            return  # no money: the text says so, nothing to draw
        from xlfin.io.docx_chart import add_pie_chart

        self.flow()
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.keep_with_next = True
        self.shapes += 1
        add_pie_chart(self.doc, p.add_run(), chart, Cm(15), Cm(8.5), self.shapes)

    def table(self, grid: TableGrid) -> None:
        landscape, widths = table_widths(grid.col_kinds)
        self.new_page(landscape)
        doc = self.doc
        text_width = LANDSCAPE_TEXT if landscape else PORTRAIT_TEXT
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.keep_with_next = True
        _outline(p, 1)
        _run_font(p.add_run(grid.title), HEADING_FONT, 16, True)
        if grid.code:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.keep_with_next = True
            _run_font(p.add_run(grid.code), TABLE_FONT, 10.5)
        unit = f"{grid.unit_label}{grid.unit_name}"
        one_line = (display_width(unit + grid.money_label) + 4) * 0.19 < text_width
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.tab_stops.add_tab_stop(Cm(text_width), WD_TAB_ALIGNMENT.RIGHT)
        # the whole unit name, never clipped: 金额单位 goes to a line of its own if need be
        _run_font(p.add_run(unit + ("\t" if one_line else "")), TABLE_FONT, 10.5)
        if not one_line:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.keep_with_next = True
        _run_font(p.add_run(grid.money_label), TABLE_FONT, 10.5)
        _grid_table(doc, grid.header, grid.body, widths, 9, len(grid.header))
        if grid.note_label and grid.note:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(0)
            _run_font(p.add_run(f"{grid.note_label}{grid.note}"), TABLE_FONT, 10.5)

    def project(self, form: ProjectForm) -> None:
        _project_table(self.doc, form)

    def save(self, path: Path) -> None:
        atomic_write(Path(path), lambda tmp: self.doc.save(str(tmp)))


def _field_begin(paragraph, instruction: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), "begin")
    paragraph.add_run()._r.append(el)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(el)


def _field_end(paragraph) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(el)


# widths (cm) of the nine columns of a 绩效自评表 on a landscape page: 三级指标 and the
# 偏差原因 column get the room; 分值/得分 stay narrow
PROJECT_WIDTHS = [2.0, 2.8, 2.4, 4.6, 3.0, 3.0, 1.6, 1.6, 4.7]


def _project_table(doc, f: ProjectForm) -> None:
    from xlfin.publication import FUND_COLUMNS, GridCell

    def c(text, kind="text", rowspan=1, colspan=1, bold=False):
        return GridCell(text, kind, rowspan, colspan, bold)

    n = len(f.indicators)
    rows: list[list] = []
    rows.append([c("项目名称", "header", bold=True), c(f.name, colspan=8)] + [None] * 7)
    rows.append(
        [c("主管部门及代码", "header", bold=True), c(f.department, colspan=4), None, None, None]
        + [c("实施单位", "header", bold=True), c(f.implementer, colspan=3), None, None]
    )
    # 项目资金: 年初预算数 … 分值 in columns 3–6, 执行率 over 7–8, 得分 in 9
    heads = [label for _, label in FUND_COLUMNS]
    rows.append(
        [c("项目资金（万元）", "header", rowspan=4, bold=True), c("", "header")]
        + [c(h, "header", bold=True) for h in heads[:4]]
        + [c(heads[4], "header", colspan=2, bold=True), None, c(heads[5], "header", bold=True)]
    )
    for fund in f.funds:
        rows.append(
            [None, c(fund[0], "label")]
            + [c(v, "money") for v in fund[1:5]]
            + [c(fund[5], "money", colspan=2), None, c(fund[6], "money")]
        )
    rows.append(
        [c("年度总体目标", "header", rowspan=2, bold=True)]
        + [c("预期目标", "header", colspan=4, bold=True), None, None, None]
        + [c("实际完成情况", "header", colspan=4, bold=True), None, None, None]
    )
    rows.append(
        [None, c(f.goal_expected, colspan=4), None, None, None]
        + [c(f.goal_actual, colspan=4), None, None, None]
    )
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows.append(
        [c("绩效指标", "header", rowspan=n + 1, bold=True)]
        + [c(h, "header", bold=True) for h in heads]
        + [c("偏差原因分析及改进措施", "header", bold=True)]
    )
    first = len(rows)
    for ind in f.indicators:
        rows.append(
            [None] + [c(v) for v in ind[:5]] + [c(ind[5], "count"), c(ind[6], "count"), c(ind[7])]
        )
    _span_groups(rows[first:], (1, 2))
    rows.append(
        [c("总分", "header", colspan=6, bold=True), None, None, None, None, None]
        + [c(f.total_weight, "count"), c(f.total_score, "count"), c("")]
    )
    _grid_table(doc, [], rows, PROJECT_WIDTHS, 9, 0)


def _span_groups(rows: list[list], cols: tuple[int, ...]) -> None:
    """一级/二级指标 as on the official form: a name spans the blank cells below it (a 二级
    group never runs past the end of its 一级 group)."""
    starts: set[int] = {0}
    for col in cols:
        anchor = None
        for i, row in enumerate(rows):
            cell = row[col]
            if cell.text or i in starts or anchor is None:
                anchor = cell
                if cell.text:
                    starts.add(i)
                continue
            anchor.rowspan += 1
            row[col] = None


def toc_entries(markdown: str, pub: Publication) -> list[tuple[int, str]]:
    """The 目录's entries in order: 部分 (level 1), sections and tables (level 2)."""
    out: list[tuple[int, str]] = []
    seen_cover = False
    for line in markdown.splitlines():
        m = re.match(r"^(#{1,2}) (.*)$", line)
        if m:
            if not seen_cover:
                seen_cover = True  # the cover title is not in the 目录
                continue
            out.append((len(m.group(1)), m.group(2)))
            continue
        mk = MARKER.match(line)
        if mk and mk.group(1) == "table" and mk.group(2) in pub.tables:
            out.append((2, pub.tables[mk.group(2)].title))
    return out


def build_publication(markdown: str, pub: Publication, sources: list | None = None):
    """The whole disclosure as a python-docx Document, from the text ``narrate(…,
    publish=True)`` gives and the tables, charts and forms of *pub*. With *sources* (the
    cells of a traced text, ``narrate_traced(…).marked``), each figure carries a comment
    naming its cell."""
    w = _Publisher(pub, sources)
    plain = strip_figures(markdown)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown.strip()) if b.strip()]
    i = 0
    cover_title = None
    cover_lines: list[str] = []
    in_cover = True
    while i < len(blocks):
        block = blocks[i]
        lines = block.splitlines()
        marker = MARKER.match(lines[0]) if len(lines) == 1 else None
        head = re.match(r"^(#+) (.*)$", strip_figures(lines[0])) if len(lines) == 1 else None
        nxt = blocks[i + 1] if i + 1 < len(blocks) else ""
        i += 1
        if in_cover:
            if marker and marker.group(1) == "toc":
                w.cover(cover_title or "", cover_lines)
                w.toc(toc_entries(plain, pub))
                in_cover = False
            elif head and cover_title is None:
                cover_title = head.group(2)
            else:
                cover_lines.extend(strip_figures(x) for x in _text_lines(lines))
            continue
        if marker:
            kind, arg = marker.group(1), marker.group(2)
            if kind == "table" and arg in pub.tables:
                w.table(pub.tables[arg])
            elif kind == "chart":
                w.chart(arg)
            elif kind == "project" and arg and arg.isdigit() and int(arg) < len(pub.projects):
                w.project(pub.projects[int(arg)])
            continue
        if head:
            level = len(head.group(1))
            if level == 1:
                w.part(head.group(2))
            else:
                form_next = bool(re.match(r"^<!-- xlfin:project \d+ -->$", nxt))
                w.heading(head.group(2), min(level, 3), landscape_next=form_next)
            continue
        if lines[0].startswith("|"):
            w.md_table([strip_figures(ln) for ln in lines])
            continue
        w.text(lines)
    if in_cover:  # a text without the 目录 marker: the cover alone
        w.cover(cover_title or "", cover_lines)
    return w


def write_publication(markdown: str, pub: Publication, path: Path) -> None:
    """Write the publication to *path* (.docx), atomically."""
    build_publication(markdown, pub).save(path)
