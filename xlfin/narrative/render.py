"""Rendering the narrative with Jinja2: filters for 万元 amounts, percentages and directions."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from xlfin.compute import direction, q2
from xlfin.model import Book, Source
from xlfin.narrative.context import Context, build_context
from xlfin.narrative.tracing import (
    TRACE,
    AsksOnly,
    Traced,
    ask,
    asks_of,
    is_none,
    mark_figures,
    parse,
    printed,
)
from xlfin.profile import Profile, cn_ordinal
from xlfin.trace import source_of, traced
from xlfin.values import display_width
from xlfin.writes import SheetWrite

RATE_TO_CONFIRM = 300


def _printed(x, text: str) -> str:
    return printed(x, text)


def wan(x: Decimal | int | None) -> str:
    """1430.98 → '1,430.98' (half-up, 2 decimals, never -0.00); None → a visible marker."""
    if is_none(x):
        return ask("金额", x)
    v = q2(Decimal(x))
    if v == 0:
        v = abs(v)
    return _printed(x, f"{v:,.2f}")


def pct(x: Decimal | None) -> str:
    """29.37 → '29.37%'; None (no rate on a zero base) must not reach this filter."""
    if is_none(x):
        return ask("比率", x)
    v = q2(x)
    if v == 0:
        v = abs(v)
    text = _printed(x, f"{v:.2f}%")
    if abs(v) > RATE_TO_CONFIRM:  # 7300.80%: a budget typed in 元, or a figure missing
        text += f"【请核对：比率超过 {RATE_TO_CONFIRM}%】"
    return text


def absval(x: Decimal | None) -> Decimal | None:
    """|x|, still printed from x's cell (the text says 减少 8.00, the cell holds −8.00)."""
    return x if is_none(x) else traced(abs(x), source_of(x))


def count(x) -> str:
    return ask("数量", x) if is_none(x) else _printed(x, str(x))


def _bytecode_cache():
    """Compiled templates kept between runs (compiling them all takes about 0.25 s, more than
    a whole check); none when the cache folder cannot be written."""
    from jinja2 import FileSystemBytecodeCache

    from xlfin.cache import cache_dir

    folder = cache_dir("templates")
    return None if folder is None else FileSystemBytecodeCache(str(folder), "xlfin-%s.cache")


@cache
def environment() -> Environment:
    env = Environment(
        bytecode_cache=_bytecode_cache(),
        loader=PackageLoader("xlfin.narrative", "templates"),
        auto_reload=False,  # the templates ship with xlfin: no stat of each include per render
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        wan=wan, pct=pct, direction=direction, absval=absval, count=count, cn=cn_ordinal
    )
    env.globals["ask"] = ask  # 【请填写…】 that knows the cell it asks for
    env.tests["none"] = is_none  # a blank input cell is none, as None is
    return env


def render_text(ctx: Context, template: str = "document.j2") -> str:
    """Render *template* with *ctx*; blank-line-separated paragraphs, '#' heading marks."""
    text = environment().get_template(template).render(c=ctx)
    return _layout(text)


