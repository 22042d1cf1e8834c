"""The in-memory model of one unit's disclosure workbook (``Book``).

Amounts are ``Decimal`` in 万元; a blank cell is ``None``, distinct from 0. Every value
keeps where it came from (sheet name and A1 address) so a finding can point at the cell.
Reading problems (a text where a number belongs, a formula without a cached value …) are
kept as :class:`Problem` records; the validator reports them as S-rule findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")


def q2(x: Decimal) -> Decimal:
    """Round half-up to 2 decimals (四舍五入), the only rounding money ever gets."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


class Source(NamedTuple):
    """Where a value was read: sheet name and A1 address."""

    sheet: str
    cell: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}"


Value = Decimal | str | int | None
new_source = tuple.__new__  # Source(...) without the NamedTuple's Python-level __new__


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


_LETTERS = [_letters(i) for i in range(703)]  # A … ZZ, looked up (rules ask thousands a check)


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (Excel column letters)."""
    return _LETTERS[col] if 0 <= col < 703 else _letters(col)


def parse_cell(ref: str) -> tuple[int, int]:
    """'AB12' → (12, 28): row and column numbers of an A1 address ((0, 0) if it is not one)."""
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    if i == 0 or i == len(ref) or not ref[i:].isdigit():
        return (0, 0)
    col = 0
    for ch in ref[:i].upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[i:]), col


@dataclass(slots=True)
class Cell:
    """A value and where it came from."""

    value: Value = None
    source: Source | None = None

    @property
    def blank(self) -> bool:
        return self.value is None or self.value == ""


@dataclass(slots=True)
class Row:
    """One row of a table: a fixed row (slug key) or a classification row (code key)."""

    key: str
    label: str = ""
    code: str | None = None
    block: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)
    source: Source | None = None
    line: int = 0  # sheet row number, for addressing blank cells
    columns: dict[str, int] | None = None  # column key → sheet column number

    def where(self, col: str) -> Source | None:
        """The cell of column *col* in this row, also when it is blank (and so not in cells)."""
        c = self.cells.get(col)
        if c is not None and c.source is not None:
            return c.source
        if self.source is not None and self.columns and col in self.columns:
            return new_source(
                Source, (self.source.sheet, f"{column_letter(self.columns[col])}{self.line}")
            )
        return None

    @property
    def level(self) -> str | None:
        """类/款/项 for functional codes by length (3/5/7), None for slug rows."""
        if not self.code:
            return None
        return {3: "类", 5: "款", 7: "项"}.get(len(self.code))

    def get(self, col: str) -> Value:
        c = self.cells.get(col)
        return None if c is None else c.value

    def amount(self, col: str) -> Decimal | None:
        v = self.get(col)
        return v if isinstance(v, Decimal) else None


@dataclass
class Table:
    """One sheet of rows (T01…T11, and the 说明数据 comparison and 项 blocks)."""

    id: str
    sheet: str
    rows: dict[str, Row] = field(default_factory=dict)
    unit_name: Cell = field(default_factory=Cell)
    note: Cell = field(default_factory=Cell)
    present: bool = True

    def row(self, key: str) -> Row | None:
        return self.rows.get(key)

    def get(self, key: str, col: str) -> Value:
        r = self.rows.get(key)
        return None if r is None else r.get(col)

    def cell(self, key: str, col: str) -> Cell | None:
        r = self.rows.get(key)
        return None if r is None else r.cells.get(col)

    def get_cell(self, key: str, col: str) -> Cell | None:
        r = self.rows.get(key)
        return None if r is None else r.cells.get(col)

    def amount(self, key: str, col: str) -> Decimal | None:
        v = self.get(key, col)
        return v if isinstance(v, Decimal) else None

    def where(self, key: str, col: str) -> Source | None:
        """Address of a cell, blank or not (None when the row was not read)."""
        r = self.rows.get(key)
        return None if r is None else r.where(col)

    def block_rows(self, block: str) -> list[Row]:
        return [r for r in self.rows.values() if r.block == block]


@dataclass
class Indicator:
    """One 三级指标 row of a 项目支出绩效自评表."""

    cells: dict[str, Cell] = field(default_factory=dict)

    def get(self, key: str) -> Value:
        c = self.cells.get(key)
        return None if c is None else c.value


@dataclass
class Project:
    """One 项目支出绩效自评表."""

    fields: dict[str, Cell] = field(default_factory=dict)
    funds: dict[str, dict[str, Cell]] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    source: Source | None = None

    def get(self, key: str) -> Value:
        c = self.fields.get(key)
        return None if c is None else c.value


@dataclass(frozen=True)
class Problem:
    """Something the reader could not read as the profile expects."""

    kind: str
    sheet: str
    cell: str | None
    found: str
    expected: str
    message: str


@dataclass
class Book:
    """Everything read from one workbook."""

    profile_id: str
    year: int
    tables: dict[str, Table] = field(default_factory=dict)
    forms: dict[str, dict[str, Cell]] = field(default_factory=dict)
    lists: dict[str, list[dict[str, Cell]]] = field(default_factory=dict)
    projects: list[Project] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    path: str | None = None

    def field(self, form: str, key: str) -> Value:
        """A form value, e.g. ``book.field("COVER.unit", "dept_name")``."""
        c = self.forms.get(form, {}).get(key)
        return None if c is None else c.value

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]


def iter_cells(book: Book, projects: bool = True):
    """Every (kind, Cell) of a book: table cells, unit names and notes, form fields, list
    items, and (*projects*) 绩效自评 cells."""
    for t in book.tables.values():
        yield "unit_name", t.unit_name
        yield "note", t.note
        for row in t.rows.values():
            for cell in row.cells.values():
                yield "table", cell
    for fields in book.forms.values():
        for cell in fields.values():
            yield "form", cell
    for items in book.lists.values():
        for item in items:
            for cell in item.values():
                yield "list", cell
    if projects:
        for p in book.projects:
            for cell in project_cells(p):
                yield "project", cell


def project_cells(p: Project):
    """Every Cell of one 绩效自评表: fields, fund rows, indicators."""
    yield from p.fields.values()
    for fund in p.funds.values():
        yield from fund.values()
    for ind in p.indicators:
        yield from ind.cells.values()
