"""Layout profiles: what each sheet of a format looks like, loaded from TOML data.

A profile (``xlfin/profiles/<id>.toml``) lists every sheet in order. A sheet is made of
blocks; a block is one of

* ``fixed``: rows with stable keys (表一/表四 income and class rows, 表十, 表十一, 说明数据);
* ``classified``: 类/款/项 rows the accountant enters by 科目编码, with a 合计 row;
* ``economic``: one row per 部门支出经济分类 类 and 款 (表六, 表七), from the code list;
* ``form``: label/value fields (封面, 部门概况, 说明数据 counts and texts);
* ``list``: a repeated row of columns (决算单位构成, 名词解释).

The template builder, the reader, the rules and the narrative all read the same objects,
so a new year or region is a new file, not new code.

Sheet ids are the semantic ids of the tables (``T01`` is the 收入支出决算总表 in every format,
``T08`` the 政府性基金 table, whatever number a format prints); a format without a table simply
has no sheet with that id. A profile may ``extends`` another and state only its differences:
top-level values, sheets merged by id (a block by key; ``rows_update`` changes rows by key,
``rows_add`` inserts rows after a key; ``remove = true`` drops a sheet), ``sheet_order``,
narrative sections merged by id and ``section_order``. Rules and narrative sections name what
they need as references (``T07``, ``T11.operating_cost``, ``NOTES.sangong.car_stock``);
:meth:`Profile.lacks` says why a profile cannot serve one (不适用).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TypeVar

from xlfin import codes
from xlfin.errors import UserError

T = TypeVar("T")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CN_ORDINALS = "一二三四五六七八九十"
# How a missing table is named in a 不适用 reason (its id is semantic, its title format-specific).
_SHEET_NAMES = {
    "T01": "收入支出决算总表",
    "T02": "收入决算表",
    "T03": "支出决算表",
    "T04": "财政拨款收入支出决算总表",
    "T05": "一般公共预算财政拨款支出决算表",
    "T06": "一般公共预算财政拨款基本支出决算明细表",
    "T07": "一般公共预算财政拨款项目支出决算明细表",
    "T08": "政府性基金预算财政拨款收入支出决算表",
    "T09": "国有资本经营预算财政拨款支出决算表",
    "T10": "财政拨款“三公”经费支出决算表",
    "T11": "机构运行经费、政府采购、国有资产信息表",
    "COVER": "封面",
    "OVERVIEW": "部门概况",
    "NOTES": "说明数据表",
    "PERF": "绩效自评表",
}
PROFILES = Path(__file__).resolve().parent / "profiles"


def cn_ordinal(n: int) -> str:
    """Chinese ordinal used in published row labels: 1 → 一, 11 → 十一, 24 → 二十四."""
    if n <= 0 or n >= 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    out = ""
    if tens:
        out = ("" if tens == 1 else CN_ORDINALS[tens - 1]) + "十"
    if ones:
        out += CN_ORDINALS[ones - 1]
    return out


class ProfileError(UserError):
    """A profile name or year that does not exist, or a profile file that is malformed."""

    en = "unknown or invalid profile"


@dataclass(frozen=True)
class ColumnSpec:
    """A value column of a block."""

    key: str
    label: str
    lanci: int | None = None
    path: tuple[str, ...] = ()
    sum: tuple[str, ...] = ()
    role: str = "input"  # input | computed
    format: str = "money"  # money | pct | text | int
    input_without_source: bool = False  # computed from a table, typed where no table has it

    @property
    def is_total(self) -> bool:
        return bool(self.sum)


@dataclass(frozen=True)
class RowSpec:
    """A row with a stable key (fixed and economic blocks)."""

    key: str
    label: str
    code: str | None = None
    level: str | None = None
    tail: bool = False
    sum: tuple[str, ...] = ()
    indent: int = 0
    unit: str = "万元"
    source: str | None = None
    budget_source: str | None = None
    share_of: str | None = None
    needs_budget_reason: bool = False
    # a figure that fill computes from other cells (说明数据's 其他计算结果 block): the rate
    # part ÷ base of two references, the sum of references, or the count of 绩效自评 forms
    rate: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    count: str | None = None

    @property
    def is_total(self) -> bool:
        return bool(self.sum)


@dataclass(frozen=True)
class FieldSpec:
    """A label/value field of a form block, or a column of a list block."""

    key: str
    label: str
    type: str = "text"  # text | longtext | int | money
    choices: tuple[str, ...] = ()  # a closed field: the template offers these in a list


@dataclass(frozen=True)
class BlockSpec:
    """A block of a sheet: its kind, headers, columns and rows."""

    key: str
    type: str
    heading: str | None = None
    item_header: str = "项目"
    line_no: bool = False
    unit_column: bool = False
    classification: str | None = None
    economic: tuple[str, ...] = ()
    blank_rows: int = 0
    no_total: bool = False
    columns: tuple[ColumnSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    list_rows: int = 0

    def column(self, key: str) -> ColumnSpec:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def row(self, key: str) -> RowSpec:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    @property
    def has_codes(self) -> bool:
        """Whether rows carry a 科目编码 column (classified and economic blocks)."""
        return self.type in ("classified", "economic")


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the workbook."""

    id: str
    kind: str  # table | form | projects
    name: str
    title: str
    code: str | None = None
    blocks: tuple[BlockSpec, ...] = ()
    note: FieldSpec | None = None
    projects: int = 0
    indicator_rows: int = 0
    published: bool = True  # False: a table-shaped input sheet, not one of the 公开 tables

    def block(self, key: str) -> BlockSpec:
        for b in self.blocks:
            if b.key == key:
                return b
        raise KeyError(key)

    def find_row(self, key: str) -> tuple[BlockSpec, RowSpec] | None:
        for b in self.blocks:
            for r in b.rows:
                if r.key == key:
                    return b, r
        return None


