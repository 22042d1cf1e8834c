"""Where each value of a Book goes on the profile's template (pure geometry).

Used by the writer (``xlfin import``, bulk generation) to put values in cells, and by tests
and in-memory books to give every value the address it would have in the workbook, exactly
as the reader would report it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from xlfin.errors import UserError
from xlfin.layout import (
    EXCEL_ROWS,
    PROJECT_FUND_COLS,
    PROJECT_FUND_ROWS,
    PROJECT_INDICATOR_COLS,
    PROJECT_INDICATOR_TOP,
    project_field_cells,
    project_period,
    project_starts,
    sheet_layout,
)
from xlfin.model import (
    Book,
    Project,
    Source,
    column_letter,
    iter_cells,
    new_source,
    project_cells,
)
from xlfin.profile import Profile, SheetSpec
from xlfin.writes import HeaderWrite


def _src(sheet: str, row: int, col: int) -> Source:
    return new_source(Source, (sheet, f"{column_letter(col)}{row}"))


def place(book: Book, profile: Profile, projects: bool = True) -> Book:
    """Give every row, cell and field of *book* its sheet address in *profile*'s template.

    *profile* must have room for the book (see :func:`xlfin.io.writer.fitted_profile`).
    Returns the same book, updated in place. A value that has no place in *profile* (a book
    read in another format: its 表七 in a format without one) is left without an address,
    so nothing writes it. *projects*: the 绩效自评表 too (a writer that places them one at a
    time, :func:`form_values`, says no).
    """
    for _kind, cell in iter_cells(book, projects):
        cell.source = None
    for table in book.tables.values():
        for row in table.rows.values():
            row.source = None
    for s in profile.sheets:
        if s.kind == "projects":  # the rows only (the layout of 5,000 forms is big)
            if projects:
                for proj, p in zip(book.projects, project_starts(s), strict=False):
                    _place_project(proj, s, p)
            continue
        lay = sheet_layout(profile, s.id)
        table = book.tables.get(s.id)
        if s.kind == "table" and table is not None:
            table.sheet = s.name
            if lay.unit_name_cell:
                table.unit_name.source = _src(s.name, *lay.unit_name_cell)
            if lay.note_cell:
                table.note.source = _src(s.name, *lay.note_cell)
        for bl in lay.blocks:
            b = bl.spec
            key = f"{s.id}.{b.key}"
            if b.type == "form":
                for fkey, cell in book.forms.get(key, {}).items():
                    if fkey in bl.field_pos:
                        cell.source = _src(s.name, *bl.field_pos[fkey])
                continue
            if b.type == "list":
                for i, item in enumerate(book.lists.get(key, [])):
                    for fkey, cell in item.items():
                        if fkey in bl.list_cols:  # a column this format lacks is not placed
                            cell.source = _src(s.name, bl.data_top + i, bl.list_cols[fkey])
                continue
            if table is None:
                continue
            table.sheet = s.name
            columns = dict(bl.value_cols)
            next_row = bl.data_top + (0 if b.no_total else 1)
            for row in table.rows.values():
                if row.block != b.key:
                    continue
                if b.type == "classified" and row.key != "total":
                    line, label_col = next_row, bl.code_col
                    next_row += 1
                elif row.key in bl.row_pos:
                    line = bl.row_pos[row.key]
                    label_col = (
                        bl.code_col if (b.type == "classified" and bl.code_col) else bl.label_col
                    )
                else:
                    continue
                row.line, row.columns = line, columns
                row.source = _src(s.name, line, label_col)
                for ckey, cell in row.cells.items():
                    if ckey in columns:
                        cell.source = _src(s.name, line, columns[ckey])
    return book


class TooManyRows(UserError):
    en = "more rows than one Excel worksheet holds"


def check_rows(fitted: Profile, projects: int | None = None) -> None:
    """Raise TooManyRows when a sheet of *fitted* would pass Excel's last row (a consolidated
    workbook of tens of thousands of 绩效自评表): such a file would not open, or open cut.
    *projects*: check for that many forms (a merge still adding units: it only grows)."""
    for s in fitted.sheets:
        if s.kind != "projects":
            continue
        if projects is not None:
            s = dataclasses.replace(s, projects=projects)
        last = s.projects * project_period(s) - 1  # forms one after another from row 1
        if last > EXCEL_ROWS:
            most = (EXCEL_ROWS + 1) // project_period(s)
            raise TooManyRows(
                f"“{s.name}”将有 {s.projects} 张绩效自评表、{last} 行，超过 Excel 一个工作表的"
                f"上限 {EXCEL_ROWS} 行（每张 {project_period(s)} 行，最多 {most} 张）；"
                "请分批汇总（例如按地区或主管部门），每批的项目合计不超过此数"
            )


def fitted_profile(book: Book, profile: Profile) -> Profile:
    """*profile* with enough blank classification rows, projects and indicator rows for *book*."""
    sheets = []
    for s in profile.sheets:
        t = book.tables.get(s.id)
        blocks = []
        for b in s.blocks:
            if b.type == "classified" and t is not None:
                n = sum(1 for r in t.rows.values() if r.block == b.key and r.key != "total")
                if n > b.blank_rows:
                    b = dataclasses.replace(b, blank_rows=n)
            elif b.type == "list":
                n = len(book.lists.get(f"{s.id}.{b.key}", []))
                if n > b.list_rows:
                    b = dataclasses.replace(b, list_rows=n)
            blocks.append(b)
        s = dataclasses.replace(s, blocks=tuple(blocks))
        if s.kind == "projects":
            most = most_indicators(book.projects)
            s = dataclasses.replace(
                s,
                projects=max(s.projects, len(book.projects)),
                indicator_rows=max(s.indicator_rows, most),
            )
        sheets.append(s)
    return dataclasses.replace(profile, sheets=tuple(sheets))


def _place_project(proj: Project, s: SheetSpec, p: int) -> None:
    """Addresses for one 绩效自评表 of sheet *s* whose 项目名称 row is *p*."""
    proj.source = _src(s.name, p, 1)
    pos = project_field_cells(p, p + PROJECT_INDICATOR_TOP + s.indicator_rows)
    for key, cell in proj.fields.items():
        cell.source = _src(s.name, *pos[key]) if key in pos else None
    for fk, off in PROJECT_FUND_ROWS.items():
        for ck, cell in proj.funds.get(fk, {}).items():
            cell.source = _src(s.name, p + off, PROJECT_FUND_COLS[ck])
    for i, ind in enumerate(proj.indicators):
        for key, cell in ind.cells.items():
            cell.source = _src(s.name, p + PROJECT_INDICATOR_TOP + i, PROJECT_INDICATOR_COLS[key])


def form_values(book: Book, profile: Profile) -> Iterator[list[tuple[str, object]]]:
    """For each project of *book* in turn, (A1, value) of its 绩效自评表's non-blank cells in
    *profile* (fitted): a writer of thousands of forms takes one at a time (the projects of a
    merge stay on disk until then)."""
    for s in profile.sheets:
        if s.kind != "projects":
            continue
        for proj, p in zip(book.projects, project_starts(s), strict=False):
            _place_project(proj, s, p)
            yield [
                (c.source.cell, c.value) for c in project_cells(proj) if c.source and not c.blank
            ]


def most_indicators(projects) -> int:
    """The most indicator rows one of *projects* has (a merge's spool knows without reading
    its projects back)."""
    known = getattr(projects, "most_indicators", None)
    if known is not None:
        return known
    return max((len(p.indicators) for p in projects), default=0)


def cell_values(
    book: Book, profile: Profile, projects: bool = True
) -> list[tuple[str, str, object]]:
    """(sheet, A1, value) of every non-blank value of *book* placed in *profile* (fitted),
    including the 科目编码 and 科目名称 of classification rows: what a writer must put where
    (*projects*: the 绩效自评表 too, else they come from :func:`form_values`)."""
    place(book, profile, projects)
    out: list[tuple[str, str, object]] = []
    for _kind, cell in iter_cells(book, projects):
        if cell.source is not None and not cell.blank:
            out.append((cell.source.sheet, cell.source.cell, cell.value))
    for table in book.tables.values():
        try:
            sheet = profile.sheet(table.id)
        except KeyError:
            continue
        labels = {bl.spec.key: bl.label_col for bl in sheet_layout(profile, table.id).blocks}
        for row in table.rows.values():
            if row.code and row.source is not None and row.key != "total":
                block = next((b for b in sheet.blocks if b.key == row.block), None)
                if block is None or block.type != "classified":
                    continue
                out.append((row.source.sheet, row.source.cell, row.code))
                if row.label:
                    out.append(
                        (
                            row.source.sheet,
                            f"{column_letter(labels[row.block])}{row.line}",
                            row.label,
                        )
                    )
    out.extend((sheet, cell, v) for sheet, cell, v in cover_values(book, profile) if v)
    return out


def _cover_text(v) -> str:
    if v is None:
        return ""
    if hasattr(v, "strftime"):  # a date typed as a date
        return f"{v.year} 年 {v.month} 月"
    return str(v).strip()


_FIELD = re.compile(r"\{(\w+)\}")


def _filled(template: str, fields: dict) -> tuple[str, bool]:
    """*template* with each {key} replaced by that field's text, and whether any was blank."""
    blank = False

    def value(m: re.Match) -> str:
        nonlocal blank
        cell = fields.get(m.group(1))
        text = _cover_text(cell.value if cell is not None else None)
        blank = blank or not text
        return text

    return _FIELD.sub(value, template), blank


