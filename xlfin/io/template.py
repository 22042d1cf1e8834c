"""Build the official-looking blank workbook of a profile with openpyxl.

Everything written comes from the profile through :mod:`xlfin.layout`: titles, headers,
labels, which cells are inputs (unlocked, validated), totals and computed cells (locked).
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xlfin.io.files import atomic_write, normalize_xlsx
from xlfin.io.rowfit import fit_workbook
from xlfin.layout import (
    CODES_SHEET,
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
MONEY_PROMPT = "单位：万元，最多两位小数；没有发生的填 0。"
COUNT_PROMPT = "请填写整数；没有发生的填 0。"
CODE_PROMPT = "从列表中选择科目编码（类 3 位、款 5 位、项 7 位），也可直接输入；科目名称可留空，xlfin fill 会填上。"
CHOICE_PROMPT = "请从列表中选择。"


class Styler:
    """Each distinct cell look computed once per workbook. openpyxl hashes a style's objects
    again on every assignment, most of the time it takes to build a big workbook (a merged
    workbook of 1,000 units has millions of assignments); a look is made once on the first
    cell with the same prior style and copied to the others, which gives the same cells and
    the same style table, in the same order."""

    def __init__(self) -> None:
        self.memo: dict = {}

    def __call__(self, cell, key, make) -> None:
        prior = cell._style
        k = (key, None if prior is None else prior.tobytes())
        done = self.memo.get(k)
        if done is None:
            make(cell)
            self.memo[k] = StyleArray(cell._style)
        else:
            cell._style = StyleArray(done)


def styler(wb: Workbook) -> Styler:
    """The workbook's Styler (style indexes belong to one workbook)."""
    found = getattr(wb, "_xlfin_styler", None)
    if found is None:
        found = Styler()
        wb._xlfin_styler = found
    return found


def _set_border(c) -> None:
    c.border = BORDER


def bordered(ws: Worksheet, row: int, col: int) -> None:
    styler(ws.parent)(ws.cell(row, col), "border", _set_border)


def merge(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """``ws.merge_cells`` without its overlap scan, which compares each new range with every
    range before it (quadratic: a merged workbook of 1,000 units has 70,000 ranges; a layout's
    ranges never overlap), and with its border copying done through the Styler. The same
    ranges in the same order, the same cells and styles as ``merge_cells``."""
    coord = CellRange(min_col=left, min_row=top, max_col=right, max_row=bottom).coord
    mcr = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(mcr, range_string=coord)
    mcr.ws = ws
    _start_borders(mcr)
    ws.merged_cells.ranges.add(mcr)
    clean_merged(ws, mcr)


def _start_borders(mcr: MergedCellRange) -> None:
    """What ``MergedCellRange._get_borders`` does (the top-left cell, made if missing, takes
    the bottom-right cell's right and bottom sides), through the Styler."""
    ws = mcr.ws
    start = ws.cell(mcr.min_row, mcr.min_col)
    mcr.start_cell = start
    end = ws._cells.get((mcr.max_row, mcr.max_col))
    if end is not None:
        extra = Border(right=end.border.right, bottom=end.border.bottom)
        styler(ws.parent)(
            start, ("merge", end._style.borderId), lambda c: setattr(c, "border", c.border + extra)
        )


def clean_merged(ws: Worksheet, mcr: MergedCellRange) -> None:
    """What ``Worksheet._clean_merge_range`` does (all but the top-left cell become merged
    cells; the edges take the top-left cell's sides, every cell its protection), with the
    styles through the Styler: the same cells and styles, without hashing each style again.
    Also used while loading a workbook (:func:`load_workbook_fast`)."""
    style = styler(ws.parent)
    start = mcr.start_cell
    cells = mcr.cells
    next(cells)
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)
    for name in ("top", "left", "right", "bottom"):
        side = getattr(start.border, name)
        if side and side.style is None:
            continue
        edge = Border(**{name: side})
        for coord in getattr(mcr, name):
            cell = ws._cells.get(coord)
            if cell is None:
                cell = ws._cells[coord] = MergedCell(ws, row=coord[0], column=coord[1])
            style(
                cell,
                ("edge", name, start._style.borderId),
                lambda c, edge=edge: setattr(c, "border", c.border + edge),
            )
    if start.protection is not None:
        protection = copy(start.protection)
        for coord in mcr.cells:
            cell = ws._cells.get(coord)
            if cell is None:
                cell = ws._cells[coord] = MergedCell(ws, row=coord[0], column=coord[1])
            style(
                cell,
                ("protect", start._style.protectionId),
                lambda c: setattr(c, "protection", protection),
            )


