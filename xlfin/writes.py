"""Cell writes: the one way results go back into a workbook.

The core produces a list of writes (values, number formats, fills, comments, links, and
whole result sheets); an adapter applies them: openpyxl for files (``xlfin check --mark``,
``xlfin fill``), xlwings for the open workbook in Excel. Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KEEP = object()  # sentinel: leave the value as it is


@dataclass(frozen=True)
class CellWrite:
    """Change one cell. ``fill=""`` and ``comment=""`` remove them; None leaves them."""

    sheet: str
    cell: str
    value: object = KEEP
    number_format: str | None = None
    fill: str | None = None
    comment: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class SheetWrite:
    """Create or replace a whole sheet with *rows* (the first row is the header).

    ``links`` maps (row, col) of this sheet (1-based) to an internal link target
    ``'Sheet'!A1``; ``hidden_cols`` are 1-based columns to hide; ``delete`` removes the sheet.
    """

    name: str
    rows: list[list[object]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_cols: tuple[int, ...] = ()
    delete: bool = False
    wrap: bool = False  # wrap text in every cell (long paragraphs)
    heights: dict[int, float] = field(default_factory=dict)  # row → points, for wrapped rows
    print_title: str | None = None  # page header text when printed
    header_row: int | None = None  # a table's header: autofilter, frozen and printed on each page
    activate: bool = False  # show this sheet when the workbook opens
    print_cols: int | None = None  # print only the first N columns (the rest is for the screen)


@dataclass(frozen=True)
class ChartWrite:
    """A native pie chart on sheet *sheet* (written by a SheetWrite before it), its slices
    read from the cells *labels* and *values* of another sheet, so that it follows them.

    *labels*/*values* are ``(sheet, column, first_row, last_row)``, 1-based; the points of
    *hide_labels* (0-based) get no data label (a slice of 0 would print 0.00% on the pie)."""

    sheet: str
    anchor: str
    title: str
    labels: tuple[str, int, int, int]
    values: tuple[str, int, int, int]
    hide_labels: tuple[int, ...] = ()


@dataclass(frozen=True)
class HeaderWrite:
    """The page header of the printed sheets *sheets*: the unit's name on every page. *text*
    is printed as it is (an ``&`` in a name is never read as a header code)."""

    text: str
    sheets: tuple[str, ...]


Write = CellWrite | SheetWrite | ChartWrite | HeaderWrite
