"""T rules: identities inside one table (domain.md §3.1)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlfin.rules.engine import Context, Finding, at, compare, fmt, rule
from xlfin.rules.helpers import (
    amount,
    present,
    sum_columns,
    sum_rows,
    tree,
    where,
)


def _profile_sum(ctx: Context, table_id: str, key: str) -> list[str]:
    found = ctx.profile.sheet(table_id).find_row(key)
    return list(found[1].sum) if found else []


def _columns(ctx: Context, table_id: str, block: str) -> list[str]:
    return [c.key for c in ctx.profile.sheet(table_id).block(block).columns]


def _row_rule(rule_id: str, table_id: str, key: str, what: str):
    """T rule factory: the profile's row total *key* equals the sum of its parts."""

    def check(ctx: Context) -> Iterator[Finding]:
        found = ctx.profile.sheet(table_id).find_row(key)
        if not found:
            return
        block, spec = found
        yield from sum_rows(
            ctx, rule_id, table_id, key, list(spec.sum), [c.key for c in block.columns], what
        )

    check.needs = (f"{table_id}.{key}=",)  # the row, defined by the format as a sum
    return check


def _define(rule_id: str, title: str, doc: str, func) -> None:
    """Register a factory-made rule; it needs what its factory says (``func.needs``)."""
    from xlfin.rules.engine import register

    register(rule_id, "error", title, doc, func, getattr(func, "needs", ()))


_define(
    "T101",
    "表一 本年收入合计 = 各项收入之和",
    """表一 收入支出决算总表: 本年收入合计 = 一、一般公共预算财政拨款收入 + 二、政府性基金 + 三、国有资本经营
    + 四、上级补助 + 五、事业 + 六、经营 + 七、附属单位上缴 + 八、其他收入 (domain.md T1-d).
    Rounding: a difference up to (n + 1) × 0.005 万元 for n terms is reported as info (四舍五入差异).""",
    _row_rule("T101", "T01", "income_total", "表一本年收入合计"),
)
_define(
    "T102",
    "表一 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余",
    """表一: 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 (T1-a, GovBudgetChecker V33-115).""",
    _row_rule("T102", "T01", "income_grand", "表一收入总计"),
)
_define(
    "T103",
    "表一 本年支出合计 = 各功能分类之和",
    """表一: 本年支出合计 = Σ 支出功能分类 类 rows (一、一般公共服务支出 …) (T1-d).""",
    _row_rule("T103", "T01", "expense_total", "表一本年支出合计"),
)
_define(
    "T104",
    "表一 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余",
    """表一: 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余 (T1-b, GovBudgetChecker D-001, V33-101).""",
    _row_rule("T104", "T01", "expense_grand", "表一支出总计"),
)


@rule("T105", "error", "表一 收入总计 = 支出总计", needs=("T01.income_grand", "T01.expense_grand"))
def t01_balance(ctx: Context) -> Iterator[Finding]:
    """表一: 收入总计 = 支出总计 (T1-c, GovBudgetChecker V33-214). The two sides of the
    statement must balance."""
    t = present(ctx, "T01")
    if t is None:
        return
    inc, exp = amount(t, "income_grand", "amount"), amount(t, "expense_grand", "amount")
    if inc is None and exp is None:
        return
    yield from compare(
        "T105",
        "error",
        exp,
        inc or Decimal(0),
        1,
        where(t, "expense_grand", "amount"),
        f"表一支出总计 {fmt(exp)} ≠ 收入总计 {fmt(inc)}",
        [where(t, "income_grand", "amount")],
    )


@rule("T201", "error", "表二 本年收入合计 = 各收入列之和", needs=("T02.main.total",))
def t02_rows(ctx: Context) -> Iterator[Finding]:
    """表二 收入决算表, each row: 本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入
    + 附属单位上缴收入 + 其他收入 (T2-a, GovBudgetChecker V33-240)."""
    col = ctx.profile.sheet("T02").block("main").column("total")
    yield from sum_columns(ctx, "T201", "T02", "total", list(col.sum), None, "表二本年收入合计")