def _layout(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"(?m)^(#+ .*)$", r"\n\1\n", text)  # a heading is a block of its own
    text = _one_paragraph_a_line(text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def _one_paragraph_a_line(text: str) -> str:
    """Every line its own paragraph (a numbered 项 item never runs into the next one, nor a
    sub-heading into the text before it), except the lines of one table or of one list."""
    out: list[str] = []
    for line in text.split("\n"):
        prev = out[-1] if out else ""
        if prev.strip() and line.strip():
            same = (prev.startswith("|") and line.startswith("|")) or (
                prev.startswith("- ") and line.startswith("- ")
            )
            if not same:
                out.append("")
        out.append(line)
    return "\n".join(out)


MARKER = re.compile(r"^<!-- xlfin:(\w+)(?: (\S+))? -->$")


def narrate_asks(book: Book, profile: Profile) -> list:
    """The 【请填写…】 markers the 情况说明 of *book* would print (what ``narrate_traced(…).asks``
    gives), each with its cell and section, without tracing every figure of the text. The
    text is made as for the publication: what it leaves to the Word document (目录, table
    lists, charts, the 绩效自评表 forms) holds no marker."""
    sources = AsksOnly()
    token = TRACE.set(sources)
    try:
        raw = (
            environment()
            .get_template("document.j2")
            .render(c=build_context(book, profile, publish=True))
        )
    finally:
        TRACE.reset(token)
    return asks_of(raw, sources)


def narrate_traced(book: Book, profile: Profile, publish: bool = False) -> Traced:
    """The md text of :func:`narrate` with the cell of every figure it prints."""
    sources: list = []
    token = TRACE.set(sources)
    try:
        raw = _layout(
            environment()
            .get_template("document.j2")
            .render(c=build_context(book, profile, publish))
        )
    finally:
        TRACE.reset(token)
    return parse(raw, sources)


COMPARE_DEPENDS = {
    "final": (
        "final",
        "change",
        "change_rate",
        "budget_change",
        "budget_change_rate",
        "completion",
        "share",
    ),
    "budget": ("budget", "budget_change", "budget_change_rate", "completion"),
}


def involved_cells(findings, book: Book, profile: Profile) -> dict[str, str]:
    """Every cell whose figure an error involves → the rules that say so: the error's own
    cells, and the 说明数据 cells computed from them (a 本年决算 copied from a table, the
    changes and rates computed from it, a 其他计算结果 figure whose input it is)."""
    from xlfin.compute import _where, ref_cell

    notes: dict[str, set[str]] = {}
    for f in findings:
        if f.severity != "error":
            continue
        cells = ([f"{f.sheet}!{f.cell}"] if f.sheet and f.cell else []) + list(f.related)
        for c in cells:
            notes.setdefault(c, set()).add(f.id)
    t = book.tables.get("NOTES")
    if t is not None and notes and profile.lacks("NOTES.compare") is None:
        compare = profile.sheet("NOTES").block("compare").rows
        for spec in compare:
            for ref, cols in (
                (spec.source, COMPARE_DEPENDS["final"]),
                (spec.budget_source, COMPARE_DEPENDS["budget"]),
            ):
                src = _where(book, ref) if ref else None
                why = notes.get(str(src)) if src is not None else None
                for col in cols if why else ():
                    at = t.where(spec.key, col)
                    if at is not None:
                        notes.setdefault(str(at), set()).update(why)
        if profile.lacks("NOTES.derived") is None:
            for spec in profile.sheet("NOTES").block("derived").rows:
                why = set()
                for ref in spec.rate + spec.add:
                    _, src = ref_cell(book, ref)
                    why |= notes.get(str(src), set()) if src is not None else set()
                at = t.where(spec.key, "value")
                if why and at is not None:
                    notes.setdefault(str(at), set()).update(why)
    return {cell: "、".join(sorted(ids)) for cell, ids in notes.items()}


def narrate_checked(book: Book, profile: Profile, findings, publish: bool = False):
    """The traced text with every figure an error involves marked 【请核对：<rule>】; and how
    many figures were marked."""
    traced = narrate_traced(book, profile, publish)
    return mark_figures(traced, involved_cells(findings, book, profile))


def plain(text: str) -> str:
    """The .txt form of the md text: no heading marks, no bold marks."""
    return re.sub(r"^#+ ", "", text, flags=re.M).replace("**", "")


def narrate(book: Book, profile: Profile, fmt: str = "md", publish: bool = False) -> str:
    """The whole disclosure text of *book*: ``md`` keeps heading marks and bold terms,
    ``txt`` is plain. *publish* puts a marker line (``<!-- xlfin:table T01 -->``, ``chart``,
    ``project``, ``toc``) where the Word publication draws a table, chart, form or 目录."""
    text = render_text(build_context(book, profile, publish))
    if fmt == "txt":
        text = re.sub(r"^#+ ", "", text, flags=re.M)
        text = text.replace("**", "")
    return text


def printed_as(value, like: str) -> str | None:
    """*value* (a cell's) printed the way the figure *like* is printed (1,430.98 / 29.37% /
    5), to compare the text with the cell; None for a blank or a text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    v = Decimal(value)
    if like.endswith("%"):
        return f"{q2(abs(v) * 100):.2f}%"
    if "." in like:
        return f"{q2(abs(v)):,.2f}"
    return str(int(v)) if v == v.to_integral_value() else format(v, "f")


NARRATIVE_SHEET = "情况说明"
WIDTH = 64  # characters: fits A4 portrait without scaling, in Excel and LibreOffice


def narrative_sheet(text: str | Traced) -> SheetWrite:
    """The 情况说明 sheet: one paragraph per row, wrapped, printable on A4. Given the traced
    text, each row also lists the cells of the figures it prints (columns B…, each a link
    to its cell: the reviewer clicks from the sentence to the number; printed: column A)."""
    md, figures = (text.text, text.figures) if isinstance(text, Traced) else (text, [])
    rows: list[list[object]] = []
    links: dict[tuple[int, int], str] = {}
    pos = 0
    for block in md.split("\n\n"):
        start, end = pos, pos + len(block)
        pos = end + 2
        p = block.strip()
        if not p:
            continue
        if p.startswith("|"):  # a Markdown table: one row per line, cells spaced, no rule line
            for line in p.splitlines():
                if set(line) <= set("|-: "):
                    continue
                rows.append(["　".join(c.strip() for c in line.strip().strip("|").split("|"))])
            continue
        rows.append([re.sub(r"^#+ ", "", p).replace("**", "")])
        seen: list[Source] = []
        for f in figures:
            if start <= f.start < end and f.source is not None and f.source not in seen:
                seen.append(f.source)
        for col, src in enumerate(seen, 2):
            rows[-1].append(str(src))
            links[(len(rows), col)] = f"'{src.sheet}'!{src.cell}"
    heights = {i: _height(str(row[0]), WIDTH) for i, row in enumerate(rows, 1)}
    extra = max((len(r) for r in rows), default=1) - 1
    return SheetWrite(
        NARRATIVE_SHEET,
        rows=rows,
        widths={1: WIDTH, **{c: 16 for c in range(2, extra + 2)}},
        links=links,
        wrap=True,
        print_title="部门决算情况说明",
        heights=heights,
        print_cols=1,
    )


def _height(text: str, width: float) -> float:
    """Row height (points) that shows *text* wrapped in a column *width* characters wide; not
    every reader autofits rows, so the file says it (a CJK character is two widths)."""
    lines = 0
    for part in text.split("\n"):
        lines += max(1, -(-display_width(part) // int(width * 0.95)))
    return 15.0 * lines
