"""Minimal books for rule tests, built in code and placed where the template would put them."""

from __future__ import annotations

from xlfin import codes
from xlfin.interchange import data_to_book
from xlfin.layout import sheet_layout
from xlfin.model import column_letter
from xlfin.placement import fitted_profile, place
from xlfin.profile import load_profile
from xlfin.rules import run

PROFILE = load_profile("nmg-2023", 2023)


def _block_for(tid: str, key: str):
    sheet = PROFILE.sheet(tid)
    found = sheet.find_row(key)
    if found:
        return found[0]
    for b in sheet.blocks:
        if b.type == "classified" and (key == "total" or key.isdigit()):
            return b
    raise KeyError((tid, key))


def make(tables=None, forms=None, lists=None, projects=None, year=2023):
    """A Book from compact data: ``{"T01": {"gpb": "1.00", "income_total": {"amount": "1"}}}``.

    A plain string is the value of the row's first column; digit keys are 科目编码 rows of the
    table's classification block (named from the code list); ``"_note"`` is the table's 说明.
    """
    data = {"format": "xlfin.book", "version": 1, "profile": PROFILE.id, "year": year}
    data["forms"] = forms or {}
    data["lists"] = lists or {}
    data["projects"] = projects or []
    data["tables"] = {}
    fn = codes.load("functional")
    for tid, rows in (tables or {}).items():
        entry = {"rows": []}
        for key, values in rows.items():
            if key == "_note":
                entry["note"] = values
                continue
            b = _block_for(tid, key)
            if isinstance(values, str):
                values = {b.columns[0].key: values}
            if b.type == "classified" and key != "total":
                name = values.pop("_name", None) or fn.name(key) or ""
                entry["rows"].append({"block": b.key, "code": key, "name": name, "values": values})
            else:
                entry["rows"].append({"block": b.key, "key": key, "values": values})
        data["tables"][tid] = entry
    book = data_to_book(data, PROFILE)
    return place(book, fitted_profile(book, PROFILE))


def found(book, rule_id):
    """(id, severity, sheet!cell) of every finding of one rule."""
    return [(f.id, f.severity, f.where) for f in run(book, PROFILE, select=[rule_id]).findings]


def at(tid: str, key: str, col: str) -> str:
    """Address of a fixed row's cell in the template."""
    lay = sheet_layout(PROFILE, tid)
    for bl in lay.blocks:
        if key in bl.row_pos and col in bl.value_cols:
            return f"{lay.spec.name}!{column_letter(bl.value_cols[col])}{bl.row_pos[key]}"
    raise KeyError((tid, key, col))


def name(tid: str) -> str:
    return PROFILE.sheet(tid).name
