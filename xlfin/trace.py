"""Numbers that know their cell: the narrative prints figures, and each one it prints must be
found, as printed, in a cell of the workbook (``narrate --trace``).

A :class:`Num` is a Decimal and a :class:`Count` an int, each carrying the Source of the cell
that holds it; arithmetic gives plain Decimals and ints, so a figure computed in passing has
no cell unless the code that computed it says which cell holds it (``fill`` writes it there).
"""

from __future__ import annotations

from decimal import Decimal

from xlfin.model import Source


class Num(Decimal):
    """A Decimal printed from the cell *src*."""

    __slots__ = ("src",)

    def __new__(cls, value, src: Source | None):
        obj = Decimal.__new__(cls, value)
        obj.src = src
        return obj

    def __reduce__(self):
        return (Num, (str(self), self.src))


class Count(int):
    """An int (辆, 个, 台（套）) printed from the cell *src*."""

    def __new__(cls, value, src: Source | None):
        obj = int.__new__(cls, value)
        obj.src = src
        return obj

    def __reduce__(self):
        return (Count, (int(self), self.src))


def traced(value, src: Source | None):
    """*value* with its cell *src* (None and texts stay as they are; no cell, no change)."""
    if src is None or value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return Num(value, src)
    if isinstance(value, int):
        return Count(value, src)
    return value


def source_of(value) -> Source | None:
    return getattr(value, "src", None)
