"""The xlwings adapter: read the open workbook into a Book, apply cell writes back.

Every COM call costs milliseconds, so each sheet is read with one ``range.value`` call and
each block of writes (a run of adjacent cells in a row) with one call, with screen updating
and calculation switched off around the writes. COM values are normalised here: numbers
come as floats (whole numbers too), blanks and error cells as None, dates as datetimes.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from decimal import Decimal

from xlfin.io.reader import read_grids
from xlfin.marks import RESULT_SHEET, STATE_COL
from xlfin.model import Book, column_letter, parse_cell
from xlfin.profile import Profile
from xlfin.writes import KEEP, CellWrite, SheetWrite, Write


def normalize(value: object) -> object:
    """A COM value as the reader expects it."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def to_com(value: object) -> object:
    """A Python value as Excel takes it (Decimal → float; Excel stores doubles anyway)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16))


class _LazySheets(Mapping):
    """Sheet values fetched on first use, one ``range.value`` call per sheet."""

    def __init__(self, book):
        self.book = book
        self.names = [s.name for s in book.sheets]
        self.cache: dict[str, list[list]] = {}

    def __getitem__(self, name: str) -> list[list]:
        if name not in self.cache:
            self.cache[name] = read_sheet(self.book.sheets[name])
        return self.cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def read_sheet(sheet) -> list[list]:
    """All values of *sheet* from A1 to its last used cell, in one call."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1:
        v = sheet.range("A1").options(ndim=2).value
    else:
        v = sheet.range("A1", last).options(ndim=2).value
    rows = v or []
    return [[normalize(x) for x in row] for row in rows]


class XwBook:
    """An open xlwings Book seen through xlfin: read it, apply writes, talk to the user."""

    def __init__(self, book):
        self.book = book

    def read(self, profile: Profile) -> Book:
        sheets = _LazySheets(self.book)
        return read_grids(sheets.names, sheets, profile, path=self.book.name)

    def previous_marks(self) -> list[str]:
        """The 原状态 column of an existing 校验结果 sheet (one read)."""
        if RESULT_SHEET not in [s.name for s in self.book.sheets]:
            return []
        rows = read_sheet(self.book.sheets[RESULT_SHEET])
        out = []
        for row in rows[1:]:
            if len(row) >= STATE_COL and isinstance(row[STATE_COL - 1], str) and row[STATE_COL - 1]:
                out.append(row[STATE_COL - 1])
        return out

    def apply(self, writes: list[Write]) -> None:
        """Apply writes: values in row blocks, one call each; formats, fills, notes per cell."""
        app = self.book.app
        with app.properties(screen_updating=False, calculation="manual"):
            for w in writes:
                if isinstance(w, SheetWrite):
                    self._sheet(w)
            cells = [w for w in writes if isinstance(w, CellWrite)]
            for sheet_name, row, start, run in _value_blocks(cells):
                sheet = self.book.sheets[sheet_name]
                end = start + len(run) - 1
                rng = sheet.range(f"{column_letter(start)}{row}:{column_letter(end)}{row}")
                rng.value = [[to_com(w.value) for w in run]]
                # number formats: one call per stretch of adjacent cells with the same format
                i = 0
                while i < len(run):
                    j = i
                    while j + 1 < len(run) and run[j + 1].number_format == run[i].number_format:
                        j += 1
                    if run[i].number_format:
                        a, b = column_letter(start + i), column_letter(start + j)
                        sheet.range(f"{a}{row}:{b}{row}").number_format = run[i].number_format
                    i = j + 1
            for w in cells:
                if w.fill is None and w.comment is None and not w.link:
                    continue
                rng = self.book.sheets[w.sheet].range(w.cell)
                if w.fill is not None:
                    rng.color = _rgb(w.fill) if w.fill else None
                if w.comment:
                    try:  # no lookup first: a new mark is the common case
                        rng.add_note(w.comment)
                    except ValueError:
                        rng.note.text = w.comment
                elif w.comment is not None:
                    note = rng.note
                    if note is not None:
                        note.delete()
                if w.link:
                    rng.add_hyperlink(f"#{w.link}")

    def _sheet(self, w: SheetWrite) -> None:
        names = [s.name for s in self.book.sheets]
        if w.name in names:
            self.book.sheets[w.name].delete()
        if w.delete:
            return
        sheet = self.book.sheets.add(name=w.name, after=self.book.sheets[len(self.book.sheets) - 1])
        if not w.rows:
            return
        width = max(len(r) for r in w.rows)
        rows = [[to_com(v) for v in r] + [None] * (width - len(r)) for r in w.rows]
        sheet.range("A1").value = rows
        for (r, c), target in w.links.items():
            sheet.range(f"{column_letter(c)}{r}").add_hyperlink(
                f"#{target}", str(rows[r - 1][c - 1])
            )
        for col, width_ in w.widths.items():
            letter = column_letter(col)
            sheet.range(f"{letter}:{letter}").column_width = 0 if col in w.hidden_cols else width_
        if w.wrap:
            block = sheet.range("A1", f"{column_letter(width)}{len(rows)}")
            block.wrap_text = True
            block.rows.autofit()  # Excel measures the text itself: one call, no per-row heights

    def alert(self, message: str, title: str = "xlfin", mode: str | None = None) -> None:
        self.book.app.alert(message, title=title, mode=mode)


def _value_blocks(cells: list[CellWrite]):
    """(sheet, row, first column, writes) for each run of adjacent value writes in one row."""

    by_row: dict[tuple[str, int], dict[int, CellWrite]] = {}
    for w in cells:
        if w.value is KEEP:
            continue
        row, col = parse_cell(w.cell)
        by_row.setdefault((w.sheet, row), {})[col] = w
    for (sheet, row), cols in by_row.items():
        ordered = sorted(cols)
        run: list[CellWrite] = []
        start = prev = None
        for col in ordered:
            if prev is not None and col == prev + 1:
                run.append(cols[col])
            else:
                if run:
                    yield sheet, row, start, run
                run, start = [cols[col]], col
            prev = col
        if run:
            yield sheet, row, start, run
