"""The rule engine: registry, findings, tolerance, and running the rules on a Book.

A rule has a stable id (family letter + three digits, never reused: S structure, T totals
inside one table, X cross-table, P plausibility and disclosure review, N narrative inputs),
a severity, and a docstring that is its documentation (``xlfin rules ID``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from xlfin.memo import one_run
from xlfin.model import Book, Source, parse_cell
from xlfin.profile import Profile

SEVERITIES = ("error", "warning", "info")
RANK = {"error": 0, "warning": 1, "info": 2}
CENT = Decimal("0.01")
ID_FORM = re.compile(r"^[STXPN]\d{3}$")
ROUNDING = "四舍五入差异"
# The profile of the run in progress, for helpers that turn a row key into a template address.
CURRENT_PROFILE: ContextVar[Profile] = ContextVar("CURRENT_PROFILE")


@dataclass(frozen=True)
class Finding:
    """One thing a rule found, pointing at a cell."""

    id: str
    severity: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    related: tuple[str, ...] = ()
    expected: str | None = None
    actual: str | None = None

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def short(self) -> tuple[str, str]:
        """(id, sheet!cell): how tests name a finding."""
        return (self.id, self.where)


@dataclass
class Context:
    """What a rule sees: the book, its profile, and helpers."""

    book: Book
    profile: Profile

    @property
    def year(self) -> int:
        return self.book.year


RuleFunc = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule."""

    id: str
    severity: str
    title: str
    func: RuleFunc = field(compare=False)
    doc: str = ""
    needs: tuple[str, ...] = ()  # what the profile must have (xlfin.profile.Profile.lacks)
    defers: bool = False  # its findings give way to another rule's at the same cell

    @property
    def family(self) -> str:
        return self.id[0]


RULES: dict[str, Rule] = {}


def register(
    rule_id: str,
    severity: str,
    title: str,
    doc: str,
    func: RuleFunc,
    needs: Iterable[str] = (),
    defers: bool = False,
) -> Rule:
    if not ID_FORM.match(rule_id):
        raise ValueError(f"bad rule id {rule_id}")
    if rule_id in RULES:
        raise ValueError(f"duplicate rule id {rule_id}")
    if severity not in SEVERITIES:
        raise ValueError(severity)
    r = Rule(rule_id, severity, title, func, inspect.cleandoc(doc), tuple(needs), defers)
    RULES[rule_id] = r
    return r


def rule(rule_id: str, severity: str, title: str, needs: Iterable[str] = (), defers: bool = False):
    """Decorator: register a function as a rule; its docstring is the documentation.
    *needs* names the tables, rows and columns it reads; on a profile without them the rule
    does not run and is listed as 不适用. A rule that *defers* reports nothing at a cell that
    another rule already reports (one finding a cell, the more specific one)."""

    def deco(func: RuleFunc) -> RuleFunc:
        register(rule_id, severity, title, func.__doc__ or "", func, needs, defers)
        return func

    return deco


def not_applicable(r: Rule, profile: Profile) -> str | None:
    """Why *r* cannot run on *profile* (不适用), or None when it can."""
    return profile.missing(r.needs)


def at(place, default_sheet: str | None = None) -> tuple[str | None, str | None]:
    """(sheet, cell) of a Source, or of a Cell's source; (default_sheet, None) when unknown.
    Rules pass it on as ``*at(src)`` to place a finding."""
    src = getattr(place, "source", place)
    if src is None:
        return default_sheet, None
    return src.sheet, src.cell


def fmt(x: Decimal | None) -> str:
    """1,234.50 style for messages; （空） for blank."""
    if x is None:
        return "（空）"
    if x.as_tuple().exponent >= -2:
        return f"{x:,.2f}"
    return f"{x:,}"


HALF_CENT = Decimal("0.005")


def tolerance(terms: int) -> Decimal:
    """Rounding envelope of a total of *terms* rounded terms: each term and the total itself
    may be off by up to 0.005 万元, so (n + 1) × 0.005 (0.01 for one term; 0.055 for ten, where
    0.01 per term would let a 0.10 difference pass as rounding)."""
    return HALF_CENT * (max(terms, 1) + 1)


def compare(
    rule_id: str,
    severity: str,
    actual: Decimal | None,
    expected: Decimal,
    terms: int,
    where: Source | None,
    message: str | Callable[[], str],
    related: Iterable[Source | None] | Callable[[], Iterable[Source | None]] = (),
) -> Iterator[Finding]:
    """Yield a finding when *actual* differs from *expected*: info within the rounding
    envelope ((terms + 1) × 0.005), *severity* beyond it. A blank *actual* counts as 0.
    *message* and *related* may be callables, evaluated only when there is a finding."""
    a = actual if actual is not None else Decimal(0)
    diff = a - expected
    if diff == 0:
        return
    if callable(message):
        message = message()
    if callable(related):
        related = related()
    within = abs(diff) <= tolerance(terms)
    sev = "info" if within else severity
    text = f"{message}（差 {fmt(diff)}{'，' + ROUNDING if within else ''}）"
    yield Finding(
        id=rule_id,
        severity=sev,
        message=text,
        sheet=at(where)[0],
        cell=at(where)[1],
        related=tuple(str(r) for r in related if r is not None),
        expected=str(expected),
        actual=str(actual) if actual is not None else None,
    )


@dataclass
class Report:
    """The findings of one run, with counts by severity."""

    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            out[f.severity] += 1
        return out

    def at_or_above(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if RANK[f.severity] <= RANK[severity]]

    def short(self) -> list[tuple[str, str]]:
        return [f.short() for f in self.findings]


def selected(rule_id: str, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> bool:
    """ruff-style selection by id prefix: ``--select X --ignore X9``."""
    select = [s.upper() for s in select if s]
    ignore = [s.upper() for s in ignore if s]
    if select and not any(rule_id.startswith(s) for s in select):
        return False
    return not any(rule_id.startswith(s) for s in ignore)


def run(
    book: Book,
    profile: Profile,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Report:
    """Run every selected rule on *book*; findings sorted by sheet order, then cell."""
    ctx = Context(book, profile)
    out: list[Finding] = []
    token = CURRENT_PROFILE.set(profile)
    try:
        with one_run():  # figures several rules need are computed once
            for rid in sorted(RULES):
                if selected(rid, select, ignore) and not_applicable(RULES[rid], profile) is None:
                    out.extend(RULES[rid].func(ctx))
    finally:
        CURRENT_PROFILE.reset(token)
    taken = {(f.sheet, f.cell) for f in out if f.cell and not RULES[f.id].defers}
    out = [f for f in out if not (RULES[f.id].defers and (f.sheet, f.cell) in taken)]
    order = {s.name: i for i, s in enumerate(profile.sheets)}
    for t in book.tables.values():
        order.setdefault(t.sheet, order.get(t.sheet, len(order)))
    out.sort(key=lambda f: (order.get(f.sheet or "", -1), _cell_key(f.cell), f.id))
    return Report(out)


def _cell_key(cell: str | None) -> tuple[int, int]:
    return parse_cell(cell) if cell else (0, 0)
