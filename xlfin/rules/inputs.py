"""N rules: narrative inputs (变动原因, texts) and the 项目支出绩效自评表 arithmetic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from xlfin.model import Cell
from xlfin.rules.engine import Context, Finding, at, fmt, rule
from xlfin.rules.review import budget_of, compare_rows, final_of

ZERO = Decimal(0)


@rule("N101", "warning", "与上年相比有变动但没有变动原因", needs=("NOTES.compare",))
def missing_yoy_reason(ctx: Context) -> Iterator[Finding]:
    """Wherever the narrative compares with last year (较上年增加/减少), a 变动原因 must follow; “主要原因：”
    followed by nothing is a defect (GovBudgetChecker yoy_reason_required, CMM-005). Required when the change
    is not zero. The reference document gives no reason for the 收支总计 change (+14.4)."""
    for spec, row in compare_rows(ctx):
        if row is None:
            continue
        prior = row.amount("prior")
        final = final_of(ctx, spec, row)
        if prior is None or final is None or final == prior:
            continue
        if row.cells.get("reason") is None or row.cells["reason"].blank:
            sheet, cell = at(row.where("reason"))
            yield Finding(
                "N101",
                "warning",
                f"“{spec.label}”较上年变动 {fmt(final - prior)} 万元，未填写变动原因",
                sheet,
                cell,
            )


@rule("N102", "warning", "与年初预算有差异但没有原因", needs=("NOTES.compare",))
def missing_budget_reason(ctx: Context) -> Iterator[Finding]:
    """收支总计, 财政拨款收支总计 and “三公”经费 are compared with the 年初预算 in the narrative; a difference
    needs a reason (STD: 对增减变化情况（与预算对比）进行说明)."""
    for spec, row in compare_rows(ctx):
        if not spec.needs_budget_reason:
            continue
        budget = budget_of(ctx, spec, row)
        final = final_of(ctx, spec, row)
        if budget is None or final is None or budget == final:
            continue
        reason = row.cells.get("budget_reason") if row is not None else None
        if reason is None or reason.blank:
            where = row.where("budget_reason") if row is not None else None
            sheet, cell = at(where)
            yield Finding(
                "N102",
                "warning",
                f"“{spec.label}”与年初预算相差 {fmt(final - budget)} 万元，未填写差异原因",
                sheet or "说明数据",
                cell,
            )


@rule("N103", "warning", "项的决算与年初预算不同但没有差异原因", needs=("NOTES.items", "T05"))
def missing_item_reason(ctx: Context) -> Iterator[Finding]:
    """Section 五 explains every 项 whose 决算 differs from its 年初预算 (SHT: 按上述格式依次说明到各项级科目，
    预决算持平的不用说明变动原因; GovBudgetChecker V33-110). 决算 comes from 表五."""
    notes, t5 = ctx.book.tables.get("NOTES"), ctx.book.tables.get("T05")
    if notes is None or t5 is None:
        return
    for row in notes.rows.values():
        if row.block != "items" or not row.code or len(row.code) != 7:
            continue
        final = t5.get(row.code, "total")
        budget = row.amount("budget")
        final = final if isinstance(final, Decimal) else ZERO
        if (budget or ZERO) == final:
            continue
        if row.cells.get("reason") is None or row.cells["reason"].blank:
            sheet, cell = at(row.where("reason"))
            yield Finding(
                "N103",
                "warning",
                f"{row.code} {row.label}：决算 {fmt(final)} 与年初预算 {fmt(budget)} 不同，未填写差异原因",
                sheet,
                cell,
            )


# ---------------------------------------------------------------- typed reasons vs their numbers

UP = ("增加", "增长", "追加", "上升", "提高", "新增", "调增", "扩大", "增多")
DOWN = (
    "减少",
    "下降",
    "未使用",
    "调出",
    "节约",
    "压减",
    "缩减",
    "调减",
    "降低",
    "减支",
    "未发生",
    "取消",
)
SAME = re.compile(r"(?<!基本)(持平|无变化|无差异|没有变化|没有差异)")
NONE_THIS_YEAR = re.compile(r"本年度?(无|没有|未发生|未安排)")
RESTATED = re.compile(r"(增加|减少|增长|下降)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*万元")
STUB = re.compile(
    r"(主要)?原因(是|为)?[:：]\s*$|增加[（(]减少[）)]|减少[（(]增加[）)]|增[（(]减[）)]"
)
CENT2 = Decimal("0.01")


def reasons(ctx: Context) -> list[tuple[str, Cell, Decimal, Decimal]]:
    """Every typed reason with the figure it explains: (what, cell, change, 本年决算). The
    变动原因 of a comparison row explains its change from 上年决算, its 差异原因 the difference
    from 年初预算; an item's 差异原因 its difference from 年初预算 (决算 from 表五). Computed
    once per run (five rules read them)."""
    cached = getattr(ctx, "_reasons", None)
    if cached is None:
        cached = ctx._reasons = list(_reasons(ctx))
    return cached


def _reasons(ctx: Context) -> Iterator[tuple[str, Cell, Decimal, Decimal]]:
    for spec, row in compare_rows(ctx):
        if row is None:
            continue
        final = final_of(ctx, spec, row)
        if final is None:
            continue
        prior, budget = row.amount("prior"), budget_of(ctx, spec, row)
        for key, base in (("reason", prior), ("budget_reason", budget)):
            cell = row.cells.get(key)
            if base is not None and cell is not None and isinstance(cell.value, str):
                yield spec.label, cell, final - base, final
    notes, t5 = ctx.book.tables.get("NOTES"), ctx.book.tables.get("T05")
    if notes is None:
        return
    for row in notes.rows.values():
        cell = row.cells.get("reason")
        if row.block != "items" or cell is None or not isinstance(cell.value, str):
            continue
        final = t5.get(row.code, "total") if t5 is not None else None
        final = final if isinstance(final, Decimal) else ZERO
        budget = row.amount("budget")
        if budget is not None:
            yield f"{row.code} {row.label}", cell, final - budget, final


def _reason_finding(rule_id: str, cell: Cell, message: str) -> Finding:
    sheet, addr = at(cell)
    return Finding(rule_id, "warning", message, sheet, addr, actual=cell.value)


@rule("N104", "warning", "原因说持平，但数字有变动", needs=("NOTES.compare",))
def says_unchanged(ctx: Context) -> Iterator[Finding]:
    """A reason says 持平 / 无变化 / 无差异 while the figure it explains changed (by 0.01 万元 or
    more). Either the reason was copied from another row or the figures are wrong. 基本持平 is
    accepted for small differences."""
    for what, cell, change, _final in reasons(ctx):
        if change != 0 and SAME.search(cell.value):
            yield _reason_finding(
                "N104",
                cell,
                f"“{what}”的原因写“{SAME.search(cell.value).group(0)}”，但变动为 {fmt(change)} 万元",
            )


@rule("N105", "warning", "原因的增减方向与数字相反", needs=("NOTES.compare",))
def wrong_direction(ctx: Context) -> Iterator[Finding]:
    """A reason speaks only of increases (增加, 增长, 追加 …) while the figure fell, or only of
    decreases (减少, 下降, 未使用, 调出 …) while it rose. A reason naming both is not judged."""
    for what, cell, change, _final in reasons(ctx):
        up = any(w in cell.value for w in UP)
        down = any(w in cell.value for w in DOWN)
        if change < 0 and up and not down:
            yield _reason_finding(
                "N105", cell, f"“{what}”减少了 {fmt(-change)} 万元，原因却只说增加：{cell.value}"
            )
        elif change > 0 and down and not up:
            yield _reason_finding(
                "N105", cell, f"“{what}”增加了 {fmt(change)} 万元，原因却只说减少：{cell.value}"
            )


@rule("N106", "warning", "原因说本年没有，但本年决算不为 0", needs=("NOTES.compare",))
def says_none_this_year(ctx: Context) -> Iterator[Finding]:
    """A reason says 本年无… / 本年度没有… while 本年决算 is not 0."""
    for what, cell, _change, final in reasons(ctx):
        m = NONE_THIS_YEAR.search(cell.value)
        if m and final != 0:
            yield _reason_finding(
                "N106", cell, f"“{what}”本年决算为 {fmt(final)} 万元，原因却写“{m.group(0)}…”"
            )


@rule("N107", "warning", "原因中复述的增减额与计算结果不符", needs=("NOTES.compare",))
def restated_amount(ctx: Context) -> Iterator[Finding]:
    """A reason restates the change (“增加 12.50 万元”) with a figure that is not the computed
    change; the narrative prints the computed one next to it."""
    for what, cell, change, _final in reasons(ctx):
        for m in RESTATED.finditer(cell.value):
            stated = Decimal(m.group(2).replace(",", ""))
            if stated.quantize(CENT2, ROUND_HALF_UP) != abs(change).quantize(CENT2, ROUND_HALF_UP):
                yield _reason_finding(
                    "N107",
                    cell,
                    f"“{what}”的原因写“{m.group(0)}”，计算的变动为 {fmt(change)} 万元",
                )


@rule("N108", "warning", "原因是未写完的模板文字", needs=("NOTES.compare",))
def stub_reason(ctx: Context) -> Iterator[Finding]:
    """A reason is a template leftover: “主要原因是：” with nothing after it, or “增加（减少）”
    not resolved to one word."""
    for what, cell, _change, _final in reasons(ctx):
        m = STUB.search(cell.value.strip())
        if m:
            yield _reason_finding("N108", cell, f"“{what}”的原因没有写完：“{cell.value.strip()}”")


def text_cells(ctx: Context) -> list[tuple[str, Cell]]:
    """Every typed text of the book that the narrative may quote: (what, cell); computed once
    per run."""
    cached = getattr(ctx, "_text_cells", None)
    if cached is None:
        cached = list(_text_cells(ctx))
        ctx._text_cells = cached
    return cached


def _text_cells(ctx: Context) -> Iterator[tuple[str, Cell]]:
    for form, fields in ctx.book.forms.items():
        for key, cell in fields.items():
            if isinstance(cell.value, str):
                yield f"{form}.{key}", cell
    for name, items in ctx.book.lists.items():
        for item in items:
            for key, cell in item.items():
                if isinstance(cell.value, str):
                    yield f"{name}.{key}", cell
    notes = ctx.book.tables.get("NOTES")
    if notes is not None:
        for row in notes.rows.values():
            for key in ("reason", "budget_reason"):
                cell = row.cells.get(key)
                if cell is not None and isinstance(cell.value, str):
                    yield f"{row.key}.{key}", cell
    for t in ctx.book.tables.values():
        if isinstance(t.note.value, str):
            yield f"{t.id}.note", t.note
    for i, p in enumerate(ctx.book.projects, 1):
        for key, cell in p.fields.items():
            if isinstance(cell.value, str):
                yield f"project{i}.{key}", cell
        for ind in p.indicators:
            for key in ("level3", "deviation"):
                cell = ind.cells.get(key)
                if cell is not None and isinstance(cell.value, str):
                    yield f"project{i}.{key}", cell


# Between texts joined for one search: no pattern of the text rules matches it, so a lookaround
# at a text's edge sees the same as at the end of the text alone (XML cannot hold it: never typed).
_JOIN = "\x00"


def all_texts(ctx: Context) -> str:
    """The texts of :func:`text_cells` joined by NUL, for one search that tells whether a
    pattern can match any of them (a pattern that finds nothing here matches no text alone);
    computed once per run."""
    cached = getattr(ctx, "_all_texts", None)
    if cached is None:
        cached = _JOIN.join(cell.value for _what, cell in text_cells(ctx))
        ctx._all_texts = cached
    return cached


def _text_rule(rule_id: str, pattern: re.Pattern, describe) -> callable:
    def check(ctx: Context) -> Iterator[Finding]:
        if pattern.search(all_texts(ctx)) is None:
            return  # the common case: one search instead of one per text
        for _what, cell in text_cells(ctx):
            for m in pattern.finditer(cell.value):
                sheet, addr = at(cell)
                yield Finding(
                    rule_id, "warning", describe(m, cell.value), sheet, addr, actual=m.group(0)
                )

    return check


def _snippet(text: str, m: re.Match) -> str:
    a, b = max(0, m.start() - 6), min(len(text), m.end() + 6)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


PUNCT = re.compile(r"[。，、；：！？]{2,}|[，。；：][,.;:]|[,.;:][，。；：]")
PLACEHOLDER = re.compile(
    r"[XxＸｘ×]{2,}|某某|【请填写[^】]*】|\{\{[^}]*\}\}|待填写|(?<!【)请填写|[（(](待|略)[)）]"
)
YUAN = re.compile(r"(?<![\d.])(\d[\d,]*\.\d+)\s*元")
REPEAT = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
TRADITIONAL = set(
    "滿與為會國費經發開關項設務業員財預決報據數這個們區單機構黨組織產應說時間對實現當從進過還動點無義錢辦長門問題學"
    "聽見議認識計劃際導補貼億萬營運歲資訊輛贈種傳統專衛雙縣鄉鎮層級處條營體權廣"
)


TEXT_PATTERNS: dict[str, re.Pattern] = {}  # rule id → the pattern it looks for in every text


def _define(rule_id: str, title: str, doc: str, pattern: re.Pattern, describe) -> None:
    from xlfin.rules.engine import register

    TEXT_PATTERNS[rule_id] = pattern
    register(rule_id, "warning", title, doc, _text_rule(rule_id, pattern, describe))


_define(
    "N201",
    "文字中的标点错误",
    """Doubled or mixed punctuation in a typed text: “。。”, “，：”, “、、”, or a Chinese mark next to an ASCII
    one (GovBudgetChecker V33-113, CMM-002). The reference document has “收、支、余。。” and “41.78%，：”.""",
    PUNCT,
    lambda m, t: f"标点异常“{m.group(0)}”：{_snippet(t, m)}",
)
_define(
    "N202",
    "未替换的占位符",
    """A placeholder left in a text: XX, ××, 某某, 【请填写…】, 待填写, a bare 请填写, （待）, （略）
    (GovBudgetChecker V33-112).""",
    PLACEHOLDER,
    lambda m, t: f"文字中有未替换的占位符“{m.group(0)}”：{_snippet(t, m)}",
)
_define(
    "N203",
    "金额单位写成“元”",
    """An amount with decimals followed by 元 where the disclosure works in 万元 (GovBudgetChecker R001, high).
    The reference document: “收、支总计各增加 14.4 元”. Whole amounts such as “每人每年发放2000元” are left
    alone.""",
    YUAN,
    lambda m, t: f"“{m.group(0)}”的单位应为“万元”？{_snippet(t, m)}",
)
_define(
    "N204",
    "重复的词语",
    """The same word twice in a row: 服务服务, 增加增加, 预算预算 (GovBudgetChecker R003, CMM-002). The reference
    document: “舆情监测云服务服务期未滿”.""",
    REPEAT,
    lambda m, t: f"词语重复“{m.group(0)}”：{_snippet(t, m)}",
)


PCT_DECIMALS = re.compile(r"(?<![\d.])\d+\.\d{3,}\s*[%％]")
SHARE_NO_PCT = re.compile(
    r"(?:占比|比重)(?:为|是|约)?\s*(\d+(?:\.\d+)?)(?![\d.]*\s*[%％])"
    r"|占[^，。；：\d]{1,12}的\s*(\d+(?:\.\d+)?)(?![\d.]*\s*[%％])"
)
ASCII_COMMA = re.compile(r"[\u4e00-\u9fff],\s*(?=\d)|(?<=\d),(?=[\u4e00-\u9fff])")
_define(
    "N206",
    "百分比超过两位小数",
    """A percentage typed with more than two decimals (33.674%): the disclosure prints rates
    with two decimals, half-up (33.67%).""",
    PCT_DECIMALS,
    lambda m, t: f"百分比“{m.group(0)}”应保留两位小数：{_snippet(t, m)}",
)
_define(
    "N207",
    "占比没有百分号",
    """A share typed without its %: “占本年支出合计的 93.58”, “占比为 33”. Without the sign the
    reader cannot tell a rate from an amount.""",
    SHARE_NO_PCT,
    lambda m, t: f"占比“{m.group(0)}”缺少“%”：{_snippet(t, m)}",
)
_define(
    "N208",
    "中文与数字之间用了英文逗号",
    """An ASCII comma between Chinese text and a number (“支出,1,430.98”): Chinese text takes the
    full-width “，”; the ASCII comma is the thousands separator inside numbers only.""",
    ASCII_COMMA,
    lambda m, t: f"应使用中文逗号“，”：{_snippet(t, m)}",
)


@rule("N209", "warning", "引号不成对")
def unbalanced_quotes(ctx: Context) -> Iterator[Finding]:
    """A typed text opens “ more often than it closes ” (or the other way round): a quotation
    left open, usually from copying part of a sentence."""
    for _what, cell in text_cells(ctx):
        opened, closed = cell.value.count("“"), cell.value.count("”")
        if opened != closed:
            sheet, addr = at(cell)
            yield Finding(
                "N209",
                "warning",
                f"引号不成对（“ {opened} 个，” {closed} 个）：{cell.value[:40]}",
                sheet,
                addr,
            )


@rule("N205", "warning", "简体文字中的繁体字")
def traditional(ctx: Context) -> Iterator[Finding]:
    """A traditional character in simplified text (e.g. 滿 for 满, 與 for 与, 費 for 费), usually from copying
    out of another document or an input method. The reference document: “服务期未滿”."""
    for _what, cell in text_cells(ctx):
        found = sorted({ch for ch in cell.value if ch in TRADITIONAL})
        if found:
            sheet, addr = at(cell)
            yield Finding(
                "N205",
                "warning",
                f"文字中有繁体字“{'、'.join(found)}”",
                sheet,
                addr,
                actual="".join(found),
            )


# ------------------------------------------------------------------ 绩效自评

WEIGHT_LABEL = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*[)）]")


def _num(cell: Cell | None) -> Decimal | None:
    return cell.value if cell is not None and isinstance(cell.value, Decimal) else None


def _pname(p) -> str:
    return str(p.get("name") or "（未命名项目）")


@rule("N301", "error", "绩效自评得分超过分值", needs=("PERF",))
def score_over_weight(ctx: Context) -> Iterator[Finding]:
    """In a 项目支出绩效自评表, every 得分 ≤ its 分值 (资金执行 row and each 三级指标; domain.md §3.4). The reference
    document's 各委员会工作经费 gives 10 of 5 and 15 of 10."""
    for p in ctx.book.projects:
        rows = [p.funds.get("total", {})] + [i.cells for i in p.indicators]
        for cells in rows:
            w, s = _num(cells.get("weight")), _num(cells.get("score"))
            if w is not None and s is not None and s > w:
                sheet, addr = at(cells.get("score"))
                yield Finding(
                    "N301",
                    "error",
                    f"“{_pname(p)}”得分 {s} 超过分值 {w}",
                    sheet,
                    addr,
                    expected=f"≤ {w}",
                    actual=str(s),
                )