def load_workbook_fast(path):
    """openpyxl's ``load_workbook``, its merged ranges' borders set and formatted through the
    Styler (most of the time loading a template-shaped workbook took) and without cyclic
    garbage collection while the cells are made. The same workbook."""
    import gc

    from openpyxl import load_workbook

    original = Worksheet._clean_merge_range, MergedCellRange._get_borders
    enabled = gc.isenabled()
    Worksheet._clean_merge_range = clean_merged
    MergedCellRange._get_borders = _start_borders
    gc.disable()
    try:
        return load_workbook(path)
    finally:
        Worksheet._clean_merge_range, MergedCellRange._get_borders = original
        if enabled:
            gc.enable()


def _static_look(c, kind: str, bold: bool) -> None:
    if kind == "title":
        c.font = Font(name=FONT, size=16, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center")
    elif kind == "legend":  # which cells are typed, which are 合计, which computed
        c.font = Font(name=FONT, size=9, color="595959")
        c.alignment = Alignment(vertical="center", wrap_text=True)
    elif kind == "subtitle":
        c.font = Font(name=FONT, size=11)
        c.alignment = Alignment(horizontal="center")
    elif kind == "code":
        c.font = Font(name=FONT, size=10)
        c.alignment = Alignment(horizontal="right")
    elif kind in ("header", "heading"):
        c.font = Font(name=FONT, size=10, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.fill = HEADER_FILL
    elif kind == "cover_label":  # the printed cover: 部门名称： …
        c.font = Font(name=FONT, size=16)
        c.alignment = Alignment(horizontal="right", vertical="center")
    elif kind in ("lanci", "code_label"):
        c.font = Font(name=FONT, size=10)
        c.alignment = Alignment(horizontal="center", vertical="center")
        c.number_format = "@"
    else:
        c.font = Font(name=FONT, size=10, bold=bold)
        c.alignment = Alignment(vertical="center", wrap_text=True)


def _style_static(ws: Worksheet, st, layout: SheetLayout) -> None:
    cell = ws.cell(st.row, st.col, st.text)
    bold = st.text in ("合计", "总计") or "合计" in st.text
    styler(ws.parent)(cell, ("static", st.kind, bold), lambda c: _static_look(c, st.kind, bold))
    if st.kind == "title":
        ws.row_dimensions[st.row].height = 30
    elif st.kind == "legend":
        ws.row_dimensions[st.row].height = 27
    in_grid = st.kind not in ("title", "subtitle", "code", "legend", "cover_label") and not (
        layout.spec.kind == "table" and st.row == 3
    )
    end_row = st.end_row or st.row
    end_col = st.end_col or st.col
    if in_grid:
        for r in range(st.row, end_row + 1):
            for c in range(st.col, end_col + 1):
                bordered(ws, r, c)
    if end_row != st.row or end_col != st.col:
        merge(ws, st.row, st.col, end_row, end_col)


# 分值 and 得分 of a 绩效自评表 print as the official form shows them: 5, 97, 7.5 (not 5.00)
SCORE_FORMAT = "General"
SCORE_COLS = {PROJECT_FUND_COLS["weight"], PROJECT_FUND_COLS["score"]} | {
    PROJECT_INDICATOR_COLS["weight"],
    PROJECT_INDICATOR_COLS["score"],
}


def _slot_look(c, fmt: str, role: str, unit_line: bool, score: bool, unit_label: str) -> None:
    c.number_format = NUMBER_FORMATS.get(fmt, "@")
    if fmt == "cover_title":  # the printed cover: no fill, no border, as published
        c.font = Font(name=FONT, size=24, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return
    if fmt == "cover_line":
        c.font = Font(name=FONT, size=16)
        c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        return
    if fmt == "unit":  # the 编制单位 line: the label is the format's, the name typed
        c.number_format = '"' + unit_label + '"@'
        c.font = Font(name=FONT, size=10)
    if score:
        c.number_format = SCORE_FORMAT
    c.font = Font(name=FONT, size=10)
    if unit_line:  # 编制单位：the whole name, left-aligned
        c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    elif fmt == "longtext":
        c.alignment = Alignment(vertical="top", wrap_text=True)
    elif fmt in ("money", "count", "int", "pct"):
        c.alignment = Alignment(horizontal="right", vertical="center")
    else:
        c.alignment = Alignment(vertical="center", wrap_text=True)
    if role == "computed":
        c.fill = COMPUTED_FILL
    else:
        c.protection = Protection(locked=False)
        if role == "total":
            c.fill = TOTAL_FILL


def _style_slot(
    ws: Worksheet,
    sl,
    layout: SheetLayout,
    validations: dict[str, list[str]],
    unit_label: str = "编制单位：",
) -> None:
    cell = ws.cell(sl.row, sl.col)
    unit_line = layout.spec.kind == "table" and sl.row == 3
    score = layout.spec.kind == "projects" and sl.format == "money" and sl.col in SCORE_COLS
    styler(ws.parent)(
        cell,
        ("slot", sl.format, sl.role, unit_line, score, unit_label),
        lambda c: _slot_look(c, sl.format, sl.role, unit_line, score, unit_label),
    )
    if unit_line:
        ws.row_dimensions[3].height = 30
    elif sl.format == "longtext":
        ws.row_dimensions[sl.row].height = 48
    if sl.role != "computed":
        if sl.format in ("money",):
            validations["money"].append(cell.coordinate)
        elif sl.format in ("count", "int"):
            validations["count"].append(cell.coordinate)
        elif sl.format == "code":
            validations["code"].append(cell.coordinate)
        if sl.choices:
            validations.setdefault("choices:" + "\t".join(sl.choices), []).append(cell.coordinate)
    end_col = sl.end_col or sl.col
    if not unit_line and not sl.format.startswith("cover"):
        for c in range(sl.col, end_col + 1):
            bordered(ws, sl.row, c)
    if end_col != sl.col:
        merge(ws, sl.row, sl.col, sl.row, end_col)


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
    if layout.label_width:  # a wide data sheet: its columns as the layout sizes them
        widths.update(layout.wide_cols)
        widths[1] = min(widths.get(1, 0), layout.label_width)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(w, 6), 60)


def _validations(ws: Worksheet, validations: dict[str, list[str]], codes: str | None) -> None:
    if validations["money"]:
        # a number with at most two decimals: the formula is relative to the first cell and
        # Excel (and LibreOffice) shift it for every other cell of the range
        first = validations["money"][0]
        dv = DataValidation(
            type="custom",
            formula1=f"AND(ISNUMBER({first}),ROUND({first},2)={first})",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="金额格式错误",
            error=MONEY_ERROR,
            showInputMessage=True,
            promptTitle="金额",
            prompt=MONEY_PROMPT,
        )
        dv.sqref = MultiCellRange(" ".join(validations["money"]))  # dv.add is quadratic
        ws.add_data_validation(dv)
    if validations["code"] and codes:
        dv = DataValidation(
            type="list",
            formula1=codes,
            allow_blank=True,
            showErrorMessage=False,  # a code the list lacks (a new 科目) may still be typed
            showInputMessage=True,
            promptTitle="科目编码",
            prompt=CODE_PROMPT,
        )
        dv.sqref = MultiCellRange(" ".join(validations["code"]))
        ws.add_data_validation(dv)
    for key, cells in validations.items():
        if not key.startswith("choices:"):
            continue
        choices = key.split(":", 1)[1].split("\t")
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",  # another value is possible after a confirmation
            errorTitle="请核对",
            error="不在列表中，确定要填写这个值吗？",
            showInputMessage=True,
            promptTitle="请选择",
            prompt=CHOICE_PROMPT,
        )
        dv.sqref = MultiCellRange(" ".join(cells))
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
            showInputMessage=True,
            promptTitle="数量",
            prompt=COUNT_PROMPT,
        )
        dv.sqref = MultiCellRange(" ".join(validations["count"]))
        ws.add_data_validation(dv)


