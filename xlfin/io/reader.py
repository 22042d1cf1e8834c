"""Read a filled workbook into a :class:`~xlfin.model.Book`, driven by the profile.

Values come from python-calamine (one call per sheet); formula cells without a cached
value are found by scanning the sheet XML, since calamine reports them as blanks. Rows
are found by their 科目编码 or label, blocks by their header text, so inserted rows,
reordered rows, shifted blocks, extra or hidden sheets and sheets in another order are
all read. Whatever cannot be read becomes a :class:`~xlfin.model.Problem`; reading never
raises on cell content. Files that are not a readable .xlsx raise :class:`ReadError`.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from pathlib import Path

from xlfin.io.xlsx import (
    MAX_COLS,
    LazyScans,
    ReadError,
    open_checks,
    open_values,
    rows_read,
)
from xlfin.layout import (
    CODES_SHEET,
    PROJECT_FIELDS,
    PROJECT_FUND_COLS,
    PROJECT_FUND_ROWS,
    PROJECT_INDICATOR_COLS,
    PROJECT_INDICATOR_TOP,
    PROJECT_TEXT_COL,
    PROJECT_TEXT_KEYS,
    PROJECT_TEXTS,
    PROJECT_TOTAL_COLS,
    BlockLayout,
    sheet_layout,
)
from xlfin.model import (
    Book,
    Cell,
    Indicator,
    Problem,
    Project,
    Row,
    Source,
    Table,
    column_letter,
    new_source,
    parse_cell,
)
from xlfin.profile import BlockSpec, Profile, SheetSpec, load_profile
from xlfin.values import (
    from_float,
    norm_code,
    norm_label,
    parse_amount,
    parse_int,
    parse_text,
    strip_ordinal,
)

__all__ = ["ReadError", "read_book"]

HEADER_SCAN_ROWS = 15
_AMOUNTS = frozenset(("money", "pct"))  # formats read as Decimal amounts


def addr(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


class SheetGrid:
    """One sheet's values with 1-based access, problem recording and typed parsing."""

    def __init__(self, name: str, rows: list[list], no_value: set[str], problems: list[Problem]):
        self.name = name
        self.rows = rows
        self.no_value = no_value
        self.problems = problems
        self.nrows = len(rows)
        self._header_index: dict[str, list[tuple[int, int]]] | None = None
        self._first_column: dict[str, list[int]] | None = None

    def raw(self, row: int, col: int):
        if row < 1 or col < 1 or row > self.nrows:
            return None
        line = self.rows[row - 1]
        if col > len(line):
            return None
        v = line[col - 1]
        return None if v == "" else v

    def read_cells(self, row: int, cols: list[tuple[str, int, str]], what: str) -> dict[str, Cell]:
        """Non-blank cells of *row* for (key, column, format) triples; blanks are left out
        (their address stays known through Row.where), unless a formula hides behind them."""
        out: dict[str, Cell] = {}
        line = self.rows[row - 1] if 0 < row <= self.nrows else ()
        n = len(line)
        number = str(row)
        for key, col, fmt in cols:
            raw = line[col - 1] if col <= n else None
            if raw is None or raw == "":
                if self.no_value:
                    cell = self.value(row, col, fmt, what)
                    if self.problems and self.problems[-1].cell == cell.source.cell:
                        out[key] = cell
                continue
            if type(raw) is float and fmt in _AMOUNTS and -1e15 < raw < 1e15:
                # the common case, as value() would read it (NaN fails the range test)
                src = new_source(Source, (self.name, column_letter(col) + number))
                out[key] = Cell(from_float(raw), src)
            else:
                out[key] = self.value(row, col, fmt, what)
        return out

    def first_column(self) -> dict[str, list[int]]:
        """Normalised texts of column A → the rows they are in, top to bottom."""
        if self._first_column is None:
            index: dict[str, list[int]] = {}
            for r, line in enumerate(self.rows, 1):
                if line and line[0] is not None and line[0] != "":
                    index.setdefault(norm_label(line[0]), []).append(r)
            self._first_column = index
        return self._first_column

    def header_index(self) -> dict[str, list[tuple[int, int]]]:
        """Normalised texts of the top rows → their (column, row) positions, left to right."""
        if self._header_index is None:
            index: dict[str, list[tuple[int, int]]] = {}
            for r in range(1, min(self.nrows, HEADER_SCAN_ROWS) + 1):
                for c, v in enumerate(self.rows[r - 1], 1):
                    if v is not None and v != "":
                        index.setdefault(norm_label(v), []).append((c, r))
            for hits in index.values():
                hits.sort()
            self._header_index = index
        return self._header_index

    def blank_row(self, row: int, first: int, last: int) -> bool:
        """Whether columns first..last of *row* are all empty (fast path for blank rows)."""
        if row < 1 or row > self.nrows:
            return True
        line = self.rows[row - 1]
        for v in line[first - 1 : last]:
            if v is not None and v != "":
                return False
        return not self.no_value

    def text(self, row: int, col: int) -> str:
        return norm_label(self.raw(row, col))

    def problem(self, kind: str, row: int | None, col: int | None, found, expected, message):
        cell = addr(row, col) if row and col else None
        self.problems.append(
            Problem(kind, self.name, cell, "" if found is None else str(found), expected, message)
        )

    def value(self, row: int, col: int, fmt: str, what: str = "") -> Cell:
        """Parse the cell at (row, col) as *fmt*; record a problem when it cannot."""
        raw = None
        if 0 < row <= self.nrows and col > 0:
            line = self.rows[row - 1]
            if col <= len(line):
                raw = line[col - 1]
        src = new_source(Source, (self.name, addr(row, col)))
        if raw is None or raw == "":
            if self.no_value and src.cell in self.no_value:
                self.problem(
                    "formula_no_value",
                    row,
                    col,
                    "公式",
                    "已计算的数值",
                    f"{what}是公式，但文件中没有计算结果（文件未在 Excel 中打开保存过）",
                )
            return Cell(None, src)
        if fmt in ("money", "pct"):
            if type(raw) is float and abs(raw) < 1e15:  # the common case (NaN fails the test)
                return Cell(from_float(raw), src)
            value, why = parse_amount(raw)
        elif fmt in ("int", "count"):
            value, why = parse_int(raw)
        elif fmt == "code":
            return Cell(norm_code(raw), src)
        else:
            return Cell(parse_text(raw), src)
        if why:
            expected = "整数" if fmt in ("int", "count") else "数字"
            self.problem(
                "not_number", row, col, raw, expected, f"{what}应为{expected}，实为“{raw}”（{why}）"
            )
            return Cell(None, src)
        return Cell(value, src)


