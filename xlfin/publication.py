"""What the published disclosure shows besides its words: the 决算表 as grids, 图1/图2 as chart
data and each 项目支出绩效自评表 as a complete form.

Pure data computed from the Book and the profile's layout (no file format here): the Word
writer (:mod:`xlfin.io.docx_writer`) and the workbook's 图表 sheet draw what this module says.
Which rows a chart shows is the profile's data (``[semantics] chart_income`` …), never a
name in this code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from xlfin.compute import as_decimal, comparisons, q2, rate
from xlfin.layout import PROJECT_FUND_ROWS, SheetLayout, _value_format, sheet_layout
from xlfin.model import Book, Project, Row
from xlfin.profile import Profile

# 【请填写…】 and 【请核对…】 markers the narrative prints where a figure or text is missing or
# does not agree: the publication highlights them and counts them.
PLACEHOLDER = re.compile(r"【请(?:填写|核对)[^】]*】")


def placeholders(text: str) -> list[str]:
    """Every marker of *text*, in order."""
    return PLACEHOLDER.findall(text)


@dataclass
class GridCell:
    """One cell of a published table: its text, how it spans, what it is."""

    text: str
    kind: str  # header | lanci | label | code | line | unit | money | count | pct | text | blank
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False


@dataclass
class TableGrid:
    """A 决算表 as it is printed: header block, body rows (None = covered by a merge)."""

    sheet_id: str
    title: str
    code: str
    unit_label: str
    unit_name: str
    money_label: str
    header: list[list[GridCell | None]]
    body: list[list[GridCell | None]]
    col_kinds: list[str]  # code | label | line | unit | value, for the column widths
    note_label: str = ""
    note: str = ""

    @property
    def width(self) -> int:
        return len(self.col_kinds)


def fmt_money(v: Decimal) -> str:
    """1430.98 → '1,430.98'; never -0.00."""
    v = q2(v)
    return f"{abs(v) if v == 0 else v:,.2f}"


def _fmt(value, kind: str) -> str:
    """A cell as its table prints it: money 1,430.98, a rate 29.37%, a count or text as is."""
    if kind in ("count", "int") or not isinstance(value, int | Decimal) or isinstance(value, bool):
        return plain_number(value)
    if kind == "pct":
        return f"{q2(Decimal(value) * 100):.2f}%"
    return fmt_money(Decimal(value))


def _place(grid: list[list[GridCell | None]], r: int, c: int, cell: GridCell) -> None:
    grid[r][c] = cell
    for i in range(r, r + cell.rowspan):
        for j in range(c, c + cell.colspan):
            if (i, j) != (r, c):
                grid[i][j] = None


def _header(lay: SheetLayout) -> list[list[GridCell | None]]:
    top, bottom = lay.header_rows
    rows = bottom - top + 1
    grid: list[list[GridCell | None]] = [
        [GridCell("", "header") for _ in range(lay.width)] for _ in range(rows)
    ]
    for s in lay.statics:
        if not (top <= s.row <= bottom) or s.kind not in ("header", "heading", "lanci"):
            continue
        rowspan = (s.end_row or s.row) - s.row + 1
        colspan = (s.end_col or s.col) - s.col + 1
        kind = "lanci" if s.kind == "lanci" else "header"
        _place(grid, s.row - top, s.col - 1, GridCell(s.text, kind, rowspan, colspan, True))
    return grid


def _col_kinds(lay: SheetLayout) -> list[str]:
    kinds = ["value"] * lay.width
    for bl in lay.blocks:
        kinds[bl.label_col - 1] = "label"
        if bl.code_col:
            kinds[bl.code_col - 1] = "code"
        if bl.line_col:
            kinds[bl.line_col - 1] = "line"
        if bl.unit_col:
            kinds[bl.unit_col - 1] = "unit"
    return kinds


def _value_cells(row: Row | None, bl, units: str = "万元") -> dict[int, GridCell]:
    out = {}
    for c in bl.spec.columns:
        kind = _value_format(c.format, units)
        value = row.get(c.key) if row is not None else None
        kind = {"money": "money", "pct": "pct", "int": "count", "count": "count"}.get(kind, "text")
        out[bl.value_cols[c.key] - 1] = GridCell(_fmt(value, kind), kind)
    return out


def table_grid(book: Book, profile: Profile, sheet_id: str) -> TableGrid:
    """The printed form of table *sheet_id* of *book*: the template's header block and every
    row, fixed rows at their place and the unit's classification rows in their order."""
    spec = profile.sheet(sheet_id)
    lay = sheet_layout(profile, sheet_id)
    table = book.tables.get(sheet_id)
    rows_of = table.rows if table is not None else {}
    data_top = max(bl.data_top for bl in lay.blocks)
    columns: dict[int, list[dict[int, GridCell]]] = {}  # body row index → cells by block

    def put(i: int, cells: dict[int, GridCell]) -> None:
        columns.setdefault(i, []).append(cells)

    labels = {(s.row, s.col): s for s in lay.statics if s.row >= data_top}
    for bl in lay.blocks:
        b = bl.spec
        if b.type == "classified":
            got = [r for r in rows_of.values() if r.block == b.key]
            if not b.no_total and not any(r.key == "total" for r in got):
                got.insert(0, Row("total", "合计", block=b.key))
            for i, r in enumerate(got):
                cells = _value_cells(r, bl)
                total = r.key == "total"
                label = "合计" if total else (r.label or "")
                cells[bl.label_col - 1] = GridCell(label, "label", bold=total)
                cells[bl.code_col - 1] = GridCell("" if total else (r.code or ""), "code")
                if total:  # 合计 spans 科目编码 and 科目名称 as on the official form
                    cells[bl.code_col - 1] = GridCell("合计", "label", colspan=2, bold=True)
                    cells[bl.label_col - 1] = None
                put(i, cells)
            continue
        for rs in b.rows:
            pos = bl.row_pos.get(rs.key)
            if pos is None:
                continue
            i = pos - data_top
            cells = _value_cells(rows_of.get(rs.key), bl, rs.unit)
            cells[bl.label_col - 1] = GridCell(rs.label, "label", bold=rs.is_total)
            if bl.code_col:
                cells[bl.code_col - 1] = GridCell(rs.code or "", "code")
            if bl.line_col:
                line = labels.get((pos, bl.line_col))
                cells[bl.line_col - 1] = GridCell(line.text if line else "", "line")
            if bl.unit_col:
                cells[bl.unit_col - 1] = GridCell(rs.unit, "unit")
            put(i, cells)
    n = max(columns, default=-1) + 1
    body: list[list[GridCell | None]] = []
    for i in range(n):
        row: list[GridCell | None] = [GridCell("", "blank") for _ in range(lay.width)]
        for cells in columns.get(i, []):
            for j, cell in cells.items():
                row[j] = cell
        body.append(row)
    for row in body:  # a cell that spans covers its neighbours
        for j, cell in enumerate(row):
            if cell is not None and cell.colspan > 1:
                for k in range(j + 1, j + cell.colspan):
                    row[k] = None
    unit_name = ""
    note = ""
    if table is not None:
        unit_name = str(table.unit_name.value or "").strip()
        note = str(table.note.value or "").strip()
    if not unit_name:
        unit_name = str(book.field("COVER.unit", "dept_name") or "").strip()
    return TableGrid(
        sheet_id=sheet_id,
        title=spec.title,
        code=spec.code or "",
        unit_label=profile.unit_label,
        unit_name=unit_name,
        money_label=profile.money_label,
        header=_header(lay),
        body=body,
        col_kinds=_col_kinds(lay),
        note_label=spec.note.label if spec.note else "",
        note=note,
    )


