"""Build the official-looking blank workbook of a profile with openpyxl.

Everything written comes from the profile through :mod:`xlfin.layout`: titles, headers,
labels, which cells are inputs (unlocked, validated), totals and computed cells (locked).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xlfin.io.files import atomic_write, normalize_xlsx
from xlfin.layout import (
    PROJECT_FUND_COLS,
    PROJECT_INDICATOR_COLS,
    SheetLayout,
    sheet_layout,
)
from xlfin.profile import Profile
from xlfin.values import display_width

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
COMPUTED_FILL = PatternFill("solid", fgColor="E2EFDA")
NUMBER_FORMATS = {
    "money": "#,##0.00",
    "count": "#,##0",
    "int": "0",
    "pct": "0.00%",
    "code": "@",
    "text": "@",
    "longtext": "@",
}
MONEY_ERROR = "请输入数字金额（单位：万元，最多两位小数）。"
COUNT_ERROR = "请输入整数。"


def _style_static(ws: Worksheet, st, layout: SheetLayout) -> None:
    cell = ws.cell(st.row, st.col, st.text)
    if st.kind == "title":
        cell.font = Font(name=FONT, size=16, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[st.row].height = 30
    elif st.kind == "subtitle":
        cell.font = Font(name=FONT, size=11)
        cell.alignment = Alignment(horizontal="center")
    elif st.kind == "code":
        cell.font = Font(name=FONT, size=10)
        cell.alignment = Alignment(horizontal="right")
    elif st.kind in ("header", "heading"):
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = HEADER_FILL
    elif st.kind in ("lanci", "code_label"):
        cell.font = Font(name=FONT, size=10)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.number_format = "@"
    else:
        cell.font = Font(name=FONT, size=10, bold=st.text in ("合计", "总计") or "合计" in st.text)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    in_grid = st.kind not in ("title", "subtitle", "code") and not (
        layout.spec.kind == "table" and st.row == 3
    )
    end_row = st.end_row or st.row
    end_col = st.end_col or st.col
    if in_grid:
        for r in range(st.row, end_row + 1):
            for c in range(st.col, end_col + 1):
                ws.cell(r, c).border = BORDER
    if end_row != st.row or end_col != st.col:
        ws.merge_cells(start_row=st.row, start_column=st.col, end_row=end_row, end_column=end_col)


# 分值 and 得分 of a 绩效自评表 print as the official form shows them: 5, 97, 7.5 (not 5.00)
SCORE_FORMAT = "General"
SCORE_COLS = {PROJECT_FUND_COLS["weight"], PROJECT_FUND_COLS["score"]} | {
    PROJECT_INDICATOR_COLS["weight"],
    PROJECT_INDICATOR_COLS["score"],
}


def _style_slot(ws: Worksheet, sl, layout: SheetLayout, validations: dict[str, list[str]]) -> None:
    cell = ws.cell(sl.row, sl.col)
    cell.number_format = NUMBER_FORMATS[sl.format]
    if layout.spec.kind == "projects" and sl.format == "money" and sl.col in SCORE_COLS:
        cell.number_format = SCORE_FORMAT
    cell.font = Font(name=FONT, size=10)
    numeric = sl.format in ("money", "count", "int", "pct")
    if sl.format == "longtext":
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[sl.row].height = 48
    elif numeric:
        cell.alignment = Alignment(horizontal="right", vertical="center")
    else:
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    if sl.role == "computed":
        cell.fill = COMPUTED_FILL
    else:
        cell.protection = Protection(locked=False)
        if sl.role == "total":
            cell.fill = TOTAL_FILL
        if sl.format in ("money",):
            validations["money"].append(cell.coordinate)
        elif sl.format in ("count", "int"):
            validations["count"].append(cell.coordinate)
    end_col = sl.end_col or sl.col
    if not (layout.spec.kind == "table" and sl.row == 3):
        for c in range(sl.col, end_col + 1):
            ws.cell(sl.row, c).border = BORDER
    if end_col != sl.col:
        ws.merge_cells(start_row=sl.row, start_column=sl.col, end_row=sl.row, end_column=end_col)


def _widths(ws: Worksheet, layout: SheetLayout) -> None:
    widths: dict[int, int] = {}
    for st in layout.statics:
        if st.kind in ("title", "subtitle", "heading") or (st.end_col and st.end_col != st.col):
            continue
        w = display_width(st.text) + 2
        if st.kind == "header":
            w = min(w, 16)  # headers wrap
        widths[st.col] = max(widths.get(st.col, 0), w)
    for sl in layout.slots:
        base = {"money": 14, "count": 10, "int": 10, "pct": 11, "code": 11}.get(sl.format, 12)
        if sl.end_col and sl.end_col != sl.col:
            base = 10
        widths[sl.col] = max(widths.get(sl.col, 0), base)
    for col, w in layout.wide_cols.items():
        widths[col] = max(widths.get(col, 0), w)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(w, 6), 60)


def _validations(ws: Worksheet, validations: dict[str, list[str]]) -> None:
    if validations["money"]:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1000000000",
            formula2="1000000000",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="金额格式错误",
            error=MONEY_ERROR,
        )
        dv.sqref = MultiCellRange(" ".join(validations["money"]))  # dv.add is quadratic
        ws.add_data_validation(dv)
    if validations["count"]:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="1000000000",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数量格式错误",
            error=COUNT_ERROR,
        )
        dv.sqref = MultiCellRange(" ".join(validations["count"]))
        ws.add_data_validation(dv)


ONE_PAGE_ROWS = 45  # a table this short prints on one page, its total rows with it
PAGE_FOOTER = "第 &P 页 共 &N 页"


def _last_row(layout: SheetLayout) -> int:
    return max([st.end_row or st.row for st in layout.statics] + [sl.row for sl in layout.slots])


def _print_setup(ws: Worksheet, layout: SheetLayout) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    short = layout.spec.kind == "table" and _last_row(layout) <= ONE_PAGE_ROWS
    ws.page_setup.fitToHeight = 1 if short else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.size = 9
    if layout.header_rows:
        ws.print_title_rows = f"{layout.header_rows[0]}:{layout.header_rows[1]}"
    for start in layout.project_rows[1:]:  # each 绩效自评表 on a page of its own
        ws.row_breaks.append(Break(id=start - 3))


def build_sheet(wb: Workbook, profile: Profile, sheet_id: str) -> Worksheet:
    """Add the sheet *sheet_id* of *profile* to *wb*, fully styled and protected."""
    layout = sheet_layout(profile, sheet_id)
    ws = wb.create_sheet(layout.spec.name)
    validations: dict[str, list[str]] = {"money": [], "count": []}
    for top, left, bottom, right in layout.grids:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                ws.cell(r, c).border = BORDER
    for st in layout.statics:
        _style_static(ws, st, layout)
    for sl in layout.slots:
        _style_slot(ws, sl, layout, validations)
    _widths(ws, layout)
    _validations(ws, validations)
    _print_setup(ws, layout)
    if layout.freeze:
        ws.freeze_panes = f"{get_column_letter(layout.freeze[1])}{layout.freeze[0]}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    return ws


def build_workbook(profile: Profile) -> Workbook:
    """A new openpyxl workbook with every sheet of *profile*, in profile order."""
    wb = Workbook()
    wb.remove(wb.active)
    for s in profile.sheets:
        build_sheet(wb, profile, s.id)
    wb.properties.creator = "xlfin"
    wb.properties.title = profile.title
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save atomically and byte-reproducibly."""

    def write(tmp: Path) -> None:
        wb.save(tmp)
        normalize_xlsx(tmp)

    atomic_write(Path(path), write)


def write_template(profile: Profile, path: Path) -> None:
    """Write the blank template of *profile* to *path*."""
    save_workbook(build_workbook(profile), path)
