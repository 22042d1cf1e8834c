"""Apply cell writes to an .xlsx with openpyxl, keeping everything else as it was."""

from __future__ import annotations

from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xlfin.io.cells import put, sanitize_workbook
from xlfin.io.files import atomic_write
from xlfin.io.rowfit import fit_workbook
from xlfin.marks import RESULT_SHEET, STATE_COL
from xlfin.writes import KEEP, CellWrite, ChartWrite, HeaderWrite, SheetWrite, Write

LINK_FONT = Font(color="0563C1", underline="single")


def read_mark_state(wb) -> list[str]:
    """Earlier marks: the hidden 原状态 column of 校验结果 ([] when there is none)."""
    previous = []
    if RESULT_SHEET in wb.sheetnames:
        ws = wb[RESULT_SHEET]
        for r in range(1, ws.max_row + 1):  # entries are recognised by their form
            v = ws.cell(r, STATE_COL).value
            if isinstance(v, str) and v:
                previous.append(v)
    return previous


def apply_to_workbook(wb, writes: list[Write]) -> None:
    """Apply *writes* to an open openpyxl workbook."""
    for w in writes:
        if isinstance(w, SheetWrite):
            _apply_sheet(wb, w)
        elif isinstance(w, CellWrite):
            _apply_cell(wb, w)
        elif isinstance(w, ChartWrite):
            _apply_chart(wb, w)
        elif isinstance(w, HeaderWrite):
            set_page_header(wb, w)


HEADER_SIZE = 9


def header_text(text: str) -> str:
    """*text* as a page header prints it: characters XML cannot hold dropped, ``&`` doubled so
    that a name is text, never a header code (&P, &D …)."""
    from xlfin.io.cells import _ILLEGAL

    return _ILLEGAL.sub("", text).replace("&", "&&")


def set_page_header(wb, w: HeaderWrite) -> None:
    """The right page header of the sheets *w* names (:func:`header_text`)."""
    for name in w.sheets:
        if name in wb.sheetnames:
            header = wb[name].oddHeader.right
            header.text = header_text(w.text)
            header.size = HEADER_SIZE


def _apply_chart(wb, w: ChartWrite) -> None:
    from openpyxl.chart import PieChart, Reference
    from openpyxl.chart.data_source import NumFmt
    from openpyxl.chart.label import DataLabel, DataLabelList
    from openpyxl.descriptors import Typed

    class Labels(DataLabelList):  # numFmt with sourceLinked="0": the labels' own 0.00%
        tagname = "dLbls"
        numFmt = Typed(expected_type=NumFmt, allow_none=True)
        __elements__ = DataLabelList.__elements__
        __nested__ = tuple(n for n in DataLabelList.__nested__ if n != "numFmt")

    if w.sheet not in wb.sheetnames or w.values[0] not in wb.sheetnames:
        return
    chart = PieChart()
    chart.title = w.title
    sheet, col, first, last = w.values
    chart.add_data(Reference(wb[sheet], min_col=col, min_row=first, max_row=last))
    sheet, col, first, last = w.labels
    chart.set_categories(Reference(wb[sheet], min_col=col, min_row=first, max_row=last))
    labels = Labels()
    labels.showPercent = True
    labels.showVal = labels.showCatName = labels.showSerName = labels.showLegendKey = False
    labels.numFmt = NumFmt(formatCode="0.00%", sourceLinked=False)
    off = dict.fromkeys(("showPercent", "showVal", "showCatName", "showSerName"), False)
    labels.dLbl = [DataLabel(idx=i, showLegendKey=False, **off) for i in w.hide_labels]
    chart.series[0].dLbls = labels
    chart.legend.position = "r"
    chart.width, chart.height = 15, 9  # cm: within an A4 portrait page
    wb[w.sheet].add_chart(chart, w.anchor)


def _apply_cell(wb, w: CellWrite) -> None:
    if w.sheet not in wb.sheetnames:
        return
    c = wb[w.sheet][w.cell]
    if w.value is not KEEP:
        put(c, w.value)
    if w.number_format is not None:
        c.number_format = w.number_format
    if w.fill is not None:
        c.fill = PatternFill("solid", fgColor=w.fill) if w.fill else PatternFill(fill_type=None)
    if w.comment is not None:
        c.comment = Comment(w.comment, "xlfin", width=360, height=120) if w.comment else None
    if w.link:
        c.hyperlink = f"#{w.link}"
        c.font = LINK_FONT


def _apply_sheet(wb, w: SheetWrite) -> None:
    if w.name in wb.sheetnames:
        wb.remove(wb[w.name])
    if w.delete:
        return
    ws = wb.create_sheet(w.name)
    for r, row in enumerate(w.rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                put(ws.cell(r, c), value)
    for col, width in w.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for (r, c), target in w.links.items():
        cell = ws.cell(r, c)
        cell.hyperlink = f"#{target}"
        cell.font = LINK_FONT
    for col in w.hidden_cols:
        ws.column_dimensions[get_column_letter(col)].hidden = True
    if w.wrap:
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if w.print_title:
            ws.oddHeader.center.text = w.print_title
        if w.print_cols:
            ws.print_area = f"A1:{get_column_letter(w.print_cols)}{max(len(w.rows), 1)}"
        for r, h in w.heights.items():
            ws.row_dimensions[r].height = h
    elif w.rows:
        h = w.header_row or 1
        ws.freeze_panes = f"A{h + 1}"
        for cell in ws[h]:
            cell.font = Font(bold=True)
        if w.header_row:  # a findings table: filter, one page wide, the header on every page
            if h > 1:
                ws.cell(1, 1).font = Font(bold=True, size=14)
            last = get_column_letter(max(len(r) for r in w.rows))
            ws.auto_filter.ref = f"A{h}:{last}{max(len(w.rows), h)}"
            ws.print_title_rows = f"{h}:{h}"
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
    if w.activate:
        wb.active = wb.worksheets.index(ws)
        for other in wb.worksheets:  # only this sheet selected, or Excel groups the tabs
            other.sheet_view.tabSelected = other is ws


def apply_file(source: Path, target: Path, writes_for, fit_rows: bool = False) -> None:
    """Load *source*, let ``writes_for(wb)`` compute the writes, apply them, save to *target*
    atomically (the source is untouched unless it is the target). *fit_rows*: rows with long
    wrapped texts get the height they need (fill: the workbook is printed after it)."""
    from xlfin.io.template import load_workbook_fast

    wb = load_workbook_fast(source)
    sanitize_workbook(wb)  # a NaN openpyxl read could not be written back
    apply_to_workbook(wb, writes_for(wb))
    if fit_rows:
        fit_workbook(wb)  # rows with long wrapped texts as tall as they need (io.rowfit)

    def save(tmp: Path) -> None:
        wb.save(tmp)

    atomic_write(Path(target), save)