ONE_PAGE_ROWS = 45  # a table this short prints on one page, its total rows with it
PAGE_FOOTER = "第 &P 页 共 &N 页"


def _last_row(layout: SheetLayout) -> int:
    return max([st.end_row or st.row for st in layout.statics] + [sl.row for sl in layout.slots])


def _print_setup(ws: Worksheet, layout: SheetLayout) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if layout.spec.kind == "cover":  # one portrait page, no page number
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.sheet_view.showGridLines = False
        return
    ws.page_setup.orientation = "landscape"
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
    for start in layout.page_starts:  # a list (决算单位构成) with its header on one page
        ws.row_breaks.append(Break(id=start - 1))


def build_sheet(
    wb: Workbook, profile: Profile, sheet_id: str, codes: str | None = None
) -> Worksheet:
    """Add the sheet *sheet_id* of *profile* to *wb*, fully styled and protected; *codes* is
    the range of the 代码表 that 科目编码 cells choose from."""
    layout = sheet_layout(profile, sheet_id)
    ws = wb.create_sheet(layout.spec.name)
    validations: dict[str, list[str]] = {"money": [], "count": [], "code": []}
    for top, left, bottom, right in layout.grids:
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                bordered(ws, r, c)
    # a sheet of identical blocks (the 绩效自评表) is styled for its first block and the
    # others copied from it: thousands of forms in a merged workbook take seconds, not minutes
    period, copies = _repeats(layout)
    end = layout.project_rows[0] - 2 + period if copies > 1 else None
    for st in layout.statics:
        if end is None or st.row < end:
            _style_static(ws, st, layout)
    for sl in layout.slots:
        if end is None or sl.row < end:
            _style_slot(ws, sl, layout, validations, profile.unit_label)
    if end is not None:
        _copy_blocks(ws, end - period, period, copies, validations)
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    _widths(ws, layout)
    _validations(ws, validations, codes)
    _print_setup(ws, layout)
    _legend(ws, layout)
    if layout.freeze:
        ws.freeze_panes = f"{get_column_letter(layout.freeze[1])}{layout.freeze[0]}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    if any(b.type == "classified" for b in layout.spec.blocks):
        # room for every 科目: rows may be inserted (and deleted) inside the 科目 blocks; the
        # reader reads a block down to its 说明 row, so inserted rows are read like the others
        ws.protection.insertRows = False
        ws.protection.deleteRows = False
    return ws


