"""Computed figures: 增减额/增减率, 完成年初预算%, 占比, and the 说明数据 sheet's computed cells.

Pure core: every figure is a Decimal, money in 万元 rounded half-up to 2 decimals, rates as
percentages rounded half-up to 2 decimals (29.37 means 29.37%). A rate on a zero or missing
base is None: no rate exists there (no "完成年初预算的 0%", no "增长 100%" from nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from xlfin import codes
from xlfin.layout import sheet_layout
from xlfin.memo import once_per_run
from xlfin.model import Book, Cell, Row, Source, column_letter
from xlfin.profile import Profile, parse_ref
from xlfin.trace import traced
from xlfin.writes import CellWrite

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
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
    row: Row | None = field(default=None, repr=False)  # its 说明数据 row, for the cells
    budget_cell: Source | None = None  # where 年初预算 comes from when a table holds it

    @property
    def cells(self) -> CellsOf:
        """Figure → the cell that holds it (looked up when asked: rules never ask)."""
        return CellsOf(self)

    def _at(self, key: str, value):
        return traced(value, self.cells.get(key))

    @property
    def change(self) -> Decimal | None:
        return self._at("change", change(self.final, self.prior))

    @property
    def change_rate(self) -> Decimal | None:
        d = change(self.final, self.prior)
        return self._at("change_rate", rate(d, self.prior) if d is not None else None)

    @property
    def budget_change(self) -> Decimal | None:
        return self._at("budget_change", change(self.final, self.budget))

    @property
    def budget_change_rate(self) -> Decimal | None:
        d = change(self.final, self.budget)
        return self._at("budget_change_rate", rate(d, self.budget) if d is not None else None)

    @property
    def completion(self) -> Decimal | None:
        return self._at("completion", rate(self.final, self.budget))


def _text(v) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


@once_per_run
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
        budget_cell = None
        if spec.budget_source:
            budget = table_amount(book, spec.budget_source)
            budget_cell = _where(book, spec.budget_source)
        if budget is None and row is not None:
            budget = row.amount("budget")
        cm = Comparison(
            key=spec.key,
            label=spec.label,
            final=money(final),
            prior=money(row.amount("prior") if row else None),
            budget=money(budget),
            reason=_text(row.get("reason")) if row else None,
            budget_reason=_text(row.get("budget_reason")) if row else None,
            row=row,
            budget_cell=budget_cell,
        )
        cm.final = cm._at("final", cm.final)
        cm.prior = cm._at("prior", cm.prior)
        cm.budget = cm._at("budget", cm.budget)
        out[spec.key] = cm
    for spec in profile.sheet("NOTES").block("compare").rows:
        if spec.share_of and spec.share_of in out:
            cm = out[spec.key]
            cm.share = cm._at("share", rate(cm.final, out[spec.share_of].final))
    return out


class CellsOf:
    """The cells of a Comparison's figures, as a read-only mapping looked up on demand."""

    __slots__ = ("cm",)

    def __init__(self, cm: Comparison):
        self.cm = cm

    def get(self, key: str, default=None) -> Source | None:
        if key == "budget" and self.cm.budget_cell is not None:
            return self.cm.budget_cell
        row = self.cm.row
        src = row.where(key) if row is not None else None
        return default if src is None else src

    def __getitem__(self, key: str) -> Source:
        src = self.get(key)
        if src is None:
            raise KeyError(key)
        return src


def _where(book: Book, ref: str) -> Source | None:
    """The cell of a reference ``T10.sangong.budget_total`` (None when not read)."""
    table_id, row, col = parse_ref(ref)
    t = book.tables.get(table_id)
    return t.where(row, col) if t is not None and t.present else None


def ref_cell(book: Book, ref: str) -> tuple[Cell | None, Source | None]:
    """The cell at *ref* — a form field (``NOTES.performance.gpb_amount``) or a table cell
    (``T11.sme_total.value``) — and its address, also when it is blank (None, None when the
    book has neither)."""
    table_id, row, col = parse_ref(ref)
    form = book.forms.get(f"{table_id}.{row}")
    if form is not None:
        cell = form.get(col)
        return cell, cell.source if cell is not None else None
    t = book.tables.get(table_id)
    if t is None or not t.present:
        return None, None
    return t.get_cell(row, col), t.where(row, col)


