"""Classification code lists (支出功能分类, 部门支出经济分类) shipped as CSV data.

Each row carries the years it is valid for and a confidence grade (C confirmed, H high,
M medium), so a lookup can say both *what* a code is called and *how sure* we are.

A finance bureau hands out the official 政府收支分类科目 of each year; ``xlfin codes import``
stores it in the user's config folder (``codes/<kind>-<year>.csv``), and from then on that
list alone answers for that year: it wins over the shipped one.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SHIPPED = "xlfin 内置代码表"

KINDS = {"functional": "支出功能分类", "economic": "部门支出经济分类"}
LEVEL_NAMES = {"functional": {3: "类", 5: "款", 7: "项"}, "economic": {3: "类", 5: "款"}}


@dataclass(frozen=True)
class Code:
    """One classification subject."""

    code: str
    name: str
    kind: str
    valid_from: int | None
    valid_to: int | None
    confidence: str
    note: str = ""

    @property
    def level(self) -> str:
        """类, 款 or 项, from the length of the code."""
        return LEVEL_NAMES[self.kind].get(len(self.code), "?")

    @property
    def parent(self) -> str | None:
        """The code one level up (款 → 类, 项 → 款), or None for a 类."""
        return self.code[:-2] if len(self.code) > 3 else None

    def valid_in(self, year: int) -> bool:
        """Whether the code exists in the classification of *year*."""
        if self.valid_from is not None and year < self.valid_from:
            return False
        return not (self.valid_to is not None and year > self.valid_to)


def level_of(kind: str, code: str) -> str | None:
    """The level name a code of this length has, or None when the length is impossible."""
    return LEVEL_NAMES[kind].get(len(code))


class CodeList:
    """All codes of one kind, with lookups by code; a year with an imported official list is
    answered from that list only."""

    def __init__(self, kind: str, codes: list[Code]):
        self.kind = kind
        self.title = KINDS[kind]
        self._by_code = {c.code: c for c in codes}
        self._imported: dict[int, CodeList | None] = {}

    def imported(self, year: int | None) -> CodeList | None:
        """The official list imported for *year*, if any (read once)."""
        if year is None:
            return None
        if year not in self._imported:
            self._imported[year] = _read_imported(self.kind, year)
        return self._imported[year]

    def source(self, year: int | None) -> str:
        """Which list answers for *year*: the imported official one, or the shipped one."""
        imp = self.imported(year)
        if imp is not None:
            return f"导入的 {year} 年{self.title}科目表"
        return SHIPPED

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str, year: int | None = None) -> Code | None:
        """The code, or None if unknown (or not valid in *year* when given)."""
        imp = self.imported(year)
        if imp is not None:
            return imp._by_code.get(code)
        c = self._by_code.get(code)
        if c is not None and year is not None and not c.valid_in(year):
            return None
        return c

    def valid_codes(self, year: int) -> list[str]:
        """Every code of *year* (the imported official list where there is one), in code
        order: 类 by 类, each followed by its 款 and 项."""
        imp = self.imported(year)
        pool = imp._by_code.values() if imp is not None else self._by_code.values()
        return sorted(c.code for c in pool if imp is not None or c.valid_in(year))

    def name(self, code: str, year: int | None = None) -> str | None:
        """The subject name of *code*, or None if unknown."""
        c = self.get(code, year)
        return c.name if c else None

    def children(self, code: str, year: int | None = None) -> list[Code]:
        """The codes directly below *code*, in code order."""
        imp = self.imported(year)
        if imp is not None:
            return imp.children(code)
        out = [
            c
            for c in self._by_code.values()
            if c.parent == code and (year is None or c.valid_in(year))
        ]
        return sorted(out, key=lambda c: c.code)

    def classes(self, year: int | None = None) -> list[Code]:
        """Every 类 (3-digit code), in code order."""
        imp = self.imported(year)
        if imp is not None:
            return imp.classes()
        out = [
            c
            for c in self._by_code.values()
            if len(c.code) == 3 and (year is None or c.valid_in(year))
        ]
        return sorted(out, key=lambda c: c.code)


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


@cache
def load(kind: str) -> CodeList:
    """Load the code list of *kind* ('functional' or 'economic')."""
    if kind not in KINDS:
        raise KeyError(kind)
    text = (Path(__file__).resolve().parent / f"{kind}.csv").read_text(encoding="utf-8")
    codes = [
        Code(
            code=row["code"].strip(),
            name=row["name"].strip(),
            kind=kind,
            valid_from=_int_or_none(row["valid_from"]),
            valid_to=_int_or_none(row["valid_to"]),
            confidence=row["confidence"].strip(),
            note=row.get("note", "").strip(),
        )
        for row in csv.DictReader(text.splitlines())
    ]
    return CodeList(kind, codes)


def user_dir() -> Path:
    """Where imported code lists live: ``XLFIN_CONFIG_DIR`` if set, else the user's config
    folder (Windows %APPDATA%\\xlfin, macOS ~/Library/Application Support/xlfin,
    elsewhere $XDG_CONFIG_HOME/xlfin or ~/.config/xlfin), then ``codes``."""
    base = os.environ.get("XLFIN_CONFIG_DIR")
    if base:
        return Path(base) / "codes"
    if sys.platform.startswith("win") and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "xlfin" / "codes"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "xlfin" / "codes"
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(xdg) / "xlfin" / "codes"


def imported_path(kind: str, year: int) -> Path:
    return user_dir() / f"{kind}-{year}.csv"


def _read_imported(kind: str, year: int) -> CodeList | None:
    path = imported_path(kind, year)
    if not path.is_file():
        return None
    rows = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
    codes = [
        Code(r["code"], r["name"], kind, year, year, "C", r.get("source", ""))
        for r in rows
        if r.get("code")
    ]
    return CodeList(kind, codes)


def save_imported(kind: str, year: int, rows: list[tuple[str, str]], source: str) -> Path:
    """Store an official list for *year* (rows of code, name); returns the file written."""
    path = imported_path(kind, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name", "source"])
        for code, name in rows:
            w.writerow([code, name, source])
    os.replace(tmp, path)
    load.cache_clear()
    return path


def kind_of(codes: list[str]) -> str | None:
    """functional (2xx) or economic (3xx), from the codes themselves; None when mixed."""
    firsts = {c[0] for c in codes if c}
    if firsts == {"2"}:
        return "functional"
    if firsts == {"3"}:
        return "economic"
    return None