@rule("T202", "error", "表二 合计 = Σ类，类 = Σ款，款 = Σ项", needs=("T02.main",))
def t02_tree(ctx: Context) -> Iterator[Finding]:
    """表二, every column: 合计 = Σ类, 类 = Σ款, 款 = Σ项 (T2-b, GovBudgetChecker V33-120/240)."""
    yield from tree(ctx, "T202", "T02", "main", _columns(ctx, "T02", "main"), "表二")


@rule("T301", "error", "表三 本年支出合计 = 各支出列之和", needs=("T03.main.total",))
def t03_rows(ctx: Context) -> Iterator[Finding]:
    """表三 支出决算表, each row: 本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出
    + 对附属单位补助支出 (T3-a, GovBudgetChecker V33-241)."""
    col = ctx.profile.sheet("T03").block("main").column("total")
    yield from sum_columns(ctx, "T301", "T03", "total", list(col.sum), None, "表三本年支出合计")


@rule("T302", "error", "表三 合计 = Σ类，类 = Σ款，款 = Σ项", needs=("T03.main",))
def t03_tree(ctx: Context) -> Iterator[Finding]:
    """表三, every column: 合计 = Σ类, 类 = Σ款, 款 = Σ项 (T2/3/5/8/9-b)."""
    yield from tree(ctx, "T302", "T03", "main", _columns(ctx, "T03", "main"), "表三")


@rule(
    "T401",
    "error",
    "表四 支出 合计 = 一般公共预算 + 政府性基金 + 国有资本经营",
    needs=("T04.expense.total",),
)
def t04_rows(ctx: Context) -> Iterator[Finding]:
    """表四 财政拨款收入支出决算总表, each 支出 row: 合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款
    + 国有资本经营预算财政拨款 (T4-a, GovBudgetChecker V33-119; V33-242 leaves this step out)."""
    t = present(ctx, "T04")
    if t is None:
        return
    rows = [r for r in t.rows.values() if r.block == "expense"]
    col = ctx.profile.sheet("T04").block("expense").column("total")
    yield from sum_columns(ctx, "T401", "T04", "total", list(col.sum), rows, "表四支出合计")


_define(
    "T402",
    "表四 本年收入合计 = 三类财政拨款之和",
    """表四: 本年收入合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款 + 国有资本经营预算财政拨款.""",
    _row_rule("T402", "T04", "income_total", "表四本年收入合计"),
)
_define(
    "T403",
    "表四 年初财政拨款结转和结余 = 三类之和",
    """表四: 年初财政拨款结转和结余 = 其中一般公共预算 + 政府性基金 + 国有资本经营 sub-rows.""",
    _row_rule("T403", "T04", "begin_total", "表四年初财政拨款结转和结余"),
)
_define(
    "T404",
    "表四 收入总计 = 本年收入合计 + 年初财政拨款结转和结余",
    """表四: 收入总计 = 本年收入合计 + 年初财政拨款结转和结余 (GovBudgetChecker V33-119/242).""",
    _row_rule("T404", "T04", "income_grand", "表四收入总计"),
)
_define(
    "T405",
    "表四 本年支出合计 = 各功能分类之和",
    """表四, each column (合计, 一般公共预算, 政府性基金, 国有资本经营): 本年支出合计 = Σ 功能分类 类 rows.""",
    _row_rule("T405", "T04", "expense_total", "表四本年支出合计"),
)
_define(
    "T406",
    "表四 支出总计 = 本年支出合计 + 年末财政拨款结转和结余",
    """表四, each column: 支出总计 = 本年支出合计 + 年末财政拨款结转和结余 (GovBudgetChecker V33-242).""",
    _row_rule("T406", "T04", "expense_grand", "表四支出总计"),
)

FUNDS = (("gpb", "一般公共预算"), ("gov_fund", "政府性基金预算"), ("soe", "国有资本经营预算"))


