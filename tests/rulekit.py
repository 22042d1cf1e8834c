"""Minimal books for rule tests, built in code and placed where the template would put them."""

from __future__ import annotations

from xlfin.layout import sheet_layout
from xlfin.model import column_letter
from xlfin.profile import load_profile
from xlfin.rules import run
from xlfin.rules.docs import example_book

PROFILE = load_profile("nmg-2023", 2023)


def make(tables=None, forms=None, lists=None, projects=None, year=2023):
    """A Book from compact data (see :func:`xlfin.rules.docs.example_book`), placed where the
    template would put each value."""
    return example_book(tables, forms, lists, projects, year, profile=PROFILE)


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
