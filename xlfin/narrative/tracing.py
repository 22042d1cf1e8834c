"""Tracing a rendering: which cell each printed figure and each 【请填写…】 marker stands for.

While a traced rendering runs, a printed figure is wrapped in private-use characters with the
index of its cell (\\ue000 i \\ue001 text \\ue002), a marker the same way (\\ue005 i \\ue001 text
\\ue002), a typed text in \\ue003 … \\ue004; :func:`parse` takes them out and keeps where each
stood. Outside a traced rendering nothing is wrapped and the text is the same.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from xlfin.model import Source
from xlfin.trace import source_of

TRACE: ContextVar[list | None] = ContextVar("xlfin_trace", default=None)
NUM_OPEN, MID, CLOSE, TYPED_OPEN, TYPED_CLOSE, ASK_OPEN = (
    "\ue000",
    "\ue001",
    "\ue002",
    "\ue003",
    "\ue004",
    "\ue005",
)
_MARKS = re.compile("([\ue000\ue005])(\\d+)\ue001(.*?)\ue002|\ue003|\ue004", re.S)
FIGURE = re.compile("[\ue000\ue005](\\d+)\ue001(.*?)\ue002", re.S)


class Blank(str):
    """A blank input cell the text needs: prints as nothing, tests as none in the templates,
    and tells the marker that asks for it where it is."""

    def __new__(cls, src: Source | None):
        obj = str.__new__(cls, "")
        obj.src = src
        return obj

    def __reduce__(self):
        return (Blank, (self.src,))


def value_or_blank(value, src: Source | None):
    """*value*, or a Blank that knows its cell when *value* is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Blank(src) if src is not None else None
    return value


def is_none(value) -> bool:
    return value is None or isinstance(value, Blank)


class AsksOnly(list):
    """The sources of a rendering that traces its 【请填写…】 markers only (figures and typed
    texts print as they are): what the check needs, at a fraction of a full trace."""


def _wrap(opener: str, src, text: str) -> str:
    sources = TRACE.get()
    if sources is None or (opener != ASK_OPEN and type(sources) is AsksOnly):
        return text
    sources.append(src)
    return f"{opener}{len(sources) - 1}{MID}{text}{CLOSE}"


def printed(x, text: str) -> str:
    """A figure as printed, wrapped with its cell while tracing."""
    return _wrap(NUM_OPEN, source_of(x), text)


def ask(what: str, where=None) -> str:
    """The marker 【请填写{what}】, wrapped with the cell it asks for while tracing. *where* is
    that cell: a Source, a Blank, or a value carrying ``src``."""
    src = where if isinstance(where, Source) else getattr(where, "src", None)
    return _wrap(ASK_OPEN, src, f"【请填写{what}】")


def typed(text: str) -> str:
    """A text a person typed, marked as such while tracing (its digits are not figures)."""
    return f"{TYPED_OPEN}{text}{TYPED_CLOSE}" if text and type(TRACE.get()) is list else text


@dataclass
class Figure:
    """One number (or marker) of the text: where it stands, how it prints, the cell it comes
    from (or asks for)."""

    start: int
    end: int
    printed: str
    source: Source | None
    section: str = ""


@dataclass
class Traced:
    """The text with every printed figure's cell (``figures``, in order), every marker's cell
    (``asks``) and the spans of typed text (whose digits are words, not figures). ``marked``
    keeps the figures wrapped (\\ue000 i \\ue001 text \\ue002) for a writer that annotates them;
    ``raw`` is the rendering with every wrapper."""

    text: str
    figures: list[Figure] = field(default_factory=list)
    typed: list[tuple[int, int]] = field(default_factory=list)
    marked: str = ""
    sources: list = field(default_factory=list)  # the cell of each index in ``marked``
    asks: list[Figure] = field(default_factory=list)
    raw: str = ""


def parse(raw: str, sources: list) -> Traced:
    """Take the wrappers out of a traced rendering, keeping where each figure stood."""
    out: list[str] = []
    figures: list[Figure] = []
    asks: list[Figure] = []
    spans: list[tuple[int, int]] = []
    pos = length = 0
    typed_at = None
    for m in _MARKS.finditer(raw):
        chunk = raw[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        if m.group(2) is not None:
            item = Figure(length, length + len(m.group(3)), m.group(3), sources[int(m.group(2))])
            (figures if m.group(1) == NUM_OPEN else asks).append(item)
            out.append(m.group(3))
            length += len(m.group(3))
        elif m.group(0) == TYPED_OPEN:
            typed_at = length
        elif typed_at is not None:
            spans.append((typed_at, length))
            typed_at = None
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    heads = [(m.start(), m.group(1)) for m in re.finditer(r"(?m)^#+ (.*)$", text)]
    if heads:  # before the first 部分: the cover and its 目录
        heads[0] = (heads[0][0], "封面")
    for f in figures + asks:
        f.section = next((h for at, h in reversed(heads) if at <= f.start), "")
    marked = re.sub(
        "\ue005\\d+\ue001(.*?)\ue002", lambda m: m.group(1), re.sub("[\ue003\ue004]", "", raw)
    )
    return Traced(text, figures, spans, marked, sources, asks, raw)


_ASK = re.compile("\ue005(\\d+)\ue001(.*?)\ue002", re.S)
_HEADING = re.compile(r"(?m)^#+ ([^\n]*)")


def asks_of(raw: str, sources: AsksOnly) -> list[Figure]:
    """The markers of a rendering traced with :class:`AsksOnly`, each with the section it is
    in (as :func:`parse` names them; positions are not kept)."""
    heads = [(m.start(), _ASK.sub(r"\2", m.group(1))) for m in _HEADING.finditer(raw)]
    asks: list[Figure] = []
    h = -1
    for m in _ASK.finditer(raw):
        while h + 1 < len(heads) and heads[h + 1][0] <= m.start():
            h += 1
        section = "" if h < 0 else "封面" if h == 0 else heads[h][1].rstrip(" \t")
        asks.append(Figure(0, 0, m.group(2), sources[int(m.group(1))], section))
    return asks


def mark_figures(traced: Traced, notes: dict[str, str]) -> tuple[Traced, int]:
    """*traced* with 【请核对：…】 after every figure whose cell is a key of *notes* (the note
    says why: the rules whose errors involve the cell); a figure already followed by a
    【请核对 marker keeps just that one. Returns the new text and how many were marked."""
    count = 0
    raw = traced.raw
    out: list[str] = []
    pos = 0
    for m in _MARKS.finditer(raw):
        if m.group(2) is None or m.group(1) != NUM_OPEN:
            continue
        src = traced.sources[int(m.group(2))]
        why = notes.get(str(src)) if src is not None else None
        if why is None:
            continue
        unit = _UNIT.match(raw, m.end())  # the marker goes after "2.98 万元", not inside it
        end = unit.end() if unit else m.end()
        if re.match("[\ue003\ue004]*【请核对", raw[end : end + 8]):
            continue  # the text already asks to check this figure
        out.append(raw[pos:end] + f"【请核对：{why}】")
        pos = end
        count += 1
    out.append(raw[pos:])
    return parse("".join(out), traced.sources), count


_UNIT = re.compile(r" ?(?:万元|个|辆|分|人次|批次|台（套）|家)")
