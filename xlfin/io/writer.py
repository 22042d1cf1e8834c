"""Write a Book into the profile's template with openpyxl (``xlfin import``, bulk generation).

Classification blocks and the 绩效自评 sheet grow to fit the book (more 类/款/项 rows, more
projects or indicators than the blank template has), so nothing is dropped.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from xlfin.errors import UserError
from xlfin.io.apply import set_page_header
from xlfin.io.cells import put
from xlfin.io.rowfit import fit_workbook
from xlfin.io.template import build_workbook, save_workbook
from xlfin.layout import EXCEL_ROWS, project_period
from xlfin.model import Book
from xlfin.placement import cell_values, fitted_profile, page_header
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


class TooManyRows(UserError):
    en = "more rows than one Excel worksheet holds"


def check_rows(fitted: Profile) -> None:
    """Raise TooManyRows when a sheet of *fitted* would pass Excel's last row (a consolidated
    workbook of tens of thousands of 绩效自评表): such a file would not open, or open cut."""
    for s in fitted.sheets:
        if s.kind != "projects" or not s.projects:
            continue
        last = s.projects * project_period(s) - 1  # forms one after another from row 1
        if last > EXCEL_ROWS:
            most = (EXCEL_ROWS + 1) // project_period(s)
            raise TooManyRows(
                f"“{s.name}”将有 {s.projects} 张绩效自评表、{last} 行，超过 Excel 一个工作表的"
                f"上限 {EXCEL_ROWS} 行（每张 {project_period(s)} 行，最多 {most} 张）；"
                "请分批汇总（例如按地区或主管部门），每批的项目合计不超过此数"
            )


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
    and a few hundred MB instead of a minute and gigabytes. The openpyxl path otherwise."""
    from xlfin.io.fastxlsx import NotFast, TemplatePackage

    fitted = fitted_profile(book, profile)
    check_rows(fitted)
    try:
        pkg = TemplatePackage.for_book(fitted)
        pkg.write(cell_values(book, fitted), Path(path), page_header(book, fitted))
    except NotFast:
        write_book(book, profile, path)