@dataclass(frozen=True)
class Section:
    """A section of 第二部分 情况说明: its title, the template that words it, what it needs."""

    id: str
    title: str
    template: str
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    """A part of the publication (第一部分 部门概况 …): title, template, what its 目录 entry lists.

    ``{year}`` in a title or 目录 item stands for the report year. ``toc_list`` is
    ``sections`` (the 情况说明 sections) or ``tables``; ``toc`` lists fixed 目录 items."""

    id: str
    title: str
    template: str
    toc_title: str = ""
    toc_list: str = ""
    toc: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """A whole layout profile."""

    id: str
    title: str
    years: tuple[int, ...]
    money_unit: str
    unit_label: str
    money_label: str
    classes: tuple[str, ...]
    sheets: tuple[SheetSpec, ...] = field(default=())
    sections: tuple[Section, ...] = ()
    parts: tuple[Part, ...] = ()
    extends: str | None = None
    region: str = ""
    terms: tuple[tuple[str, str], ...] = ()  # wording: (key, text), e.g. operating_cost
    semantics: tuple[tuple[str, object], ...] = ()  # named data: code lists, pairs (frozen)

    def term(self, key: str, default: str = "") -> str:
        """A wording of this format (机构运行经费 / 机关运行经费 …)."""
        return dict(self.terms).get(key, default)

    def codes_of(self, key: str) -> tuple[str, ...]:
        """A named code list of this format (the economic classes of 人员经费 …); () if none."""
        return tuple(dict(self.semantics).get(key, ()))

    def semantic(self, key: str) -> list[dict]:
        """A named list of records of this format (the 三公 ↔ economic-code pairs …)."""
        return [dict(x) for x in dict(self.semantics).get(key, ())]

    def _memo(self) -> dict:
        """Answers about this (immutable) format, kept: every rule asks them on every check."""
        memo = self.__dict__.get("_answers")
        if memo is None:
            memo = {}
            object.__setattr__(self, "_answers", memo)
        return memo

    def remember(self, key: tuple, make: Callable[[], T]) -> T:
        """``make()``, computed once for this format (a format never changes): what a rule
        derives from the format alone, asked on every check."""
        memo = self._memo()
        if key not in memo:
            memo[key] = make()
        return memo[key]

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_answers"}

    def lacks(self, ref: str) -> str | None:
        """None when the profile has what *ref* names, else why not (for 不适用).

        ``S`` a sheet; ``S.K`` a block, row, column or field K of sheet S; ``S.K.C`` column
        or field C of block or row K."""
        return self.remember(("lacks", ref), lambda: self._lacks(ref))

    def _lacks(self, ref: str) -> str | None:
        if ref.endswith("="):  # a row the format defines as a sum of other rows
            why = self.lacks(ref[:-1])
            if why:
                return why
            table, key = ref[:-1].split(".")[:2]
            found = self.sheet(table).find_row(key)
            if found is None or not found[1].sum:
                return f"“{self.sheet(table).title}”的“{key}”在本格式中不是合计行"
            return None
        parts = ref.split(".")
        try:
            sheet = self.sheet(parts[0])
        except KeyError:
            return f"本格式没有{_SHEET_NAMES.get(parts[0], parts[0])}"
        if len(parts) == 1:
            return None
        key = parts[1]
        holders = [b for b in sheet.blocks if b.key == key]
        holders += [b for b in sheet.blocks if any(r.key == key for r in b.rows)]
        holders += [b for b in sheet.blocks if b.type == "classified" and key == "total"]
        if len(parts) == 2:
            if holders or any(
                key in {c.key for c in b.columns} | {f.key for f in b.fields} for b in sheet.blocks
            ):
                return None
            return f"“{sheet.title}”没有“{key}”"
        if not holders:
            return f"“{sheet.title}”没有“{key}”"
        col = parts[2]
        for b in holders:
            if col in {c.key for c in b.columns} | {f.key for f in b.fields}:
                return None
        return f"“{sheet.title}”的“{key}”没有“{col}”"

    def missing(self, needs) -> str | None:
        """The first reason one of *needs* is lacking, or None when all are there."""
        for ref in needs:
            why = self.lacks(ref)
            if why:
                return why
        return None

    def sheet(self, sheet_id: str) -> SheetSpec:
        ids = self.remember(("sheets",), lambda: {s.id: s for s in reversed(self.sheets)})
        try:
            return ids[sheet_id]
        except KeyError:
            raise KeyError(sheet_id) from None

    @property
    def tables(self) -> tuple[SheetSpec, ...]:
        """The table-shaped sheets (T01…T11), in order, published or input only."""
        return tuple(s for s in self.sheets if s.kind == "table")

    @property
    def published(self) -> tuple[SheetSpec, ...]:
        """The official tables of the disclosure (公开01表 …), in order."""
        return tuple(s for s in self.tables if s.published)

    @property
    def year(self) -> int:
        return self.years[0]

    @cached_property
    def layout_cache(self) -> dict:
        """Per-object memo for :func:`xlfin.layout.sheet_layout` (not part of equality)."""
        return {}


