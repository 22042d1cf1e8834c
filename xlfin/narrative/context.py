"""Everything the narrative says, computed from the Book: numbers as Decimals, texts verbatim.

The templates only format and choose words; every figure is computed here (via
:mod:`xlfin.compute`), and every human sentence (变动原因, 职能, 工作完成情况, 开支内容 …)
comes from an input cell, never invented. Where a figure or reason is missing or inconsistent
the context carries a visible marker (【请填写…】, 【请核对…】).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal

from xlfin import codes
from xlfin.compute import (
    Comparison,
    _where,
    as_decimal,
    comparisons,
    derived,
    items,
    project_rate_cell,
    q2,
    rate,
    ref_cell,
    table_amount,
)
from xlfin.model import Book
from xlfin.narrative.tracing import Blank, ask, typed, value_or_blank
from xlfin.profile import Part, Profile, Section, cn_ordinal
from xlfin.publication import project_form
from xlfin.trace import traced

MISSING_REASON = "【请填写变动原因】"
ZERO = Decimal(0)


def missing(what: str, where=None) -> str:
    """The marker 【请填写{what}】 (with the cell it asks for, *where*, while tracing)."""
    return ask(what, where)


@dataclass
class Line:
    """A named amount (an economic item, a 三公 item …)."""

    name: str
    amount: Decimal


@dataclass
class ItemText:
    kuan: str
    name: str
    budget: Decimal | None
    final: Decimal
    completion: Decimal | None
    reason: str
    budget_at: object = None  # the 说明数据 cells a marker asks for
    reason_at: object = None


@dataclass
class ClassText:
    ordinal: str
    name: str
    final: Decimal
    budget: Decimal | None
    budget_change: Decimal | None
    items: list[ItemText] = field(default_factory=list)
    share: Decimal | None = None  # of the 一般公共预算财政拨款支出 total
    budget_at: object = None


@dataclass
class EconClass:
    name: str
    amount: Decimal
    items: list[Line]


@dataclass
class ProjectText:
    title: str
    score: Decimal | None
    score_note: str
    budget: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    achievement: str | None
    problems: str | None
    improvements: str | None
    name: str
    # the full 项目支出绩效自评表 (xlfin.publication.ProjectForm), printed in the Markdown text;
    # None for the Word publication, which draws the forms itself
    form: object = None


# A typed text never becomes structure in the .md/.docx: no blank line starts a paragraph of
# its own, and a line that would start a heading, table, quote or list, "**" and "<tag" get
# an invisible zero-width space (U+200B) so that they print as typed and parse as text.
_ZWSP = "\u200b"
_BLOCK_START = re.compile(r"(?m)^(\s*)(#|\||>|[-+*] |```|\d+\. )")


_PLAIN = re.compile(r"[\r\n*<]")


def md_safe(text: str) -> str:
    """*text* as it will print, never as Markdown structure."""
    if not _PLAIN.search(text) and not _BLOCK_START.match(text):
        return typed(text)  # one line with nothing to neutralise (most typed texts)
    text = re.sub(r"\n[ \t\u3000]*\n+", "\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLOCK_START.sub(lambda m: m.group(1) + _ZWSP + m.group(2), text)
    return typed(text.replace("**", "*" + _ZWSP + "*").replace("<", "<" + _ZWSP))


def _safe(v):
    if isinstance(v, Blank):
        return v
    if isinstance(v, str):
        return md_safe(v)
    if isinstance(v, list):
        return [_safe(x) for x in v]
    if isinstance(v, tuple):
        return tuple(_safe(x) for x in v)
    if isinstance(v, dict):
        return {k: _safe(x) for k, x in v.items()}
    return v


def _table_cells(v):
    """Table cells: a typed "|" would split the Markdown table, so it prints full-width."""
    if isinstance(v, str):
        return v.replace("|", "｜").replace("\n", " ")
    if isinstance(v, list):
        return [_table_cells(x) for x in v]
    if isinstance(v, dict):
        return {k: _table_cells(x) for k, x in v.items()}
    return v


def _typed_text_is_text(ctx: Context) -> Context:
    """Every text of the context that a person typed, made Markdown-safe (figures untouched)."""
    ctx.unit, ctx.overview = _safe(ctx.unit), _safe(ctx.overview)
    ctx.units = _table_cells(_safe(ctx.units))
    ctx.performance, ctx.glossary = _safe(ctx.performance), _safe(ctx.glossary)
    ctx.dept, ctx.kind = md_safe(ctx.dept), md_safe(ctx.kind)
    if ctx.end_items:
        ctx.end_items = md_safe(ctx.end_items)
    if ctx.sangong:
        ctx.sangong["counts"] = _safe(ctx.sangong["counts"])
    for cm in ctx.comp.values():
        cm.reason = md_safe(cm.reason) if cm.reason else cm.reason
        cm.budget_reason = md_safe(cm.budget_reason) if cm.budget_reason else cm.budget_reason
    for k in ctx.classes:
        k.name = md_safe(k.name)
        for it in k.items:
            it.kuan, it.name, it.reason = md_safe(it.kuan), md_safe(it.name), md_safe(it.reason)
    for x in ctx.projects:
        for attr in ("title", "name", "achievement", "problems", "improvements", "score_note"):
            if getattr(x, attr):
                setattr(x, attr, md_safe(getattr(x, attr)))
        f = x.form
        if f is None:
            continue
        for attr in ("name", "department", "implementer", "goal_expected", "goal_actual"):
            setattr(f, attr, _table_cells(md_safe(getattr(f, attr))))
        f.indicators = _table_cells(_safe(f.indicators))
    for line in ctx.personnel + ctx.public + ctx.vehicles:
        line.name = md_safe(line.name)
    return ctx


def _text(v) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


_amount = as_decimal


def _econ_lines(book: Book, table_id: str, classes: tuple[str, ...]) -> list[EconClass]:
    t = book.tables.get(table_id)
    out = []
    if t is None:
        return out
    ec = codes.load("economic")
    for cls in classes:
        row = t.rows.get(cls)
        total = traced(row.amount("amount"), row.where("amount")) if row else None
        lines = []
        for r in t.rows.values():
            if r.code and len(r.code) == 5 and r.code[:3] == cls:
                v = r.amount("amount")
                if v:
                    lines.append(
                        Line(r.label or ec.name(r.code) or r.code, traced(v, r.where("amount")))
                    )
        if total or lines:
            name = ec.name(cls) or cls
            out.append(
                EconClass(name if name.endswith("支出") else name + "支出", total or ZERO, lines)
            )
    return out


def _class_items(book: Book, profile: Profile) -> list[ClassText]:
    fn = codes.load("functional")
    t5 = book.tables.get("T05")
    out: list[ClassText] = []
    current = None
    for item in items(book, profile):
        if len(item.code) == 3:
            current = item.code
            out.append(
                ClassText(
                    ordinal=cn_ordinal(len(out) + 1),
                    name=item.name,
                    final=item.final,
                    budget=item.budget,
                    budget_change=item.budget_change,
                    share=item.share,
                    budget_at=item.cells.get("budget"),
                )
            )
            continue
        if current is None or not item.code.startswith(current):
            continue
        kuan_row = t5.rows.get(item.code[:5]) if t5 is not None else None
        kuan = (
            (kuan_row.label if kuan_row is not None and kuan_row.label else None)
            or fn.name(item.code[:5], book.year)
            or item.code[:5]
        )
        reason = item.reason
        if reason is None and (item.budget or ZERO) != item.final:
            reason = missing("差异原因", item.cells.get("reason"))
        out[-1].items.append(
            ItemText(
                kuan,
                item.name,
                item.budget,
                item.final,
                item.completion,
                reason or "",
                item.cells.get("budget"),
                item.cells.get("reason"),
            )
        )
    return out


def _project_texts(book: Book, forms: bool = True) -> list[ProjectText]:
    out = []
    for p in book.projects:
        name_at = p.fields["name"].source if "name" in p.fields else None
        name = _text(p.get("name")) or missing("项目名称", name_at)
        title = name if name.endswith("项目") else name + "项目"
        fund = p.funds.get("total", {})

        def at(key: str, cells=fund):
            c = cells.get(key)
            return traced(_amount(c.value), c.source) if c is not None else None

        budget, executed = at("annual_budget"), at("executed")
        score = at("total_score", p.fields)

        def shown(value, key: str, cells=fund):  # what the text prints: a blank asks for its cell
            c = cells.get(key)
            return value_or_blank(value, c.source) if c is not None else value

        parts = [fund.get("score")] + [i.cells.get("score") for i in p.indicators]
        got = sum((_amount(c.value) or ZERO for c in parts if c is not None), ZERO)
        note = ""
        if score is not None and any(c is not None for c in parts) and got != score:
            note = f"【请核对：各项得分之和为 {_plain(got)} 分】"
        form = project_form(p) if forms else None
        out.append(
            ProjectText(
                form=form,
                title=title,
                score=shown(score, "total_score", p.fields),
                score_note=note,
                budget=shown(budget, "annual_budget"),
                executed=shown(executed, "executed"),
                rate=traced(rate(executed, budget), project_rate_cell(p, "total")),
                achievement=_text(p.get("achievement"))
                or value_or_blank(
                    None, p.fields["achievement"].source if "achievement" in p.fields else None
                ),
                problems=_text(p.get("problems")),
                improvements=_text(p.get("improvements")),
                name=name,
            )
        )
    return out


def _blank_input(book: Book, profile: Profile, key: str):
    """The first blank cell among the inputs of a 其他计算结果 figure (None if none is)."""
    spec = next((r for r in profile.sheet("NOTES").block("derived").rows if r.key == key), None)
    for ref in (spec.rate + spec.add) if spec else ():
        cell, where = ref_cell(book, ref)
        if (cell is None or cell.blank) and where is not None:
            return where
    return None


def _fields(book: Book, form: str) -> dict:
    """A form's values for the templates: each number with its cell, each blank a Blank that
    knows its cell (the marker that asks for it says where)."""
    return {
        k: value_or_blank(traced(c.value, c.source), c.source)
        for k, c in book.forms.get(form, {}).items()
    }


def _derived_unit(profile: Profile, key: str) -> str:
    spec = profile.sheet("NOTES").block("derived")
    return next((r.unit for r in spec.rows if r.key == key), "")


def _count(v) -> int | None:
    """A count cell (辆, 台（套）) as an int, or None when blank or not a whole number."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return None


