"""Write a Book into the profile's template with openpyxl (``xlfin import``, bulk generation).

Classification blocks and the 绩效自评 sheet grow to fit the book (more 类/款/项 rows, more
projects or indicators than the blank template has), so nothing is dropped.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from xlfin.io.template import build_workbook, save_workbook
from xlfin.layout import sheet_layout
from xlfin.model import Book, iter_cells
from xlfin.placement import fitted_profile, place
from xlfin.profile import Profile


def fill_workbook(wb: Workbook, book: Book, profile: Profile) -> None:
    """Write every value of *book* into *wb*, built from *profile* (already fitted).

    Positions come from :func:`xlfin.placement.place`, the same geometry the tests and the
    in-memory books use.
    """
    place(book, profile)
    for _kind, cell in iter_cells(book):
        if cell.source is not None and not cell.blank:
            wb[cell.source.sheet][cell.source.cell].value = cell.value
    for table in book.tables.values():
        for row in table.rows.values():
            if row.code and row.source is not None:
                sheet = wb[row.source.sheet]
                sheet[row.source.cell].value = row.code
                if row.label and row.columns is not None:
                    name_cell = sheet.cell(row.line, _label_col(profile, table.id, row.block))
                    name_cell.value = row.label


def _label_col(profile: Profile, table_id: str, block: str) -> int:
    for bl in sheet_layout(profile, table_id).blocks:
        if bl.spec.key == block:
            return bl.label_col
    raise KeyError(block)


def write_book(book: Book, profile: Profile, path: Path) -> None:
    """Write *book* as a filled template to *path* (atomic, byte-reproducible)."""
    fitted = fitted_profile(book, profile)
    wb = build_workbook(fitted)
    fill_workbook(wb, book, fitted)
    save_workbook(wb, Path(path))