def _columns(raw: list[dict]) -> tuple[ColumnSpec, ...]:
    return tuple(
        ColumnSpec(
            key=c["key"],
            label=c["label"],
            lanci=c.get("lanci"),
            path=tuple(c.get("path", ())),
            sum=tuple(c.get("sum", ())),
            role=c.get("role", "input"),
            format=c.get("format", "money"),
            input_without_source=c.get("input_without_source", False),
        )
        for c in raw
    )


def _class_rows(class_codes: tuple[str, ...], year: int) -> list[RowSpec]:
    fn = codes.load("functional")
    out = []
    for i, code in enumerate(class_codes, 1):
        # the year's list (an imported official one wins); a 类 it lacks keeps the shipped name
        name = fn.name(code, year) or fn.name(code)
        if name is None:
            raise ProfileError(f"类 {code} 不在 {year} 年的功能分类代码表中")
        out.append(RowSpec(key=code, label=f"{cn_ordinal(i)}、{name}", code=code, level="类"))
    return out


def _economic_rows(class_codes: tuple[str, ...], year: int) -> list[RowSpec]:
    ec = codes.load("economic")
    out = []
    for code in class_codes:
        c = ec.get(code, year)
        if c is None:
            raise ProfileError(f"经济分类 {code} 不在代码表中")
        out.append(RowSpec(key=code, label=c.name, code=code, level="类"))
        for child in ec.children(code, year):
            out.append(RowSpec(key=child.code, label=child.name, code=child.code, level="款"))
    return out