def _match_sheet(spec: SheetSpec, names: list[str], grids: dict[str, list[list]], used: set[str]):
    """The workbook sheet for *spec*: by exact name, normalised name, or title in the top rows."""
    if spec.name in names and spec.name not in used:
        return spec.name, False
    want = norm_label(spec.name)
    for n in names:
        if n not in used and norm_label(n) == want:
            return n, False
    title = norm_label(spec.title)
    for n in names:
        if n in used:
            continue
        for row in grids[n][:4]:
            if any(norm_label(v) == title for v in row if v not in ("", None)):
                return n, True
    return None, False


def _find_anchor(grid: SheetGrid, text: str, nth: int) -> tuple[int, int] | None:
    hits = grid.header_index().get(norm_label(text), [])
    if nth < len(hits):
        c, r = hits[nth]
        return r, c
    return None


def _matcher(profile: Profile, sheet_id: str, b: BlockSpec) -> _RowMatcher:
    """The row matcher of block *b* of sheet *sheet_id*, made once for the format."""
    return profile.remember(("row matcher", sheet_id, b.key), lambda: _RowMatcher(b.rows))


class _RowMatcher:
    """Finds a fixed row by its label: exact normalised label first, then without ordinal."""

    def __init__(self, rows):
        self.exact = {norm_label(r.label): r for r in rows}
        self.loose: dict[str, list] = {}
        for r in rows:
            self.loose.setdefault(strip_ordinal(norm_label(r.label)), []).append(r)
        self.codes = {r.code: r for r in rows if r.code}

    def match(self, label: str, code: str | None = None):
        if code and code in self.codes:
            return self.codes[code]
        if label in self.exact:
            return self.exact[label]
        cands = self.loose.get(strip_ordinal(label), [])
        return cands[0] if len(cands) == 1 else None


