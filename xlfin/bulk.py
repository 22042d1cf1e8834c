"""Bulk work for a finance bureau: generate pre-filled workbooks for many units, check a whole
folder, consolidate units (汇总).

Each unit is handled on its own: a bad row, a missing last-year workbook or an unreadable file
is reported for that unit and the others go on.
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xlfin import codes
from xlfin.compute import table_amount
from xlfin.errors import UserError
from xlfin.io.files import workbooks_under  # noqa: F401  (re-exported for the CLI)
from xlfin.model import Book, Cell, Row, Table
from xlfin.profile import Profile, load_profile
from xlfin.values import decode_text, norm_code, norm_label, parse_amount, parse_text

UNIT_COLUMNS = {
    "unit_code": ("unit_code", "单位编码", "单位代码", "编码"),
    "unit_name": ("unit_name", "单位名称", "部门名称", "名称"),
    "head": ("head", "单位负责人", "负责人"),
    "preparer": ("preparer", "编制人"),
    "contact": ("contact", "联系人"),
    "phone": ("phone", "联系电话", "电话"),
    "nature": ("nature", "单位性质"),
}
BUDGET_COLUMNS = {
    "unit_code": ("unit_code", "单位编码", "单位代码"),
    "item": ("item", "项目", "科目编码", "科目"),
    "budget": ("budget", "年初预算", "年初预算数", "金额"),
}
FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
MAX_NAME = 80


class BulkError(UserError):
    """A whole bulk input cannot be used (missing file, no unit column …)."""

    en = "the units or budget file cannot be used"


@dataclass
class Outcome:
    """What happened to one unit or one file."""

    key: str
    name: str
    status: str  # 已生成 / 已跳过 / 失败 / 通过 / 有错误 / 有警告 / 无法读取
    file: str = ""
    reason: str = ""
    errors: int = 0
    warnings: int = 0
    findings: list = field(default_factory=list)
    figures: list = field(default_factory=list)  # xlfin.compute.KeyFigure of the unit


# ---------------------------------------------------------------- input tables


def _read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8 with or without BOM, or GBK) or the first sheet of an .xlsx."""
    if not path.exists():
        raise BulkError(f"文件不存在：{path} / file not found")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from xlfin.io.xlsx import ReadError, load_values, open_checks

        try:
            open_checks(path)
            names, grids = load_values(path)
        except ReadError as e:
            raise BulkError(str(e)) from e
        rows = grids[names[0]] if names else []
        if not rows:
            return []
        header = [parse_text(h) or "" for h in rows[0]]
        return [
            {
                h: ("" if v in (None, "") else parse_text(v) or "")
                for h, v in zip(header, r, strict=False)
                if h
            }
            for r in rows[1:]
            if any(v not in (None, "") for v in r)
        ]
    text = decode_text(path.read_bytes())
    if text is None:
        raise BulkError(
            f"无法识别文件编码：{path}（请另存为 UTF-8 的 CSV） / unknown text encoding, save as UTF-8 CSV"
        )
    # a StringIO, not lines: a quoted field may hold a line break, which is kept
    return [dict(r) for r in csv.DictReader(io.StringIO(text), restkey=EXTRA)]


EXTRA = "\x00extra"  # where csv puts the fields of a row beyond its header


def extra_fields(rows: list[dict]) -> list[str]:
    """Notes on rows with more fields than the header (their extra fields are ignored)."""
    return [
        f"第 {i} 行比表头多出 {len(r[EXTRA])} 个字段，已忽略 / row {i} has extra fields, ignored"
        for i, r in enumerate(rows, 2)
        if r.get(EXTRA)
    ]


def _map_columns(rows: list[dict[str, str]], wanted: dict[str, tuple[str, ...]], what: str):
    if not rows:
        return {}, []
    header = [h for h in rows[0] if h != EXTRA]
    mapping = {}
    for key, names in wanted.items():
        for h in header:
            if norm_label(h) in {norm_label(n) for n in names}:
                mapping[key] = h
                break
    unknown = [h for h in header if h not in mapping.values()]
    return mapping, unknown


