"""Computed figures: 增减额/增减率, 完成年初预算%, 占比, and the 说明数据 sheet's computed cells.

Pure core: every figure is a Decimal, money in 万元 rounded half-up to 2 decimals, rates as
percentages rounded half-up to 2 decimals (29.37 means 29.37%). A rate on a zero or missing
base is None: no rate exists there (no "完成年初预算的 0%", no "增长 100%" from nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from xlfin import codes
from xlfin.layout import sheet_layout
from xlfin.model import Book, column_letter
from xlfin.profile import Profile, parse_ref
from xlfin.writes import CellWrite

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
PCT_FORMAT = "0.00%"
MONEY_FORMAT = "#,##0.00"


def q2(x: Decimal) -> Decimal:
    """Half-up to 2 decimals (0.125 → 0.13), never Python's round()."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def rate(part: Decimal | None, base: Decimal | None) -> Decimal | None:
    """part ÷ base as a percentage with 2 decimals; None on a zero or missing base (a base that
    shows as 0.00 万元 counts as zero: no rate may follow a printed zero)."""
    if part is None or base is None or q2(base) == 0:
        return None
    return q2(part * HUNDRED / base)


def money(x: Decimal | None) -> Decimal | None:
    """An amount as it is published: 万元, 2 decimals, half-up (None stays None)."""
    return None if x is None else q2(x)


def change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """now − before, or None when either is missing."""
    if now is None or before is None:
        return None
    return q2(now - before)


def direction(delta: Decimal | None) -> str:
    """增加 / 减少 / 持平 for a change."""
    if delta is None or delta == 0:
        return "持平"
    return "增加" if delta > 0 else "减少"


def table_amount(book: Book, ref: str) -> Decimal | None:
    """The amount at a reference ``T01.income_total.amount``; a present table without the row
    counts as 0 (an empty 表八 means 0), a missing table as None."""
    table_id, row, col = parse_ref(ref)
    t = book.tables.get(table_id)
    if t is None or not t.present:
        return None
    v = t.get(row, col)
    if isinstance(v, int) and not isinstance(v, bool):
        return Decimal(v)
    return v if isinstance(v, Decimal) else Decimal(0)


@dataclass
class Comparison:
    """One 说明数据 comparison row, computed."""

    key: str
    label: str
    final: Decimal | None
    prior: Decimal | None
    budget: Decimal | None
    reason: str | None
    budget_reason: str | None
    share: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        return change(self.final, self.prior)

    @property
    def change_rate(self) -> Decimal | None:
        d = self.change
        return rate(d, self.prior) if d is not None else None

    @property
    def budget_change(self) -> Decimal | None:
        return change(self.final, self.budget)

    @property
    def budget_change_rate(self) -> Decimal | None:
        d = self.budget_change
        return rate(d, self.budget) if d is not None else None

    @property
    def completion(self) -> Decimal | None:
        return rate(self.final, self.budget)


def _text(v) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


def comparisons(book: Book, profile: Profile) -> dict[str, Comparison]:
    """Every row of the 说明数据 comparison block, with 本年决算 from the tables."""
    notes = book.tables.get("NOTES")
    out: dict[str, Comparison] = {}
    for spec in profile.sheet("NOTES").block("compare").rows:
        row = notes.rows.get(spec.key) if notes else None
        final = (
            table_amount(book, spec.source)
            if spec.source
            else (row.amount("final") if row else None)
        )
        budget = None
        if spec.budget_source:
            budget = table_amount(book, spec.budget_source)
        if budget is None and row is not None:
            budget = row.amount("budget")
        out[spec.key] = Comparison(
            key=spec.key,
            label=spec.label,
            final=money(final),
            prior=money(row.amount("prior") if row else None),
            budget=money(budget),
            reason=_text(row.get("reason")) if row else None,
            budget_reason=_text(row.get("budget_reason")) if row else None,
        )
    for spec in profile.sheet("NOTES").block("compare").rows:
        if spec.share_of and spec.share_of in out:
            out[spec.key].share = rate(out[spec.key].final, out[spec.share_of].final)
    return out


@dataclass
class Item:
    """A 类 or 项 of 表五 with its 年初预算 and 差异原因."""

    code: str
    name: str
    final: Decimal
    budget: Decimal | None
    reason: str | None

    @property
    def completion(self) -> Decimal | None:
        return rate(self.final, self.budget)

    @property
    def budget_change(self) -> Decimal | None:
        return change(self.final, self.budget)


