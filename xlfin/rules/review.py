"""P rules: plausibility and disclosure review (domain.md §3.4–3.5), on the workbook."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlfin.profile import parse_ref
from xlfin.rules.engine import Context, Finding, at, compare, fmt, rule
from xlfin.rules.helpers import amount, present, where

ZERO = Decimal(0)


def table_value(ctx: Context, ref: str) -> Decimal | None:
    """The amount a 说明数据 source reference (``T01.income_total.amount``) points at.
    A missing row of a present table counts as 0 (empty 表八/表九)."""
    table_id, row, col = parse_ref(ref)
    t = present(ctx, table_id)
    if t is None:
        return None
    v = amount(t, row, col)
    return v if v is not None else ZERO


def compare_rows(ctx: Context):
    """(RowSpec, Row|None) of the 说明数据 comparison block."""
    notes = ctx.book.tables.get("NOTES")
    for spec in ctx.profile.sheet("NOTES").block("compare").rows:
        yield spec, notes.rows.get(spec.key) if notes else None


def final_of(ctx: Context, spec, row) -> Decimal | None:
    if spec.source:
        return table_value(ctx, spec.source)
    return row.amount("final") if row is not None else None


def budget_of(ctx: Context, spec, row) -> Decimal | None:
    if spec.budget_source:
        v = table_value(ctx, spec.budget_source)
        if v is not None:
            return v
    return row.amount("budget") if row is not None else None


@rule("P101", "warning", "零基数上的比率", needs=("NOTES.compare",))
def zero_base_rates(ctx: Context) -> Iterator[Finding]:
    """A rate cell of 说明数据 holds a value although its base is 0 or blank: 完成年初预算 with no 年初预算,
    增减率 with no 上年决算. No rate exists on a zero base (GovBudgetChecker R004, critical; CMM-007):
    write 年初未安排预算 / 上年无此项支出 instead of 0% or 100%."""
    notes = ctx.book.tables.get("NOTES")
    if notes is None:
        return
    for row in notes.rows.values():
        for rate, base, name in (
            ("completion", "budget", "年初预算"),
            ("change_rate", "prior", "上年决算"),
            ("budget_change_rate", "budget", "年初预算"),
        ):
            if rate not in row.cells:
                continue
            spec = next((s for s, _r in compare_rows(ctx) if s.key == row.key), None)
            b = (
                budget_of(ctx, spec, row)
                if (spec is not None and base == "budget")
                else row.amount(base)
            )
            if b is None or b == 0:
                sheet, cell = at(row.cells[rate])
                yield Finding(
                    "P101",
                    "warning",
                    f"{row.label or row.key}：{name}为 0 或空，不应计算比率（实为 {row.get(rate)}）",
                    sheet,
                    cell,
                )


def _has_money(t) -> bool:
    return any(
        isinstance(c.value, Decimal) and c.value != 0
        for r in t.rows.values()
        for c in r.cells.values()
    )


@rule("P102", "warning", "空表缺少说明")
def empty_table_statement(ctx: Context) -> Iterator[Finding]:
    """表八/表九/表十 with no amounts must still be published, with a statement below it such as
    “本单位本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。” (公开审核; SHT; GovBudgetChecker
    D-008/D-009, V33-109/114). The statement goes in the 说明： cell under the table."""
    for tid in ("T08", "T09", "T10"):
        t = present(ctx, tid)
        if t is None:
            continue
        if not _has_money(t) and t.note.blank:
            sheet, cell = at(t.note)
            yield Finding(
                "P102", "warning", f"{t.sheet}没有数据，应填写空表说明", sheet or t.sheet, cell
            )


@rule("P103", "warning", "空表说明与数据矛盾")
def empty_statement_with_data(ctx: Context) -> Iterator[Finding]:
    """A table carries a “没有…/无数据/空表” statement but also non-zero amounts (GovBudgetChecker V33-122,
    V33-TXT-FUND-DETAIL)."""
    for tid in ("T08", "T09", "T10"):
        t = present(ctx, tid)
        if t is None or t.note.blank:
            continue
        text = str(t.note.value)
        if any(w in text for w in ("没有", "无数据", "空表", "无此")) and _has_money(t):
            sheet, cell = at(t.note)
            yield Finding("P103", "warning", f"{t.sheet}填写了空表说明，但表中有金额", sheet, cell)


SANGONG_COUNTS = (
    ("abroad_groups", "因公出国（境）团组数"),
    ("abroad_people", "因公出国（境）人次"),
    ("car_purchased", "公务用车购置数"),
    ("car_stock", "公务用车保有量"),
    ("domestic_batches", "国内公务接待批次"),
    ("domestic_people", "国内公务接待人次"),
    ("foreign_batches", "国（境）外公务接待批次"),
    ("foreign_people", "国（境）外公务接待人次"),
)


@rule(
    "P104",
    "warning",
    "三公经费数量信息缺失",
    needs=("NOTES.sangong", "NOTES.sg_reception_domestic", "NOTES.sg_reception_foreign"),
)
def sangong_counts(ctx: Context) -> Iterator[Finding]:
    """The 三公 disclosure needs counts, 0 where nothing happened (公开审核 §3.5.3; GovBudgetChecker V33-246,
    OBL-SG-COMPLETION): 因公出国 团组数 and 人次, 公务用车 购置数 and 保有量, 国内 and 外宾 公务接待 批次 and 人次,
    and the 开支内容 of any 接待 that has an amount."""
    fields = ctx.book.forms.get("NOTES.sangong")
    if fields is None:
        return
    for key, name in SANGONG_COUNTS:
        cell = fields.get(key)
        if cell is None or cell.blank:
            sheet, addr = at(cell) if cell is not None else ("说明数据", None)
            yield Finding("P104", "warning", f"未填写{name}（没有发生请填 0）", sheet, addr)
    notes = ctx.book.tables.get("NOTES")
    for amount_key, content_key, name in (
        ("sg_reception_domestic", "domestic_content", "国内公务接待"),
        ("sg_reception_foreign", "foreign_content", "国（境）外公务接待"),
    ):
        v = notes.get(amount_key, "final") if notes else None
        cell = fields.get(content_key)
        if isinstance(v, Decimal) and v > 0 and (cell is None or cell.blank):
            sheet, addr = at(cell) if cell is not None else ("说明数据", None)
            yield Finding("P104", "warning", f"{name}有支出，应填写开支内容", sheet, addr)


@rule(
    "P105",
    "error",
    "国内与国（境）外公务接待费之和 = 公务接待费",
    needs=("T10", "NOTES.sg_reception_domestic", "NOTES.sg_reception_foreign"),
)
def reception_split(ctx: Context) -> Iterator[Finding]:
    """说明数据 国内公务接待费 + 国（境）外公务接待费 = 表十 公务接待费决算数 (the narrative states both)."""
    notes, t10 = ctx.book.tables.get("NOTES"), present(ctx, "T10")
    if notes is None or t10 is None:
        return
    d, f = notes.get("sg_reception_domestic", "final"), notes.get("sg_reception_foreign", "final")
    if d is None and f is None:
        return
    total = amount(t10, "sangong", "final_reception")
    got = (d or ZERO) + (f or ZERO)
    yield from compare(
        "P105",
        "error",
        got,
        total or ZERO,
        2,
        notes.where("sg_reception_domestic", "final"),
        f"国内 {fmt(d)} + 国（境）外 {fmt(f)} 公务接待费 ≠ 表十公务接待费决算 {fmt(total)}",
        [where(t10, "sangong", "final_reception")],
    )


@rule("P106", "warning", "说明数据本年决算与表格不一致", needs=("NOTES.compare",))
def notes_final_vs_tables(ctx: Context) -> Iterator[Finding]:
    """A 本年决算 figure in 说明数据 (written by ``xlfin fill`` or typed) differs from the table it is taken
    from, e.g. after a table was corrected and 计算 was not run again. Run 计算百分比 (xlfin fill)."""
    for spec, row in compare_rows(ctx):
        if row is None or not spec.source or row.amount("final") is None:
            continue
        expected = table_value(ctx, spec.source)
        if expected is not None and row.amount("final") != expected:
            sheet, cell = at(row.cells["final"])
            yield Finding(
                "P106",
                "warning",
                f"说明数据“{spec.label}”本年决算 {fmt(row.amount('final'))} ≠ 表格 {fmt(expected)}",
                sheet,
                cell,
                (str(where(present(ctx, parse_ref(spec.source)[0]), *parse_ref(spec.source)[1:])),),
            )


@rule("P107", "warning", "说明数据的科目与表五不同步", needs=("NOTES.items", "T05"))
def items_in_sync(ctx: Context) -> Iterator[Finding]:
    """The 说明数据 block of 类 and 项 (年初预算, 差异原因) must list every 类 and 项 of 表五; a 项 that 表五 no
    longer has is flagged unless it carries a 年初预算 (a budget that was not spent is legitimate). Running
    ``xlfin fill`` adds missing rows and keeps what was typed."""
    t5, notes = present(ctx, "T05"), ctx.book.tables.get("NOTES")
    if t5 is None:
        return
    items = {r.code: r for r in notes.rows.values() if r.block == "items"} if notes else {}
    for row in t5.rows.values():
        if row.code and len(row.code) in (3, 7) and row.code not in items:
            sheet, cell = at(row)
            yield Finding(
                "P107",
                "warning",
                f"表五的科目 {row.code} {row.label} 在说明数据中没有对应行（年初预算、差异原因）",
                sheet,
                cell,
            )
    for code, row in items.items():
        if code not in t5.rows and (row.amount("budget") or ZERO) == 0:
            sheet, cell = at(row)
            yield Finding("P107", "warning", f"说明数据的科目 {code} 在表五中不存在", sheet, cell)


@rule("P108", "warning", "类的年初预算与所列项的年初预算之和不一致", needs=("NOTES.items",))
def class_budget_vs_items(ctx: Context) -> Iterator[Finding]:
    """In 说明数据, a 类's 年初预算 should equal the Σ of its 项 年初预算 (within rounding), else some 项 with
    a budget are missing (e.g. 项 budgeted but not spent, which 表五 does not show). The reference document:
    社会保障和就业支出 年初预算 157.73, its 项 86.91."""
    notes = ctx.book.tables.get("NOTES")
    if notes is None:
        return
    items = [r for r in notes.rows.values() if r.block == "items" and r.code]
    classes = [r for r in items if len(r.code) == 3]
    total = notes.amount("gpb_expense", "budget") if "gpb_expense" in notes.rows else None
    if total is not None and classes:
        got = sum((r.amount("budget") or ZERO for r in classes), ZERO)
        yield from compare(
            "P108",
            "warning",
            total,
            got,
            len(classes),
            notes.where("gpb_expense", "budget"),
            f"一般公共预算财政拨款支出 年初预算 {fmt(total)} ≠ 各类年初预算之和 {fmt(got)}",
            [r.where("budget") for r in classes],
        )
    for cls in classes:
        budget = cls.amount("budget")
        if budget is None:
            continue
        children = [r for r in items if len(r.code) == 7 and r.code.startswith(cls.code)]
        total = sum((r.amount("budget") or ZERO for r in children), ZERO)
        yield from compare(
            "P108",
            "warning",
            budget,
            total,
            len(children),
            cls.where("budget"),
            f"{cls.code} {cls.label} 年初预算 {fmt(budget)} ≠ 所列各项年初预算之和 {fmt(total)}",
            [r.where("budget") for r in children],
        )


@rule("P109", "warning", "年初结转和结余与上年年末不一致", needs=("NOTES.compare", "T01"))
def carry_over(ctx: Context) -> Iterator[Finding]:
    """表一 年初结转和结余 should equal last year's 年末结转和结余 (说明数据 年末结转和结余 上年决算). A difference
    needs an explanation (调整, 更正)."""
    notes = ctx.book.tables.get("NOTES")
    t1 = present(ctx, "T01")
    if notes is None or t1 is None:
        return
    prior_end = notes.get("end_balance", "prior")
    begin = amount(t1, "begin_balance", "amount")
    if isinstance(prior_end, Decimal) and begin is not None and begin != prior_end:
        src = where(t1, "begin_balance", "amount")
        yield Finding(
            "P109",
            "warning",
            f"年初结转和结余 {fmt(begin)} ≠ 上年年末结转和结余 {fmt(prior_end)}",
            *at(src),
            (str(notes.where("end_balance", "prior")),),
        )


@rule("P110", "warning", "三公经费决算超过预算", needs=("T10",))
def sangong_over_budget(ctx: Context) -> Iterator[Finding]:
    """A 三公 item's 决算数 exceeds its 预算数 (GovBudgetChecker DB R012): allowed only with a reason; 三公
    budgets are hard limits."""
    t10 = present(ctx, "T10")
    if t10 is None:
        return
    for item in ("total", "abroad", "car", "car_purchase", "car_operation", "reception"):
        b, f = amount(t10, "sangong", f"budget_{item}"), amount(t10, "sangong", f"final_{item}")
        if b is not None and f is not None and f > b:
            src = where(t10, "sangong", f"final_{item}")
            yield Finding(
                "P110",
                "warning",
                f"三公经费决算 {fmt(f)} 超过预算 {fmt(b)}",
                *at(src),
                (str(where(t10, "sangong", f"budget_{item}")),),
            )


@rule("P111", "warning", "情况说明要用的数字未填写", needs=("T11.main",))
def narrative_needs_blank(ctx: Context) -> Iterator[Finding]:
    """A cell of 表十一 (机构运行经费, 政府采购, 车辆, 设备; in the nine-table formats the 其他重要事项
    input sheet) is blank. The narrative states every one of these figures; a blank would print as
    【请填写…】 (never as 0.00). Type 0 where nothing happened."""
    t = present(ctx, "T11")
    if t is None:
        return
    for spec in ctx.profile.sheet("T11").block("main").rows:
        row = t.rows.get(spec.key)
        cell = row.cells.get("value") if row is not None else None
        if cell is None or cell.blank:
            src = cell.source if cell is not None else where(t, spec.key, "value")
            yield Finding(
                "P111",
                "warning",
                f"未填写“{spec.label.split('、')[-1]}”，情况说明要用到它（没有发生请填 0）",
                *at(src, t.sheet),
            )


@rule(
    "P112",
    "error",
    "表一收入总计或支出总计为空或 0",
    needs=("T01.income_grand", "T01.expense_grand"),
)
def empty_grand_total(ctx: Context) -> Iterator[Finding]:
    """表一 收入总计 or 支出总计 is blank or 0: every figure of the narrative hangs on them (总计
    0.00 万元 is never a real disclosure). Usually the table was not filled or a total was not
    typed."""
    t = present(ctx, "T01")
    if t is None:
        return
    for key, name in (("income_grand", "收入总计"), ("expense_grand", "支出总计")):
        v = amount(t, key, "amount")
        if v is None or v == 0:
            yield Finding(
                "P112",
                "error",
                f"表一{name}{'为空' if v is None else '为 0'}，情况说明的各项数字都以它为准",
                *at(where(t, key, "amount"), t.sheet),
            )


@rule(
    "P113",
    "warning",
    "纳入决算的单位数与决算单位构成不符",
    needs=("COVER.unit.unit_count", "COVER.units"),
)
def unit_count(ctx: Context) -> Iterator[Finding]:
    """封面 纳入决算的单位数 differs from the rows of 决算单位构成; the narrative prints both."""
    cell = ctx.book.forms.get("COVER.unit", {}).get("unit_count")
    listed = [
        u for u in ctx.book.lists.get("COVER.units", []) if u.get("name") and not u["name"].blank
    ]
    if cell is None or not isinstance(cell.value, int) or not listed:
        return
    if cell.value != len(listed):
        yield Finding(
            "P113",
            "warning",
            f"纳入决算的单位数为 {cell.value}，决算单位构成列了 {len(listed)} 个单位",
            *at(cell),
            expected=str(len(listed)),
            actual=str(cell.value),
        )


@rule(
    "P114",
    "warning",
    "部门评价项目数少于列出的项目名称",
    needs=("NOTES.performance.dept_eval_count", "NOTES.performance.dept_eval_names"),
)
def eval_count(ctx: Context) -> Iterator[Finding]:
    """说明数据 部门评价项目数 is smaller than the number of project names listed (用、分隔); the
    narrative says “对……等 N 个项目开展了部门评价”."""
    fields = ctx.book.forms.get("NOTES.performance", {})
    count, names = fields.get("dept_eval_count"), fields.get("dept_eval_names")
    if count is None or names is None or not isinstance(count.value, int) or names.blank:
        return
    n = len([x for x in str(names.value).replace("，", "、").split("、") if x.strip()])
    if count.value < n:
        yield Finding(
            "P114",
            "warning",
            f"部门评价项目数为 {count.value}，却列出了 {n} 个项目名称",
            *at(count),
        )


RATE_LIMIT = Decimal(300)


@rule("P115", "warning", "完成预算或增长超过 300%", needs=("NOTES.compare",))
def huge_rate(ctx: Context) -> Iterator[Finding]:
    """A 完成年初预算 rate or a growth over last year above 300% (e.g. 7300.80%): usually a 年初预算
    or 上年决算 typed in 元, or of another row. Confirm the base figure."""
    from xlfin.compute import comparisons

    comp = comparisons(ctx.book, ctx.profile)  # once, not once a row
    for spec, row in compare_rows(ctx):
        c = comp.get(spec.key) if row is not None else None
        if c is None:
            continue
        for value, base_key, name in (
            (c.completion, "budget", "完成年初预算"),
            (c.change_rate, "prior", "较上年增长"),
        ):
            if value is not None and value > RATE_LIMIT:
                yield Finding(
                    "P115",
                    "warning",
                    f"“{spec.label}”{name} {value}%，请核对{'年初预算' if base_key == 'budget' else '上年决算'}数",
                    *at(row.where(base_key) or row.source),
                )
    if ctx.profile.lacks("NOTES.items") is not None:
        return
    from xlfin.compute import items

    notes = ctx.book.tables.get("NOTES")
    for it in items(ctx.book, ctx.profile):
        if it.completion is not None and it.completion > RATE_LIMIT and len(it.code) == 7:
            row = notes.rows.get(it.code) if notes is not None else None
            yield Finding(
                "P115",
                "warning",
                f"{it.code} {it.name} 完成年初预算 {it.completion}%，请核对年初预算数",
                *at(row.where("budget") if row is not None else None, "说明数据"),
            )


HUGE = Decimal(10_000_000)


@rule("P116", "warning", "金额大得像是以“元”填写", needs=("T01",))
def yuan_as_wan(ctx: Context) -> Iterator[Finding]:
    """An amount of 10,000,000 万元 (1,000 亿元) or more in a table: almost always a figure in 元
    typed into a 万元 table. One finding per table, at its first such cell."""
    for t in ctx.book.tables.values():
        if not t.present or t.id == "NOTES":
            continue
        for row in t.rows.values():
            hit = next(
                (
                    c
                    for c in row.cells.values()
                    if isinstance(c.value, Decimal) and abs(c.value) >= HUGE
                ),
                None,
            )
            if hit is not None:
                yield Finding(
                    "P116",
                    "warning",
                    f"{t.sheet}中有 {fmt(hit.value)} 万元，像是以“元”为单位填写的",
                    *at(hit),
                )
                break


@rule("P117", "warning", "编制单位未填写或与封面不符", needs=("COVER.unit.dept_name",))
def unit_line(ctx: Context) -> Iterator[Finding]:
    """A published table's 编制单位 is blank, or is not the 封面 部门名称 (compared without spaces
    and full/half-width differences). Every table names the unit that publishes it."""
    from xlfin.values import norm_label

    dept = ctx.book.field("COVER.unit", "dept_name")
    for spec in ctx.profile.published:
        t = ctx.book.tables.get(spec.id)
        if t is None or not t.present:
            continue
        cell = t.unit_name
        if cell.blank:
            yield Finding("P117", "warning", f"{t.sheet}未填写编制单位", *at(cell, t.sheet))
        elif dept and norm_label(cell.value) != norm_label(dept):
            yield Finding(
                "P117",
                "warning",
                f"{t.sheet}的编制单位“{cell.value}”与封面部门名称“{dept}”不同",
                *at(cell, t.sheet),
            )


@rule("P118", "warning", "情况说明将显示【请填写…】", needs=("NOTES",), defers=True)
def narrative_asks(ctx: Context) -> Iterator[Finding]:
    """An input the 情况说明 needs is blank, so the generated text would print a 【请填写…】
    marker there (never a 0.00 it does not know): 封面 and 部门概况 texts, 上年决算 and 年初预算
    the text compares against, 变动原因, 开支内容, counts, 绩效 figures and 评价结果. The finding
    is at the blank cell, once per cell, and names the section that asks for it; a cell another
    rule already reports (表十一's figures, 三公 counts) is reported once, by that rule."""
    from xlfin.narrative.render import narrate_asks

    try:
        asks = narrate_asks(ctx.book, ctx.profile)
    except Exception as e:  # never let the text stop the checks: say it, check the rest
        yield Finding(
            "P118",
            "warning",
            f"情况说明无法生成（{type(e).__name__}: {e}），未能检查其中的【请填写…】；"
            "其余校验照常进行，请把此信息报告给 xlfin 维护者",
        )
        return
    seen: set[str] = set()
    for a in asks:
        if a.source is None or str(a.source) in seen:
            continue
        seen.add(str(a.source))
        yield Finding(
            "P118",
            "warning",
            f"情况说明“{a.section}”将显示{a.printed}：请填写此单元格（没有发生的填 0 或“无”）",
            *at(a.source),
        )


@rule("P119", "info", "情况说明要用的金额空着（按 0 处理）", needs=("NOTES.compare",))
def blank_beside_amounts(ctx: Context) -> Iterator[Finding]:
    """A table cell the narrative takes a figure from is blank while other amounts of its row
    are filled (表三合计行的“经营支出”空着，其余各列有数). The text reads it as 0.00; type 0
    if that is what it means, or the figure if it was forgotten."""
    seen: set[str] = set()
    for spec in ctx.profile.sheet("NOTES").block("compare").rows:
        for ref in (spec.source, spec.budget_source):
            if not ref or ctx.profile.lacks(ref) is not None:
                continue
            table_id, key, col = parse_ref(ref)
            t = present(ctx, table_id)
            row = t.rows.get(key) if t is not None else None
            if row is None:
                continue
            cell = row.cells.get(col)
            filled = [c for k, c in row.cells.items() if k != col and not c.blank]
            if (cell is None or cell.blank) and filled:
                src = row.where(col)
                if src is None or str(src) in seen:
                    continue
                seen.add(str(src))
                what = ctx.profile.sheet(table_id).find_row(key)
                label = what[0].column(col).label if what else col
                yield Finding(
                    "P119",
                    "info",
                    f"“{spec.label}”取自此单元格（{label}），它空着而同行其他金额已填写；情况说明按 0 处理，如为 0 请填 0",
                    *at(src),
                )