def _read_table(profile: Profile, spec: SheetSpec, grid: SheetGrid) -> Table:
    lay = sheet_layout(profile, spec.id)
    table = Table(id=spec.id, sheet=grid.name)
    seen_anchor: dict[str, int] = {}
    deltas = []
    for bl in lay.blocks:
        b = bl.spec
        anchor_text = b.heading or b.item_header
        k = seen_anchor.get(anchor_text, 0)
        seen_anchor[anchor_text] = k + 1
        expected = (
            (bl.heading_row, bl.first_col)
            if b.heading
            else (bl.header_top, bl.code_col or bl.label_col)
        )
        found = _find_anchor(grid, anchor_text, k)
        if found is None:
            grid.problem(
                "header_changed",
                expected[0],
                expected[1],
                grid.raw(*expected),
                anchor_text,
                f"找不到表头“{anchor_text}”，按模板位置读取",
            )
            dr = dc = 0
        else:
            dr, dc = found[0] - expected[0], found[1] - expected[1]
        deltas.append((dr, dc))
        split = _detect_split(grid, bl, dr, dc) if b.type == "classified" else None
        _check_headers(grid, lay, bl, dr, dc, split is not None)
        if b.type == "classified":
            _read_classified(grid, table, bl, dr, dc, split)
        else:
            _read_fixed(profile, grid, table, bl, dr, dc)
    dr, dc = deltas[0] if deltas else (0, 0)
    table.unit_name = _unit_name(grid, profile, 3 + dr, 1 + dc)
    label = grid.text(3 + dr, lay.width + dc)
    if label and "元" in label and "万元" not in label:  # 金额单位：元 — every figure 10,000×
        grid.problem(
            "money_label",
            3 + dr,
            lay.width + dc,
            label,
            profile.money_label,
            f"金额单位写的是“{label}”，本表的数字应以万元填写（{profile.money_label}）",
        )
    if spec.note:
        table.note = _read_note(grid, lay, dr, dc)
    return table


def _unit_name(grid: SheetGrid, profile: Profile, row: int, col: int) -> Cell:
    """The 编制单位 of a table: the name typed in the first cell of row 3 (its label is the
    cell's format); a workbook of the earlier layout has the label there and the name beside
    it, and a name typed with its label keeps just the name."""
    cell = grid.value(row, col, "text")
    label = profile.unit_label.rstrip("：:")
    text = cell.value.strip() if isinstance(cell.value, str) else ""
    if text and text.rstrip("：:") == label:
        return grid.value(row, col + 1, "text")
    if text.startswith(label):
        cell.value = text[len(label) :].lstrip("：: ") or None
    return cell


def _detect_split(grid: SheetGrid, bl: BlockLayout, dr: int, dc: int):
    """Columns 类/款/项 of a split 科目编码 header, or None when the code is one column."""
    top = bl.header_top + dr
    for r in range(top, bl.header_bottom + dr + 2):
        for c in range(bl.first_col + dc, bl.first_col + dc + 4):
            if (
                grid.text(r, c) == "类"
                and grid.text(r, c + 1) == "款"
                and grid.text(r, c + 2) == "项"
            ):
                return c
    return None


def _check_headers(grid: SheetGrid, lay, bl: BlockLayout, dr: int, dc: int, split: bool) -> None:
    last = bl.first_col + bl.width - 1
    shift = 2 if split else 0
    for st in lay.statics:
        if st.kind not in ("header", "heading", "lanci") or st.row >= bl.data_top:
            continue
        if not (bl.first_col <= st.col <= last):
            continue
        if split and st.col in (bl.code_col, bl.label_col):
            continue
        col = st.col + dc + (shift if st.col > bl.label_col else 0)
        raw = grid.raw(st.row + dr, col)
        if raw == st.text:
            continue
        if norm_label(raw) != norm_label(st.text):
            grid.problem(
                "header_changed",
                st.row + dr,
                col,
                grid.raw(st.row + dr, col),
                st.text,
                f"表头应为“{st.text}”，实为“{grid.raw(st.row + dr, col) or '（空）'}”",
            )


def _is_note_row(text: str) -> bool:
    return text.startswith(("说明", "注:", "注："))


def _read_fixed(
    profile: Profile, grid: SheetGrid, table: Table, bl: BlockLayout, dr: int, dc: int
) -> None:
    b = bl.spec
    matcher = _matcher(profile, table.id, b)
    label_col = bl.label_col + dc
    code_col = bl.code_col + dc if bl.code_col else None
    found: set[str] = set()
    positions = {c.key: bl.value_cols[c.key] + dc for c in b.columns}
    money_cols = [(c.key, positions[c.key], c.format) for c in b.columns]
    count_cols = [
        (c.key, positions[c.key], "count" if c.format == "money" else c.format) for c in b.columns
    ]
    first, last = bl.first_col + dc, bl.first_col + dc + bl.width - 1
    exact = {r.label: r for r in b.rows}  # the template's own labels: no normalising needed
    for r in range(bl.data_top + dr, grid.nrows + 1):
        if grid.blank_row(r, first, last):
            continue
        raw_label = grid.raw(r, label_col)
        raw_code = grid.raw(r, code_col) if code_col else None
        spec_row = exact.get(raw_label) if isinstance(raw_label, str) else None
        if spec_row is not None and (raw_code is None or raw_code == spec_row.code):
            code = spec_row.code
            if first != label_col and _is_note_row(grid.text(r, first)):
                break
        else:
            label = grid.text(r, label_col)
            code = norm_code(raw_code) if code_col else None
            if _is_note_row(grid.text(r, first)) or _is_note_row(label):
                break
            if not label and not code:
                continue
            spec_row = matcher.match(label, code)
        if spec_row is None:
            if grid.text(r, label_col) == "栏次":
                continue
            grid.problem(
                "unknown_row",
                r,
                label_col,
                grid.raw(r, label_col),
                "模板中的行",
                f"无法识别的行“{grid.raw(r, label_col) or code}”，未读取",
            )
            continue
        if spec_row.key in found:
            grid.problem(
                "duplicate_row",
                r,
                label_col,
                grid.raw(r, label_col),
                "每行只出现一次",
                f"行“{spec_row.label}”重复出现，只读取第一次",
            )
            continue
        found.add(spec_row.key)
        row = Row(
            key=spec_row.key,
            label=spec_row.label,
            code=spec_row.code,
            block=b.key,
            source=new_source(Source, (grid.name, addr(r, label_col))),
            line=r,
            columns=positions,
        )
        spec_cols = count_cols if spec_row.unit != "万元" else money_cols
        row.cells = grid.read_cells(r, spec_cols, spec_row.label)
        table.rows[row.key] = row
    for spec_row in b.rows:
        if spec_row.key not in found:
            grid.problem(
                "missing_row",
                None,
                None,
                None,
                spec_row.label,
                f"缺少行“{spec_row.label}”",
            )