def _score_parts(p) -> tuple[list[Cell], list[Cell]]:
    fund = p.funds.get("total", {})
    weights = [fund.get("weight")] + [i.cells.get("weight") for i in p.indicators]
    scores = [fund.get("score")] + [i.cells.get("score") for i in p.indicators]
    return [c for c in weights if c is not None], [c for c in scores if c is not None]


@rule("N302", "error", "绩效自评总分 ≠ 各项得分之和", needs=("PERF",))
def total_score(ctx: Context) -> Iterator[Finding]:
    """总分 得分 = 资金执行得分 + Σ 指标得分 (domain.md §3.4). The reference document's 宣传工作经费 adds up to 96
    but states 97."""
    for p in ctx.book.projects:
        _w, scores = _score_parts(p)
        stated = _num(p.fields.get("total_score"))
        got = sum((_num(c) or ZERO for c in scores), ZERO)
        if stated is not None and scores and stated != got:
            sheet, addr = at(p.fields.get("total_score"))
            yield Finding(
                "N302",
                "error",
                f"“{_pname(p)}”总分 {stated} ≠ 各项得分之和 {got}",
                sheet,
                addr,
                tuple(str(c.source) for c in scores if c.source),
                expected=str(got),
                actual=str(stated),
            )


@rule("N303", "error", "一级指标标注的分值 ≠ 其下指标分值之和", needs=("PERF",))
def level1_weights(ctx: Context) -> Iterator[Finding]:
    """An 一级指标 label such as 产出指标（50） must equal the Σ 分值 of the indicators under it (domain.md §3.4).
    The reference document labels 效益指标（40） over indicators worth 30."""
    for p in ctx.book.projects:
        groups: list[tuple[Cell, Decimal, list[Cell]]] = []
        for ind in p.indicators:
            cell = ind.cells.get("level1")
            if cell is not None and isinstance(cell.value, str) and cell.value.strip():
                m = WEIGHT_LABEL.search(cell.value)
                groups.append((cell, Decimal(m.group(1)) if m else None, []))
            if groups and ind.cells.get("weight") is not None:
                groups[-1][2].append(ind.cells["weight"])
        for cell, label_weight, weights in groups:
            if label_weight is None:
                continue
            got = sum((_num(c) or ZERO for c in weights), ZERO)
            if got != label_weight:
                sheet, addr = at(cell)
                yield Finding(
                    "N303",
                    "error",
                    f"“{_pname(p)}”{cell.value.strip()} 标注分值 {label_weight}，其下指标分值之和为 {got}",
                    sheet,
                    addr,
                    expected=str(got),
                    actual=str(label_weight),
                )


