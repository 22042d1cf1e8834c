"""Write a Book into the profile's template with openpyxl (``xlfin import``, bulk generation).

Classification blocks and the 绩效自评 sheet grow to fit the book (more 类/款/项 rows, more
projects or indicators than the blank template has), so nothing is dropped.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from openpyxl import Workbook

from xlfin.io.apply import set_page_header
from xlfin.io.cells import put
from xlfin.io.rowfit import fit_workbook
from xlfin.io.template import build_workbook, save_workbook
from xlfin.model import Book
from xlfin.placement import cell_values, check_rows, fitted_profile, form_values, page_header
from xlfin.profile import Profile


def fill_workbook(wb: Workbook, book: Book, profile: Profile) -> None:
    """Write every value of *book* into *wb*, built from *profile* (already fitted).

    Positions come from :func:`xlfin.placement.cell_values`, the same list the fast
    package writer (bulk generation) uses.
    """
    sheets: dict = {}
    for sheet, cell, value in cell_values(book, profile):
        ws = sheets.get(sheet)
        if ws is None:
            ws = sheets[sheet] = wb[sheet]
        put(ws[cell], value)


def write_book(book: Book, profile: Profile, path: Path) -> None:
    """Write *book* as a filled template to *path* (atomic, byte-reproducible)."""
    fitted = fitted_profile(book, profile)
    check_rows(fitted)
    wb = build_workbook(fitted)
    fill_workbook(wb, book, fitted)
    header = page_header(book, fitted)
    if header is not None:
        set_page_header(wb, header)
    fit_workbook(wb)  # long wrapped texts get their rows' height (the fast writer does the same)
    save_workbook(wb, Path(path))


def write_book_fast(book: Book, profile: Profile, path: Path) -> None:
    """What :func:`write_book` writes, by the fast package writer where the template allows
    it: a consolidated workbook of a thousand units and five thousand 绩效自评表 takes seconds
    and a few hundred MB instead of a minute and gigabytes; its forms are placed one at a time
    as the sheet is written (*book*'s projects may be a merge's, kept on disk until then).
    The openpyxl path otherwise."""
    from xlfin.io.fastxlsx import NotFast, TemplatePackage

    fitted = fitted_profile(book, profile)
    check_rows(fitted)
    try:
        pkg = TemplatePackage.for_book(fitted)
        streamed = bool(pkg.expanded)  # the forms' sheet made piece by piece
        if not streamed:
            book = _held(book)
        values = cell_values(book, fitted, projects=not streamed)
        forms = form_values(book, fitted) if streamed else None
        pkg.write(values, Path(path), page_header(book, fitted), forms)
    except NotFast:
        write_book(_held(book), profile, path)


def _held(book: Book) -> Book:
    """*book* with its projects in memory (a merge's are on disk: read back as they are
    placed, their cells' addresses would be lost between placing and writing)."""
    if isinstance(book.projects, list):
        return book
    return dataclasses.replace(book, projects=list(book.projects))
