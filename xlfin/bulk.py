"""Bulk work for a finance bureau: generate pre-filled workbooks for many units, check a whole
folder, consolidate units (汇总).

Each unit is handled on its own: a bad row, a missing last-year workbook or an unreadable file
is reported for that unit and the others go on.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
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
    from xlfin.io.reader import read_detected
    from xlfin.io.writer import write_book
    from xlfin.placement import cell_values, fitted_profile

    profile = _PROFILE
    try:  # last year's workbook in its own format (a format may change between years)
        last = read_detected(Path(job.last))[0] if job.last else None
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
        _PACKAGE.write(cell_values(book, profile), Path(job.path))
    except NotFast:
        write_book(book, profile, Path(job.path))
    return "已生成", reason


def index_last_year(folder: Path, profile: Profile) -> dict[str, str]:
    """Last year's workbooks by unit code and by unit name (code first), each read in its own
    format (last year's format may not be this year's)."""
    from xlfin.io.reader import read_detected

    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        try:
            book = read_detected(path)[0]
        except Exception:
            continue
        code = book.field("COVER.unit", "unit_code")
        name = book.field("COVER.unit", "dept_name")
        if code:
            found.setdefault(f"code:{code}", str(path))
        if name:
            found.setdefault(f"name:{norm_label(name)}", str(path))
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
) -> list[tuple[object, object]]:
    """Run *worker* over *jobs* in *workers* processes (1: in this process); (job, result) pairs,
    a raised exception as the result."""
    results = []
    if workers <= 1:
        if initializer:
            initializer(*initargs)
        for job in jobs:
            try:
                results.append((job, worker(job)))
            except Exception as e:  # one unit's failure never stops the others
                results.append((job, e))
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
                results.append((job, fut.result()))
            except BrokenProcessPool:  # a worker died: say which job killed it, below
                broken.append(job)
                continue
            except Exception as e:
                results.append((job, e))
            if progress:
                progress()
    # A dead worker breaks the whole pool: every job still pending fails with it. Run those
    # again one at a time, each in a pool of its own, so that only the job that really kills
    # its process is reported so, and one unit's failure never marks another.
    for job in broken:
        with ProcessPoolExecutor(1, initializer=initializer, initargs=initargs) as alone:
            try:
                results.append((job, alone.submit(worker, job).result()))
            except BrokenProcessPool:
                results.append((job, ProcessDied("处理这个文件的进程意外终止（内存或资源耗尽）")))
            except Exception as e:
                results.append((job, e))
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
    if not books:
        raise MergeError("没有要汇总的工作簿 / nothing to merge")
    years = {b.year for b in books}
    if len(years) > 1:
        raise MergeError(
            f"不能汇总不同年度的工作簿：{'、'.join(map(str, sorted(years)))} / cannot merge different years"
        )
    profiles = {b.profile_id for b in books}
    if len(profiles) > 1:
        raise MergeError(
            f"不能汇总不同格式的工作簿：{'、'.join(sorted(profiles))} / cannot merge different formats"
        )
    base = books[main]
    out = Book(profile_id=base.profile_id, year=base.year)
    notes: list[str] = []
    text_cols = {"reason", "budget_reason"}
    for s in profile.sheets:
        if s.kind not in ("table", "form") or not any(s.id in b.tables for b in books):
            continue
        t = Table(
            id=s.id,
            sheet=s.name,
            unit_name=Cell(base.tables[s.id].unit_name.value if s.id in base.tables else None),
        )
        if s.id in base.tables:
            t.note = Cell(base.tables[s.id].note.value)
        keys: list[str] = []
        holders: dict[str, int] = {}
        for b in books:
            src = b.tables.get(s.id)
            if src is None:
                continue
            for key, row in src.rows.items():
                if key not in holders:
                    keys.append(key)
                    holders[key] = 0
                if any(not c.blank for c in row.cells.values()):
                    holders[key] += 1
        # classification rows in code order (类, its 款, its 项); fixed rows keep their order
        keys = [k for k in keys if not k.isdigit()] + sorted(k for k in keys if k.isdigit())
        for key in keys:
            rows = [
                b.tables[s.id].rows[key]
                for b in books
                if s.id in b.tables and key in b.tables[s.id].rows
            ]
            first = rows[0]
            merged = Row(key=key, label=first.label, code=first.code, block=first.block)
            cols = {c for r in rows for c in r.cells}
            for col in cols:
                values = [
                    r.cells[col].value for r in rows if col in r.cells and not r.cells[col].blank
                ]
                if not values:
                    continue
                if col in text_cols or isinstance(values[0], str):
                    main_row = base.tables.get(s.id).rows.get(key) if s.id in base.tables else None
                    v = main_row.get(col) if main_row is not None else None
                    if v is not None:
                        merged.cells[col] = Cell(v)
                    continue
                if all(isinstance(v, (Decimal, int)) and not isinstance(v, bool) for v in values):
                    merged.cells[col] = Cell(
                        sum(values, Decimal(0))
                        if any(isinstance(v, Decimal) for v in values)
                        else sum(values)
                    )
            t.rows[key] = merged
            if first.code and 0 < holders.get(key, 0) < len(books):
                notes.append(
                    f"{s.name}：科目 {first.code} {first.label} 只在 {holders[key]} 个单位中有数"
                )
        out.tables[s.id] = t
    # forms: numbers summed, texts from the main unit
    for form, fields in base.forms.items():
        merged = {}
        for key, cell in fields.items():
            if (
                isinstance(cell.value, (Decimal, int))
                and not isinstance(cell.value, bool)
                and form != "COVER.unit"
            ):
                values = [b.forms.get(form, {}).get(key) for b in books]
                nums = [
                    c.value for c in values if c is not None and isinstance(c.value, (Decimal, int))
                ]
                merged[key] = Cell(
                    sum(nums, Decimal(0))
                    if any(isinstance(v, Decimal) for v in nums)
                    else sum(nums)
                )
            else:
                merged[key] = Cell(cell.value)
        out.forms[form] = merged
    out.forms.setdefault("COVER.unit", {})["unit_count"] = Cell(len(books))
    units = []
    for b in books:
        for item in b.lists.get("COVER.units") or [
            {
                "name": Cell(b.field("COVER.unit", "dept_name")),
                "nature": Cell(b.field("COVER.unit", "nature")),
            }
        ]:
            units.append({k: Cell(v.value) for k, v in item.items() if k != "seq" and not v.blank})
    for i, u in enumerate(units, 1):
        u["seq"] = Cell(i)
    out.lists["COVER.units"] = [
        {"seq": u["seq"], **{k: v for k, v in u.items() if k != "seq"}} for u in units
    ]
    for key, items in base.lists.items():
        if key != "COVER.units":
            out.lists[key] = [{k: Cell(v.value) for k, v in it.items()} for it in items]
    for b in books:
        out.projects.extend(b.projects)
    return out, notes