def _rows(raw: list[dict], class_codes: tuple[str, ...], year: int) -> tuple[RowSpec, ...]:
    out: list[RowSpec] = []
    for r in raw:
        if r.get("from") == "classes":
            out.extend(_class_rows(class_codes, year))
            continue
        parts: list[str] = []
        for p in r.get("sum", ()):
            parts.extend(class_codes if p == "@classes" else [p])
        out.append(
            RowSpec(
                key=r["key"],
                label=r["label"],
                tail=r.get("tail", False),
                sum=tuple(parts),
                indent=r.get("indent", 0),
                unit=r.get("unit", "万元"),
                source=r.get("source"),
                budget_source=r.get("budget_source"),
                share_of=r.get("share_of"),
                needs_budget_reason=r.get("needs_budget_reason", False),
                rate=tuple(r.get("rate", ())),
                add=tuple(r.get("add", ())),
                count=r.get("count"),
            )
        )
    return tuple(out)


def _block(raw: dict, class_codes: tuple[str, ...], year: int) -> BlockSpec:
    btype = raw["type"]
    rows = _rows(raw.get("rows", []) if btype != "list" else [], class_codes, year)
    economic = tuple(raw.get("economic", ()))
    if btype == "economic":
        rows = tuple(_economic_rows(economic, year)) + rows
    fields = tuple(
        FieldSpec(
            key=f["key"],
            label=f["label"],
            type=f.get("type", "text"),
            choices=tuple(f.get("choices", ())),
        )
        for f in raw.get("fields", raw.get("columns", []) if btype == "list" else [])
    )
    return BlockSpec(
        key=raw["key"],
        type=btype,
        heading=raw.get("heading"),
        item_header=raw.get("item_header", "项目"),
        line_no=raw.get("line_no", False),
        unit_column=raw.get("unit_column", False),
        classification=raw.get("classification"),
        economic=economic,
        blank_rows=raw.get("blank_rows", 0),
        no_total=raw.get("no_total", False),
        columns=_columns(raw.get("columns", [])) if btype != "list" else (),
        rows=rows,
        fields=fields,
        list_rows=raw.get("rows", 0) if btype == "list" else 0,
    )


def available() -> list[str]:
    """The ids of the profiles shipped with xlfin."""
    return sorted(p.name[:-5] for p in PROFILES.iterdir() if p.name.endswith(".toml"))


def _merge_by(parent: list[dict], child: list[dict], key: str, merge) -> list[dict]:
    """*parent* items updated by *child* items with the same *key*; new ones appended."""
    out = [dict(x) for x in parent]
    index = {x[key]: i for i, x in enumerate(out)}
    for item in child:
        if item[key] in index:
            i = index[item[key]]
            out[i] = merge(out[i], item)
        else:
            index[item[key]] = len(out)
            out.append(dict(item))
    return [x for x in out if not x.get("remove")]


def _merge_block(parent: dict, child: dict) -> dict:
    keep = ("rows_update", "rows_add", "rows_remove")
    out = {**parent, **{k: v for k, v in child.items() if k not in keep}}
    if not isinstance(out.get("rows", []), list):  # a list block: "rows" is its row count
        return out
    rows = [dict(r) for r in out.get("rows", [])]
    for upd in child.get("rows_update", []):
        for r in rows:
            if r.get("key") == upd["key"]:
                r.update(upd)
                break
        else:
            raise ProfileError(f"rows_update: 没有行 {upd['key']}")
    for add in child.get("rows_add", []):
        add = dict(add)
        after = add.pop("after", None)
        at = len(rows)
        if after is not None:
            at = next((i + 1 for i, r in enumerate(rows) if r.get("key") == after), None)
            if at is None:
                raise ProfileError(f"rows_add: 没有行 {after}")
        rows.insert(at, add)
    gone = set(child.get("rows_remove", ()))
    if gone - {r.get("key") for r in rows}:
        raise ProfileError(f"rows_remove: 没有行 {sorted(gone - {r.get('key') for r in rows})}")
    rows = [r for r in rows if r.get("key") not in gone]
    if "rows" in out or rows:
        out["rows"] = rows
    return out