# ---------------------------------------------------------------- charts


@dataclass
class ChartData:
    """A pie chart of the 情况说明: its slices (name, 万元) and each slice's share (%)."""

    id: str
    title: str
    labels: list[str]
    values: list[Decimal]
    shares: list[Decimal]
    total: Decimal | None = None
    base_key: str = ""
    keys: list[str] = field(default_factory=list)


def charts(book: Book, profile: Profile) -> dict[str, ChartData]:
    """图1/图2 and any other chart the profile defines (``[semantics] charts``): every slice
    is a 说明数据 comparison row's 本年决算 with a non-zero amount; the shares are those the
    text prints (of the row named ``base``)."""
    specs = profile.semantic("charts")
    if not specs or profile.lacks("NOTES.compare") is not None:
        return {}
    comp = comparisons(book, profile)
    out = {}
    for spec in specs:
        base = comp.get(spec["base"])
        total = base.final if base is not None else None
        labels, values, shares, keys = [], [], [], []
        for item in map(dict, spec["items"]):
            cm = comp.get(item["key"])
            if cm is None or cm.final is None or q2(cm.final) == 0:
                continue
            labels.append(item["label"])
            values.append(q2(cm.final))
            shares.append(rate(cm.final, total) or Decimal(0))
            keys.append(item["key"])
        out[spec["id"]] = ChartData(
            spec["id"], spec["title"], labels, values, shares, total, spec["base"], keys
        )
    return out


# ---------------------------------------------------------------- 绩效自评表

FUND_LABELS = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "other": "其他资金"}
FUND_COLUMNS = (
    ("initial_budget", "年初预算数"),
    ("annual_budget", "全年预算数"),
    ("executed", "全年执行数"),
    ("weight", "分值"),
    ("rate", "执行率"),
    ("score", "得分"),
)
INDICATOR_COLUMNS = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("level3", "三级指标"),
    ("target", "年度指标值"),
    ("actual", "实际完成值"),
    ("weight", "分值"),
    ("score", "得分"),
    ("deviation", "偏差原因分析及改进措施"),
)