def items(book: Book, profile: Profile) -> list[Item]:
    """表五's 类 and 项 in code order, joined with 说明数据's 年初预算 and 差异原因; a 项 that has a
    budget in 说明数据 but no row in 表五 is included with 决算 0."""
    t5 = book.tables.get("T05")
    notes = book.tables.get("NOTES")
    typed = (
        {r.code: r for r in notes.rows.values() if r.block == "items" and r.code} if notes else {}
    )
    fn = codes.load("functional")
    out: dict[str, Item] = {}
    if t5 is not None:
        for row in t5.rows.values():
            if row.code and len(row.code) in (3, 7):
                out[row.code] = Item(
                    row.code,
                    row.label or fn.name(row.code, book.year) or "",
                    row.amount("total") or Decimal(0),
                    None,
                    None,
                )
    for code, row in typed.items():
        item = out.get(code)
        if item is None:
            if (row.amount("budget") or 0) == 0 and len(code) == 7:
                continue
            item = out[code] = Item(
                code, row.label or fn.name(code, book.year) or "", Decimal(0), None, None
            )
        item.budget = money(row.amount("budget"))
        item.reason = _text(row.get("reason"))
    return [out[c] for c in sorted(out, key=lambda c: (c[:3], len(c) > 3, c))]


def fill_writes(book: Book, profile: Profile) -> list[CellWrite]:
    """The 说明数据 cells that ``xlfin fill`` writes: the computed columns the profile declares
    (``role = "computed"``) of the comparison block, and of the 类/项 block kept in sync with
    表五 (missing rows appended, what was typed kept). A column's key names the figure it
    holds (``change_rate`` …) and its ``format`` whether it is a rate; a profile without these
    blocks gets no writes."""
    if profile.lacks("NOTES") is not None:
        return []
    lay = sheet_layout(profile, "NOTES")
    sheet = lay.spec.name
    writes: list[CellWrite] = []
    notes = book.tables.get("NOTES")

    def cell(where: str, value: Decimal | None, pct: bool) -> CellWrite:
        if value is None:
            return CellWrite(sheet, where, value=None)
        if pct:
            return CellWrite(sheet, where, value=value / HUNDRED, number_format=PCT_FORMAT)
        return CellWrite(sheet, where, value=value, number_format=MONEY_FORMAT)

    compare_block = next((bl for bl in lay.blocks if bl.spec.key == "compare"), None)
    if compare_block is not None:
        comp = comparisons(book, profile)
        computed = [c for c in compare_block.spec.columns if c.role == "computed"]

        def pos(row_key: str, col: str) -> str | None:
            row = notes.rows.get(row_key) if notes else None
            if row is not None and row.columns and col in row.columns and row.line:
                return f"{column_letter(row.columns[col])}{row.line}"
            if row_key in compare_block.row_pos and col in compare_block.value_cols:
                return f"{column_letter(compare_block.value_cols[col])}{compare_block.row_pos[row_key]}"
            return None

        for spec in compare_block.spec.rows:
            c = comp[spec.key]
            for col in computed:
                if col.input_without_source and not spec.source:
                    continue  # typed by the accountant where no table holds the figure
                where = pos(spec.key, col.key)
                if where is not None:
                    writes.append(cell(where, getattr(c, col.key), col.format == "pct"))
    items_block = next((bl for bl in lay.blocks if bl.spec.key == "items"), None)
    if items_block is None:
        return writes
    typed = (
        {r.code: r for r in notes.rows.values() if r.block == "items" and r.code} if notes else {}
    )
    used = {r.line for r in typed.values() if r.line}
    free = [r for r in range(items_block.data_top, items_block.data_bottom + 1) if r not in used]
    col = items_block.value_cols
    computed = [c for c in items_block.spec.columns if c.role == "computed"]
    for item in items(book, profile):
        row = typed.get(item.code)
        if row is not None and row.line:
            line = row.line
            cols = row.columns or col
        elif free:
            line = free.pop(0)
            cols = col
            writes.append(CellWrite(sheet, f"A{line}", value=item.code))
            writes.append(CellWrite(sheet, f"B{line}", value=item.name))
        else:
            continue  # no room: the P107 finding tells the accountant to add rows
        for c in computed:
            where = f"{column_letter(cols[c.key])}{line}"
            writes.append(cell(where, getattr(item, c.key), c.format == "pct"))
    return writes