def _read_classified(grid, table: Table, bl: BlockLayout, dr: int, dc: int, split) -> None:
    b = bl.spec
    if split is not None:
        code_cols = (split, split + 1, split + 2)
        name_col = split + 3
        shift = split + 3 - (bl.label_col + dc)
    else:
        code_cols = (bl.code_col + dc,)
        name_col = bl.label_col + dc
        shift = 0
    values = {c.key: bl.value_cols[c.key] + dc + shift for c in b.columns}
    spec_cols = [(c.key, values[c.key], c.format) for c in b.columns]
    first, last = bl.first_col + dc, bl.first_col + dc + bl.width + 2
    for r in range(bl.data_top + dr, grid.nrows + 1):
        if grid.blank_row(r, first, last):
            continue
        first_text = grid.text(r, bl.first_col + dc)
        if _is_note_row(first_text):
            break
        code = _code_at(grid, r, code_cols)
        name = parse_text(grid.raw(r, name_col))
        if not code and not name and all(grid.raw(r, col) is None for col in values.values()):
            continue
        if (
            not code
            and not b.no_total
            and (norm_label(name) if name else norm_label(grid.raw(r, code_cols[0])))
            in ("合计", "总计")
        ):
            key = "total"
        elif not code:
            grid.problem(
                "missing_code",
                r,
                code_cols[0],
                name,
                "科目编码",
                f"行“{name or '（无名称）'}”没有科目编码，未读取",
            )
            continue
        elif not code.isdigit() or len(code) not in (3, 5, 7):
            grid.problem(
                "bad_code",
                r,
                code_cols[0],
                code,
                "3、5 或 7 位数字",
                f"科目编码“{code}”不是 3、5 或 7 位数字，未读取",
            )
            continue
        else:
            key = code
        if key in table.rows:
            grid.problem(
                "duplicate_code",
                r,
                code_cols[0],
                code or name,
                "每个科目只出现一次",
                f"科目“{code or name}”重复出现，只读取第一次",
            )
            continue
        row = Row(
            key=key,
            label=name or ("合计" if key == "total" else ""),
            code=None if key == "total" else code,
            block=b.key,
            source=new_source(Source, (grid.name, addr(r, code_cols[0]))),
            line=r,
            columns=values,
        )
        row.cells = grid.read_cells(r, spec_cols, name or code or "合计")
        table.rows[key] = row


def _code_at(grid: SheetGrid, r: int, cols: tuple[int, ...]) -> str | None:
    if len(cols) == 1:
        return norm_code(grid.raw(r, cols[0]))
    parts = [norm_code(grid.raw(r, c)) or "" for c in cols]
    lei, kuan, xiang = parts
    if not lei:
        return None
    code = lei
    if kuan:
        code = kuan if len(kuan) == 5 else code + kuan.zfill(2)
    if xiang:
        code = xiang if len(xiang) == 7 else code + xiang.zfill(2)
    return code


def _read_note(grid: SheetGrid, lay, dr: int, dc: int) -> Cell:
    for r in range(lay.blocks[0].data_top + dr, grid.nrows + 1):
        first = grid.raw(r, 1 + dc)
        text = norm_label(first)
        if _is_note_row(text):
            if text in ("说明:", "说明：", "说明"):
                return grid.value(r, 2 + dc, "text")
            value = parse_text(first)
            for prefix in ("说明：", "说明:"):
                if value.startswith(prefix):
                    value = value[len(prefix) :].strip()
            return Cell(value or None, Source(grid.name, addr(r, 1 + dc)))
    return Cell(None, None)