def cover_values(book: Book, profile: Profile) -> list[tuple[str, str, str]]:
    """(sheet, A1, text) of every cell of the printed covers (sheets of kind ``cover``): the
    title with the fields of the form ``[semantics] front_cover`` filled in, and each line's
    value from that form; "" where the form's field is blank. User text stays text."""
    ref = dict(profile.semantics).get("front_cover")
    covers = [s for s in profile.sheets if s.kind == "cover"]
    if not ref or not covers:
        return []
    fields = book.forms.get(ref, {})
    out = []
    for s in covers:
        lay = sheet_layout(profile, s.id)
        if lay.cover_title:
            out.append((s.name, _a1(*lay.cover_title), _filled(s.title, fields)[0]))
        for bl in lay.blocks:
            for key, pos in bl.field_pos.items():
                out.append((s.name, _a1(*pos), _filled("{" + key + "}", fields)[0]))
    return out


def page_header(book: Book, profile: Profile) -> HeaderWrite | None:
    """The page header of every printed sheet but the cover: ``[semantics] page_header`` with
    the fields of the ``front_cover`` form filled in (编制单位：the unit's name); None while a
    field it names is blank or the format has none."""
    template = dict(profile.semantics).get("page_header")
    ref = dict(profile.semantics).get("front_cover")
    if not template or not ref:
        return None
    text, blank = _filled(template, book.forms.get(ref, {}))
    if blank:
        return None
    return HeaderWrite(text, tuple(s.name for s in profile.sheets if s.kind != "cover"))


def _a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"
