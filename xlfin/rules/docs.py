"""Rule documentation for the people who read it: ``xlfin rules ID``.

Each rule has a Chinese entry in ``docs.toml`` (data, not code) in fixed sections — 检查什么,
为什么, 示例 (a wrong and a right case), 如何修正 — and the version it appeared in. The two cases
are small workbooks written as data; the documentation runs them and prints what xlfin reports
on the wrong one, and the tests run them too, so an example never drifts from the rule.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from xlfin import codes
from xlfin.interchange import data_to_book
from xlfin.model import Book, Problem
from xlfin.placement import fitted_profile, place
from xlfin.profile import Profile, load_profile
from xlfin.values import display_width

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DOCS = Path(__file__).with_name("docs.toml")
SECTIONS = (("what", "检查什么"), ("why", "为什么"), ("fix", "如何修正"))
EXAMPLE_PROFILE = ("nmg-2023", 2023)


@cache
def docs() -> dict[str, dict]:
    """Every rule's documentation entry, by rule id."""
    with DOCS.open("rb") as f:
        data = tomllib.load(f)
    default = data.pop("since", "0.1.0")
    for entry in data.values():
        entry.setdefault("since", default)
    return data


def missing_parts(rule_id: str) -> list[str]:
    """The sections of *rule_id*'s entry that are absent or empty (the tests fail on any)."""
    entry = docs().get(rule_id)
    if entry is None:
        return ["（整条说明）"]
    out = [title for key, title in SECTIONS if not str(entry.get(key, "")).strip()]
    for case, title in (("bad", "示例：错误的情形"), ("good", "示例：正确的情形")):
        ex = entry.get(case) or {}
        if not str(ex.get("text", "")).strip() or not isinstance(ex.get("data"), dict):
            out.append(title)
    return out


def _block_for(profile: Profile, tid: str, key: str):
    sheet = profile.sheet(tid)
    found = sheet.find_row(key)
    if found:
        return found[0]
    for b in sheet.blocks:
        if b.type == "classified" and (key == "total" or key.isdigit()):
            return b
    raise KeyError((tid, key))


def example_book(
    tables=None,
    forms=None,
    lists=None,
    projects=None,
    year: int = 2023,
    problem: dict | None = None,
    profile: Profile | None = None,
) -> Book:
    """A small Book from compact data, placed where the template puts each value:
    ``{"T01": {"gpb": "1.00", "income_total": {"amount": "1"}}}``. A plain string is the
    value of the row's first column; digit keys are 科目编码 rows of the table's
    classification block (named from the code list); ``"_note"`` is the table's 说明 and
    ``"_unit"`` its 编制单位;
    *problem* is a reading problem (kind, sheet, cell, message) as the reader records it."""
    profile = profile or load_profile(*EXAMPLE_PROFILE)
    data = {"format": "xlfin.book", "version": 1, "profile": profile.id, "year": year}
    data["forms"] = forms or {}
    data["lists"] = lists or {}
    data["projects"] = projects or []
    data["tables"] = {}
    fn = codes.load("functional")
    for tid, rows in (tables or {}).items():
        entry: dict = {"rows": []}
        for key, values in rows.items():
            if key in ("_note", "_unit"):
                entry["note" if key == "_note" else "unit_name"] = values
                continue
            b = _block_for(profile, tid, key)
            values = {b.columns[0].key: values} if isinstance(values, str) else dict(values)
            if b.type == "classified" and key != "total":
                name = values.pop("_name", None) or fn.name(key) or ""
                entry["rows"].append({"block": b.key, "code": key, "name": name, "values": values})
            else:
                entry["rows"].append({"block": b.key, "key": key, "values": values})
        data["tables"][tid] = entry
    book = data_to_book(data, profile)
    book = place(book, fitted_profile(book, profile))
    if problem:
        book.problems.append(
            Problem(
                problem["kind"],
                problem.get("sheet", "收入支出决算总表"),
                problem.get("cell"),
                problem.get("found", ""),
                problem.get("expected", ""),
                problem["message"],
            )
        )
    return book


def run_example(rule_id: str, case: str):
    """The findings of *rule_id* on its documented *case* (``bad`` or ``good``)."""
    from xlfin.rules import run

    data = docs()[rule_id][case]["data"]
    profile = load_profile(*EXAMPLE_PROFILE)
    book = example_book(profile=profile, **data)
    return run(book, profile, select=[rule_id]).findings


def wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    """*text* in lines of at most *width* display columns (a CJK character is two)."""
    out: list[str] = []
    for para in str(text).strip().splitlines() or [""]:
        line = indent
        for ch in para.strip():
            if display_width(line + ch) > width:
                out.append(line.rstrip())
                line = indent
            line += ch
        out.append(line.rstrip())
    return out


SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def render(rule_id: str, width: int = 80) -> str:
    """The documentation of *rule_id* as printed by ``xlfin rules ID``."""
    from xlfin.rules import RULES

    r = RULES[rule_id]
    entry = docs()[rule_id]
    lines = wrap(f"{r.id} {r.title}", width, "")
    lines.append(f"级别：{SEVERITY[r.severity]}    自 xlfin {entry['since']} 起")
    for key, title in SECTIONS[:2]:
        lines += ["", title] + wrap(entry[key], width)
    lines += ["", "示例"]
    lines += wrap("错误：" + entry["bad"]["text"], width)
    for f in run_example(rule_id, "bad")[:2]:
        lines += wrap(f"xlfin 报告：{f.where} {f.message}", width, "    ")
    lines += wrap("正确：" + entry["good"]["text"], width)
    lines += wrap("xlfin 不报告此项。", width, "    ")
    lines += ["", SECTIONS[2][1]] + wrap(entry["fix"], width)
    return "\n".join(lines)
