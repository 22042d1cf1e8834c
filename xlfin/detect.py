"""Which format (profile) and year a workbook is, found from the workbook itself.

The table sheets' names (or, for a renamed sheet, the title in its top rows) say the format:
each shipped profile is scored by how many of its tables the workbook has, and the best one
wins; the 封面 年度 says the year. ``--profile`` and ``--year`` only override. A workbook that
matches no format, or two formats equally, gets one clear message naming the candidates.

Pure core: it sees sheet names and a mapping of sheet values, however they were read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlfin.profile import Profile, ProfileError, available, load_profile
from xlfin.values import norm_label

TOP_ROWS = 4  # a table's title is in its first rows


class DetectError(ProfileError):
    """The workbook matches no format, or several equally (message for the user)."""

    en = "the workbook's format is not recognised"


@dataclass(frozen=True)
class Detection:
    """The format and year a workbook was found to be, and a note when the year was guessed."""

    profile: Profile
    note: str | None = None


def _titles(grid) -> set[str]:
    out = set()
    for row in list(grid or [])[:TOP_ROWS]:
        for v in row:
            if isinstance(v, str) and v.strip():
                out.add(norm_label(v))
    return out


def score(profile: Profile, names: list[str], grids: Mapping[str, list]) -> int:
    """How well the workbook fits *profile*: its tables found (by sheet name, or by title when
    no name matches) less its tables missing, so that a format with more tables does not win
    on a workbook of fewer, nor the other way round."""
    have = {norm_label(n) for n in names}
    tables = profile.tables
    found = sum(1 for t in tables if norm_label(t.name) in have)
    if not found and names:  # no sheet name matches at all: look for the titles
        titles = set().union(*(_titles(grids[n]) for n in names))
        found = sum(1 for t in tables if norm_label(t.title) in titles)
    if not found:
        return 0
    return 2 * found - len(tables)


def cover_year(profile: Profile, names: list[str], grids: Mapping[str, list]) -> int | None:
    """The 年度 typed on the workbook's 封面 (the cell right of the label), if any."""
    try:
        cover = profile.sheet("COVER")
    except KeyError:
        return None
    label = next(
        (f.label for b in cover.blocks for f in b.fields if f.key == "year"),
        None,
    )
    name = next((n for n in names if norm_label(n) == norm_label(cover.name)), None)
    if label is None or name is None:
        return None
    want = norm_label(label)
    for row in grids[name]:
        for i, v in enumerate(row):
            if isinstance(v, str) and norm_label(v) == want:
                for x in row[i + 1 :]:
                    if x in (None, ""):
                        continue
                    return _as_year(x)
                return None
    return None


def _as_year(v) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    if isinstance(v, str):
        text = v.strip().removesuffix("年度").removesuffix("年").strip()
        if text.isdigit():
            return int(text)
    return None


def detect(
    names: list[str],
    grids: Mapping[str, list],
    profile_id: str | None = None,
    year: int | None = None,
) -> Detection:
    """The profile (loaded for the right year) of a workbook with sheets *names*.

    *profile_id* and *year*, when given, override what the workbook says."""
    if profile_id is not None:
        base = load_profile(profile_id)
        if year is not None:
            return Detection(load_profile(profile_id, year))
        found = cover_year(base, names, grids)
        return _with_year(base, found, profile_id)
    scored = []  # (score, id, the years of the best-fitting variant, a profile of them)
    for pid in available():
        variants: dict[tuple, list[int]] = {}
        for y in sorted(load_profile(pid).years):
            p = load_profile(pid, y)
            variants.setdefault(tuple((t.name, t.title) for t in p.tables), []).append(y)
        best = None
        for years in variants.values():
            p = load_profile(pid, years[0])
            s = score(p, names, grids)
            if s > 0 and (best is None or s > best[0]):
                best = (s, pid, tuple(years), p)
        if best:
            scored.append(best)
    if not scored:
        raise DetectError(
            "工作簿中找不到任何一张决算公开表（已知格式："
            f"{'、'.join(available())}），请确认使用的是 xlfin 模板；命令行可用 --profile 指定格式"
            " / no table of a known profile found"
        )
    top_score = max(s for s, _, _, _ in scored)
    top = [x for x in scored if x[0] == top_score]
    if len(top) > 1:
        # the cover year may settle it: formats of other years drop out
        fitting = [x for x in top if cover_year(x[3], names, grids) in x[2]]
        if len(fitting) == 1:
            top = fitting
    if len(top) > 1:
        raise DetectError(
            f"工作簿同时符合多种格式：{'、'.join(x[1] for x in top)}；命令行请用 --profile 指定其中一种"
            " / the workbook fits several profiles, use --profile"
        )
    _, pid, years, p = top[0]
    if year is not None:
        return Detection(load_profile(pid, year))
    return _with_year(p, cover_year(p, names, grids), pid, years)


def _with_year(
    p: Profile, found: int | None, key: str, years: tuple[int, ...] | None = None
) -> Detection:
    """*p* for the cover year *found* (*key*: how it was loaded, an id or a file; *years*: the
    years whose layout the workbook has, default all of the profile's)."""
    years = sorted(years or p.years)
    if found is None:
        return Detection(p)
    if found in years:
        return Detection(load_profile(key, found))
    nearest = min(years, key=lambda y: abs(y - found))
    listed = "、".join(map(str, years))
    if set(years) == set(p.years):
        note = f"封面年度 {found} 不在格式 {p.id} 的适用年度（{listed}）内"
    else:
        note = f"封面年度 {found} 与工作簿的表样不符（{p.id} 的这种表样用于 {listed} 年度）"
    return Detection(
        load_profile(key, nearest),
        f"{note}，按 {nearest} 年度的代码表校验；如需其他格式请用 --profile 指定",
    )
