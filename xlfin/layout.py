"""Where everything of a profile sits on its sheet: rows, columns, headers, input cells.

Pure geometry computed from the profile, shared by the template builder (which writes it)
and the reader (which uses it to know which header text and which column to expect).
Rows and columns are 1-based, as in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlfin.profile import BlockSpec, Profile, SheetSpec

PROJECT_WIDTH = 9


@dataclass(frozen=True)
class Static:
    """A fixed text of the template (title, header, label), possibly merged."""

    row: int
    col: int
    text: str
    kind: str  # title | code | header | label | lanci | heading | subtitle
    end_row: int | None = None
    end_col: int | None = None


@dataclass(frozen=True)
class Slot:
    """A cell the user or xlfin fills."""

    row: int
    col: int
    role: str  # input | total | computed
    format: str  # money | int | text | longtext | code | pct | count
    end_col: int | None = None
    choices: tuple[str, ...] = ()  # a closed field's values (a list in the template)


@dataclass
class BlockLayout:
    """Position of one block on its sheet."""

    spec: BlockSpec
    first_col: int
    width: int
    label_col: int
    code_col: int | None = None
    line_col: int | None = None
    unit_col: int | None = None
    value_cols: dict[str, int] = field(default_factory=dict)
    heading_row: int | None = None
    header_top: int = 0
    header_bottom: int = 0
    lanci_row: int | None = None
    row_pos: dict[str, int] = field(default_factory=dict)
    data_top: int = 0
    data_bottom: int = 0
    field_pos: dict[str, tuple[int, int]] = field(default_factory=dict)
    list_cols: dict[str, int] = field(default_factory=dict)


@dataclass
class SheetLayout:
    """Position of everything on one sheet."""

    spec: SheetSpec
    width: int
    blocks: list[BlockLayout]
    statics: list[Static]
    slots: list[Slot]
    unit_name_cell: tuple[int, int] | None = None
    note_cell: tuple[int, int] | None = None
    freeze: tuple[int, int] | None = None
    header_rows: tuple[int, int] | None = None
    project_rows: list[int] = field(default_factory=list)
    grids: list[tuple[int, int, int, int]] = field(default_factory=list)
    wide_cols: dict[int, int] = field(default_factory=dict)
    cover_title: tuple[int, int] | None = None  # a printed cover's title cell
    label_width: int | None = None  # the first column's width at most (labels wrap)
    heights: dict[int, float] = field(default_factory=dict)  # row → points, where fixed
    page_starts: list[int] = field(default_factory=list)  # rows that begin a printed page


LEGEND = (
    "图例：白底为填写的单元格；灰底为合计（按决算软件导出的数字填写，不是公式，xlfin 校验它与各项之和）；"
    "绿底为计算结果（由 xlfin fill 或“计算百分比”写入，请勿填写）。"
)


def _value_format(col_format: str, row_unit: str = "万元") -> str:
    if col_format == "money" and row_unit == "%":
        return "pct"
    if col_format == "money" and row_unit != "万元":
        return "count"
    return col_format


def _block_width(b: BlockSpec) -> int:
    if b.type in ("classified", "economic"):
        return 2 + len(b.columns)
    return 1 + int(b.line_no) + int(b.unit_column) + len(b.columns)


def _header_depth(b: BlockSpec) -> int:
    col_depth = max((len(c.path) for c in b.columns), default=0) + 1
    item_depth = 2 if b.has_codes else 1
    return max(col_depth, item_depth) + (1 if b.heading else 0)


def _table_layout(profile: Profile, s: SheetSpec) -> SheetLayout:
    blocks: list[BlockLayout] = []
    statics: list[Static] = []
    slots: list[Slot] = []
    col = 1
    for b in s.blocks:
        w = _block_width(b)
        bl = BlockLayout(spec=b, first_col=col, width=w, label_col=col)
        if b.has_codes:
            bl.code_col, bl.label_col = col, col + 1
            nxt = col + 2
        else:
            nxt = col + 1
            if b.line_no:
                bl.line_col = nxt
                nxt += 1
            if b.unit_column:
                bl.unit_col = nxt
                nxt += 1
        for c in b.columns:
            bl.value_cols[c.key] = nxt
            nxt += 1
        blocks.append(bl)
        col += w
    width = col - 1
    statics.append(Static(1, 1, s.title, "title", 1, width))
    if s.code:
        statics.append(Static(2, width, s.code, "code"))
    statics.append(Static(2, 1, LEGEND, "legend", None, max(width - 1, 1)))
    # 编制单位：one line over the table's width, the label shown by the cell's number format
    # ("编制单位："@), so that the whole name has room however narrow the first columns are
    statics.append(Static(3, width, profile.money_label, "label"))
    unit_end = max(1, width - 1)
    slots.append(Slot(3, 1, "input", "unit", unit_end if unit_end > 1 else None))
    header_top = 4
    depth = max(_header_depth(b) for b in s.blocks)
    bottom = header_top + depth - 1
    has_lanci = any(c.lanci for b in s.blocks for c in b.columns)
    for bl in blocks:
        b = bl.spec
        inner = header_top
        if b.heading:
            bl.heading_row = header_top
            statics.append(
                Static(
                    header_top,
                    bl.first_col,
                    b.heading,
                    "heading",
                    None,
                    bl.first_col + bl.width - 1,
                )
            )
            inner += 1
        bl.header_top, bl.header_bottom = inner, bottom
        if b.has_codes:
            statics.append(
                Static(inner, bl.code_col, b.item_header, "header", bottom - 1, bl.label_col)
            )
            statics.append(Static(bottom, bl.code_col, "科目编码", "header"))
            statics.append(Static(bottom, bl.label_col, "科目名称", "header"))
        else:
            statics.append(Static(inner, bl.label_col, b.item_header, "header", bottom))
            if bl.line_col:
                statics.append(Static(inner, bl.line_col, "行次", "header", bottom))
            if bl.unit_col:
                statics.append(Static(inner, bl.unit_col, "计量单位", "header", bottom))
        # grouped column headers: one merged cell per run of equal path prefixes
        cols = list(b.columns)
        max_path = max((len(c.path) for c in cols), default=0)
        for level in range(max_path):
            i = 0
            while i < len(cols):
                c = cols[i]
                if len(c.path) <= level:
                    i += 1
                    continue
                j = i
                while (
                    j + 1 < len(cols)
                    and len(cols[j + 1].path) > level
                    and cols[j + 1].path[: level + 1] == c.path[: level + 1]
                ):
                    j += 1
                statics.append(
                    Static(
                        inner + level,
                        bl.value_cols[c.key],
                        c.path[level],
                        "header",
                        None,
                        bl.value_cols[cols[j].key],
                    )
                )
                i = j + 1
        for c in cols:
            statics.append(
                Static(inner + len(c.path), bl.value_cols[c.key], c.label, "header", bottom)
            )
        if has_lanci:
            bl.lanci_row = bottom + 1
            first = bl.code_col or bl.label_col
            statics.append(Static(bottom + 1, first, "栏次", "lanci", None, bl.label_col))
            for c in cols:
                if c.lanci:
                    statics.append(Static(bottom + 1, bl.value_cols[c.key], str(c.lanci), "lanci"))
    data_top = bottom + 1 + (1 if has_lanci else 0)
    # rows: body rows padded to the same length across blocks, tails aligned at the bottom
    bodies = [[r for r in bl.spec.rows if not r.tail] for bl in blocks]
    tails = [[r for r in bl.spec.rows if r.tail] for bl in blocks]
    body_len = max((len(x) for x in bodies), default=0)
    tail_len = max((len(x) for x in tails), default=0)
    line_no = 0
    nrows = 0
    for bl, body, tail in zip(blocks, bodies, tails, strict=True):
        b = bl.spec
        if b.type == "classified":
            seq = ([None] if b.no_total else ["total"]) + [None] * b.blank_rows
            r = data_top
            if not b.no_total:
                bl.row_pos["total"] = r
                statics.append(Static(r, bl.label_col, "合计", "label"))
                for c in b.columns:
                    slots.append(Slot(r, bl.value_cols[c.key], "total", _value_format(c.format)))
                r += 1
            for _ in range(b.blank_rows):
                slots.append(Slot(r, bl.code_col, "input", "code"))
                slots.append(Slot(r, bl.label_col, "input", "text"))
                for c in b.columns:
                    role = (
                        "computed" if c.role == "computed" else ("total" if c.is_total else "input")
                    )
                    slots.append(Slot(r, bl.value_cols[c.key], role, _value_format(c.format)))
                r += 1
            nrows = max(nrows, len(seq))
            bl.data_top, bl.data_bottom = data_top, r - 1
            continue
        padded_tail = (
            tail[:-1] + [None] * (tail_len - len(tail)) + tail[-1:] if tail else [None] * tail_len
        )
        seq = body + [None] * (body_len - len(body)) + padded_tail
        for i, row in enumerate(seq):
            r = data_top + i
            if row is None:
                continue
            bl.row_pos[row.key] = r
            statics.append(Static(r, bl.label_col, row.label, "label"))
            if bl.code_col and row.code:
                statics.append(Static(r, bl.code_col, row.code, "code_label"))
            if bl.line_col:
                line_no += 1
                statics.append(Static(r, bl.line_col, str(line_no), "lanci"))
            if bl.unit_col:
                statics.append(Static(r, bl.unit_col, row.unit, "lanci"))
            for c in b.columns:
                if c.role == "computed":
                    role = "computed"
                elif row.is_total or c.is_total:
                    role = "total"
                else:
                    role = "input"
                slots.append(Slot(r, bl.value_cols[c.key], role, _value_format(c.format, row.unit)))
        nrows = max(nrows, len(seq))
        bl.data_top, bl.data_bottom = data_top, data_top + len(seq) - 1
    last = data_top + nrows - 1
    lay = SheetLayout(spec=s, width=width, blocks=blocks, statics=statics, slots=slots)
    for bl in blocks:
        top = bl.heading_row or bl.header_top
        lay.grids.append((top, bl.first_col, data_top + nrows - 1, bl.first_col + bl.width - 1))
        if bl.spec.has_codes:
            lay.wide_cols[bl.label_col] = 30
    lay.unit_name_cell = (3, 1)
    lay.header_rows = (header_top, data_top - 1)
    first_value = min(min(bl.value_cols.values()) for bl in blocks if bl.value_cols)
    lay.freeze = (data_top, blocks[0].value_cols and first_value or 2)
    if s.note:
        nr = last + 2
        statics.append(Static(nr, 1, s.note.label, "label"))
        slots.append(Slot(nr, 2, "input", "longtext", width))
        lay.note_cell = (nr, 2)
    return lay


def _list_spans(b: BlockSpec, width: int) -> list[tuple[int, int]]:
    """(first, last) column of each field of a list block over *width* columns: the columns
    to spare go to its first text field (the unit's name), or else to its last field."""
    spare = width - len(b.fields)
    wide = next((i for i, f in enumerate(b.fields) if f.type == "text"), len(b.fields) - 1)
    out, col = [], 1
    for i in range(len(b.fields)):
        span = 1 + (max(spare, 0) if i == wide else 0)
        out.append((col, col + span - 1))
        col += span
    return out


def _form_layout(s: SheetSpec) -> SheetLayout:
    width = max(4, *(_form_block_width(b) for b in s.blocks))
    page_starts: list[int] = []
    statics = [
        Static(1, 1, s.title, "title", 1, width),
        Static(2, 1, LEGEND, "legend", None, width),
    ]
    slots: list[Slot] = []
    blocks: list[BlockLayout] = []
    r = 3
    for b in s.blocks:
        bl = BlockLayout(spec=b, first_col=1, width=_form_block_width(b), label_col=1)
        if b.heading:
            bl.heading_row = r
            statics.append(Static(r, 1, b.heading, "heading", None, width))
            r += 1
        bl.header_top = bl.header_bottom = r
        if b.type == "form":
            bl.header_top = bl.header_bottom = r - 1
            for f in b.fields:
                statics.append(Static(r, 1, f.label, "label"))
                slots.append(Slot(r, 2, "input", f.type, width, f.choices))
                bl.field_pos[f.key] = (r, 2)
                r += 1
        elif b.type == "list":
            if bl.heading_row:  # a list starts a printed page: its heading, header and rows
                page_starts.append(bl.heading_row)
            spans = _list_spans(b, width)
            for f, (first, last) in zip(b.fields, spans, strict=True):
                end = last if last != first else None
                statics.append(Static(r, first, f.label, "header", None, end))
                bl.list_cols[f.key] = first
            r += 1
            bl.data_top = r
            for _ in range(b.list_rows):
                for f, (first, last) in zip(b.fields, spans, strict=True):
                    end = last if last != first else None
                    slots.append(Slot(r, first, "input", f.type, end))
                r += 1
            bl.data_bottom = r - 1
        elif b.type == "fixed":
            statics.append(Static(r, 1, b.item_header, "header"))
            for i, c in enumerate(b.columns):
                bl.value_cols[c.key] = 2 + i
                statics.append(Static(r, 2 + i, c.label, "header"))
            r += 1
            bl.data_top = r
            for row in b.rows:
                bl.row_pos[row.key] = r
                statics.append(Static(r, 1, row.label, "label"))
                for c in b.columns:
                    computed = c.role == "computed" and not (
                        c.input_without_source and row.source is None
                    )
                    role = "computed" if computed else "input"
                    slots.append(Slot(r, bl.value_cols[c.key], role, c.format))
                r += 1
            bl.data_bottom = r - 1
        elif b.type == "classified":
            bl.code_col, bl.label_col = 1, 2
            statics.append(Static(r, 1, "科目编码", "header"))
            statics.append(Static(r, 2, "科目名称", "header"))
            for i, c in enumerate(b.columns):
                bl.value_cols[c.key] = 3 + i
                statics.append(Static(r, 3 + i, c.label, "header"))
            r += 1
            bl.data_top = r
            for _ in range(b.blank_rows):
                slots.append(Slot(r, 1, "input", "code"))
                slots.append(Slot(r, 2, "input", "text"))
                for c in b.columns:
                    role = "computed" if c.role == "computed" else "input"
                    slots.append(Slot(r, bl.value_cols[c.key], role, c.format))
                r += 1
            bl.data_bottom = r - 1
        blocks.append(bl)
        r += 1
    lay = SheetLayout(spec=s, width=width, blocks=blocks, statics=statics, slots=slots)
    lay.page_starts = page_starts
    if width <= 6:  # a form: its values span the columns
        for c in range(2, width + 1):
            lay.wide_cols[c] = 16
    else:  # a wide data sheet (说明数据): each column as wide as its values, so that it
        # prints at a readable size on one page width; texts wrap in wider columns
        # (a column's first block decides: the comparison block on top; a text of a later
        # block in a column of numbers wraps in 16)
        for sl in slots:
            if sl.col > 1 and not sl.end_col:
                w = FORM_COL_WIDTHS.get(sl.format, 12)
                if sl.col not in lay.wide_cols:
                    lay.wide_cols[sl.col] = w
                elif sl.format == "text":
                    lay.wide_cols[sl.col] = max(lay.wide_cols[sl.col], 16)
        lay.label_width = WIDE_LABEL_WIDTH
    lay.freeze = (3, 2)
    return lay


# column widths (characters) of a wide data sheet, by what the column holds
FORM_COL_WIDTHS = {"money": 12, "pct": 10, "count": 8, "int": 8, "code": 10, "text": 20}
WIDE_LABEL_WIDTH = 30  # its first column's labels wrap beyond this


def _form_block_width(b: BlockSpec) -> int:
    if b.type == "fixed":
        return 1 + len(b.columns)
    if b.type == "classified":
        return 2 + len(b.columns)
    if b.type == "list":
        return max(len(b.fields), 2)
    return 4


# Offsets inside one 绩效自评 project block, relative to its 项目名称 row.
PROJECT_FUND_ROWS = {"total": 3, "fiscal": 4, "other": 5}
PROJECT_FUND_COLS = {
    "initial_budget": 3,
    "annual_budget": 4,
    "executed": 5,
    "weight": 6,
    "rate": 7,
    "score": 8,
}
PROJECT_INDICATOR_COLS = {
    "level1": 2,
    "level2": 3,
    "level3": 4,
    "target": 5,
    "actual": 6,
    "weight": 7,
    "score": 8,
    "deviation": 9,
}
PROJECT_TEXTS = ["完成情况", "主要问题及原因", "下一步改进措施"]
PROJECT_TEXT_KEYS = ["achievement", "problems", "improvements"]
# (row offset from 项目名称, column) of the block's single fields; indicators start at row
# offset PROJECT_INDICATOR_TOP; the 总分 row follows them with these columns, then the texts.
PROJECT_FIELDS = {
    "name": (0, 2),
    "department": (1, 2),
    "implementer": (1, 7),
    "goal_expected": (6, 3),
    "goal_actual": (6, 7),
}
PROJECT_INDICATOR_TOP = 8
PROJECT_TOTAL_COLS = {"total_weight": 7, "total_score": 8}
PROJECT_TEXT_COL = 2


def project_field_cells(p: int, total_row: int) -> dict[str, tuple[int, int]]:
    """(row, col) of every single field of the project block at 项目名称 row *p* whose 总分 row
    is *total_row*: the one description of the 绩效自评 block that the template builder, the
    placement of values and the reader share."""
    out = {k: (p + dr, c) for k, (dr, c) in PROJECT_FIELDS.items()}
    out.update({k: (total_row, c) for k, c in PROJECT_TOTAL_COLS.items()})
    out.update({k: (total_row + 1 + i, PROJECT_TEXT_COL) for i, k in enumerate(PROJECT_TEXT_KEYS)})
    return out


def project_block_height(indicators: int) -> int:
    """Rows one project block takes, 项目名称 row to the last text row (inclusive)."""
    return PROJECT_INDICATOR_TOP + indicators + 1 + len(PROJECT_TEXTS)


EXCEL_ROWS = 1_048_576  # the rows of one Excel (and WPS, LibreOffice) worksheet
CODES_SHEET = "代码表"  # the hidden sheet of 科目 codes the templates' code cells choose from


def project_starts(s: SheetSpec) -> list[int]:
    """The 项目名称 row of each 绩效自评表 of a sheet of kind projects: each form is its title,
    its 年度 line and the block, all of one height (so a writer may repeat one form's rows)."""
    return [3 + k * project_period(s) for k in range(s.projects)]


def project_period(s: SheetSpec) -> int:
    """Rows from one 绩效自评表 to the next (title and 年度 line included)."""
    return 2 + project_block_height(s.indicator_rows) + 1


def _projects_layout(s: SheetSpec, year: int) -> SheetLayout:
    width = PROJECT_WIDTH
    statics: list[Static] = []
    slots: list[Slot] = []
    starts = project_starts(s)
    for p in starts:
        statics.append(Static(p - 2, 1, s.title, "title", None, width))
        statics.append(Static(p - 1, 1, f"（{year}年度）", "subtitle", None, width))
        _project_statics(p, s.indicator_rows, statics, slots)
    lay = SheetLayout(spec=s, width=width, blocks=[], statics=statics, slots=slots)
    lay.project_rows = starts
    return lay


def _project_statics(p: int, n: int, statics: list[Static], slots: list[Slot]) -> None:
    """Statics and slots of one project block whose 项目名称 row is *p*."""
    w = PROJECT_WIDTH
    t = p + PROJECT_INDICATOR_TOP + n
    at = project_field_cells(p, t)
    statics.append(Static(p, 1, "项目名称", "label"))
    slots.append(Slot(*at["name"], "input", "text", w))
    statics.append(Static(p + 1, 1, "主管部门及代码", "label"))
    slots.append(Slot(*at["department"], "input", "text", 5))
    statics.append(Static(p + 1, 6, "实施单位", "label"))
    slots.append(Slot(*at["implementer"], "input", "text", w))
    statics.append(Static(p + 2, 1, "项目资金（万元）", "label", p + 5))
    for key, col in PROJECT_FUND_COLS.items():
        label = {
            "initial_budget": "年初预算数",
            "annual_budget": "全年预算数",
            "executed": "全年执行数",
            "weight": "分值",
            "rate": "执行率",
            "score": "得分",
        }[key]
        statics.append(Static(p + 2, col, label, "header"))
    for key, off in PROJECT_FUND_ROWS.items():
        label = {"total": "年度资金总额", "fiscal": "其中：财政拨款", "other": "其他资金"}[key]
        statics.append(Static(p + off, 2, label, "label"))
        for ckey, col in PROJECT_FUND_COLS.items():
            fmt = "pct" if ckey == "rate" else "money"
            slots.append(Slot(p + off, col, "input", fmt))
    statics.append(Static(p + 6, 1, "年度总体目标", "label"))
    statics.append(Static(p + 6, 2, "预期目标", "header"))
    slots.append(Slot(*at["goal_expected"], "input", "longtext", 5))
    statics.append(Static(p + 6, 6, "实际完成情况", "header"))
    slots.append(Slot(*at["goal_actual"], "input", "longtext", w))
    statics.append(Static(p + 7, 1, "绩效指标", "label", p + 7 + n))
    for key, col in PROJECT_INDICATOR_COLS.items():
        label = {
            "level1": "一级指标",
            "level2": "二级指标",
            "level3": "三级指标",
            "target": "年度指标值",
            "actual": "实际完成值",
            "weight": "分值",
            "score": "得分",
            "deviation": "偏差原因分析及改进措施",
        }[key]
        statics.append(Static(p + 7, col, label, "header"))
    for i in range(n):
        rr = p + PROJECT_INDICATOR_TOP + i
        for key, col in PROJECT_INDICATOR_COLS.items():
            fmt = "money" if key in ("weight", "score") else "text"
            slots.append(Slot(rr, col, "input", fmt))
    statics.append(Static(t, 1, "总分", "label", None, 6))
    slots.append(Slot(*at["total_weight"], "input", "money"))
    slots.append(Slot(*at["total_score"], "input", "money"))
    for label, key in zip(PROJECT_TEXTS, PROJECT_TEXT_KEYS, strict=True):
        statics.append(Static(at[key][0], 1, label, "label"))
        slots.append(Slot(*at[key], "input", "longtext", w))


def sheet_layout(profile: Profile, sheet_id: str) -> SheetLayout:
    """The layout of one sheet of *profile* (computed once per profile object)."""
    cache = profile.layout_cache
    if sheet_id not in cache:
        cache[sheet_id] = _compute_layout(profile, sheet_id)
    return cache[sheet_id]


def _compute_layout(profile: Profile, sheet_id: str) -> SheetLayout:
    s = profile.sheet(sheet_id)
    if s.kind == "table":
        return _table_layout(profile, s)
    if s.kind == "projects":
        return _projects_layout(s, profile.year)
    if s.kind == "cover":
        return _cover_layout(s)
    return _form_layout(s)


COVER_WIDTH = 6
COVER_TITLE_ROW = 8
COVER_LINES_TOP = 14


def _cover_layout(s: SheetSpec) -> SheetLayout:
    """A printed cover, one portrait page: the title (the profile's, its fields filled in)
    large in the upper third, then one “label：value” line per field of its form block. Every
    value cell is computed (written from the form the profile names), none is typed."""
    statics: list[Static] = []
    slots = [Slot(COVER_TITLE_ROW, 1, "computed", "cover_title", COVER_WIDTH)]
    blocks = []
    heights = {r: 30.0 for r in range(1, COVER_TITLE_ROW)}
    heights[COVER_TITLE_ROW] = 96.0
    for r in range(COVER_TITLE_ROW + 1, COVER_LINES_TOP):
        heights[r] = 30.0
    r = COVER_LINES_TOP
    for b in s.blocks:
        bl = BlockLayout(spec=b, first_col=2, width=COVER_WIDTH - 1, label_col=2)
        for f in b.fields:
            statics.append(Static(r, 2, f"{f.label}：", "cover_label"))
            slots.append(Slot(r, 3, "computed", "cover_line", COVER_WIDTH))
            bl.field_pos[f.key] = (r, 3)
            heights[r] = 42.0
            r += 1
        blocks.append(bl)
    lay = SheetLayout(spec=s, width=COVER_WIDTH, blocks=blocks, statics=statics, slots=slots)
    lay.cover_title = (COVER_TITLE_ROW, 1)
    lay.wide_cols = {1: 6, 2: 16, **{c: 16 for c in range(3, COVER_WIDTH + 1)}}
    lay.heights = heights
    return lay