def project_rate_cell(p, key: str) -> Source | None:
    """The 执行率 cell of fund row *key* (total, fiscal, other) of 绩效自评表 *p*."""
    from xlfin.layout import PROJECT_FUND_COLS, PROJECT_FUND_ROWS

    if p.source is None:
        return None
    top = int("".join(ch for ch in p.source.cell if ch.isdigit()))
    col = column_letter(PROJECT_FUND_COLS["rate"])
    return Source(p.source.sheet, f"{col}{top + PROJECT_FUND_ROWS[key]}")


def resolve(book: Book, profile: Profile, ref: str, done: dict | None = None) -> Decimal | None:
    """The number at *ref*: a table cell (``T11.sme_total.value``), a form field
    (``NOTES.performance.gpb_amount``) or a figure computed before (``NOTES.<row>.value``, in
    *done*); None when the format lacks it or the cell is blank (a form field)."""
    table_id, row, col = parse_ref(ref)
    if done is not None and table_id == "NOTES" and row in done:
        return done[row]
    if profile.lacks(ref) is not None:
        return None
    is_form = any(b.key == row and b.type == "form" for b in profile.sheet(table_id).blocks)
    if f"{table_id}.{row}" in book.forms or is_form:
        cell, _ = ref_cell(book, ref)
        return as_decimal(cell.value if cell is not None else None)
    return table_amount(book, ref)


@once_per_run
def derived(book: Book, profile: Profile) -> dict[str, Decimal | None]:
    """The figures of 说明数据's 其他计算结果 block (rates in %, counts, sums), in row order."""
    if profile.lacks("NOTES.derived") is not None:
        return {}
    done: dict[str, Decimal | None] = {}
    for spec in profile.sheet("NOTES").block("derived").rows:
        value: Decimal | None = None
        if spec.rate:
            part, base = (resolve(book, profile, r, done) for r in spec.rate)
            value = rate(part, base)
        elif spec.add:
            parts = [resolve(book, profile, r, done) for r in spec.add]
            value = None if all(v is None for v in parts) else sum((v or 0 for v in parts), ZERO)
        elif spec.count:
            value = Decimal(len(book.projects))
        done[spec.key] = value
    return done


@dataclass
class Item:
    """A 类 or 项 of 表五 with its 年初预算 and 差异原因."""

    code: str
    name: str
    final: Decimal
    budget: Decimal | None
    reason: str | None
    base: Decimal | None = None  # 表五's 一般公共预算财政拨款支出 合计, for the share
    cells: dict[str, Source] = field(default_factory=dict)  # 说明数据's cells of this 类/项

    @property
    def completion(self) -> Decimal | None:
        return traced(rate(self.final, self.budget), self.cells.get("completion"))

    @property
    def budget_change(self) -> Decimal | None:
        return traced(change(self.final, self.budget), self.cells.get("budget_change"))

    @property
    def share(self) -> Decimal | None:
        return traced(rate(self.final, self.base), self.cells.get("share"))


@once_per_run
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
        cols = [c.key for c in profile.sheet("NOTES").block("items").columns]
        item.cells = {c: row.where(c) for c in cols if row.where(c) is not None}
        item.budget = traced(item.budget, item.cells.get("budget"))
        item.final = traced(item.final, item.cells.get("final"))
    base = t5.amount("total", "total") if t5 is not None else None
    for item in out.values():
        item.base = base
    return [out[c] for c in sorted(out, key=lambda c: (c[:3], len(c) > 3, c))]


def pos_in(notes, block, row_key: str, col: str) -> str | None:
    """The cell of (row, column) of a 说明数据 block: where the reader found the row, else
    where the template puts it."""
    row = notes.rows.get(row_key) if notes else None
    if row is not None and row.columns and col in row.columns and row.line:
        return f"{column_letter(row.columns[col])}{row.line}"
    if row_key in block.row_pos and col in block.value_cols:
        return f"{column_letter(block.value_cols[col])}{block.row_pos[row_key]}"
    return None


def project_rate_writes(book: Book, profile: Profile) -> list[CellWrite]:
    """Each 绩效自评表's 执行率 (全年执行数 ÷ 全年预算数), as the text prints it, into the
    form's 执行率 cells; a row whose budget is blank or 0 is left as it is."""
    from xlfin.layout import PROJECT_FUND_ROWS

    out: list[CellWrite] = []
    for p in book.projects:
        for key in PROJECT_FUND_ROWS:
            where = project_rate_cell(p, key)
            if where is None:
                continue
            fund = p.funds.get(key, {})
            executed = fund.get("executed")
            budget = fund.get("annual_budget")
            r = rate(
                as_decimal(executed.value) if executed else None,
                as_decimal(budget.value) if budget else None,
            )
            if r is None:
                continue
            out.append(
                CellWrite(where.sheet, where.cell, value=r / HUNDRED, number_format=PCT_FORMAT)
            )
    return out