# ------------------------------------------------------------------ form sheets


def _read_form_sheet(profile: Profile, spec: SheetSpec, grid: SheetGrid, book: Book) -> None:
    lay = sheet_layout(profile, spec.id)
    starts = []
    for bl in lay.blocks:
        r = _find_heading(grid, bl.spec.heading) if bl.spec.heading else None
        if r is None:
            grid.problem(
                "header_changed",
                bl.heading_row,
                1,
                grid.raw(bl.heading_row or 1, 1),
                bl.spec.heading or "",
                f"找不到“{bl.spec.heading}”部分，按模板位置读取",
            )
            r = bl.heading_row or 1
        starts.append(r)
    ordered = sorted(starts)
    for bl, start in zip(lay.blocks, starts, strict=True):
        later = [s for s in ordered if s > start]
        end = (later[0] - 1) if later else grid.nrows
        key = f"{spec.id}.{bl.spec.key}"
        b = bl.spec
        if b.type == "form":
            book.forms[key] = _read_fields(grid, b, start + 1, end)
        elif b.type == "list":
            book.lists[key] = _read_list(grid, b, start + 1, end)
        else:
            table = book.tables.setdefault(spec.id, Table(id=spec.id, sheet=grid.name))
            _read_form_rows(profile, grid, table, b, start + 1, end)


def _find_heading(grid: SheetGrid, heading: str) -> int | None:
    """The first row below the title whose column A is *heading* (row 1 if only there)."""
    rows = grid.first_column().get(norm_label(heading))
    if not rows:
        return None
    return next((r for r in rows if r > 1), rows[0])


def _read_fields(grid: SheetGrid, b: BlockSpec, start: int, end: int) -> dict[str, Cell]:
    labels = {norm_label(f.label).rstrip(":："): f for f in b.fields}
    out: dict[str, Cell] = {}
    for r in range(start, end + 1):
        label = grid.text(r, 1).rstrip(":：")
        f = labels.get(label)
        if f is None or f.key in out:
            continue
        fmt = {"int": "int", "money": "money"}.get(f.type, "text")
        out[f.key] = grid.value(r, 2, fmt, f.label)
    for f in b.fields:
        if f.key not in out:
            grid.problem("missing_row", None, None, None, f.label, f"缺少填报项“{f.label}”")
    return out


def _header_map(grid: SheetGrid, r: int, labels: dict[str, str]) -> dict[str, int]:
    out = {}
    line = grid.rows[r - 1] if 0 < r <= grid.nrows else []
    for c, v in enumerate(line, 1):
        key = labels.get(norm_label(v))
        if key and key not in out:
            out[key] = c
    return out


def _find_header_row(grid: SheetGrid, first_label: str, start: int, end: int) -> int | None:
    want = norm_label(first_label)
    for r in range(start, min(end, start + 5) + 1):
        if grid.text(r, 1) == want:
            return r
    return None


def _read_list(grid: SheetGrid, b: BlockSpec, start: int, end: int) -> list[dict[str, Cell]]:
    hr = _find_header_row(grid, b.fields[0].label, start, end)
    if hr is None:
        grid.problem(
            "header_changed",
            start,
            1,
            grid.raw(start, 1),
            b.fields[0].label,
            f"找不到“{b.heading}”的表头",
        )
        return []
    cols = _header_map(grid, hr, {norm_label(f.label): f.key for f in b.fields})
    out = []
    for r in range(hr + 1, end + 1):
        item = {}
        for f in b.fields:
            if f.key not in cols:
                continue
            fmt = {"int": "int", "money": "money"}.get(f.type, "text")
            cell = grid.value(r, cols[f.key], fmt, f.label)
            if not cell.blank:
                item[f.key] = cell
        if item:
            out.append(item)
    return out