def _plain(x: Decimal | None) -> str:
    if x is None:
        return ""
    text = format(x.normalize(), "f")
    return text


@dataclass
class Context:
    """What the templates see."""

    year: int
    dept: str
    kind: str
    unit: dict
    overview: dict
    units: list[dict]
    comp: dict[str, Comparison]
    classes: list[ClassText]
    personnel: list[Line]
    public: list[Line]
    project_classes: list[EconClass]
    sangong: dict
    fund: dict
    soe: dict
    procurement: dict
    vehicles: list[Line]
    vehicles_total: int | None
    equipment: int | None
    performance: dict
    projects: list[ProjectText]
    glossary: list[tuple[str, str]]
    tables: list[str]
    end_items: str | None
    sections: list = field(default_factory=list)
    terms: object = None
    parts: list = field(default_factory=list)
    info: dict = field(default_factory=dict)
    publish: bool = False  # the Word publication: markers where tables, charts and forms go
    table_ids: list[str] = field(default_factory=list)


def build_context(book: Book, profile: Profile, publish: bool = False) -> Context:
    """The narrative context of *book*: what each section of *profile* that applies says.

    A part whose table or row the profile does not have is None (its section does not
    apply and is not rendered); nothing is read from a table the format lacks."""
    unit = _fields(book, "COVER.unit")
    overview = _fields(book, "OVERVIEW.overview")
    dept = _text(unit.get("dept_name")) or missing("部门名称", unit.get("dept_name"))
    comp = (  # copies: the texts in them are made Markdown-safe below (a check shares these)
        {k: copy.copy(v) for k, v in comparisons(book, profile).items()}
        if profile.lacks("NOTES.compare") is None
        else {}
    )
    personnel = [
        ln
        for ec in _econ_lines(book, "T06", profile.codes_of("personnel_classes"))
        for ln in ec.items
    ]
    public = [
        ln for ec in _econ_lines(book, "T06", profile.codes_of("public_classes")) for ln in ec.items
    ]
    sangong = _sangong(book, profile, comp)
    t08, t09 = book.tables.get("T08"), book.tables.get("T09")
    fund = {"comp": comp.get("gov_fund_expense"), "has_money": _has_money(t08)}
    soe = {"comp": comp.get("soe_expense"), "has_money": _has_money(t09)}
    t11 = book.tables.get("T11")

    def g(key: str) -> Decimal | None:  # a blank stays None: the text asks for it, never 0.00
        if t11 is None or not t11.present:
            return None
        at = t11.where(key, "value")
        return value_or_blank(traced(_amount(t11.get(key, "value")), at), at)

    notes = book.tables.get("NOTES")
    figures = derived(book, profile)

    def d(key: str):  # a figure of 说明数据's 其他计算结果, with its cell
        if key not in figures:
            return None
        v = figures[key]
        if v is not None and v == v.to_integral_value() and _derived_unit(profile, key) == "个":
            v = int(v)
        src = notes.where(key, "value") if notes is not None else None
        if v is None:  # not computable: the marker asks for the blank input it comes from
            return value_or_blank(None, _blank_input(book, profile, key))
        return traced(v, src)

    procurement = {
        key: g(key)
        for key in (
            "procurement_total",
            "procurement_goods",
            "procurement_works",
            "procurement_services",
            "sme_total",
            "sme_micro",
            "sme_goods",
            "sme_works",
            "sme_services",
        )
    }
    for key in ("sme_share", "micro_share", "micro_of_sme"):
        procurement[key] = d(key)
    for cat in ("goods", "works", "services"):
        procurement[f"{cat}_share"] = d(f"{cat}_share")
    vehicles = []
    if profile.lacks("T11.vehicles_total") is None:
        spec11 = profile.sheet("T11").block("main")
        for r in spec11.rows:
            if r.key.startswith("veh_"):
                v = t11.get(r.key, "value") if t11 else None
                v = _amount(v) if v is not None else None
                at = t11.where(r.key, "value") if t11 else None
                vehicles.append(Line(r.label, value_or_blank(traced(v, at), at)))
    info = {}  # every row of 表十一 (or of the format's input sheet for those figures)
    if profile.lacks("T11.main") is None:
        for r in profile.sheet("T11").block("main").rows:
            v = t11.get(r.key, "value") if t11 else None
            v = _count(v) if r.unit not in ("万元", "") else _amount(v)
            at = t11.where(r.key, "value") if t11 else None
            info[r.key] = value_or_blank(traced(v, at), at)
    vt = t11.get("vehicles_total", "value") if t11 else None
    eq = t11.get("equipment_1m", "value") if t11 else None
    vt_at = t11.where("vehicles_total", "value") if t11 else None
    eq_at = t11.where("equipment_1m", "value") if t11 else None
    perf = _fields(book, "NOTES.performance")
    t5 = book.tables.get("T05")
    gpb_project = t5.amount("total", "project") if t5 is not None else None
    perf["gpb_share"] = d("perf_share")
    perf["gpb_project"] = traced(gpb_project, t5.where("total", "project") if t5 else None)
    perf["fund_projects"] = d("fund_projects")
    perf["forms"] = d("perf_forms")
    perf["total_projects"] = d("perf_total")
    perf["names"] = [
        n.strip()
        for n in str(perf.get("dept_eval_names") or "").replace("，", "、").split("、")
        if n.strip()
    ]
    glossary = [
        (str(i.get("term").value), str(i.get("definition").value))
        for i in book.lists.get("NOTES.glossary", [])
        if i.get("term") is not None and i.get("definition") is not None
    ]
    units = [{k: c.value for k, c in item.items()} for item in book.lists.get("COVER.units", [])]
    end_items = book.forms.get("NOTES.balance", {}).get("end_items")
    ctx = Context(
        year=book.year,
        dept=dept,
        kind=_text(unit.get("dept_kind")) or "部门",
        unit=unit,
        overview=overview,
        units=units,
        comp=comp,
        classes=_class_items(book, profile) if profile.lacks("NOTES.items") is None else [],
        personnel=personnel,
        public=public,
        project_classes=_econ_lines(book, "T07", profile.codes_of("project_classes")),
        sangong=sangong,
        fund=fund,
        soe=soe,
        procurement=procurement,
        vehicles=vehicles,
        vehicles_total=value_or_blank(traced(_count(vt), vt_at), vt_at),
        equipment=value_or_blank(traced(_count(eq), eq_at), eq_at),
        performance=perf,
        projects=_project_texts(book, forms=not publish),
        glossary=glossary,
        tables=[s.title for s in profile.published],
        table_ids=[s.id for s in profile.published],
        publish=publish,
        end_items=_text(end_items.value) if end_items is not None else None,
        sections=applicable_sections(profile),
        terms=TermView(profile),
        parts=[_part(x, book.year) for x in profile.parts],
        info=info,
    )
    return _typed_text_is_text(ctx)


