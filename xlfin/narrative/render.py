"""Rendering the narrative with Jinja2: filters for 万元 amounts, percentages and directions."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from xlfin.compute import direction, q2
from xlfin.model import Book
from xlfin.narrative.context import Context, build_context, missing
from xlfin.profile import Profile, cn_ordinal
from xlfin.values import display_width
from xlfin.writes import SheetWrite


def wan(x: Decimal | int | None) -> str:
    """1430.98 → '1,430.98' (half-up, 2 decimals, never -0.00); None → a visible marker."""
    if x is None:
        return missing("金额")
    v = q2(Decimal(x))
    if v == 0:
        v = abs(v)
    return f"{v:,.2f}"


def pct(x: Decimal | None) -> str:
    """29.37 → '29.37%'; None (no rate on a zero base) must not reach this filter."""
    if x is None:
        return missing("比率")
    v = q2(x)
    if v == 0:
        v = abs(v)
    return f"{v:.2f}%"


def absval(x: Decimal | None) -> Decimal | None:
    return None if x is None else abs(x)


def count(x) -> str:
    return missing("数量") if x is None else str(x)


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


def narrate(book: Book, profile: Profile, fmt: str = "md", publish: bool = False) -> str:
    """The whole disclosure text of *book*: ``md`` keeps heading marks and bold terms,
    ``txt`` is plain. *publish* puts a marker line (``<!-- xlfin:table T01 -->``, ``chart``,
    ``project``, ``toc``) where the Word publication draws a table, chart, form or 目录."""
    text = render_text(build_context(book, profile, publish))
    if fmt == "txt":
        text = re.sub(r"^#+ ", "", text, flags=re.M)
        text = text.replace("**", "")
    return text


NARRATIVE_SHEET = "情况说明"
WIDTH = 64  # characters: fits A4 portrait without scaling, in Excel and LibreOffice


def narrative_sheet(text: str) -> SheetWrite:
    """The 情况说明 sheet: one paragraph per row, wrapped, printable on A4."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    rows: list[list[object]] = []
    for p in paragraphs:
        if p.startswith("|"):  # a Markdown table: one row per line, cells spaced, no rule line
            for line in p.splitlines():
                if set(line) <= set("|-: "):
                    continue
                rows.append(["　".join(c.strip() for c in line.strip().strip("|").split("|"))])
        else:
            rows.append([re.sub(r"^#+ ", "", p).replace("**", "")])
    heights = {i: _height(str(row[0]), WIDTH) for i, row in enumerate(rows, 1)}
    return SheetWrite(
        NARRATIVE_SHEET,
        rows=rows,
        widths={1: WIDTH},
        wrap=True,
        print_title="部门决算情况说明",
        heights=heights,
    )


def _height(text: str, width: float) -> float:
    """Row height (points) that shows *text* wrapped in a column *width* characters wide; not
    every reader autofits rows, so the file says it (a CJK character is two widths)."""
    lines = 0
    for part in text.split("\n"):
        lines += max(1, -(-display_width(part) // int(width * 0.95)))
    return 15.0 * lines
