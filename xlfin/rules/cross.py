"""X rules: identities between tables (domain.md §3.2)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlfin.rules.engine import Context, Finding, at, compare, fmt, rule
from xlfin.rules.helpers import amount, label, present, where

ZERO = Decimal(0)


def _pair(
    ctx: Context,
    rule_id: str,
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    what: str,
    terms: int = 1,
    b_blank_is_zero: bool = True,
) -> Iterator[Finding]:
    """Cell a (table, row, col) must equal cell b; the finding points at a."""
    ta, tb = present(ctx, a[0]), present(ctx, b[0])
    if ta is None or tb is None:
        return
    va, vb = amount(ta, a[1], a[2]), amount(tb, b[1], b[2])
    if va is None and vb is None:
        return
    sheet_b = tb.sheet
    yield from compare(
        rule_id,
        "error",
        va,
        vb if vb is not None else ZERO,
        terms,
        where(ta, a[1], a[2]),
        f"{what} {fmt(va)} ≠ {sheet_b}{('!' + where(tb, b[1], b[2]).cell) if where(tb, b[1], b[2]) else ''} "
        f"{fmt(vb)}",
        [where(tb, b[1], b[2])],
    )


@rule(
    "X101", "error", "表一 本年收入合计 = 表二 合计", needs=("T01.income_total", "T02.main.total")
)
def x_t01_t02_total(ctx: Context) -> Iterator[Finding]:
    """表一 本年收入合计 = 表二 收入决算表 合计行 本年收入合计 (X1, GovBudgetChecker V33-200)."""
    yield from _pair(
        ctx,
        "X101",
        ("T01", "income_total", "amount"),
        ("T02", "total", "total"),
        "表一本年收入合计",
    )


T01_T02 = (
    ("superior", "superior", "四、上级补助收入"),
    ("business", "business", "五、事业收入"),
    ("operating", "operating", "六、经营收入"),
    ("affiliated", "affiliated", "七、附属单位上缴收入"),
    ("other", "other", "八、其他收入"),
)


@rule("X102", "error", "表一 各项收入 = 表二 合计行各列", needs=("T01.income", "T02.main"))
def x_t01_t02_columns(ctx: Context) -> Iterator[Finding]:
    """表一 收入 rows 四…八 = 表二 合计 row, columns 上级补助收入 / 事业收入 / 经营收入 / 附属单位上缴收入 /
    其他收入; and 表一 一 + 二 + 三 (the three 财政拨款) = 表二 财政拨款收入 (X2)."""
    for r01, c02, name in T01_T02:
        yield from _pair(ctx, "X102", ("T01", r01, "amount"), ("T02", "total", c02), f"表一{name}")
    t1, t2 = present(ctx, "T01"), present(ctx, "T02")
    if t1 is None or t2 is None:
        return
    parts = [amount(t1, k, "amount") for k in ("gpb", "gov_fund", "soe")]
    fiscal = amount(t2, "total", "fiscal")
    if fiscal is None and all(p is None for p in parts):
        return
    got = sum((p for p in parts if p is not None), ZERO)
    yield from compare(
        "X102",
        "error",
        fiscal,
        got,
        3,
        where(t2, "total", "fiscal"),
        f"表二财政拨款收入 {fmt(fiscal)} ≠ 表一三项财政拨款收入之和 {fmt(got)}",
        [where(t1, k, "amount") for k in ("gpb", "gov_fund", "soe")],
    )


@rule(
    "X103", "error", "表一 本年支出合计 = 表三 合计", needs=("T01.expense_total", "T03.main.total")
)
def x_t01_t03_total(ctx: Context) -> Iterator[Finding]:
    """表一 本年支出合计 = 表三 支出决算表 合计 本年支出合计 (X3, GovBudgetChecker V33-201)."""
    yield from _pair(
        ctx,
        "X103",
        ("T01", "expense_total", "amount"),
        ("T03", "total", "total"),
        "表一本年支出合计",
    )


@rule("X104", "error", "表一 各功能分类支出 = 表三 各类小计", needs=("T01.expense", "T03.main"))
def x_t01_t03_classes(ctx: Context) -> Iterator[Finding]:
    """Each 表一 支出 类 row (一、一般公共服务支出 …) = the 表三 类 row of the same code, 本年支出合计
    (X3, per 类; GovBudgetChecker compares totals only). A 类 in 表三 that 表一 lacks is reported too."""
    t1, t3 = present(ctx, "T01"), present(ctx, "T03")
    if t1 is None or t3 is None:
        return
    for cls in ctx.profile.classes:
        yield from _pair(
            ctx,
            "X104",
            ("T01", cls, "amount"),
            ("T03", cls, "total"),
            f"表一{label(ctx, 'T01', cls)}",
        )
    for row in t3.rows.values():
        if row.code and len(row.code) == 3 and row.code not in ctx.profile.classes:
            src = row.source
            yield Finding(
                "X104",
                "error",
                f"表三的类 {row.code} {row.label} 在表一中没有对应行",
                *at(src),
            )


@rule(
    "X105",
    "error",
    "表二 财政拨款收入 = 表四 本年收入合计；表一与表四三项财政拨款一致",
    needs=("T01.gpb", "T02.main.fiscal", "T04.income_total"),
)
def x_t02_t04(ctx: Context) -> Iterator[Finding]:
    """表二 合计 财政拨款收入 = 表四 本年收入合计 (X4, GovBudgetChecker V33-204); 表一 收入 一/二/三 =
    表四 收入 一/二/三."""
    yield from _pair(
        ctx,
        "X105",
        ("T04", "income_total", "amount"),
        ("T02", "total", "fiscal"),
        "表四本年收入合计",
    )
    for key, name in (
        ("gpb", "一般公共预算"),
        ("gov_fund", "政府性基金预算"),
        ("soe", "国有资本经营预算"),
    ):
        yield from _pair(
            ctx, "X105", ("T04", key, "amount"), ("T01", key, "amount"), f"表四{name}财政拨款收入"
        )


@rule(
    "X106",
    "error",
    "表四 一般公共预算支出 = 表五（合计及各类）",
    needs=("T04.expense.gpb", "T05.main"),
)
def x_t04_t05(ctx: Context) -> Iterator[Finding]:
    """表四 一般公共预算财政拨款 column: 本年支出合计 = 表五 合计, and each 类 row = 表五 类 row
    (X5, GovBudgetChecker V33-202, per 类 as well)."""
    yield from _pair(
        ctx,
        "X106",
        ("T04", "expense_total", "gpb"),
        ("T05", "total", "total"),
        "表四一般公共预算本年支出合计",
    )
    t5 = present(ctx, "T05")
    for cls in ctx.profile.classes:
        yield from _pair(
            ctx,
            "X106",
            ("T04", cls, "gpb"),
            ("T05", cls, "total"),
            f"表四{label(ctx, 'T04', cls)}（一般公共预算）",
        )
    if t5 is not None:
        for row in t5.rows.values():
            if row.code and len(row.code) == 3 and row.code not in ctx.profile.classes:
                src = row.source
                yield Finding(
                    "X106",
                    "error",
                    f"表五的类 {row.code} 在表四中没有对应行",
                    *at(src),
                )


@rule(
    "X107",
    "error",
    "表五 基本支出 = 表六 人员经费 + 公用经费",
    needs=("T05.main.basic", "T06.personnel_total", "T06.public_total"),
)
def x_t05_t06(ctx: Context) -> Iterator[Finding]:
    """表五 合计 基本支出 = 表六 人员经费合计 + 公用经费合计 (X6, GovBudgetChecker V33-203, D-006)."""
    t5, t6 = present(ctx, "T05"), present(ctx, "T06")
    if t5 is None or t6 is None:
        return
    basic = amount(t5, "total", "basic")
    p, q = amount(t6, "personnel_total", "amount"), amount(t6, "public_total", "amount")
    if basic is None and p is None and q is None:
        return
    yield from compare(
        "X107",
        "error",
        basic,
        (p or ZERO) + (q or ZERO),
        2,
        where(t5, "total", "basic"),
        f"表五基本支出 {fmt(basic)} ≠ 表六人员经费 {fmt(p)} + 公用经费 {fmt(q)}",
        [where(t6, "personnel_total", "amount"), where(t6, "public_total", "amount")],
    )


@rule("X108", "error", "表五 项目支出 = 表七 合计", needs=("T05.main.project", "T07.project_total"))
def x_t05_t07(ctx: Context) -> Iterator[Finding]:
    """表五 合计 项目支出 = 表七 一般公共预算财政拨款项目支出决算明细表 合计 (X7)."""
    yield from _pair(
        ctx, "X108", ("T05", "total", "project"), ("T07", "project_total", "amount"), "表五项目支出"
    )


@rule("X109", "error", "表四 政府性基金、国有资本经营 = 表八、表九", needs=("T04",))
def x_t04_t08_t09(ctx: Context) -> Iterator[Finding]:
    """表四 政府性基金预算财政拨款 column = 表八 (本年支出, 本年收入, 年初/年末结转和结余); 表四 国有资本经营
    column 本年支出合计 = 表九 合计, and where 表九 is a 收入支出 table (2024 on) also its 本年收入 and
    年初/年末结转和结余 (X8). An empty 表八/表九 counts as 0. A pair whose table or column the format
    does not have is skipped."""
    for a, b, what in X109_PAIRS:
        if ctx.profile.missing((".".join(a), ".".join(b))) is None:
            yield from _pair(ctx, "X109", a, b, what)


X109_PAIRS = (
    (("T04", "expense_total", "gov_fund"), ("T08", "total", "total"), "表四政府性基金本年支出"),
    (("T04", "gov_fund", "amount"), ("T08", "total", "income"), "表四政府性基金本年收入"),
    (("T04", "begin_gov_fund", "amount"), ("T08", "total", "begin"), "表四政府性基金年初结转"),
    (("T04", "end_balance", "gov_fund"), ("T08", "total", "end"), "表四政府性基金年末结转"),
    (("T04", "expense_total", "soe"), ("T09", "total", "total"), "表四国有资本经营本年支出"),
    (("T04", "soe", "amount"), ("T09", "total", "income"), "表四国有资本经营本年收入"),
    (("T04", "begin_soe", "amount"), ("T09", "total", "begin"), "表四国有资本经营年初结转"),
    (("T04", "end_balance", "soe"), ("T09", "total", "end"), "表四国有资本经营年末结转"),
)


@rule(
    "X110",
    "error",
    "表一 结转和结余 ≥ 表四 财政拨款结转和结余",
    needs=("T01.begin_balance", "T01.end_balance", "T04.begin_total", "T04.end_balance"),
)
def x_t01_t04_balances(ctx: Context) -> Iterator[Finding]:
    """表一 年初/年末结转和结余 ≥ 表四 年初/年末财政拨款结转和结余 (X9): the difference is the non-fiscal
    balance and cannot be negative."""
    t1, t4 = present(ctx, "T01"), present(ctx, "T04")
    if t1 is None or t4 is None:
        return
    for k1, k4, c4, name in (
        ("begin_balance", "begin_total", "amount", "年初"),
        ("end_balance", "end_balance", "total", "年末"),
    ):
        a, b = amount(t1, k1, "amount"), amount(t4, k4, c4)
        if b is not None and (a or ZERO) < b:
            src = where(t1, k1, "amount")
            yield Finding(
                "X110",
                "error",
                f"表一{name}结转和结余 {fmt(a)} 小于表四{name}财政拨款结转和结余 {fmt(b)}",
                *at(src),
                (str(where(t4, k4, c4)),),
                expected=f"≥ {b}",
                actual=str(a),
            )


@rule("X111", "error", "基本支出经济分类 ≤ 三公决算数", needs=("T06", "T10.sangong"))
def x_sangong_econ(ctx: Context) -> Iterator[Finding]:
    """三公 vs 经济分类 (X10, GovBudgetChecker OBL-CROSS-SAN-GONG-ECON): 表六 基本支出 30212 因公出国（境）费用
    ≤ 表十 因公出国（境）费决算; 31013 公务用车购置 ≤ 公务用车购置费; 30231 公务用车运行维护费 ≤ 运行维护费;
    30217 公务接待费 ≤ 公务接待费决算. And, as info when all 三公 is 一般公共预算: 表六 + 表七 of the item
    should equal the 三公 决算 (the reference document: 0.44 + 0.25 = 0.69 vs 0.68)."""
    t6, t7, t10 = present(ctx, "T06"), present(ctx, "T07"), present(ctx, "T10")
    if t10 is None or t6 is None:
        return
    for pair in ctx.profile.semantic("sangong_econ"):
        col, code, name = pair["column"], pair["code"], pair["name"]
        sg = amount(t10, "sangong", col)
        basic = amount(t6, code, "amount")
        if basic is not None and basic > (sg or ZERO) + Decimal("0.01"):
            src = where(t6, code, "amount")
            yield Finding(
                "X111",
                "error",
                f"表六基本支出 {code} {name} {fmt(basic)} 大于表十{name}决算 {fmt(sg)}",
                *at(src),
                (str(where(t10, "sangong", col)),),
                expected=f"≤ {sg}",
                actual=str(basic),
            )
        project = amount(t7, code, "amount") if t7 is not None else None
        if sg is not None and (basic is not None or project is not None):
            both = (basic or ZERO) + (project or ZERO)
            diff = both - sg
            if diff != 0 and abs(diff) <= Decimal("0.02"):
                src = where(t10, "sangong", col)
                yield Finding(
                    "X111",
                    "info",
                    f"表十{name}决算 {fmt(sg)} 与表六、表七 {code} 之和 {fmt(both)} 相差 {fmt(diff)}（四舍五入差异）",
                    *at(src),
                    tuple(
                        str(s) for s in (where(t6, code, "amount"), where(t7, code, "amount")) if s
                    ),
                    expected=str(sg),
                    actual=str(both),
                )


@rule(
    "X112", "error", "机构运行经费与公用经费一致", needs=("T06.public_total", "T11.operating_cost")
)
def x_operating_cost(ctx: Context) -> Iterator[Finding]:
    """机构运行经费 (表十一) = 表六 公用经费合计 for a department made only of 行政/参公 units; ≤ otherwise
    (X11, GovBudgetChecker R009; definition in 名词解释: 基本支出中的日常公用经费). 单位性质 from 封面 decides:
    it contains 行政 → equality; else at most 公用经费."""
    t6, t11 = present(ctx, "T06"), present(ctx, "T11")
    if t6 is None or t11 is None:
        return
    cost, public = amount(t11, "operating_cost", "value"), amount(t6, "public_total", "amount")
    if cost is None and public is None:
        return
    nature = str(ctx.book.field("COVER.unit", "nature") or "")
    src = where(t11, "operating_cost", "value")
    if "行政" in nature or "参公" in nature or "参照" in nature:
        yield from compare(
            "X112",
            "error",
            cost,
            public or ZERO,
            1,
            src,
            f"机构运行经费 {fmt(cost)} ≠ 表六公用经费合计 {fmt(public)}（行政单位两者应一致）",
            [where(t6, "public_total", "amount")],
        )
    elif cost is not None and cost > (public or ZERO):
        yield Finding(
            "X112",
            "error",
            f"机构运行经费 {fmt(cost)} 大于表六公用经费合计 {fmt(public)}",
            *at(src),
            (str(where(t6, "public_total", "amount")),),
        )


@rule(
    "X113",
    "error",
    "公务用车保有量 ≤ 表十一 车辆数合计",
    needs=("T11.vehicles_total", "NOTES.sangong.car_stock"),
)
def x_cars(ctx: Context) -> Iterator[Finding]:
    """说明数据 公务用车保有量 ≤ 表十一 车辆数合计 (X12): every car paid from 财政拨款 is a car of the unit."""
    t11 = present(ctx, "T11")
    cell = ctx.book.forms.get("NOTES.sangong", {}).get("car_stock")
    if t11 is None or cell is None or not isinstance(cell.value, int):
        return
    total = amount(t11, "vehicles_total", "value")
    if cell.value > (total or 0):
        src = cell.source
        yield Finding(
            "X113",
            "error",
            f"公务用车保有量 {cell.value} 辆大于表十一车辆数合计 {fmt(total) if total is not None else '（空）'} 辆",
            *at(src),
            (str(where(t11, "vehicles_total", "value")),),
        )


@rule(
    "X114",
    "warning",
    "绩效自评涉及资金 = 一般公共预算项目支出",
    needs=("T05.main.project", "NOTES.performance.gpb_amount"),
)
def x_performance_scope(ctx: Context) -> Iterator[Finding]:
    """说明数据 自评涉及一般公共预算资金 should equal 表五 项目支出 (一般公共预算财政拨款), since the
    self-evaluation covers 一般公共预算项目支出 (X13). The reference document states 335.51 (表三 项目支出,
    all funds) and calls it 100% of 一般公共预算项目支出 (表五: 331.68)."""
    cell = ctx.book.forms.get("NOTES.performance", {}).get("gpb_amount")
    t5 = present(ctx, "T05")
    if cell is None or t5 is None or cell.value is None:
        return
    project = amount(t5, "total", "project")
    if project is not None and cell.value != project:
        src = cell.source
        yield Finding(
            "X114",
            "warning",
            f"绩效自评涉及一般公共预算资金 {fmt(cell.value)} ≠ 表五项目支出 {fmt(project)}",
            *at(src),
            (str(where(t5, "total", "project")),),
            expected=str(project),
            actual=str(cell.value),
        )