SANGONG_ROWS = (
    ("total", "sangong_total"),
    ("abroad", "sg_abroad"),
    ("car", "sg_car"),
    ("car_purchase", "sg_car_purchase"),
    ("car_operation", "sg_car_operation"),
    ("reception", "sg_reception"),
)


def _sangong(book: Book, profile: Profile, comp: dict) -> dict | None:
    """The 三公 figures (表十 预算/决算, 说明数据 comparisons and counts); None without 表十."""
    if profile.lacks("T10.sangong") is not None:
        return None
    t10 = "T10.sangong."
    sangong: dict = {
        key: {
            col: traced(table_amount(book, ref), _where(book, ref))
            for col, ref in (
                ("budget", t10 + f"budget_{key}"),
                ("final", t10 + f"final_{key}"),
            )
        }
        for key, _ in SANGONG_ROWS
    }
    for key, comp_key in SANGONG_ROWS:
        cm = comp.get(comp_key)
        sangong[key]["comp"] = cm
        x = sangong[key]
        # the rates 说明数据 holds (its 三公 rows read 预算 and 决算 from 表十), else computed
        x["completion"] = cm.completion if cm is not None else rate(x["final"], x["budget"])
        x["share"] = (
            cm.share
            if cm is not None and cm.share is not None
            else rate(x["final"], sangong["total"]["final"])
        )
    sangong["counts"] = _fields(book, "NOTES.sangong")
    domestic, foreign = comp.get("sg_reception_domestic"), comp.get("sg_reception_foreign")
    sangong["domestic"] = (
        value_or_blank(domestic.final, domestic.cells.get("final")) if domestic else None
    )
    sangong["foreign"] = (
        value_or_blank(foreign.final, foreign.cells.get("final")) if foreign else None
    )
    return sangong