def _read_form_rows(
    profile: Profile, grid: SheetGrid, table: Table, b: BlockSpec, start: int, end: int
) -> None:
    first = "科目编码" if b.type == "classified" else b.item_header
    hr = _find_header_row(grid, first, start, end)
    if hr is None:
        grid.problem(
            "header_changed", start, 1, grid.raw(start, 1), first, f"找不到“{b.heading}”的表头"
        )
        return
    cols = _header_map(grid, hr, {norm_label(c.label): c.key for c in b.columns})
    for c in b.columns:
        if c.key not in cols:
            grid.problem(
                "header_changed", hr, None, None, c.label, f"“{b.heading}”缺少列“{c.label}”"
            )
    matcher = _matcher(profile, table.id, b)
    width = max(cols.values(), default=1)
    spec_cols = [(c.key, cols[c.key], c.format) for c in b.columns if c.key in cols]
    for r in range(hr + 1, end + 1):
        if grid.blank_row(r, 1, width):
            continue
        if b.type == "classified":
            code = norm_code(grid.raw(r, 1))
            name = parse_text(grid.raw(r, 2))
            if not code:
                if name or any(grid.raw(r, col) is not None for col in cols.values()):
                    grid.problem(
                        "missing_code",
                        r,
                        1,
                        name,
                        "科目编码",
                        f"行“{name or '（无名称）'}”没有科目编码，未读取",
                    )
                continue
            if not code.isdigit() or len(code) not in (3, 5, 7):
                grid.problem(
                    "bad_code",
                    r,
                    1,
                    code,
                    "3、5 或 7 位数字",
                    f"科目编码“{code}”不是 3、5 或 7 位数字，未读取",
                )
                continue
            if code in table.rows:
                grid.problem(
                    "duplicate_code",
                    r,
                    1,
                    code,
                    "每个科目只出现一次",
                    f"科目“{code}”重复出现，只读取第一次",
                )
                continue
            row = Row(
                key=code,
                label=name or "",
                code=code,
                block=b.key,
                source=Source(grid.name, addr(r, 1)),
            )
        else:
            label = grid.text(r, 1)
            if not label:
                continue
            spec_row = matcher.match(label)
            if spec_row is None:
                grid.problem(
                    "unknown_row",
                    r,
                    1,
                    grid.raw(r, 1),
                    "模板中的行",
                    f"无法识别的行“{grid.raw(r, 1)}”，未读取",
                )
                continue
            if spec_row.key in table.rows:
                continue
            row = Row(
                key=spec_row.key,
                label=spec_row.label,
                block=b.key,
                source=Source(grid.name, addr(r, 1)),
            )
        row.line, row.columns = r, cols
        row.cells = grid.read_cells(r, spec_cols, row.label)
        table.rows[row.key] = row


# ------------------------------------------------------------------ 绩效自评


def _read_projects(grid: SheetGrid, cut: bool = False) -> list[Project]:
    """The 绩效自评表 of the sheet; *cut*: the sheet goes on beyond the rows read (a form the
    cut runs through is left out, as the ones after it: S015 says so)."""
    out = []
    fund_cols = [(k, c, "money") for k, c in PROJECT_FUND_COLS.items()]
    indicator_cols = [
        (k, c, "money" if k in ("weight", "score") else "text")
        for k, c in PROJECT_INDICATOR_COLS.items()
    ]
    starts = [r for r, line in enumerate(grid.rows, 1) if line and line[0] == "项目名称"]
    starts += [
        r
        for r, line in enumerate(grid.rows, 1)
        if line and line[0] not in ("", "项目名称") and norm_label(line[0]) == "项目名称"
    ]
    starts.sort()
    for p in starts:
        proj = Project(source=Source(grid.name, addr(p, 1)))
        for key, (dr, col) in PROJECT_FIELDS.items():
            proj.fields[key] = grid.value(p + dr, col, "text")
        for key, off in PROJECT_FUND_ROWS.items():
            proj.funds[key] = grid.read_cells(p + off, fund_cols, "项目资金")
        r = p + PROJECT_INDICATOR_TOP
        while r <= grid.nrows and grid.text(r, 1) != "总分" and grid.text(r, 1) != "项目名称":
            if grid.blank_row(r, 2, 9):
                r += 1
                continue
            ind = Indicator(grid.read_cells(r, indicator_cols, "绩效指标"))
            if ind.cells:
                proj.indicators.append(ind)
            r += 1
        if cut and r + len(PROJECT_TEXTS) > grid.nrows:
            break  # the form (its 总分 or text rows) runs past the rows read
        if grid.text(r, 1) == "总分":
            for key, what in (("total_weight", "总分“分值”"), ("total_score", "总分“得分”")):
                proj.fields[key] = grid.value(r, PROJECT_TOTAL_COLS[key], "money", what)
            texts = {
                norm_label(t): k for t, k in zip(PROJECT_TEXTS, PROJECT_TEXT_KEYS, strict=True)
            }
            for rr in range(r + 1, r + 1 + len(PROJECT_TEXTS)):  # found by label, not position
                k = texts.get(grid.text(rr, 1))
                if k:
                    proj.fields[k] = grid.value(rr, PROJECT_TEXT_COL, "text")
        else:
            grid.problem(
                "missing_row", p, 1, None, "总分", f"绩效自评表“{grid.raw(p, 2)}”缺少“总分”行"
            )
        blank = all(c.blank for c in proj.fields.values()) and not proj.indicators
        blank = blank and all(c.blank for f in proj.funds.values() for c in f.values())
        if not blank:
            out.append(proj)
    return out


