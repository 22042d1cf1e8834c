"""Putting a value into an openpyxl cell safely: text stays text, whatever it holds.

openpyxl turns a string that starts with "=" into a formula and refuses control characters;
a literal ``_x0041_`` in text is read back by Excel as an escape. Every value xlfin writes
into a workbook goes through :func:`put`, so that typed text is data everywhere (a unit name
``=HYPERLINK(…)`` stays that text) and no writer crashes on what a cell held.
"""

from __future__ import annotations

import math
import re

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def clean_text(text: str) -> str:
    """*text* as XML can hold it: control characters dropped, ``_xHHHH_`` kept literal."""
    if "_x" not in text and _ILLEGAL.search(text) is None:
        return text  # nearly every text: nothing to change
    return _ESCAPE_LIKE.sub(r"_x005F_\1", _ILLEGAL.sub("", text))


def safe_value(value: object) -> object:
    """A value a workbook can hold: text cleaned, a non-finite number as its text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def put(cell, value: object) -> None:
    """Set *cell* to *value*; text is always a string cell, never a formula."""
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


def sanitize_workbook(wb) -> None:
    """Cells that openpyxl read but cannot write back (NaN, ±Inf) turned into their text, so
    that a round trip of a damaged workbook never dies in the writer."""
    for ws in wb.worksheets:
        # the cells that exist, not the rectangle up to the last one (which may be XFD1048576)
        for c in list(ws._cells.values()):
            v = c.value
            if isinstance(v, float) and not math.isfinite(v):
                c.value = str(v)


def csv_safe(value: object) -> object:
    """A CSV field that no spreadsheet runs as a formula (OWASP): text starting with
    = + - @, tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