def _merge_sheet(parent: dict, child: dict) -> dict:
    out = {**parent, **{k: v for k, v in child.items() if k != "blocks"}}
    if "blocks" in child:
        out["blocks"] = _merge_by(parent.get("blocks", []), child["blocks"], "key", _merge_block)
    return out


def _ordered(items: list[dict], order: list[str] | None, key: str, what: str) -> list[dict]:
    if not order:
        return items
    by = {x[key]: x for x in items}
    unknown = [k for k in order if k not in by]
    if unknown:
        raise ProfileError(f"{what} 中有不存在的 id：{unknown}")
    return [by[k] for k in order] + [x for x in items if x[key] not in order]


def _raw_profile(profile_id: str, chain: tuple[str, ...] = ()) -> dict:
    """The profile's TOML with everything it extends merged in."""
    if profile_id not in available():
        raise ProfileError(
            f"未知的格式（profile）“{profile_id}”；可用：{'、'.join(available())}"
            f" / unknown profile {profile_id!r}"
        )
    if profile_id in chain:
        raise ProfileError(f"格式继承出现循环：{' → '.join(chain + (profile_id,))}")
    return raw_from_text(
        (PROFILES / f"{profile_id}.toml").read_text(encoding="utf-8"), chain + (profile_id,)
    )


