"""Split a disclosure text into its sections, for the golden comparison with the reference."""

from __future__ import annotations

import re

ORDINALS = [
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
]
WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Whitespace removed (the reference is PDF text with spaces and breaks everywhere) and the
    Markdown bold marks of the reference's 名词解释 dropped."""
    return WS.sub("", text).replace("**", "")


def _body(text: str, start: str, end: str) -> str:
    """The text between the *second* occurrence of *start* (the first is the 目录) and *end*."""
    first = text.index(start)
    second = text.index(start, first + len(start))
    stop = text.index(end, second)
    return text[second + len(start) : stop]


def part2_sections(text: str) -> dict[str, str]:
    """第二部分's sections 一 … 十四, keyed by ordinal, each with its heading."""
    body = _body(text, "第二部分 部门决算情况说明", "第三部分 名词解释")
    heads = list(
        re.finditer(r"^(?:#+ )?(十[一二三四]|[一二三四五六七八九十])、.*$", body, flags=re.M)
    )
    out = {}
    for i, m in enumerate(heads):
        stop = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        out[m.group(1)] = body[m.start() : stop]
    return out


def part(text: str, start: str, end: str | None) -> str:
    """第一/三/四部分: from the body heading *start* to *end* (or the end of the text)."""
    first = text.index(start)
    try:
        second = text.index(start, first + len(start))
    except ValueError:
        second = first
    stop = text.index(end, second) if end else len(text)
    return text[second:stop]