def plain_number(x) -> str:
    """A score or weight as the form prints it: 5, 97, 7.5 (no trailing zeros)."""
    if x is None or x == "":
        return ""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int | Decimal):
        d = Decimal(x)
        return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")
    return str(x)


_num = as_decimal


@dataclass
class ProjectForm:
    """One 项目支出绩效自评表 as printed: every field and row of the official form."""

    name: str
    department: str
    implementer: str
    funds: list[list[str]]  # 年度资金总额 / 财政拨款 / 其他资金: label + FUND_COLUMNS
    goal_expected: str
    goal_actual: str
    indicators: list[list[str]]  # INDICATOR_COLUMNS
    total_weight: str
    total_score: str


def project_form(p: Project) -> ProjectForm:
    """The full 绩效自评表 of *p*; 执行率 is computed (全年执行数 ÷ 全年预算数), blank where
    the budget is blank or 0, so the form never shows a rate the figures do not give."""

    def text(key: str) -> str:
        v = p.get(key)
        return "" if v is None else str(v).strip()

    funds = []
    for key in PROJECT_FUND_ROWS:
        cells = p.funds.get(key, {})

        def val(col: str, cells=cells):
            c = cells.get(col)
            return None if c is None else c.value

        row = [FUND_LABELS[key]]
        for col, _ in FUND_COLUMNS:
            if col == "rate":
                r = rate(_num(val("executed")), _num(val("annual_budget")))
                row.append("" if r is None else f"{abs(r) if r == 0 else r:.2f}%")
            elif col in ("weight", "score"):
                row.append(plain_number(val(col)))
            else:
                v = _num(val(col))
                row.append("" if v is None else fmt_money(v))
        funds.append(row)
    indicators = [
        [
            plain_number(ind.get(k)) if k in ("weight", "score") else str(ind.get(k) or "")
            for k, _ in INDICATOR_COLUMNS
        ]
        for ind in p.indicators
    ]
    return ProjectForm(
        name=text("name"),
        department=text("department"),
        implementer=text("implementer"),
        funds=funds,
        goal_expected=text("goal_expected"),
        goal_actual=text("goal_actual"),
        indicators=indicators,
        total_weight=plain_number(p.get("total_weight")),
        total_score=plain_number(p.get("total_score")),
    )


@dataclass
class Publication:
    """Everything drawn in the published document besides its words."""

    tables: dict[str, TableGrid]
    charts: dict[str, ChartData]
    projects: list[ProjectForm]


def publication(book: Book, profile: Profile) -> Publication:
    return Publication(
        tables={s.id: table_grid(book, profile, s.id) for s in profile.published},
        charts=charts(book, profile),
        projects=[project_form(p) for p in book.projects],
    )


CHART_SHEET = "图表"


def chart_writes(book: Book, profile: Profile) -> list:
    """The workbook's 图表 sheet: 图1/图2 as native pie charts on the 说明数据 cells that hold
    each slice's 本年决算 (so they follow the numbers); replaced on every ``fill``."""
    from xlfin.writes import ChartWrite, SheetWrite

    data = charts(book, profile)
    notes = book.tables.get("NOTES")
    if not data or notes is None:
        return []
    rows: list[list[object]] = [["图1、图2（由 xlfin fill 生成，数据取自“说明数据”的本年决算数）"]]
    writes: list = []
    at = 3
    for n, (chart_id, chart) in enumerate(data.items(), 1):
        spec = next(dict(x) for x in profile.semantic("charts") if x["id"] == chart_id)
        keys = [dict(i)["key"] for i in spec["items"]]
        got = [notes.rows.get(k) for k in keys]
        if any(r is None or not r.columns or "final" not in r.columns for r in got):
            continue
        lines = [r.line for r in got]
        if lines != list(range(lines[0], lines[0] + len(lines))):
            continue  # the slices' rows are not one range of the sheet
        sheet = got[0].source.sheet if got[0].source else notes.sheet
        label_col = 1
        final_col = got[0].columns["final"]
        hide = tuple(i for i, k in enumerate(keys) if k not in chart.keys)
        writes.append(
            ChartWrite(
                CHART_SHEET,
                f"A{at}",
                f"图{n} {chart.title}",
                (sheet, label_col, lines[0], lines[-1]),
                (sheet, final_col, lines[0], lines[-1]),
                hide,
            )
        )
        at += 20
    if not writes:
        return []
    return [SheetWrite(CHART_SHEET, rows=rows, widths={1: 12})] + writes