def _repeats(layout: SheetLayout) -> tuple[int, int]:
    """(rows from one block to the next, number of blocks) of a sheet of 绩效自评表 blocks;
    (0, 0) for any other sheet."""
    starts = layout.project_rows
    if len(starts) < 2:
        return 0, 0
    return starts[1] - starts[0], len(starts)


def _copy_blocks(ws: Worksheet, top: int, period: int, copies: int, validations) -> None:
    """Copy the block of rows top…top+period−1 (cells with their values and styles, merged
    ranges, row heights, validated cells) *copies* − 1 times below it, each *period* rows
    further down: the same cells as styling each block one by one."""
    from openpyxl.cell.cell import Cell
    from openpyxl.utils.cell import coordinate_from_string

    block = [(r, c, cell) for (r, c), cell in ws._cells.items() if top <= r < top + period]
    merges = [m for m in ws.merged_cells.ranges if top <= m.min_row < top + period]
    heights = {
        r: ws.row_dimensions[r].height
        for r in range(top, top + period)
        if r in ws.row_dimensions and ws.row_dimensions[r].height
    }
    first = {key: list(coords) for key, coords in validations.items()}
    parsed = {key: [coordinate_from_string(c) for c in coords] for key, coords in first.items()}
    for k in range(1, copies):
        off = k * period
        for r, c, cell in block:
            if isinstance(cell, MergedCell):
                new = MergedCell(ws, r + off, c)
            else:
                new = Cell(ws, row=r + off, column=c, value=cell.value)
            new._style = StyleArray(cell._style)
            ws._cells[(r + off, c)] = new
        for m in merges:
            mcr = MergedCellRange.__new__(MergedCellRange)
            CellRange.__init__(
                mcr,
                min_col=m.min_col,
                min_row=m.min_row + off,
                max_col=m.max_col,
                max_row=m.max_row + off,
            )
            mcr.ws = ws
            mcr.start_cell = ws._cells[(m.min_row + off, m.min_col)]
            ws.merged_cells.ranges.add(mcr)
        for r, h in heights.items():
            ws.row_dimensions[r + off].height = h
        for key, coords in parsed.items():
            validations[key].extend(f"{col}{row + off}" for col, row in coords)


