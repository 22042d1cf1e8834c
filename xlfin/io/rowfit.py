"""Row heights for wrapped texts, the same whichever writer writes the workbook.

Excel and LibreOffice do not autofit a stored row when a file opens, so a long 变动原因 or a
long unit name in a wrapped cell would print over the rows below it. Every writer (``fill``,
``import`` and bulk generation through openpyxl, the fast package writer) raises such rows
from the same sheet geometry: column widths, merged spans, which cells wrap, the template's
heights. A row is only ever made taller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from xlfin.values import display_width

LINE_HEIGHT = 14.5  # points per line of 10-point text
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
DEFAULT_HEIGHT = 15.0


@dataclass
class Geometry:
    """What decides a sheet's row heights, apart from the values."""

    widths: dict[int, float] = field(default_factory=dict)  # column → characters
    spans: dict[tuple[int, int], tuple[int, int, int]] = field(default_factory=dict)
    wrapped: set[tuple[int, int]] = field(default_factory=set)  # (row, col) of wrapping cells
    heights: dict[int, float] = field(default_factory=dict)  # row → points, where set

    def room(self, row: int, col: int) -> tuple[int, int]:
        """Characters a line of the cell holds (its merged width), and the rows it spans."""
        first, last, rows = self.spans.get((row, col), (col, col, 1))
        width = sum(self.widths.get(c, DEFAULT_WIDTH) for c in range(first, last + 1))
        return room_of(width), rows


def raised_rows(geometry: Geometry, values) -> dict[int, float]:
    """The rows to make taller for *values* ((row, col, value) of the sheet): row → height in
    points (one decimal), only where the wrapped texts need more than the row has."""
    need: dict[int, float] = {}
    for row, col, value in values:
        if not isinstance(value, str) or not value or (row, col) not in geometry.wrapped:
            continue
        room, rows = geometry.room(row, col)
        lines = wrapped_lines(value, room)
        # a cell merged over several rows has their heights together: its first row takes
        # what the others lack
        others = sum(geometry.heights.get(r, DEFAULT_HEIGHT) for r in range(row + 1, row + rows))
        height = LINE_HEIGHT * lines - others
        if height > geometry.heights.get(row, DEFAULT_HEIGHT):
            need[row] = max(need.get(row, 0), height)
    return {row: round(height, 1) for row, height in need.items()}


def wrapped_lines(value: str, room: int) -> int:
    """The lines *value* takes in a wrapped cell whose line holds *room* characters."""
    if 2 * len(value) <= room and "\n" not in value:
        return 1  # fits one line whatever its characters (none is wider than 2)
    return sum(max(1, math.ceil(display_width(p) / room)) for p in value.split("\n"))


def room_of(width: float) -> int:
    """Characters a line of a column *width* wide holds (as :meth:`Geometry.room`)."""
    return max(1, int(width * 0.95))


def geometry_of(ws) -> Geometry:
    """The Geometry of an openpyxl worksheet."""
    from openpyxl.utils import column_index_from_string

    g = Geometry()
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            g.widths[column_index_from_string(letter)] = dim.width
    for rng in ws.merged_cells.ranges:
        g.spans[(rng.min_row, rng.min_col)] = (
            rng.min_col,
            rng.max_col,
            rng.max_row - rng.min_row + 1,
        )
    # which style's alignment wraps, looked up once (a cell's alignment proxy is slow)
    wraps = {i for i, a in enumerate(ws.parent._alignments) if a.wrap_text}
    for (row, col), cell in ws._cells.items():
        style = cell._style
        if style is not None and style.alignmentId in wraps:
            g.wrapped.add((row, col))
    for row, dim in ws.row_dimensions.items():
        if dim.ht:
            g.heights[row] = dim.ht
    return g


def fit_sheet(ws) -> None:
    """Raise the rows of an openpyxl worksheet whose wrapped texts need it."""
    values = ((r, c, cell.value) for (r, c), cell in ws._cells.items())
    for row, height in raised_rows(geometry_of(ws), values).items():
        ws.row_dimensions[row].height = height


def fit_workbook(wb) -> None:
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            fit_sheet(ws)
