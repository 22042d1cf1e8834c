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


@dataclass(frozen=True)
class Signature:
    """What detection looks at in one layout of a format: its tables' names and titles and
    where the 封面 says the year; *years* are the years that share this layout."""

    id: str
    years: tuple[int, ...]
    tables: tuple[tuple[str, str], ...]  # (sheet name, title)
    cover: tuple[str, str] | None  # (封面 sheet name, 年度 label)


def signature(profile: Profile, years: tuple[int, ...] | None = None) -> Signature:
    cover = None
    try:
        sheet = profile.sheet("COVER")
        label = next((f.label for b in sheet.blocks for f in b.fields if f.key == "year"), None)
        if label is not None:
            cover = (sheet.name, label)
    except KeyError:
        pass
    return Signature(
        profile.id,
        tuple(years or profile.years),
        tuple((t.name, t.title) for t in profile.tables),
        cover,
    )


def signatures() -> list[Signature]:
    """One signature per layout of every shipped format (years of the same layout together),
    kept in the cache folder: detection then builds only the profile it finds."""
    from xlfin.cache import cache_dir, keep, load
    from xlfin.profile import shipped_stamp

    folder = cache_dir("profiles")
    path = folder / f"signatures-{shipped_stamp()}.pickle" if folder else None
    found = load(path, lambda x: isinstance(x, list) and all(isinstance(s, Signature) for s in x))
    if found is not None:
        return found
    out = []
    for pid in available():
        variants: dict[tuple, list[int]] = {}
        for y in sorted(load_profile(pid).years):
            p = load_profile(pid, y)
            variants.setdefault(tuple((t.name, t.title) for t in p.tables), []).append(y)
        for years in variants.values():
            out.append(signature(load_profile(pid, years[0]), tuple(years)))
    keep(path, "signatures-*.pickle", out)
    return out


def score(sig: Signature, names: list[str], grids: Mapping[str, list]) -> int:
    """How well the workbook fits the layout *sig*: its tables found (by sheet name, or by
    title when no name matches) less its tables missing, so that a format with more tables
    does not win on a workbook of fewer, nor the other way round."""
    have = {norm_label(n) for n in names}
    found = sum(1 for name, _ in sig.tables if norm_label(name) in have)
    if not found and names:  # no sheet name matches at all: look for the titles
        titles = set().union(*(_titles(grids[n]) for n in names))
        found = sum(1 for _, title in sig.tables if norm_label(title) in titles)
    if not found:
        return 0
    return 2 * found - len(sig.tables)


def cover_year(sig: Signature, names: list[str], grids: Mapping[str, list]) -> int | None:
    """The 年度 typed on the workbook's 封面 (the cell right of the label), if any."""
    if sig.cover is None:
        return None
    sheet, label = sig.cover
    name = next((n for n in names if norm_label(n) == norm_label(sheet)), None)
    if name is None:
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
        found = cover_year(signature(base), names, grids)
        return _with_year(base, found, profile_id)
    best: dict[str, tuple[int, Signature]] = {}  # per format, its best-fitting layout
    for sig in signatures():
        s = score(sig, names, grids)
        if s > 0 and (sig.id not in best or s > best[sig.id][0]):
            best[sig.id] = (s, sig)
    if not best:
        raise DetectError(
            "工作簿中找不到任何一张决算公开表（已知格式："
            f"{'、'.join(available())}），请确认使用的是 xlfin 模板；命令行可用 --profile 指定格式"
            " / no table of a known profile found"
        )
    top_score = max(s for s, _ in best.values())
    top = [sig for s, sig in best.values() if s == top_score]
    if len(top) > 1:
        # the cover year may settle it: formats of other years drop out
        fitting = [sig for sig in top if cover_year(sig, names, grids) in sig.years]
        if len(fitting) == 1:
            top = fitting
    if len(top) > 1:
        raise DetectError(
            f"工作簿同时符合多种格式：{'、'.join(sig.id for sig in top)}；命令行请用 --profile 指定其中一种"
            " / the workbook fits several profiles, use --profile"
        )
    sig = top[0]
    if year is not None:
        return Detection(load_profile(sig.id, year))
    p = load_profile(sig.id, sig.years[0])
    return _with_year(p, cover_year(sig, names, grids), sig.id, sig.years)


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