# ------------------------------------------------------------------ entry point


def read_book(
    path: str | Path, profile: Profile | str = "nmg-2023", year: int | None = None
) -> Book:
    """Read *path* into a Book. Raises ReadError only for files that are not readable at all."""
    with _no_gc():
        return _read_book(Path(path), profile, year)


@contextmanager
def _no_gc():
    """The model is thousands of small acyclic objects: cyclic GC passes during a read only
    cost time (about a fifth of it), so they wait until the read is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_book(path: Path, profile: Profile | str, year: int | None) -> Book:
    if isinstance(profile, str):
        profile = load_profile(profile, year)
    open_checks(path)
    with LazyScans(path) as scans:  # each sheet scanned and read when the format asks for it
        names, grids = open_values(path, scans)
        return read_grids(names, grids, profile, None, str(path), scans)


def _sheet_order(profile: Profile, names, matched: dict[str, str], book: Book) -> None:
    """Table sheets in another order than the format's (the publication and the printout
    follow the official order, whatever the workbook's): one note, at the first one out of
    place."""
    official = [matched[s.id] for s in profile.tables if s.id in matched]
    present = [n for n in names if n in set(official)]
    if present == official:
        return
    first = next(n for n, o in zip(present, official, strict=True) if n != o)
    book.problems.append(
        Problem(
            "sheet_order",
            first,
            None,
            "、".join(present),
            "、".join(official),
            f"表格工作表的顺序与公开格式不同（“{first}”不在应有的位置）；"
            "公开文件按格式的顺序排列，工作簿中可按“" + "、".join(official[:3]) + "……”的顺序调整",
        )
    )


def _second_copies(profile: Profile, names, grids, matched: dict[str, str], book: Book) -> None:
    """A sheet left over that is a copy of a table (“支出决算表 (2)”, or the same title on top):
    only the first is read, so the other must be said, not silently ignored."""
    used = set(matched.values())
    for n in names:
        if n in used or n == CODES_SHEET:  # xlfin's own hidden list of 科目 codes
            continue
        base = re.sub(r"\s*[（(]\d+[)）]$", "", n)
        for spec in profile.tables:
            if spec.id not in matched:
                continue
            same_name = norm_label(base) == norm_label(spec.name)
            same_title = not same_name and any(
                norm_label(v) == norm_label(spec.title)
                for row in list(grids[n])[:4]
                for v in row
                if v not in ("", None)
            )
            if same_name or same_title:
                book.problems.append(
                    Problem(
                        "second_copy",
                        n,
                        None,
                        n,
                        matched[spec.id],
                        f"工作表“{n}”与“{matched[spec.id]}”是同一张表，xlfin 只读取“{matched[spec.id]}”；"
                        "请删除多余的一张或把数字合并到正式的表中",
                    )
                )
                break


def _scan_problems(name: str, scan, book: Book, forms: bool = False, filled: int = 0) -> None:
    """Error values and far-away cells of a sheet, which the values alone do not show."""
    if scan is None:
        return
    rows = rows_read(scan, forms)
    errors = sorted(scan.errors.items(), key=lambda x: parse_cell(x[0]))
    for cell, error in (e for e in errors if rows is None or parse_cell(e[0])[0] <= rows):
        book.problems.append(
            Problem(
                "error_value",
                name,
                cell,
                error,
                "数字或文字",
                f"单元格是错误值 {error}（公式出错或引用失效），xlfin 按空白读取；请修正公式或填入数字",
            )
        )
    if rows is None:
        return  # read whole (a long sheet of 绩效自评表 included)
    if forms and scan.cols <= MAX_COLS and 2 * filled > rows:
        # a sheet of 绩效自评表 longer than xlfin reads, forms down to about the last row read
        # (the last value read is in row *filled*): a consolidated workbook's, not a stray
        # entry far below a unit's few forms, which is to be deleted
        book.problems.append(
            Problem(
                "outside",
                name,
                f"A{rows + 1}",
                f"第 {scan.rows} 行",
                f"前 {rows} 行以内",
                f"绩效自评表共 {scan.rows} 行，xlfin 只读这张工作表的前 {rows} 行："
                f"第 {rows} 行以后的绩效自评表未读取，也未校验（汇总工作簿的表格照常校验；"
                "各项目请在各单位的工作簿中校验）",
            )
        )
    elif scan.outside:
        more = "等" if len(scan.outside) > 1 else ""
        book.problems.append(
            Problem(
                "outside",
                name,
                scan.outside[0],
                "、".join(scan.outside[:5]),
                f"前 {rows} 行、前 {MAX_COLS} 列以内",
                f"{scan.outside[0]}{more}单元格远在表格范围以外（第 {scan.rows} 行、第 {scan.cols} 列），"
                f"未读取；xlfin 只读前 {rows} 行、前 {MAX_COLS} 列，请删除这些内容",
            )
        )


def read_detected(
    path: str | Path,
    profile_id: str | None = None,
    year: int | None = None,
    only: set[str] | None = None,
):
    """Read *path* in the format it is (:mod:`xlfin.detect`), or in *profile_id*/*year* when
    given: (Book, Detection). Raises ReadError for unreadable files and DetectError
    (a ProfileError) for a workbook of no known format. *only*: read just the sheets with
    these ids (a last-year workbook whose 上年决算 a new one takes: the tables, not its 说明数据
    or 绩效自评); the Detection keeps the whole format."""
    import dataclasses

    from xlfin.detect import detect

    with _no_gc():
        path = Path(path)
        open_checks(path)
        with LazyScans(path) as scans:
            names, grids = open_values(path, scans)
            found = detect(names, grids, profile_id, year)
            profile = found.profile
            if only is not None:  # made once for the format: its layouts are kept with it
                full = found.profile
                profile = full.remember(
                    ("only", frozenset(only)),
                    lambda: dataclasses.replace(
                        full, sheets=tuple(s for s in full.sheets if s.id in only)
                    ),
                )
            book = read_grids(
                names, grids, profile, None, str(path), scans, partial=only is not None
            )
            return book, found


def read_sheets(path: str | Path, only: set[str], profile_id: str | None = None, year=None):
    """:func:`read_detected` of the sheets whose ids are in *only*."""
    return read_detected(path, profile_id, year, only)


def read_grids(
    names: list[str],
    grids,
    profile: Profile,
    no_value: dict[str, set[str]] | None = None,
    path: str | None = None,
    scans: dict | None = None,
    partial: bool = False,
) -> Book:
    """Build a Book from sheet values (rows of cells from A1; '' or None for blank), however they
    were read: python-calamine for files, one ``range.value`` per sheet in Excel. *grids* may be
    a lazy mapping: a sheet is only fetched when it is needed. *partial*: *profile* has only
    some of the workbook's sheets (the others are neither read nor reported)."""
    scans = {} if scans is None else scans  # a dict or LazyScans: .get(name) → SheetScan | None
    book = Book(profile_id=profile.id, year=profile.year, path=path)
    used: set[str] = set()
    matched: dict[str, str] = {}
    for spec in profile.sheets:
        name, by_title = _match_sheet(spec, names, grids, used)
        if name is None:
            continue
        used.add(name)
        matched[spec.id] = name
        if by_title:
            book.problems.append(
                Problem(
                    "renamed_sheet",
                    name,
                    None,
                    name,
                    spec.name,
                    f"工作表“{name}”按标题识别为“{spec.name}”，建议恢复原表名",
                )
            )
    if not partial:  # a partial read (some sheets only) judges nothing of the whole
        _second_copies(profile, names, grids, matched, book)
        _sheet_order(profile, names, matched, book)
    if not any(t.id in matched for t in profile.tables):
        raise ReadError(
            f"{path or '工作簿'} 中找不到任何一张决算公开表（{profile.id} 格式），请确认使用的是 xlfin 模板"
            " / no table of the profile found"
        )
    for spec in profile.sheets:
        if spec.kind == "cover":  # printed only: its cells repeat the 封面's, nothing to read
            continue
        if spec.id not in matched:
            book.problems.append(
                Problem("missing_sheet", spec.name, None, "", spec.name, f"缺少工作表“{spec.name}”")
            )
            if spec.kind == "table":
                book.tables[spec.id] = Table(id=spec.id, sheet=spec.name, present=False)
            continue
        name = matched[spec.id]
        forms = spec.kind == "projects"
        sheet = getattr(grids, "sheet", None)  # a sheet of forms may be read long (LazyGrids)
        values = sheet(name, forms) if sheet is not None else grids[name]
        scan = scans.get(name)
        _scan_problems(name, scan, book, forms, len(values))
        if no_value is not None:  # given by the caller (Excel: the formulas of the open book)
            blanks = no_value.get(name, set())
        else:
            blanks = scan.no_value if scan is not None else set()
        grid = SheetGrid(name, values, blanks, book.problems)
        if spec.kind == "table":
            book.tables[spec.id] = _read_table(profile, spec, grid)
        elif spec.kind == "projects":
            book.projects = _read_projects(grid, cut=rows_read(scan, True) is not None)
        else:
            _read_form_sheet(profile, spec, grid, book)
    year = book.field("COVER.unit", "year")
    if isinstance(year, int):
        book.year = year
    return book