def read_units(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Units as dicts with the keys of UNIT_COLUMNS, and notes about the file (unknown columns)."""
    rows = _read_rows(path)
    mapping, unknown = _map_columns(rows, UNIT_COLUMNS, "units")
    if rows and "unit_name" not in mapping:
        raise BulkError(f"{path} 没有“单位名称”（unit_name）列 / no unit_name column")
    notes = [f"未知的列“{u}”已忽略 / unknown column ignored" for u in unknown]
    notes += extra_fields(rows)
    units = []
    for r in rows:
        units.append({k: (r.get(h) or "").strip() for k, h in mapping.items()})
    return units, notes


def safe_filename(code: str, name: str, used: set[str]) -> str:
    """A file name from the unit code and name that is safe on Windows and stays in its folder:
    no \\ / : * ? " < > | or control characters, no reserved device names, no leading dots,
    at most 80 characters before .xlsx, duplicates numbered (-2, -3 …)."""
    text = unicodedata.normalize("NFC", f"{code}_{name}" if code else name)
    text = FORBIDDEN.sub("_", text)
    text = text.replace("..", "_").strip(" .")
    text = re.sub(r"_+", "_", text)
    if not text.strip("_ ."):
        text = "单位"
    if text.split(".")[0].upper() in RESERVED:
        text = "_" + text
    text = text[:MAX_NAME].rstrip(" .") or "单位"
    candidate = text
    n = 2
    while candidate.lower() in used:
        candidate = f"{text}-{n}"
        n += 1
    used.add(candidate.lower())
    return candidate + ".xlsx"


# ---------------------------------------------------------------- one unit's book


def unit_book(
    profile: Profile,
    unit: dict[str, str],
    last: Book | None = None,
    budgets: dict[str, Decimal] | None = None,
) -> Book:
    """The pre-filled Book of one unit: 封面 fields, unit name on every table, 上年决算 from last
    year's workbook, 年初预算 from the budget table."""
    book = Book(profile_id=profile.id, year=profile.year)
    name = unit.get("unit_name", "")
    cover = {
        "dept_name": name,
        "unit_code": unit.get("unit_code") or None,
        "year": profile.year,
        "head": unit.get("head") or None,
        "preparer": unit.get("preparer") or None,
        "contact": unit.get("contact") or None,
        "phone": unit.get("phone") or None,
        "nature": unit.get("nature") or None,
        "unit_count": 1,
    }
    book.forms["COVER.unit"] = {k: Cell(v) for k, v in cover.items() if v not in (None, "")}
    book.lists["COVER.units"] = [
        {
            k: Cell(v)
            for k, v in (("seq", 1), ("name", name), ("nature", unit.get("nature") or None))
            if v
        }
    ]
    for s in profile.tables:
        book.tables[s.id] = Table(id=s.id, sheet=s.name, unit_name=Cell(name))
    notes = book.tables["NOTES"] = Table(id="NOTES", sheet=profile.sheet("NOTES").name)
    compare = profile.sheet("NOTES").block("compare")

    def note_row(key: str) -> Row:
        if key not in notes.rows:
            spec = compare.row(key)
            notes.rows[key] = Row(key=key, label=spec.label, block="compare")
        return notes.rows[key]

    if last is not None:
        for spec in compare.rows:
            if spec.source:
                v = table_amount(last, spec.source)
                if v is not None:
                    note_row(spec.key).cells["prior"] = Cell(v)
    for item, value in (budgets or {}).items():
        if item.isdigit():
            fn = codes.load("functional")
            notes.rows[item] = Row(
                key=item, label=fn.name(item, profile.year) or "", code=item, block="items"
            )
            notes.rows[item].cells["budget"] = Cell(value)
            continue
        spec = compare.row(item)
        if spec.budget_source:
            table_id, row, col = spec.budget_source.split(".")
            t = book.tables[table_id]
            t.rows.setdefault(row, Row(key=row, block="main")).cells[col] = Cell(value)
        else:
            note_row(item).cells["budget"] = Cell(value)
    # items in code order, as an accountant would list them
    items = sorted((r for r in notes.rows.values() if r.block == "items"), key=lambda r: r.code)
    others = [r for r in notes.rows.values() if r.block != "items"]
    notes.rows = {r.key: r for r in others + items}
    return book


def read_budgets(path: Path, profile: Profile) -> tuple[dict[str, dict[str, Decimal]], list[str]]:
    """年初预算 per unit code: {code: {item: amount}}; problems per row, the others kept."""
    rows = _read_rows(path)
    mapping, unknown = _map_columns(rows, BUDGET_COLUMNS, "budget")
    missing = [k for k in BUDGET_COLUMNS if k not in mapping]
    if rows and missing:
        raise BulkError(
            f"{path} 缺少列：{'、'.join(missing)}（需要 unit_code, item, budget） / missing columns"
        )
    labels = {}
    for spec in profile.sheet("NOTES").block("compare").rows:
        labels[spec.key] = spec.key
        labels[norm_label(spec.label)] = spec.key
    out: dict[str, dict[str, Decimal]] = {}
    problems = [f"预算文件：未知的列“{u}”已忽略 / unknown column ignored" for u in unknown]
    problems += extra_fields(rows)
    for i, r in enumerate(rows, 2):
        code = (r.get(mapping["unit_code"]) or "").strip()
        item_raw = (r.get(mapping["item"]) or "").strip()
        value, why = parse_amount(r.get(mapping["budget"]))
        item = (
            norm_code(item_raw)
            if item_raw and norm_code(item_raw).isdigit()
            else labels.get(norm_label(item_raw)) or labels.get(item_raw)
        )
        if not code:
            problems.append(f"预算文件第 {i} 行：缺少单位编码")
        elif why or value is None:
            problems.append(
                f"预算文件第 {i} 行（{code}）：年初预算“{r.get(mapping['budget'])}”不是数字"
            )
        elif item is None or (item.isdigit() and len(item) not in (3, 7)):
            problems.append(f"预算文件第 {i} 行（{code}）：无法识别的项目“{item_raw}”")
        else:
            out.setdefault(code, {})[item] = value
    return out, problems


# ---------------------------------------------------------------- generate


@dataclass
class Job:
    unit: dict[str, str]
    path: str
    last: str | None
    budgets: dict[str, Decimal] | None


_PACKAGE = None
_PROFILE: Profile | None = None


def _init_worker(profile_id: str, year: int) -> None:
    global _PACKAGE, _PROFILE
    from xlfin.io.fastxlsx import TemplatePackage

    _PROFILE = load_profile(profile_id, year)
    _PACKAGE = TemplatePackage(_PROFILE)


def _generate_one(job: Job) -> tuple[str, str]:
    """Write one unit's workbook; returns (status, reason)."""
    from xlfin.io.fastxlsx import NotFast
    from xlfin.io.reader import read_sheets
    from xlfin.io.writer import write_book
    from xlfin.placement import cell_values, fitted_profile, page_header

    profile = _PROFILE
    try:  # last year's workbook in its own format (a format may change between years),
        # only the tables the 上年决算 come from
        last = read_sheets(Path(job.last), last_year_sheets(profile))[0] if job.last else None
    except Exception as e:  # an unreadable last-year file: generate without it, say so
        last = None
        reason = f"上年工作簿无法读取：{e}"
    else:
        reason = ""
    book = unit_book(profile, job.unit, last, job.budgets)
    try:
        fitted = fitted_profile(book, profile)
        if fitted != profile:
            raise NotFast("rows to add")
        _PACKAGE.write(cell_values(book, profile), Path(job.path), page_header(book, profile))
    except NotFast:
        write_book(book, profile, Path(job.path))
    return "已生成", reason


def _cover_labels() -> tuple[set[str], dict[str, str]]:
    """The 封面 sheet names and the labels of 单位编码/部门名称 in every shipped format (last
    year's workbook may be in another format than this year's)."""
    from xlfin.profile import available

    sheets: set[str] = set()
    labels: dict[str, str] = {}
    for pid in available():
        try:
            cover = load_profile(pid).sheet("COVER")
        except KeyError:
            continue
        sheets.add(norm_label(cover.name))
        for b in cover.blocks:
            for f in b.fields:
                if f.key in ("unit_code", "dept_name"):
                    labels[norm_label(f.label)] = f.key
    return sheets, labels


def cover_keys(path: str, sheets: set[str], labels: dict[str, str]) -> dict[str, str]:
    """单位编码 and 部门名称 from the 封面 of the workbook at *path*, reading that sheet only
    (the value right of each label); empty when the file or the sheet cannot be read."""
    import python_calamine

    from xlfin.io.xlsx import open_checks

    try:
        open_checks(Path(path))
        wb = python_calamine.CalamineWorkbook.from_path(path)
        name = next((n for n in wb.sheet_names if norm_label(n) in sheets), None)
        if name is None:
            return {}
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:
        return {}
    found: dict[str, str] = {}
    for row in rows[:60]:
        for i, v in enumerate(row):
            key = labels.get(norm_label(v)) if isinstance(v, str) else None
            if key is None or key in found:
                continue
            value = next((x for x in row[i + 1 :] if x not in (None, "")), None)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value is not None and str(value).strip():
                found[key] = str(value).strip()
    return found


def _cover_keys_job(path: str) -> dict[str, str]:
    return cover_keys(path, *_LABELS)


_LABELS: tuple = ()


def _init_indexer() -> None:
    global _LABELS
    _LABELS = _cover_labels()


def last_year_sheets(profile: Profile) -> set[str]:
    """The sheets of last year's workbook that :func:`unit_book` takes figures from."""
    compare = profile.sheet("NOTES").block("compare")
    return {spec.source.split(".")[0] for spec in compare.rows if spec.source} | {"COVER"}


def index_last_year(folder: Path, workers: int = 1) -> dict[str, str]:
    """Last year's workbooks by unit code and by unit name (code first). Only each file's 封面
    is read, in *workers* processes: the jobs read the one workbook they need later."""
    paths = [str(p) for p in sorted(folder.rglob("*.xlsx")) if not p.name.startswith(("~$", "."))]
    results = dict(run_jobs(paths, _cover_keys_job, _init_indexer, (), workers))
    found: dict[str, str] = {}
    for path in paths:  # in file order, whatever order the workers finished in
        keys = results.get(path)
        if not isinstance(keys, dict):
            continue
        if keys.get("unit_code"):
            found.setdefault(f"code:{keys['unit_code']}", path)
        if keys.get("dept_name"):
            found.setdefault(f"name:{norm_label(keys['dept_name'])}", path)
    return found


def plan_generation(
    units: list[dict[str, str]],
    out: Path,
    profile: Profile,
    last_index: dict[str, str] | None,
    budgets: dict[str, dict[str, Decimal]] | None,
    force: bool,
) -> tuple[list[Job], list[Outcome]]:
    """Jobs to run and the outcomes already known (bad rows, duplicates, existing files)."""
    jobs, done = [], []
    used: set[str] = set()
    seen_codes: set[str] = set()
    root = out.resolve()
    for i, unit in enumerate(units, 2):
        code, name = unit.get("unit_code", ""), unit.get("unit_name", "")
        key = code or f"第{i}行"
        if not name:
            done.append(Outcome(key, name, "失败", reason=f"第 {i} 行没有单位名称"))
            continue
        if name.startswith(("=", "+", "@")):
            done.append(Outcome(key, name, "失败", reason=f"第 {i} 行：单位名称不能以 = + @ 开头"))
            continue
        if code and code in seen_codes:
            done.append(Outcome(key, name, "失败", reason=f"第 {i} 行：单位编码 {code} 重复"))
            continue
        seen_codes.add(code)
        filename = safe_filename(code, name, used)
        path = (out / filename).resolve()
        if path.parent != root:
            done.append(Outcome(key, name, "失败", reason="文件名会落在输出文件夹之外"))
            continue
        if path.exists() and not force:
            done.append(Outcome(key, name, "已跳过", str(path), "文件已存在（加 --force 覆盖）"))
            continue
        last = None
        note = ""
        if last_index is not None:
            last = last_index.get(f"code:{code}") or last_index.get(f"name:{norm_label(name)}")
            if last is None:
                note = "上年工作簿中找不到该单位，未填上年决算"
        unit_budget = (budgets or {}).get(code) if budgets is not None else None
        if budgets is not None and unit_budget is None:
            note = "；".join(x for x in (note, "预算文件中没有该单位") if x)
        job = Job(unit, str(path), last, unit_budget)
        job.note = note  # type: ignore[attr-defined]
        jobs.append(job)
    return jobs, done


def run_jobs(
    jobs: list,
    worker: Callable,
    initializer: Callable | None,
    initargs: tuple,
    workers: int,
    progress: Callable[[], None] | None = None,
    consume: Callable[[object, object], None] | None = None,
) -> list[tuple[object, object]]:
    """Run *worker* over *jobs* in *workers* processes (1: in this process); (job, result) pairs,
    a raised exception as the result. *consume*: called with each pair as it comes instead
    (nothing is kept; the list returned is empty)."""
    results: list = []

    def keep(job, result) -> None:
        if consume is None:
            results.append((job, result))
        else:
            consume(job, result)

    if workers <= 1:
        if initializer:
            initializer(*initargs)
        for job in jobs:
            try:
                result = worker(job)
            except Exception as e:  # one unit's failure never stops the others
                result = e
            keep(job, result)
            if progress:
                progress()
        return results
    broken = []
    with ProcessPoolExecutor(
        max_workers=workers, initializer=initializer, initargs=initargs
    ) as pool:
        futures = {pool.submit(worker, job): job for job in jobs}
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                result = fut.result()
            except BrokenProcessPool:  # a worker died: say which job killed it, below
                broken.append(job)
                continue
            except Exception as e:
                result = e
            keep(job, result)
            if progress:
                progress()
    # A dead worker breaks the whole pool: every job still pending fails with it. Run those
    # again one at a time, each in a pool of its own, so that only the job that really kills
    # its process is reported so, and one unit's failure never marks another.
    for job in broken:
        with ProcessPoolExecutor(1, initializer=initializer, initargs=initargs) as alone:
            try:
                result = alone.submit(worker, job).result()
            except BrokenProcessPool:
                result = ProcessDied("处理这个文件的进程意外终止（内存或资源耗尽）")
            except Exception as e:
                result = e
        keep(job, result)
        if progress:
            progress()
    return results


class ProcessDied(UserError):
    """The process working on one file died (out of memory …); the others are not affected."""

    en = "the process working on this file died"


def generate_outcomes(results: Iterable[tuple[Job, object]]) -> list[Outcome]:
    out = []
    for job, result in results:
        code, name = job.unit.get("unit_code", ""), job.unit.get("unit_name", "")
        note = getattr(job, "note", "")
        if isinstance(result, Exception):
            out.append(Outcome(code, name, "失败", job.path, f"{type(result).__name__}: {result}"))
        else:
            status, reason = result
            out.append(
                Outcome(code, name, status, job.path, "；".join(x for x in (note, reason) if x))
            )
    return out


# ---------------------------------------------------------------- check a folder


def _check_one(path: str) -> Outcome:
    """Check one workbook: in the format given (``--profile``) or the one it is."""
    from xlfin.compute import key_figures
    from xlfin.io.reader import read_detected
    from xlfin.memo import one_run
    from xlfin.rules import run

    try:
        if _PROFILE is not None:
            book, found = read_detected(Path(path), _PROFILE.id, _PROFILE.year)
        else:
            book, found = read_detected(Path(path))
    except Exception as e:
        return Outcome(Path(path).name, "", "无法读取", path, str(e))
    profile = found.profile
    name = book.field("COVER.unit", "dept_name") or ""
    code = book.field("COVER.unit", "unit_code") or ""
    with one_run():  # the key figures and the rules share the comparisons
        figures = key_figures(book, profile)
        if _FIGURES_ONLY:
            return Outcome(str(code), str(name), "已读取", path, figures=figures)
        report = run(book, profile)
    counts = report.counts()
    status = "有错误" if counts["error"] else ("有警告" if counts["warning"] else "通过")
    findings = [(f.id, f.severity, f.where, f.message) for f in report.findings]
    return Outcome(
        str(code),
        str(name),
        status,
        path,
        "",
        counts["error"],
        counts["warning"],
        findings,
        figures,
    )


_FIGURES_ONLY = False


def _init_checker(profile_id: str | None, year: int | None, figures_only: bool = False) -> None:
    """Per worker: the format given on the command line (None: each file's own) and the rules;
    *figures_only* (xlfin stats): read the key figures, run no rule."""
    global _PROFILE, _FIGURES_ONLY
    _PROFILE = load_profile(profile_id, year) if profile_id else None
    _FIGURES_ONLY = figures_only
    import xlfin.rules  # noqa: F401  (registers the rules once per worker)


# ---------------------------------------------------------------- merge (汇总)


class MergeError(UserError):
    """Books that cannot be consolidated (different profiles or years)."""

    en = "the workbooks cannot be merged"


def merge_books(books: list[Book], profile: Profile, main: int = 0) -> tuple[Book, list[str]]:
    """Consolidate units: every table summed by row key, counts summed, 决算单位构成 listing the
    units, texts from the *main* unit. Returns the book and notes on rows found in only some units."""
    total = Consolidation(profile, main)
    for b in books:
        total.add(b)
    return total.result()


def _consolidate_chunk(job: tuple[list[str], str | None, int | None, int]):
    """A worker's share of a merge: the units of *paths* (consecutive in file order) read and
    consolidated. Returns the partial :class:`Consolidation`, or (path, message) for the first
    file that cannot be read or merged (the parent stops with it, naming the file)."""
    from xlfin.io.reader import read_detected

    paths, profile_id, year, main = job
    total = None
    for path in paths:
        try:
            book, found = read_detected(path, profile_id, year)
            if total is None:
                total = Consolidation(found.profile, main)
            total.add(book)
        except UserError as e:
            return path, str(e)
    return total


def consolidate(
    paths: list[Path],
    profile_id: str | None,
    year: int | None,
    main: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> Consolidation:
    """The merge of the units at *paths* (each read in its own format, or *profile_id*/*year*),
    texts from the unit at index *main*: consecutive chunks consolidated by *workers*
    processes, combined in file order here, so that the parent neither reads nor holds the
    units' workbooks. Raises MergeError naming the first file that cannot be merged, and
    TooManyRows as soon as the units' 绩效自评表 are more than one Excel sheet holds."""
    from xlfin.placement import check_rows

    size = max(1, min(50, len(paths) // (workers * 4) or 1))
    jobs = [
        ([str(p) for p in paths[i : i + size]], profile_id, year, main - i)
        for i in range(0, len(paths), size)
    ]
    if workers <= 1:
        results: Iterable = map(_consolidate_chunk, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_consolidate_chunk, jobs)
    total: Consolidation | None = None
    done = 0
    spool = ProjectSpool()  # the units' 绩效自评表, on disk in file order until written

    def add(job, part) -> None:
        nonlocal total, done
        if isinstance(part, tuple):
            raise MergeError(f"{part[0]}：{part[1]}")
        spool.add(part.projects)
        part.projects = []
        total = part if total is None else total.combine(part)
        check_rows(total.profile, len(spool))  # said now, not after every unit
        done += 1
        if progress:
            progress(len(job[0]))

    try:
        try:
            for job, part in zip(jobs, results, strict=True):
                add(job, part)
        except BrokenProcessPool:
            # a worker died (out of memory …) and took the pool's pending parts with it: the
            # rest again, each part in a process of its own, so that the one that dies is named
            for job in jobs[done:]:
                with ProcessPoolExecutor(1) as alone:
                    try:
                        part = alone.submit(_consolidate_chunk, job).result()
                    except BrokenProcessPool:
                        files = job[0]
                        raise MergeError(
                            f"处理 {files[0]} 至 {files[-1]} 的进程意外终止（内存或资源耗尽），"
                            "未生成汇总；可减少 --jobs 或分批汇总 / a worker died"
                        ) from None
                add(job, part)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    assert total is not None
    total.projects = spool
    return total


class Spool:
    """Records kept in a temporary file instead of memory (gone when the file is closed or
    the process ends): what a run over thousands of units would otherwise hold until its
    end. Each record is read back by its index, or all of them in order."""

    def __init__(self, prefix: str) -> None:
        self._file = tempfile.TemporaryFile(prefix=prefix)
        self._records: list[tuple[int, int]] = []  # (offset, length) of each record

    def add(self, record) -> int:
        """Keep *record*; its index."""
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        self._records.append((self._file.seek(0, os.SEEK_END), len(data)))
        self._file.write(data)
        return len(self._records) - 1

    def get(self, index: int):
        offset, length = self._records[index]
        self._file.seek(offset)
        return pickle.loads(self._file.read(length))

    def records(self) -> Iterator:
        for i in range(len(self._records)):
            yield self.get(i)

    def close(self) -> None:
        self._file.close()


class ProjectSpool(Spool):
    """The 绩效自评 projects of a merge in unit order (a part's projects a record): ten
    thousand units' forms are read back one part at a time while the consolidated workbook is
    written. A sequence: len() and iteration."""

    def __init__(self) -> None:
        super().__init__("xlfin-merge-")
        self._count = 0
        self.most_indicators = 0  # the most indicator rows of one project

    def add(self, projects: list) -> int:
        if not projects:
            return -1
        self._count += len(projects)
        self.most_indicators = max(self.most_indicators, *(len(p.indicators) for p in projects))
        return super().add(projects)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        for projects in self.records():
            yield from projects


class FindingSpool(Spool):
    """The findings of a folder's check, each file's (id, severity, where, message) as a
    record, read back file by file when they are printed or written to the summary: the
    parent of ``check DIR`` holds the units' counts, not their 280,000 findings."""

    def __init__(self) -> None:
        super().__init__("xlfin-check-")
        self._index: dict[str, int] = {}

    def put(self, file: str, findings: list[tuple[str, str, str, str]]) -> None:
        self._index[file] = self.add(findings)

    def of(self, file: str) -> list[tuple[str, str, str, str]]:
        """The findings of *file* (none when it has none or was not checked)."""
        index = self._index.get(file)
        return [] if index is None else self.get(index)


def _is_num(v) -> bool:
    return isinstance(v, (Decimal, int)) and not isinstance(v, bool)


class _Sum:
    """One column of one row over the units: a sum while every value is a number."""

    __slots__ = ("text", "ok", "dec", "total")

    def __init__(self, first) -> None:
        self.text = isinstance(first, str)  # a text column: the main unit's text, not a sum
        self.ok = True
        self.dec = False
        self.total = 0

    def add(self, v) -> None:
        if not self.ok:
            return
        if not _is_num(v):
            self.ok = False
            return
        self.dec = self.dec or isinstance(v, Decimal)
        self.total = self.total + v

    def merge(self, later: _Sum) -> None:
        """Add the values of *later* units (its first value is not this column's first)."""
        if not self.ok:
            return
        if not later.ok or later.text:
            self.ok = False
            return
        self.dec = self.dec or later.dec
        self.total = self.total + later.total


class Consolidation:
    """The merge of many units, one book at a time: a book is added and can be dropped, so
    that 10,000 units need the memory of the result, not of all their workbooks. The same
    result as summing them all at once (tables by row key, classification rows in code
    order, forms' numbers summed, texts from the *main* unit, projects in unit order)."""

    TEXT_COLS = frozenset({"reason", "budget_reason"})

    def __init__(self, profile: Profile, main: int = 0) -> None:
        self.profile = profile
        self.main = main
        self.count = 0
        self.year = None
        self.profile_id = None
        self.base: Book | None = None
        self.sheets = [s for s in profile.sheets if s.kind in ("table", "form")]
        self.present: set[str] = set()
        self.keys: dict[str, dict[str, tuple]] = {}  # table → key → (label, code, block)
        self.holders: dict[tuple[str, str], int] = {}
        self.sums: dict[tuple[str, str], dict[str, _Sum]] = {}
        self.form_sums: dict[tuple[str, str], list] = {}  # (form, key) → [total, any Decimal]
        self.units: list[dict[str, Cell]] = []
        self.projects: list = []

    def _same_kind(self, year, profile_id) -> None:
        """Units of one year and one format only (the first one added sets them)."""
        if self.count == 0:
            self.year, self.profile_id = year, profile_id
        elif year != self.year:
            years = "、".join(map(str, sorted({self.year, year})))
            raise MergeError(f"不能汇总不同年度的工作簿：{years} / cannot merge different years")
        elif profile_id != self.profile_id:
            ids = "、".join(sorted({self.profile_id, profile_id}))
            raise MergeError(f"不能汇总不同格式的工作簿：{ids} / cannot merge different formats")

    def add(self, b: Book) -> None:
        self._same_kind(b.year, b.profile_id)
        if self.count == self.main:
            self.base = b
        self.count += 1
        for s in self.sheets:
            src = b.tables.get(s.id)
            if src is None:
                continue
            self.present.add(s.id)
            keys = self.keys.setdefault(s.id, {})
            for key, row in src.rows.items():
                if key not in keys:
                    keys[key] = (row.label, row.code, row.block)
                    self.holders[(s.id, key)] = 0
                if any(not c.blank for c in row.cells.values()):
                    self.holders[(s.id, key)] += 1
                cols = self.sums.setdefault((s.id, key), {})
                for col, cell in row.cells.items():
                    if cell.blank:
                        if col not in cols:
                            cols[col] = None  # a column of the row, no value yet
                        continue
                    acc = cols.get(col)
                    if acc is None:
                        acc = cols[col] = _Sum(cell.value)
                    acc.add(cell.value)
        for form, fields in b.forms.items():
            for key, cell in fields.items():
                if isinstance(cell.value, (Decimal, int)):
                    acc = self.form_sums.setdefault((form, key), [0, False])
                    acc[0] += cell.value
                    acc[1] = acc[1] or isinstance(cell.value, Decimal)
        for item in b.lists.get("COVER.units") or [
            {
                "name": Cell(b.field("COVER.unit", "dept_name")),
                "nature": Cell(b.field("COVER.unit", "nature")),
            }
        ]:
            self.units.append(
                {k: Cell(v.value) for k, v in item.items() if k != "seq" and not v.blank}
            )
        self.projects.extend(b.projects)

    def combine(self, later: Consolidation) -> Consolidation:
        """This merge followed by *later*'s (the units after these, in order): the same as
        adding all their books here one by one."""
        if later.count == 0:
            return self
        if self.count == 0:
            return later
        self._same_kind(later.year, later.profile_id)
        self.count += later.count
        self.base = self.base if self.base is not None else later.base
        self.present |= later.present
        for tid, keys in later.keys.items():
            mine = self.keys.setdefault(tid, {})
            for key, info in keys.items():
                mine.setdefault(key, info)
        for k, n in later.holders.items():
            self.holders[k] = self.holders.get(k, 0) + n
        for k, cols in later.sums.items():
            mine = self.sums.setdefault(k, {})
            for col, acc in cols.items():
                earlier = mine.get(col)
                if earlier is None:
                    mine[col] = acc
                elif acc is not None:
                    earlier.merge(acc)
        for k, (total, dec) in later.form_sums.items():
            acc = self.form_sums.setdefault(k, [0, False])
            acc[0] += total
            acc[1] = acc[1] or dec
        self.units.extend(later.units)
        self.projects.extend(later.projects)
        return self

    def result(self) -> tuple[Book, list[str]]:
        if self.count == 0:
            raise MergeError("没有要汇总的工作簿 / nothing to merge")
        base = self.base
        if base is None:
            raise MergeError(f"没有第 {self.main + 1} 个工作簿 / no main unit")
        out = Book(profile_id=base.profile_id, year=base.year)
        notes: list[str] = []
        for s in self.sheets:
            if s.id not in self.present:
                continue
            mine = base.tables.get(s.id)
            t = Table(
                id=s.id,
                sheet=s.name,
                unit_name=Cell(mine.unit_name.value if mine is not None else None),
            )
            if mine is not None:
                t.note = Cell(mine.note.value)
            keys = list(self.keys[s.id])
            # classification rows in code order (类, its 款, its 项); fixed rows keep their order
            keys = [k for k in keys if not k.isdigit()] + sorted(k for k in keys if k.isdigit())
            for key in keys:
                label, code, block = self.keys[s.id][key]
                merged = Row(key=key, label=label, code=code, block=block)
                for col, acc in self.sums[(s.id, key)].items():
                    if acc is None:
                        continue
                    if col in self.TEXT_COLS or acc.text:
                        main_row = mine.rows.get(key) if mine is not None else None
                        v = main_row.get(col) if main_row is not None else None
                        if v is not None:
                            merged.cells[col] = Cell(v)
                        continue
                    if acc.ok:
                        merged.cells[col] = Cell(Decimal(0) + acc.total if acc.dec else acc.total)
                t.rows[key] = merged
                held = self.holders.get((s.id, key), 0)
                if code and 0 < held < self.count:
                    notes.append(f"{s.name}：科目 {code} {label} 只在 {held} 个单位中有数")
            out.tables[s.id] = t
        # forms: numbers summed, texts from the main unit
        for form, fields in base.forms.items():
            merged_fields = {}
            for key, cell in fields.items():
                if _is_num(cell.value) and form != "COVER.unit":
                    total, dec = self.form_sums.get((form, key), (0, False))
                    merged_fields[key] = Cell(Decimal(0) + total if dec else total)
                else:
                    merged_fields[key] = Cell(cell.value)
            out.forms[form] = merged_fields
        out.forms.setdefault("COVER.unit", {})["unit_count"] = Cell(self.count)
        units = [dict(u) for u in self.units]
        for i, u in enumerate(units, 1):
            u["seq"] = Cell(i)
        out.lists["COVER.units"] = [
            {"seq": u["seq"], **{k: v for k, v in u.items() if k != "seq"}} for u in units
        ]
        for key, items in base.lists.items():
            if key != "COVER.units":
                out.lists[key] = [{k: Cell(v.value) for k, v in it.items()} for it in items]
        out.projects = self.projects  # a list, or a merge's ProjectSpool
        return out, notes