def _legend(ws: Worksheet, layout: SheetLayout) -> None:
    """A sheet of 绩效自评表 has its 年度 line where the others have the legend (row 2): its
    legend is in the page footer."""
    if layout.spec.kind == "projects":
        ws.oddFooter.left.text = "白底填写；绿底由 xlfin 计算"
        ws.oddFooter.left.size = 8


def build_workbook(profile: Profile) -> Workbook:
    """A new openpyxl workbook with every sheet of *profile*, in profile order."""
    wb = Workbook()
    wb.remove(wb.active)
    codes = _codes_sheet(wb, profile)
    for s in profile.sheets:
        build_sheet(wb, profile, s.id, codes)
    wb.move_sheet(CODES_SHEET, offset=len(wb.sheetnames))  # the last tab, hidden
    fit_workbook(wb)  # header and label texts that wrap get the rows' height they need
    wb.properties.creator = "xlfin"
    wb.properties.title = profile.title
    return wb


def _codes_sheet(wb: Workbook, profile: Profile) -> str | None:
    """A hidden 代码表 of the year's 支出功能分类 (类/款/项 with names), for the 科目编码
    lists; its range, or None when the format has no 科目 block."""
    from xlfin import codes

    if not any(b.type == "classified" for s in profile.sheets for b in s.blocks):
        return None
    table = codes.load("functional")
    entries = table.valid_codes(profile.year)
    ws = wb.create_sheet(CODES_SHEET)
    ws.cell(1, 1, "科目编码")
    ws.cell(1, 2, "科目名称")
    ws.cell(1, 3, "级次")
    for r, code in enumerate(entries, 2):
        ws.cell(r, 1, code).number_format = "@"
        ws.cell(r, 2, table.name(code, profile.year) or "")
        ws.cell(r, 3, {3: "类", 5: "款", 7: "项"}.get(len(code), ""))
    ws.column_dimensions["B"].width = 40
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return f"'{CODES_SHEET}'!$A$2:$A${len(entries) + 1}"


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save atomically and byte-reproducibly."""

    def write(tmp: Path) -> None:
        wb.save(tmp)
        normalize_xlsx(tmp)

    atomic_write(Path(path), write)


def write_template(profile: Profile, path: Path) -> None:
    """Write the blank template of *profile* to *path*."""
    save_workbook(build_workbook(profile), path)
