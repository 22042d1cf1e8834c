"""Rendering the narrative with Jinja2: filters for 万元 amounts, percentages and directions."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from xlfin.compute import direction, q2
from xlfin.model import Book, Source
from xlfin.narrative.context import Context, build_context, missing
from xlfin.profile import Profile, cn_ordinal
from xlfin.trace import source_of, traced
from xlfin.values import display_width
from xlfin.writes import SheetWrite

# While a traced rendering runs, every printed figure is wrapped in private-use characters
# with the index of its cell (\ue000 index \ue001 text \ue002), and every typed text in
# \ue003 … \ue004; the rendering takes them out and keeps where each was.
_TRACE: ContextVar[list | None] = ContextVar("xlfin_trace", default=None)
NUM_OPEN, NUM_MID, NUM_CLOSE, TYPED_OPEN, TYPED_CLOSE = (
    "\ue000",
    "\ue001",
    "\ue002",
    "\ue003",
    "\ue004",
)
_MARKS = re.compile("\ue000(\\d+)\ue001(.*?)\ue002|\ue003|\ue004", re.S)


def _printed(x, text: str) -> str:
    sources = _TRACE.get()
    if sources is None:
        return text
    sources.append(source_of(x))
    return f"{NUM_OPEN}{len(sources) - 1}{NUM_MID}{text}{NUM_CLOSE}"


def typed(text: str) -> str:
    """A text a person typed, marked as such while tracing (its digits are not figures)."""
    return f"{TYPED_OPEN}{text}{TYPED_CLOSE}" if _TRACE.get() is not None and text else text


def wan(x: Decimal | int | None) -> str:
    """1430.98 → '1,430.98' (half-up, 2 decimals, never -0.00); None → a visible marker."""
    if x is None:
        return missing("金额")
    v = q2(Decimal(x))
    if v == 0:
        v = abs(v)
    return _printed(x, f"{v:,.2f}")


def pct(x: Decimal | None) -> str:
    """29.37 → '29.37%'; None (no rate on a zero base) must not reach this filter."""
    if x is None:
        return missing("比率")
    v = q2(x)
    if v == 0:
        v = abs(v)
    return _printed(x, f"{v:.2f}%")


def absval(x: Decimal | None) -> Decimal | None:
    """|x|, still printed from x's cell (the text says 减少 8.00, the cell holds −8.00)."""
    return None if x is None else traced(abs(x), source_of(x))


def count(x) -> str:
    return missing("数量") if x is None else _printed(x, str(x))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("xlfin.narrative", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        wan=wan, pct=pct, direction=direction, absval=absval, count=count, cn=cn_ordinal
    )
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


@dataclass
class Figure:
    """One number of the text: where it stands, how it prints, the cell it comes from."""

    start: int
    end: int
    printed: str
    source: Source | None
    section: str = ""


@dataclass
class Traced:
    """The text with every printed figure's cell (``figures``, in order) and the spans of
    typed text (whose digits are words, not figures). ``marked`` is the text with the figures
    still wrapped (\ue000 i \ue001 text \ue002), for a writer that annotates them."""

    text: str
    figures: list[Figure] = field(default_factory=list)
    typed: list[tuple[int, int]] = field(default_factory=list)
    marked: str = ""
    sources: list = field(default_factory=list)  # the cell of each index in ``marked``


def narrate_traced(book: Book, profile: Profile, publish: bool = False) -> Traced:
    """The md text of :func:`narrate` with the cell of every figure it prints."""
    sources: list = []
    token = _TRACE.set(sources)
    try:
        raw = _layout(
            environment()
            .get_template("document.j2")
            .render(c=build_context(book, profile, publish))
        )
    finally:
        _TRACE.reset(token)
    out: list[str] = []
    figures: list[Figure] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    typed_at = None
    for m in _MARKS.finditer(raw):
        chunk = raw[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        if m.group(1) is not None:
            figures.append(
                Figure(length, length + len(m.group(2)), m.group(2), sources[int(m.group(1))])
            )
            out.append(m.group(2))
            length += len(m.group(2))
        elif m.group(0) == TYPED_OPEN:
            typed_at = length
        elif typed_at is not None:
            spans.append((typed_at, length))
            typed_at = None
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    heads = [(m.start(), m.group(1)) for m in re.finditer(r"(?m)^#+ (.*)$", text)]
    for f in figures:
        f.section = next((h for at, h in reversed(heads) if at <= f.start), "")
    marked = re.sub("[\ue003\ue004]", "", raw)
    return Traced(text, figures, spans, marked, sources)


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
        return pct(abs(v) * 100)
    if "." in like:
        return wan(abs(v))
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