@rule("N304", "error", "绩效自评分值合计应为 100", needs=("PERF",))
def total_weight(ctx: Context) -> Iterator[Finding]:
    """资金执行分值 + Σ 指标分值 = 100, and equals the 总分 分值 stated (domain.md §3.4)."""
    for p in ctx.book.projects:
        weights, _s = _score_parts(p)
        if not weights:
            continue
        got = sum((_num(c) or ZERO for c in weights), ZERO)
        stated = _num(p.fields.get("total_weight"))
        if got != 100 or (stated is not None and stated != got):
            weight = p.fields.get("total_weight")
            sheet, addr = at(weight if weight is not None and weight.source else p.source)
            yield Finding(
                "N304",
                "error",
                f"“{_pname(p)}”分值之和为 {got}（总分分值 {stated if stated is not None else '空'}），应为 100",
                sheet,
                addr,
                expected="100",
                actual=str(got),
            )


@rule("N305", "warning", "执行率 ≠ 全年执行数 ÷ 全年预算数", needs=("PERF",))
def execution_rate(ctx: Context) -> Iterator[Finding]:
    """执行率 = 全年执行数 ÷ 全年预算数, as a percentage with 2 decimals (domain.md §3.4). A rate printed with
    fewer decimals (82.8%) is accepted when it equals the computed one rounded."""
    for p in ctx.book.projects:
        for key, fund in p.funds.items():
            rate, done, budget = (
                _num(fund.get("rate")),
                _num(fund.get("executed")),
                _num(fund.get("annual_budget")),
            )
            if rate is None or done is None or not budget:
                continue
            exact = done / budget
            places = max(-rate.as_tuple().exponent, 2)
            expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if rate != expected:
                sheet, addr = at(fund.get("rate"))
                pct = (exact * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                yield Finding(
                    "N305",
                    "warning",
                    f"“{_pname(p)}”{ {'total': '年度资金总额', 'fiscal': '财政拨款', 'other': '其他资金'}.get(key, key) }执行率 {rate * 100}% ≠ {done} ÷ {budget} = {pct}%",
                    sheet,
                    addr,
                    expected=str(pct),
                    actual=str(rate * 100),
                )


WRONG_TITLE = re.compile(r"本部门")


@rule("N210", "warning", "称谓与封面不一致", needs=("COVER.unit.dept_kind",))
def self_reference(ctx: Context) -> Iterator[Finding]:
    """The 封面 says the discloser is a 单位, but a typed text calls it 本部门. A 单位 is not a
    部门 (a 部门 publishes its own and its units' accounts); the generated text says 本单位 where
    the 封面 says 单位, so the typed words should too. (A 部门 that writes 本单位 is common usage
    and is not reported.)"""
    kind = ctx.book.field("COVER.unit", "dept_kind")
    if not isinstance(kind, str) or kind.strip() != "单位":
        return
    for _what, cell in text_cells(ctx):
        for m in WRONG_TITLE.finditer(cell.value):
            yield Finding(
                "N210",
                "warning",
                f"封面的称谓是“单位”，文字中却写“本部门”：{_snippet(cell.value, m)}",
                *at(cell),
                actual=m.group(0),
            )