@rule(
    "T407",
    "error",
    "表四 每类资金：本年收入 + 年初结转 = 本年支出 + 年末结转；收入总计 = 支出总计",
    needs=("T04.expense_total", "T04.end_balance", "T04.begin_total"),
)
def t04_balance(ctx: Context) -> Iterator[Finding]:
    """表四, per fund: 本年收入 + 年初结转和结余 = 本年支出 + 年末结转和结余 (T4-b, GovBudgetChecker
    V33-119/242); and 收入总计 = 支出总计 (合计 column). Example: 一般公共预算 收入 1,421.25 + 年初 0 must
    equal 支出 1,421.25 + 年末 0."""
    t = present(ctx, "T04")
    if t is None:
        return
    for col, name in FUNDS:
        inc = amount(t, col, "amount")
        begin = amount(t, f"begin_{col}", "amount")
        spent = amount(t, "expense_total", col)
        end = amount(t, "end_balance", col)
        if all(v is None for v in (inc, begin, spent, end)):
            continue
        left = (inc or 0) + (begin or 0)
        yield from compare(
            "T407",
            "error",
            (spent or Decimal(0)) + (end or Decimal(0)),
            Decimal(left),
            2,
            where(t, "end_balance", col),
            f"表四{name}财政拨款：本年支出 {fmt(spent)} + 年末结转 {fmt(end)} ≠ 本年收入 {fmt(inc)}"
            f" + 年初结转 {fmt(begin)}",
            [
                where(t, col, "amount"),
                where(t, f"begin_{col}", "amount"),
                where(t, "expense_total", col),
            ],
        )
    inc, exp = amount(t, "income_grand", "amount"), amount(t, "expense_grand", "total")
    if inc is not None or exp is not None:
        yield from compare(
            "T407",
            "error",
            exp,
            inc or Decimal(0),
            1,
            where(t, "expense_grand", "total"),
            f"表四支出总计 {fmt(exp)} ≠ 收入总计 {fmt(inc)}",
            [where(t, "income_grand", "amount")],
        )


@rule("T501", "error", "表五 合计 = 基本支出 + 项目支出", needs=("T05.main.total",))
def t05_rows(ctx: Context) -> Iterator[Finding]:
    """表五 一般公共预算财政拨款支出决算表, each row: 合计 = 基本支出 + 项目支出 (T5-a, GovBudgetChecker
    R007, V33-233)."""
    yield from sum_columns(ctx, "T501", "T05", "total", ["basic", "project"], None, "表五合计")


@rule("T502", "error", "表五 合计 = Σ类，类 = Σ款，款 = Σ项", needs=("T05.main",))
def t05_tree(ctx: Context) -> Iterator[Finding]:
    """表五, every column: 合计 = Σ类, 类 = Σ款, 款 = Σ项 (GovBudgetChecker V33-120)."""
    yield from tree(ctx, "T502", "T05", "main", _columns(ctx, "T05", "main"), "表五")


def _economic_classes(ctx: Context, table_id: str) -> Iterator[tuple[str, list[str]]]:
    for b in ctx.profile.sheet(table_id).blocks:
        if b.type != "economic":
            continue
        for r in b.rows:
            if r.level == "类":
                yield (
                    r.key,
                    [x.key for x in b.rows if x.code and len(x.code) == 5 and x.code[:3] == r.key],
                )


def _economic_tree(rule_id: str, table_id: str, what: str):
    def check(ctx: Context) -> Iterator[Finding]:
        for cls, kuans in _economic_classes(ctx, table_id):
            yield from sum_rows(
                ctx, rule_id, table_id, cls, kuans, ["amount"], f"{what}（类 = Σ款）"
            )

    check.needs = (table_id,)
    return check


