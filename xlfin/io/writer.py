"""Write a Book into the profile's template with openpyxl (``xlfin import``, bulk generation).

Classification blocks and the 绩效自评 sheet grow to fit the book (more 类/款/项 rows, more
projects or indicators than the blank template has), so nothing is dropped.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from openpyxl import Workbook

from xlfin.io.template import build_workbook, save_workbook
from xlfin.layout import (
    PROJECT_FUND_COLS,
    PROJECT_FUND_ROWS,
    PROJECT_INDICATOR_COLS,
    PROJECT_TEXT_KEYS,
    sheet_layout,
)
from xlfin.model import Book, Cell
from xlfin.profile import Profile


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
            most = max((len(p.indicators) for p in book.projects), default=0)
            s = dataclasses.replace(
                s,
                projects=max(s.projects, len(book.projects)),
                indicator_rows=max(s.indicator_rows, most),
            )
        sheets.append(s)
    return dataclasses.replace(profile, sheets=tuple(sheets))


def _put(ws, row: int, col: int, cell: Cell | None) -> None:
    if cell is not None and not cell.blank:
        ws.cell(row, col).value = cell.value


def fill_workbook(wb: Workbook, book: Book, profile: Profile) -> None:
    """Write every value of *book* into *wb*, built from *profile* (already fitted)."""
    for s in profile.sheets:
        ws = wb[s.name]
        lay = sheet_layout(profile, s.id)
        if s.kind == "projects":
            for proj, p in zip(book.projects, lay.project_rows, strict=False):
                _put(ws, p, 2, proj.fields.get("name"))
                _put(ws, p + 1, 2, proj.fields.get("department"))
                _put(ws, p + 1, 7, proj.fields.get("implementer"))
                for fk, off in PROJECT_FUND_ROWS.items():
                    for ck, col in PROJECT_FUND_COLS.items():
                        _put(ws, p + off, col, proj.funds.get(fk, {}).get(ck))
                _put(ws, p + 6, 3, proj.fields.get("goal_expected"))
                _put(ws, p + 6, 7, proj.fields.get("goal_actual"))
                for i, ind in enumerate(proj.indicators):
                    for key, col in PROJECT_INDICATOR_COLS.items():
                        _put(ws, p + 8 + i, col, ind.cells.get(key))
                t = p + 8 + s.indicator_rows
                _put(ws, t, 7, proj.fields.get("total_weight"))
                _put(ws, t, 8, proj.fields.get("total_score"))
                for i, key in enumerate(PROJECT_TEXT_KEYS):
                    _put(ws, t + 1 + i, 2, proj.fields.get(key))
            continue
        table = book.tables.get(s.id)
        if s.kind == "table" and table is not None:
            _put(ws, *lay.unit_name_cell, table.unit_name)
            if lay.note_cell:
                _put(ws, *lay.note_cell, table.note)
        for bl in lay.blocks:
            b = bl.spec
            key = f"{s.id}.{b.key}"
            if b.type == "form":
                for fkey, (r, c) in bl.field_pos.items():
                    _put(ws, r, c, book.forms.get(key, {}).get(fkey))
                continue
            if b.type == "list":
                for i, item in enumerate(book.lists.get(key, [])):
                    for fkey, c in bl.list_cols.items():
                        _put(ws, bl.data_top + i, c, item.get(fkey))
                continue
            if table is None:
                continue
            if b.type == "classified":
                r = bl.data_top
                if not b.no_total:
                    total = table.rows.get("total")
                    if total is not None:
                        for c in b.columns:
                            _put(
                                ws,
                                bl.row_pos["total"],
                                bl.value_cols[c.key],
                                total.cells.get(c.key),
                            )
                    r += 1
                for row in table.rows.values():
                    if row.block != b.key or row.key == "total":
                        continue
                    ws.cell(r, bl.code_col).value = row.code
                    if row.label:
                        ws.cell(r, bl.label_col).value = row.label
                    for c in b.columns:
                        _put(ws, r, bl.value_cols[c.key], row.cells.get(c.key))
                    r += 1
                continue
            for row in table.rows.values():
                if row.block != b.key or row.key not in bl.row_pos:
                    continue
                for c in b.columns:
                    _put(ws, bl.row_pos[row.key], bl.value_cols[c.key], row.cells.get(c.key))


def write_book(book: Book, profile: Profile, path: Path) -> None:
    """Write *book* as a filled template to *path* (atomic, byte-reproducible)."""
    fitted = fitted_profile(book, profile)
    wb = build_workbook(fitted)
    fill_workbook(wb, book, fitted)
    save_workbook(wb, Path(path))