def as_decimal(v) -> Decimal | None:
    """A cell value as a Decimal (an int counts; a bool, a text or a blank is None)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Decimal(v)
    return v if isinstance(v, Decimal) else None


def name_writes(book: Book, profile: Profile) -> list[CellWrite]:
    """The official 科目名称 for every 科目 row of the tables whose name was left blank (the
    accountant chose the code from the list); a typed name is left as typed (S012 checks it)."""
    fn = codes.load("functional")
    out: list[CellWrite] = []
    for s in profile.tables:
        t = book.tables.get(s.id)
        if t is None or not t.present:
            continue
        for b in s.blocks:
            if b.type != "classified":
                continue
            for row in t.rows.values():
                if row.block != b.key or not row.code or row.label or row.source is None:
                    continue
                name = fn.name(row.code, book.year)
                first = min(row.columns.values()) if row.columns else None
                if name is None or first is None:
                    continue
                # the name column is just left of the first amount column
                out.append(
                    CellWrite(row.source.sheet, f"{column_letter(first - 1)}{row.line}", value=name)
                )
    return out


def fill_writes(book: Book, profile: Profile) -> list[CellWrite]:
    """The 说明数据 cells that ``xlfin fill`` writes: the computed columns the profile declares
    (``role = "computed"``) of the comparison block, and of the 类/项 block kept in sync with
    表五 (missing rows appended, what was typed kept). A column's key names the figure it
    holds (``change_rate`` …) and its ``format`` whether it is a rate; a profile without these
    blocks gets no writes."""
    from xlfin.placement import cover_values

    covers = [CellWrite(sh, a1, value=v or None) for sh, a1, v in cover_values(book, profile)]
    if profile.lacks("NOTES") is not None:
        return covers
    lay = sheet_layout(profile, "NOTES")
    sheet = lay.spec.name
    writes: list[CellWrite] = list(covers)
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

        for spec in compare_block.spec.rows:
            c = comp[spec.key]
            for col in computed:
                if col.input_without_source and not spec.source:
                    continue  # typed by the accountant where no table holds the figure
                where = pos_in(notes, compare_block, spec.key, col.key)
                if where is not None:
                    writes.append(cell(where, getattr(c, col.key), col.format == "pct"))
    derived_block = next((bl for bl in lay.blocks if bl.spec.key == "derived"), None)
    if derived_block is not None:
        values = derived(book, profile)
        for spec in derived_block.spec.rows:
            where = pos_in(notes, derived_block, spec.key, "value")
            if where is None:
                continue
            v = values.get(spec.key)
            if spec.unit == "%":
                writes.append(cell(where, v, True))
            elif v is None:
                writes.append(CellWrite(sheet, where, value=None))
            else:
                writes.append(CellWrite(sheet, where, value=int(v), number_format="0"))
    writes.extend(project_rate_writes(book, profile))
    writes.extend(name_writes(book, profile))
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


@dataclass
class KeyFigure:
    """One figure a finance bureau collects from every unit (``[semantics] key_figures``)."""

    key: str
    label: str
    final: Decimal | None
    prior: Decimal | None
    completion: Decimal | None = None  # 完成年初预算 %, where the profile asks for it
    budget: Decimal | None = None  # the 年初预算 the completion is of

    @property
    def change(self) -> Decimal | None:
        return change(self.final, self.prior)


def key_figures(book: Book, profile: Profile) -> list[KeyFigure]:
    """The bureau's key figures of *book*: 本年决算 and 上年决算 of the 说明数据 rows the
    profile names, and 完成年初预算% where it says so (plain Decimals, picklable)."""
    if profile.lacks("NOTES.compare") is not None:
        return []
    comp = comparisons(book, profile)
    out = []
    for spec in profile.semantic("key_figures"):
        cm = comp.get(spec["key"])
        if cm is None:
            continue
        label = profile.term(spec["term"], spec["label"]) if spec.get("term") else spec["label"]
        wants = bool(spec.get("completion"))
        completion = _plain(cm.completion) if wants else None
        budget = _plain(cm.budget) if wants else None
        out.append(
            KeyFigure(spec["key"], label, _plain(cm.final), _plain(cm.prior), completion, budget)
        )
    return out


def _plain(v: Decimal | None) -> Decimal | None:
    """A figure without its cell (a plain Decimal travels between processes as it is)."""
    return None if v is None else Decimal(v)