_define(
    "T601",
    "表六 经济分类 类 = Σ款",
    """表六 一般公共预算财政拨款基本支出决算明细表: each 经济分类 类 (301, 302, 303, 310, 307, 399) = Σ of its
    款 rows (GovBudgetChecker V33-117/243).""",
    _economic_tree("T601", "T06", "表六"),
)
_define(
    "T602",
    "表六 人员经费合计 = 301 + 303",
    """表六: 人员经费合计 = 301 工资福利支出 + 303 对个人和家庭的补助 (T6-a, GovBudgetChecker V33-243).""",
    _row_rule("T602", "T06", "personnel_total", "表六人员经费合计"),
)
_define(
    "T603",
    "表六 公用经费合计 = 302 + 310 (+307 +399)",
    """表六: 公用经费合计 = 302 商品和服务支出 + 310 资本性支出 (+ 307 债务利息及费用支出 + 399 其他支出
    where present) (T6-a, GovBudgetChecker V33-243).""",
    _row_rule("T603", "T06", "public_total", "表六公用经费合计"),
)
_define(
    "T701",
    "表七 经济分类 类 = Σ款",
    """表七 一般公共预算财政拨款项目支出决算明细表: each 经济分类 类 = Σ of its 款 rows (T7-a).""",
    _economic_tree("T701", "T07", "表七"),
)
_define(
    "T702",
    "表七 合计 = Σ 经济分类 类",
    """表七: 合计 = Σ of the 类 rows 301 … 399 (T7-a).""",
    _row_rule("T702", "T07", "project_total", "表七合计"),
)


@rule("T801", "error", "表八 本年支出 小计 = 基本支出 + 项目支出", needs=("T08.main.total",))
def t08_rows(ctx: Context) -> Iterator[Finding]:
    """表八 政府性基金预算财政拨款收入支出决算表, each row: 本年支出 小计 = 基本支出 + 项目支出 (T8-a)."""
    yield from sum_columns(ctx, "T801", "T08", "total", ["basic", "project"], None, "表八本年支出")


@rule(
    "T802",
    "error",
    "表八 年初结转 + 本年收入 − 本年支出 = 年末结转",
    needs=("T08.main.begin", "T08.main.income", "T08.main.end"),
)
def t08_balance(ctx: Context) -> Iterator[Finding]:
    """表八, each row: 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余 (T8-a)."""
    t = present(ctx, "T08")
    if t is None:
        return
    for row in t.rows.values():
        vals = [row.amount(c) for c in ("begin", "income", "total", "end")]
        if all(v is None for v in vals):
            continue
        begin, income, spent, end = (v or Decimal(0) for v in vals)
        name = "合计" if row.key == "total" else f"{row.code} {row.label}"
        yield from compare(
            "T802",
            "error",
            vals[3],
            begin + income - spent,
            3,
            row.where("end") or row.source,
            f"表八 {name}：年末结转和结余 {fmt(vals[3])} ≠ 年初 {fmt(vals[0])} + 收入 {fmt(vals[1])}"
            f" − 支出 {fmt(vals[2])}",
            [row.where("begin"), row.where("income"), row.where("total")],
        )


@rule("T803", "error", "表八 合计 = Σ类，类 = Σ款，款 = Σ项", needs=("T08.main",))
def t08_tree(ctx: Context) -> Iterator[Finding]:
    """表八, every column: 合计 = Σ类, 类 = Σ款, 款 = Σ项."""
    yield from tree(ctx, "T803", "T08", "main", _columns(ctx, "T08", "main"), "表八")


@rule("T901", "error", "表九 合计 = 基本支出 + 项目支出", needs=("T09.main.total",))
def t09_rows(ctx: Context) -> Iterator[Finding]:
    """表九 国有资本经营预算财政拨款支出决算表, each row: 合计 = 基本支出 + 项目支出."""
    yield from sum_columns(ctx, "T901", "T09", "total", ["basic", "project"], None, "表九合计")


