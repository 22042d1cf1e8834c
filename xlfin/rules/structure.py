"""S rules: the workbook's structure and what its cells hold.

Reading problems recorded by the reader (missing sheets, changed headers, text in number
cells, formulas without cached values …) become findings here, together with checks of the
classification codes against the code lists of the book's year.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlfin import codes
from xlfin.model import CENT
from xlfin.rules.engine import Context, Finding, at, rule


def _problems(
    ctx: Context, kinds: tuple[str, ...], rule_id: str, severity: str
) -> Iterator[Finding]:
    for p in ctx.book.problems:
        if p.kind in kinds:
            yield Finding(rule_id, severity, p.message, p.sheet, p.cell, (), p.expected, p.found)


@rule("S001", "error", "缺少工作表")
def missing_sheet(ctx: Context) -> Iterator[Finding]:
    """A sheet of the profile is missing from the workbook.

    Why: every table of the format must be published, an empty one with a statement
    (公开审核: 没有数据的表格应当列出空表并说明). Example: 国有资本经营预算财政拨款支出决算表 deleted
    because the unit has no such money.
    """
    yield from _problems(ctx, ("missing_sheet",), "S001", "error")


@rule("S002", "warning", "工作表改名")
def renamed_sheet(ctx: Context) -> Iterator[Finding]:
    """A sheet was found by its title but has another name (e.g. 表五 instead of the full name).

    xlfin reads it anyway; other tools and reviewers look for the official name.
    """
    yield from _problems(ctx, ("renamed_sheet",), "S002", "warning")


@rule("S003", "warning", "表头被修改")
def header_changed(ctx: Context) -> Iterator[Finding]:
    """A header text differs from the template (a column renamed, a header cell overwritten).

    Values are still read by position, but a changed header often means a column was moved
    or repurposed, so the figures below it may be in the wrong column.
    """
    yield from _problems(ctx, ("header_changed",), "S003", "warning")


@rule("S004", "warning", "无法识别的行")
def unknown_row(ctx: Context) -> Iterator[Finding]:
    """A row label in a fixed table is not one of the template's rows; the row is not read.

    Example: 六、经营性收入 typed over 六、经营收入. Its figures are ignored by every check.
    """
    yield from _problems(ctx, ("unknown_row",), "S004", "warning")


@rule("S005", "warning", "缺少模板行")
def missing_row(ctx: Context) -> Iterator[Finding]:
    """A row or field of the template is missing (deleted or relabelled)."""
    yield from _problems(ctx, ("missing_row",), "S005", "warning")


@rule("S006", "error", "行或科目重复")
def duplicate_row(ctx: Context) -> Iterator[Finding]:
    """The same fixed row or 科目编码 appears twice in one table; only the first is read."""
    yield from _problems(ctx, ("duplicate_row", "duplicate_code"), "S006", "error")


@rule("S007", "error", "金额不是数字")
def not_number(ctx: Context) -> Iterator[Finding]:
    """An amount or count cell holds text that is not a number (e.g. 四点四二, 12%, 1.2.3).

    Numbers typed as text with thousands separators, spaces, full-width digits, or a dash for
    zero are accepted; anything else is reported and read as blank, never as 0.
    """
    yield from _problems(ctx, ("not_number",), "S007", "error")


@rule("S008", "error", "公式没有计算结果")
def formula_without_value(ctx: Context) -> Iterator[Finding]:
    """A formula cell carries no cached value (the file was written by a program and never
    opened and saved in Excel). xlfin does not evaluate formulas, so the value is unknown;
    it is reported, never read as 0. Fix: open the file in Excel and save it."""
    yield from _problems(ctx, ("formula_no_value",), "S008", "error")


@rule("S009", "warning", "金额超过两位小数")
def too_many_decimals(ctx: Context) -> Iterator[Finding]:
    """An amount has more than 2 decimals. Tables are published in 万元 with 2 decimals
    (GovBudgetChecker V33-232); a third decimal usually means 元 typed as 万元 or an
    unrounded formula. Example: 1,425.075."""
    for t in ctx.book.tables.values():
        money = _money_columns(ctx, t.id)
        for row in t.rows.values():
            cols = money.get((row.block, row.key), money.get((row.block, None), ()))
            for key in cols:
                cell = row.cells.get(key)
                v = cell.value if cell is not None else None
                if isinstance(v, Decimal) and v != v.quantize(CENT):  # 1.250 is 1.25
                    yield Finding(
                        "S009",
                        "warning",
                        f"{row.label or row.key}：金额 {v} 超过两位小数",
                        *at(cell.source, t.sheet),
                        actual=str(v),
                    )


def _money_columns(ctx: Context, table_id: str) -> dict:
    """(block, row key or None) → the money columns of that row (None: any row of the block)."""
    return ctx.profile.remember(("money_columns", table_id), lambda: _find_money(ctx, table_id))


def _find_money(ctx: Context, table_id: str) -> dict:
    try:
        sheet = ctx.profile.sheet(table_id)
    except KeyError:
        return {}
    out: dict = {}
    for b in sheet.blocks:
        money = tuple(c.key for c in b.columns if c.format == "money")
        out[(b.key, None)] = money
        for r in b.rows:
            out[(b.key, r.key)] = money if r.unit == "万元" else ()
    return out


@rule("S010", "error", "不应为负数")
def negative(ctx: Context) -> Iterator[Finding]:
    """An amount or count is negative. No cell of the eleven tables may be negative
    (GovBudgetChecker V33-004); a correction is shown as a lower amount, not a minus."""
    official = {s.id for s in ctx.profile.tables}
    for t in ctx.book.tables.values():
        if t.id not in official:  # 说明数据 holds changes, which may be negative
            continue
        for row in t.rows.values():
            yield from _negatives(row)


def _negatives(row) -> Iterator[Finding]:
    for cell in row.cells.values():
        v = cell.value
        if isinstance(v, (Decimal, int)) and not isinstance(v, bool) and v < 0:
            yield Finding(
                "S010",
                "error",
                f"金额或数量为负数：{v}",
                *at(cell.source),
                actual=str(v),
            )


def _code_rows(ctx: Context):
    for s in ctx.profile.sheets:
        t = ctx.book.tables.get(s.id)
        if t is None:
            continue
        for b in s.blocks:
            if b.type == "classified":
                for row in t.rows.values():
                    if row.block == b.key and row.code:
                        yield t, b, row


@rule("S015", "warning", "表格范围以外的内容")
def outside(ctx: Context) -> Iterator[Finding]:
    """A sheet has values far outside any table (beyond 10,000 rows or 64 columns), such as a
    stray entry at XFD1048576. They are not read (reading the whole rectangle would take
    gigabytes); delete them. One finding per sheet, at the first such cell. A sheet of
    绩效自评表 is read further, up to 200,000 rows of 16 columns (a consolidated workbook of a
    thousand units has 155,000); beyond that the finding says the forms after the last row
    read were neither read nor checked — they are not to be deleted."""
    yield from _problems(ctx, ("outside",), "S015", "warning")


@rule("S016", "error", "单元格是错误值")
def error_value(ctx: Context) -> Iterator[Finding]:
    """A cell holds an Excel error value (#REF!, #DIV/0!, #N/A, #VALUE! …), usually a formula
    whose reference broke. It is read as blank, so a total that includes it is wrong: fix the
    formula or type the figure."""
    yield from _problems(ctx, ("error_value",), "S016", "error")


@rule("S017", "error", "封面年度不正确", needs=("COVER.unit.year",))
def cover_year(ctx: Context) -> Iterator[Finding]:
    """The 封面 年度 is not a plausible report year (a four-digit year from 2000 to 2100), e.g.
    99999 or 23. The year chooses the code list and titles every figure of the narrative."""
    cell = ctx.book.forms.get("COVER.unit", {}).get("year")
    if cell is None or cell.value is None:
        return
    if not isinstance(cell.value, int) or not 2000 <= cell.value <= 2100:
        yield Finding(
            "S017",
            "error",
            f"封面年度“{cell.value}”不是四位数的年度（应为 2000–2100 年间的决算年度）",
            *at(cell),
            actual=str(cell.value),
        )


@rule("S018", "warning", "同一张表有两份")
def second_copy(ctx: Context) -> Iterator[Finding]:
    """A second sheet is a copy of one of the tables (“支出决算表 (2)”, or another name with the
    same title on top). Only the first is read; figures typed in the copy are in no check and no
    sentence."""
    yield from _problems(ctx, ("second_copy",), "S018", "warning")


@rule("S011", "warning", "未知的科目编码")
def unknown_code(ctx: Context) -> Iterator[Finding]:
    """A 科目编码 is not in the 支出功能分类 list for the book's year: the official list of that
    year when one was imported (``xlfin codes import``), else the list shipped with xlfin.

    The shipped list is not complete (local expansions exist), so this is a warning: check the
    code; if it is right, import the year's official list or report the code. The message
    names the list and the year it was looked up in.
    """
    fn = codes.load("functional")
    where = fn.source(ctx.year)
    for t, _b, row in _code_rows(ctx):
        if fn.get(row.code, ctx.year) is None:
            known = fn.get(row.code)
            since = known is not None and known.valid_from and known.valid_from > ctx.year
            why = f"；该编码自 {known.valid_from} 年起使用" if since else ""
            src = row.source
            yield Finding(
                "S011",
                "warning",
                f"科目编码 {row.code} 不在 {ctx.year} 年支出功能分类科目中（查的是{where}{why}）",
                *at(src, t.sheet),
                actual=row.code,
            )


@rule("S012", "warning", "科目名称与编码不符")
def code_name_mismatch(ctx: Context) -> Iterator[Finding]:
    """The 科目名称 beside a known 科目编码 differs from the official name of that year
    (GovBudgetChecker R002, V33-227). Example: 210 named 医疗卫生与计划生育支出 (the old name)
    instead of 卫生健康支出. Names are compared after removing spaces and full/half-width
    differences."""
    from xlfin.values import norm_label

    fn = codes.load("functional")
    for t, _b, row in _code_rows(ctx):
        official = fn.name(row.code, ctx.year)
        if official and row.label and norm_label(row.label) != norm_label(official):
            src = row.source
            yield Finding(
                "S012",
                "warning",
                f"科目 {row.code} 名称应为“{official}”，实为“{row.label}”",
                *at(src, t.sheet),
                expected=official,
                actual=row.label,
            )


@rule("S013", "error", "科目编码格式错误")
def bad_code(ctx: Context) -> Iterator[Finding]:
    """A classification row has no 科目编码, or one that is not 3, 5 or 7 digits
    (类 3, 款 5, 项 7); the row is not read, so its amounts are missing from every check."""
    yield from _problems(ctx, ("bad_code", "missing_code"), "S013", "error")


@rule("S014", "error", "项缺少所属款或类")
def orphan_code(ctx: Context) -> Iterator[Finding]:
    """A 项 (7 digits) appears without its 款 (5 digits), or a 款 without its 类 (3 digits), in
    the same table. Tables list the subtotals of every level (表二/三/五/八/九); a missing parent
    row breaks 类 = Σ款 = Σ项 and the per-类 cross-table checks."""
    codes_of: dict[tuple[str, str], set[str]] = {}
    for t, b, row in _code_rows(ctx):
        if t.id == "NOTES":  # the 说明数据 block lists only 类 and 项, by design
            continue
        if len(row.code) in (5, 7):
            parent = row.code[:-2]
            key = (t.id, b.key)
            if key not in codes_of:
                codes_of[key] = {r.code for r in t.rows.values() if r.block == b.key}
            if parent not in codes_of[key]:
                src = row.source
                level = "款" if len(parent) == 5 else "类"
                yield Finding(
                    "S014",
                    "error",
                    f"科目 {row.code} 缺少所属{level} {parent} 的行",
                    *at(src, t.sheet),
                    expected=parent,
                )


@rule("S019", "error", "金额单位不是万元")
def money_label(ctx: Context) -> Iterator[Finding]:
    """A table's 金额单位 label says 元 (or another unit) instead of 万元: either the label was
    changed or the figures were typed in 元, and every figure would be off by 10,000 times."""
    yield from _problems(ctx, ("money_label",), "S019", "error")


@rule("S020", "info", "表格工作表的顺序与格式不同")
def sheet_order(ctx: Context) -> Iterator[Finding]:
    """The table sheets are in another order than the format's (公开01表, 公开02表 …). xlfin
    reads them by name and publishes them in the official order; the note is for whoever prints
    the workbook itself."""
    yield from _problems(ctx, ("sheet_order",), "S020", "info")