def raw_from_text(text: str, chain: tuple[str, ...] = ()) -> dict:
    """A profile's TOML text with what it ``extends`` merged in (parents by shipped id)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"格式文件不是有效的 TOML：{e}") from None
    parent_id = raw.get("extends")
    if not parent_id:
        return raw
    base = _raw_profile(parent_id, chain)
    out = {
        **base,
        **{
            k: v
            for k, v in raw.items()
            if k not in ("sheets", "sections", "parts", "terms", "semantics")
        },
    }
    out["extends"] = parent_id
    out["terms"] = {**base.get("terms", {}), **raw.get("terms", {})}
    out["semantics"] = {**base.get("semantics", {}), **raw.get("semantics", {})}
    sheets = _merge_by(base.get("sheets", []), raw.get("sheets", []), "id", _merge_sheet)
    out["sheets"] = _ordered(sheets, raw.get("sheet_order"), "id", "sheet_order")
    sections = _merge_by(
        base.get("sections", []), raw.get("sections", []), "id", lambda a, b: {**a, **b}
    )
    out["sections"] = _ordered(sections, raw.get("section_order"), "id", "section_order")
    parts = _merge_by(base.get("parts", []), raw.get("parts", []), "id", lambda a, b: {**a, **b})
    out["parts"] = _ordered(parts, raw.get("part_order"), "id", "part_order")
    return out


@cache
def load_profile(profile_id: str, year: int | None = None) -> Profile:
    """Load a profile by id, or from a ``.toml`` file of the user's (a new format is a file,
    not code); *year* must be one the profile covers (default: its first)."""
    if profile_id.endswith(".toml") and profile_id not in available():
        path = Path(profile_id)
        if not path.is_file():
            raise ProfileError(f"格式文件不存在：{path} / profile file not found")
        raw = raw_from_text(path.read_text(encoding="utf-8"))
        for key in ("id", "years", "classes", "sheets"):  # the rest has defaults
            if key not in raw:
                raise ProfileError(f"格式文件 {path} 缺少 {key} / profile file lacks {key}")
        return profile_from_raw(raw, year)
    return _shipped(profile_id, year)


def _stamp() -> str:
    """What a shipped profile is built from: xlfin's version, the code that builds it (this
    module, the code lists' and detection's, so that an edited checkout never reads a stale
    entry), the format files, the shipped code lists and the official lists the user imported
    (names, sizes, times)."""
    import hashlib

    from xlfin import __version__

    parts = [__version__]
    here = Path(__file__).resolve().parent
    for f in (here / "profile.py", here / "detect.py", Path(codes.__file__)):
        st = f.stat()
        parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    folders = [PROFILES, Path(codes.__file__).parent, codes.user_dir()]
    for folder in folders:
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for f in entries:
            if f.suffix in (".toml", ".csv", ".json"):
                st = f.stat()
                parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


@cache
def shipped_stamp() -> str:
    """:func:`_stamp`, once a process: the key of everything cached from the shipped formats."""
    return _stamp()


def _shipped(profile_id: str, year: int | None) -> Profile:
    """A shipped profile, built once and kept in the cache folder: parsing the TOML of every
    format takes longer than a whole check, and format detection looks at all of them."""
    from xlfin.cache import cache_dir, keep, load

    folder = cache_dir("profiles")
    path = folder / f"{profile_id}-{year or 0}-{shipped_stamp()}.pickle" if folder else None
    found = load(path, lambda p: isinstance(p, Profile) and p.id == profile_id)
    if found is not None:
        return found
    built = profile_from_raw(_raw_profile(profile_id), year)
    keep(path, f"{profile_id}-{year or 0}-*.pickle", built)
    return built


def _for_year(raw: dict, year: int) -> dict:
    """*raw* with the ``[[variants]]`` whose ``from_year`` ≤ *year* merged in, in order: a
    format that changed in a year (表九 became a 收入支出 table in 2024) stays one profile."""
    out = raw
    for v in sorted(raw.get("variants", []), key=lambda v: v["from_year"]):
        if year < v["from_year"]:
            continue
        out = {
            **out,
            **{k: x for k, x in v.items() if k not in ("from_year", "sheets", "sections")},
        }
        if "sheets" in v:
            out["sheets"] = _merge_by(out["sheets"], v["sheets"], "id", _merge_sheet)
        if "sections" in v:
            out["sections"] = _merge_by(
                out.get("sections", []), v["sections"], "id", lambda a, b: {**a, **b}
            )
    return out


def _without_numbers(sheet: SheetSpec, lanci: bool, line_numbers: bool) -> SheetSpec:
    """*sheet* without 栏次 (*lanci*) and 行次 (*line_numbers*): formats that print neither."""
    blocks = []
    for b in sheet.blocks:
        cols = tuple(replace(c, lanci=None) for c in b.columns) if lanci else b.columns
        blocks.append(replace(b, columns=cols, line_no=False if line_numbers else b.line_no))
    return replace(sheet, blocks=tuple(blocks))


def _freeze(v):
    """TOML data as nested tuples (a Profile is immutable and hashable)."""
    if isinstance(v, dict):
        return tuple((k, _freeze(x)) for k, x in v.items())
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return v


def profile_from_raw(raw: dict, year: int | None = None) -> Profile:
    """Build a Profile from its (merged) TOML data."""
    profile_id = raw["id"]
    years = tuple(raw["years"])
    if year is None:
        year = years[0]
    if year not in years:
        raise ProfileError(
            f"格式 {profile_id} 不适用于 {year} 年度；适用年度：{'、'.join(map(str, years))}"
            f" / profile {profile_id} does not cover year {year}"
        )
    raw = _for_year(raw, year)
    class_codes = tuple(raw["classes"])
    sheets = []
    for s in raw["sheets"]:
        note = s.get("note")
        sheets.append(
            SheetSpec(
                id=s["id"],
                kind=s["kind"],
                name=s["name"],
                title=s["title"],
                code=s.get("code"),
                blocks=tuple(_block(b, class_codes, year) for b in s.get("blocks", [])),
                note=FieldSpec(key=note["key"], label=note["label"], type="longtext")
                if note
                else None,
                projects=s.get("projects", 0),
                indicator_rows=s.get("indicator_rows", 0),
                published=s.get("published", True),
            )
        )
    if raw.get("lanci") is False or raw.get("line_numbers") is False:
        sheets = [
            _without_numbers(x, raw.get("lanci") is False, raw.get("line_numbers") is False)
            for x in sheets
        ]
    sections = tuple(
        Section(
            id=x["id"], title=x["title"], template=x["template"], needs=tuple(x.get("needs", ()))
        )
        for x in raw.get("sections", [])
    )
    parts = tuple(
        Part(
            id=x["id"],
            title=x["title"],
            template=x["template"],
            toc_title=x.get("toc_title", x["title"]),
            toc_list=x.get("toc_list", ""),
            toc=tuple(x.get("toc", ())),
        )
        for x in raw.get("parts", [])
    ) or (  # a format that lists no parts publishes its 情况说明 alone
        Part("narrative", "部门决算情况说明", "sections.j2", "部门决算情况说明", "sections"),
    )
    return Profile(
        id=profile_id,
        title=raw.get("title", profile_id),
        years=(year,) + tuple(y for y in years if y != year),
        money_unit=raw.get("money_unit", "万元"),
        unit_label=raw.get("unit_label", "编制单位："),
        money_label=raw.get("money_label", "金额单位：万元"),
        classes=class_codes,
        sheets=tuple(sheets),
        sections=sections,
        parts=parts,
        extends=raw.get("extends"),
        region=raw.get("region", ""),
        terms=tuple(raw.get("terms", {}).items()),
        semantics=tuple((k, _freeze(v)) for k, v in raw.get("semantics", {}).items()),
    )


def check_profile(p: Profile) -> list[str]:
    """Self-consistency problems of a profile (empty when it is sound)."""
    problems: list[str] = []
    ids = [s.id for s in p.sheets]
    names = [s.name for s in p.sheets]
    for label, seq in (("sheet id", ids), ("sheet name", names)):
        dup = {x for x in seq if seq.count(x) > 1}
        if dup:
            problems.append(f"duplicate {label}: {sorted(dup)}")
    for s in p.sheets:
        if len(s.name) > 31:
            problems.append(f"{s.id}: sheet name longer than 31 characters: {s.name}")
        if any(ch in s.name for ch in "[]:*?/\\"):
            problems.append(f"{s.id}: sheet name has a forbidden character: {s.name}")
        row_keys: list[str] = []
        for b in s.blocks:
            row_keys.extend(r.key for r in b.rows)
            col_keys = [c.key for c in b.columns]
            if len(set(col_keys)) != len(col_keys):
                problems.append(f"{s.id}.{b.key}: duplicate column keys")
            for c in b.columns:
                for part in c.sum:
                    if part not in col_keys:
                        problems.append(f"{s.id}.{b.key}.{c.key}: sum part {part} missing")
            fkeys = [f.key for f in b.fields]
            if len(set(fkeys)) != len(fkeys):
                problems.append(f"{s.id}.{b.key}: duplicate field keys")
        if len(set(row_keys)) != len(row_keys):
            dup = sorted({k for k in row_keys if row_keys.count(k) > 1})
            problems.append(f"{s.id}: duplicate row keys {dup}")
        for b in s.blocks:
            for r in b.rows:
                for part in r.sum:
                    if part not in row_keys:
                        problems.append(f"{s.id}.{r.key}: sum part {part} missing")
                for ref in (r.source, r.budget_source):
                    if ref and not _ref_exists(p, ref):
                        problems.append(f"{s.id}.{r.key}: source {ref} does not exist")
                if r.share_of and r.share_of not in row_keys:
                    problems.append(f"{s.id}.{r.key}: share_of {r.share_of} missing")
                for ref in r.rate + r.add:
                    if p.lacks(ref) and not (
                        ref.startswith(f"{s.id}.") and parse_ref(ref)[1] in row_keys
                    ):
                        problems.append(f"{s.id}.{r.key}: {ref} does not exist")
                if r.rate and len(r.rate) != 2:
                    problems.append(f"{s.id}.{r.key}: rate needs [part, base]")
                if r.count and r.count not in ids:
                    problems.append(f"{s.id}.{r.key}: count of {r.count}, no such sheet")
    return problems


def parse_ref(ref: str) -> tuple[str, str, str]:
    """Split a cell reference ``T01.income_total.amount`` into (table, row, column)."""
    table, row, col = ref.split(".")
    return table, row, col


def _ref_exists(p: Profile, ref: str) -> bool:
    table, row, col = parse_ref(ref)
    try:
        sheet = p.sheet(table)
    except KeyError:
        return False
    for b in sheet.blocks:
        if b.type == "classified" and row == "total" and not b.no_total:
            return any(c.key == col for c in b.columns)
        for r in b.rows:
            if r.key == row:
                return any(c.key == col for c in b.columns)
    return False