class TermView:
    """The format's wording for the templates: ``c.terms.operating_cost``."""

    DEFAULTS = {"operating_cost": "机构运行经费"}

    def __init__(self, profile: Profile):
        self.profile = profile

    def __getattr__(self, key: str) -> str:
        if key.startswith("_") or key == "profile":
            raise AttributeError(key)
        return self.profile.term(key, self.DEFAULTS.get(key, key))


def _part(part: Part, year: int) -> Part:
    """*part* with ``{year}`` in its titles replaced by the report year."""
    y = str(year)
    return Part(
        id=part.id,
        title=part.title.replace("{year}", y),
        template=part.template,
        toc_title=part.toc_title.replace("{year}", y),
        toc_list=part.toc_list,
        toc=tuple(t.replace("{year}", y) for t in part.toc),
    )


def applicable_sections(profile: Profile) -> list[Section]:
    """The 情况说明 sections of *profile* whose needs it meets, in order."""
    return [s for s in profile.sections if profile.missing(s.needs) is None]


def _has_money(t) -> bool:
    if t is None:
        return False
    return any(
        isinstance(c.value, Decimal) and c.value != 0
        for r in t.rows.values()
        for c in r.cells.values()
    )


__all__ = ["Context", "build_context", "MISSING_REASON", "missing", "q2"]