@rule("T902", "error", "表九 合计 = Σ类，类 = Σ款，款 = Σ项", needs=("T09.main",))
def t09_tree(ctx: Context) -> Iterator[Finding]:
    """表九, every column: 合计 = Σ类, 类 = Σ款, 款 = Σ项."""
    yield from tree(ctx, "T902", "T09", "main", _columns(ctx, "T09", "main"), "表九")


@rule(
    "T950",
    "error",
    "表十 三公 合计 = 出国 + 公车 + 接待；公车小计 = 购置 + 运行",
    needs=("T10.sangong",),
)
def t10_sums(ctx: Context) -> Iterator[Finding]:
    """表十 财政拨款“三公”经费支出决算表, for 预算数 and 决算数 alike: 合计 = 因公出国（境）费 +
    公务用车购置及运行维护费 小计 + 公务接待费; 小计 = 公务用车购置费 + 公务用车运行维护费
    (T10-a, GovBudgetChecker C-001, V33-121/244, R008). (T9xx numbers 表九 T900–T949, 表十 T950–T959,
    表十一 T960–T969.)"""
    t = present(ctx, "T10")
    if t is None:
        return
    block = ctx.profile.sheet("T10").block("main")
    for c in block.columns:
        if c.sum:
            yield from sum_columns(
                ctx, "T950", "T10", c.key, list(c.sum), None, f"表十{'/'.join(c.path)}{c.label}"
            )


_define(
    "T960",
    "表十一 政府采购支出总额 = 货物 + 工程 + 服务",
    """表十一: 政府采购支出总额 = 政府采购货物支出 + 工程支出 + 服务支出 (T11-a).""",
    _row_rule("T960", "T11", "procurement_total", "表十一政府采购支出总额"),
)
_define(
    "T961",
    "表十一 授予中小企业合同金额 = 货物 + 工程 + 服务 各类授予中小企业金额",
    """表十一: 政府采购授予中小企业合同金额 = 货物 + 工程 + 服务 采购授予中小企业合同金额 (T11-a).
    Example (the reference document): 2.98 授予中小企业, but 货物 42.56% × 6.25 = 2.66 and 服务
    7.9% × 2.60 = 0.21 add up to 2.87.""",
    _row_rule("T961", "T11", "sme_total", "表十一授予中小企业合同金额"),
)


@rule(
    "T962",
    "error",
    "表十一 小微 ≤ 中小企业 ≤ 采购总额",
    needs=("T11.procurement_total", "T11.sme_total", "T11.sme_micro"),
)
def t11_order(ctx: Context) -> Iterator[Finding]:
    """表十一: 授予小微企业合同金额 ≤ 授予中小企业合同金额 ≤ 政府采购支出总额, and each category's
    中小企业 amount ≤ that category's 支出 (T11-a)."""
    t = present(ctx, "T11")
    if t is None:
        return
    pairs = [
        ("sme_micro", "sme_total"),
        ("sme_total", "procurement_total"),
        ("sme_goods", "procurement_goods"),
        ("sme_works", "procurement_works"),
        ("sme_services", "procurement_services"),
    ]
    for small, big in pairs:
        a, b = amount(t, small, "value"), amount(t, big, "value")
        if a is not None and a > (b or 0):
            from xlfin.rules.helpers import label

            src = where(t, small, "value")
            yield Finding(
                "T962",
                "error",
                f"{label(ctx, 'T11', small)} {fmt(a)} 大于 {label(ctx, 'T11', big)} {fmt(b)}",
                *at(src),
                (str(where(t, big, "value")),),
                expected=f"≤ {b}",
                actual=str(a),
            )


_define(
    "T963",
    "表十一 车辆数合计 = 各类车辆之和",
    """表十一: 车辆数合计 = 副部（省）级及以上领导用车 + 主要领导干部用车 + 机要通信用车 + 应急保障用车
    + 执法执勤用车 + 特种专业技术用车 + 离退休干部用车 + 其他用车 (T11-a).""",
    _row_rule("T963", "T11", "vehicles_total", "表十一车辆数合计"),
)
