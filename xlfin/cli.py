"""The ``xlfin`` command line (typer + rich). Thin: parse arguments, call the core, print."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from xlfin import __version__
from xlfin.console import LazyConsole, styled
from xlfin.io.files import OutputError, check_output
from xlfin.profile import ProfileError, load_profile

app = typer.Typer(
    name="xlfin",
    help="部门决算公开：Excel 模板、校验、百分比计算与情况说明生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = LazyConsole()  # rich only on a terminal; text users typed prints as typed
err = LazyConsole(stderr=True)


# Options shared by several commands.
ProfileOpt = Annotated[str, typer.Option("--profile", help="表样格式（xlfin profiles 列出全部）。")]
NewProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile", help="表样格式（xlfin profiles 列出全部）；默认 nmg-2023，2025 年起 nmg-2024。"
    ),
]
DetectedProfileOpt = Annotated[
    str | None,
    typer.Option("--profile", help="表样格式；不给则按工作簿的表名和封面年度识别。"),
]
DetectedYearOpt = Annotated[
    int | None, typer.Option("--year", help="决算年度；不给则取封面的年度。")
]
YearOpt = Annotated[int | None, typer.Option("--year", help="决算年度。")]
ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")]


def default_profile(year: int | None) -> str:
    """The format when none is given: nmg-2023, or nmg-2024 for the years only it covers."""
    from xlfin.profile import load_profile as _load

    if year is not None and year not in _load("nmg-2023").years and year in _load("nmg-2024").years:
        return "nmg-2024"
    return "nmg-2023"


class UsageFailure(Exception):
    """A problem the user can fix: reported in one line, exit code 2."""


def cannot_write(path, error: OSError) -> None:
    """The one message for an output that the system refuses to write."""
    fail(f"无法写入 {path}：{error.strerror or error} / cannot write {path}")


def fail(message: str) -> None:
    """Print *message* (Chinese / English) on stderr and exit with code 2 (misuse or
    unreadable input)."""
    err.print(styled(("错误", "bold red"), f"：{message}"), soft_wrap=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        out.print(f"xlfin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号。")
    ] = False,
) -> None:
    """部门决算公开：Excel 模板、校验、百分比计算与情况说明生成。"""


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlsx 文件。")],
    profile: NewProfileOpt = None,
    year: YearOpt = None,
    force: ForceOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不列出工作表。")] = False,
) -> None:
    """生成空白的部门决算公开 Excel 模板（各格式的公开表及说明数据、绩效自评表）。"""
    from xlfin.io.template import write_template

    try:
        prof = load_profile(profile or default_profile(year), year)
        check_output(output, force)
        write_template(prof, output)
    except (ProfileError, OutputError) as e:
        fail(str(e))
    except OSError as e:
        cannot_write(output, e)
    if not quiet:
        _print_sheets(prof, output)


def _load_book(path: Path, profile: str | None, year: int | None):
    """Read a workbook in its own format (or the one given); unreadable input or an unknown
    format ends the command with exit code 2."""
    from xlfin.io.reader import ReadError, read_detected

    try:
        if profile is not None:
            load_profile(profile, year)  # a bad --profile/--year is reported before the file
        book, found = read_detected(path, profile, year)
    except (ProfileError, ReadError) as e:
        fail(f"{path}：{e}" if not str(e).startswith(str(path)) else str(e))
    if found.note:
        err.print(styled(("提示", "yellow"), f"：{found.note}"), soft_wrap=True)
    return found.profile, book


@app.command("export")
def export_json(
    workbook: Annotated[Path, typer.Argument(help="已填报的 .xlsx 工作簿。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .json 文件。")],
    profile: DetectedProfileOpt = None,
    year: DetectedYearOpt = None,
    force: ForceOpt = False,
) -> None:
    """把工作簿导出为 JSON（金额以字符串保存，精确无误差）。"""
    import json

    from xlfin.interchange import book_to_data
    from xlfin.io.files import atomic_write

    prof, book = _load_book(workbook, profile, year)
    data = book_to_data(book, prof)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    try:
        check_output(output, force, [workbook])
        atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OutputError as e:
        fail(str(e))
    except OSError as e:
        cannot_write(output, e)
    out.print(f"已导出 {output}（{len(data['tables'])} 张表，读取问题 {len(book.problems)} 个）")
    for p in book.problems[:20]:
        out.print(f"  {p.sheet}!{p.cell or ''}: {p.message}", soft_wrap=True)


@app.command("import")
def import_json(
    data_file: Annotated[Path, typer.Argument(help="xlfin 导出的 .json 文件。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlsx 工作簿。")],
    force: ForceOpt = False,
) -> None:
    """把 JSON 数据填入模板，生成工作簿。"""
    import json

    from xlfin.interchange import InterchangeError, data_to_book, validate
    from xlfin.io.writer import write_book

    def no_constant(name: str):
        raise ValueError(f"不接受 {name}")

    try:
        data = json.loads(data_file.read_text(encoding="utf-8"), parse_constant=no_constant)
    except FileNotFoundError:
        fail(f"文件不存在：{data_file} / file not found")
    except (UnicodeDecodeError, ValueError) as e:  # JSONDecodeError is a ValueError
        fail(f"不是有效的 JSON 文件：{data_file}（{e}） / invalid JSON")
    except RecursionError:
        fail(f"JSON 嵌套过深，不是 xlfin 的数据：{data_file} / JSON nested too deep")
    except OSError as e:
        fail(f"无法读取 {data_file}：{e.strerror or e} / cannot read the file")
    problems = validate(data)
    if problems:
        fail("JSON 数据的结构不对 / malformed JSON document：" + "；".join(problems))
    try:
        prof = load_profile(data["profile"], data.get("year"))
        book = data_to_book(data, prof)
        check_output(output, force, [data_file])
        write_book(book, prof, output)
    except (ProfileError, InterchangeError, OutputError) as e:
        fail(str(e))
    except OSError as e:
        cannot_write(output, e)
    out.print(f"已生成 {output}")


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


@app.command()
def check(
    files: Annotated[
        list[Path],
        typer.Argument(help="要校验的 .xlsx 工作簿或文件夹（可多个；文件夹下的全部 .xlsx）。"),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="输出格式：text 或 json。")
    ] = OutputFormat.text,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="只运行这些规则（按编号前缀，如 T,X1）。")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="跳过这些规则（按编号前缀）。")
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="达到此级别的发现时退出码为 1。")
    ] = FailOn.error,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="有发现也以 0 退出。")] = False,
    mark: Annotated[
        bool, typer.Option("--mark", help="在工作簿中标注：校验结果表、单元格底色和批注。")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="--mark 的输出文件（不改动原文件）。")
    ] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="--mark 直接写回原文件。")] = False,
    force: ForceOpt = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数（检查多个文件时）。")] = 1,
    summary: Annotated[
        Path | None, typer.Option("--summary", help="汇总结果写入 .xlsx（每个单位一行）。")
    ] = None,
    profile: DetectedProfileOpt = None,
    year: DetectedYearOpt = None,
) -> None:
    """校验工作簿：表内、表间勾稽关系，结构，说明数据与绩效自评表。退出码 0 无问题，1 有达到 --fail-on 级别的发现，2 无法读取或用法错误。"""

    from xlfin.io.reader import ReadError, read_detected
    from xlfin.rules import run
    from xlfin.rules.engine import RANK

    if mark and not (output or in_place):
        fail("--mark 需要 -o 输出文件或 --in-place / --mark needs -o FILE or --in-place")
    if mark and (len(files) != 1 or files[0].is_dir()):
        fail("--mark 一次只能处理一个工作簿 / --mark takes one workbook")
    if (output or in_place) and not mark:
        fail("-o 和 --in-place 只与 --mark 一起使用 / -o and --in-place go with --mark")
    try:
        if profile is not None:
            load_profile(profile, year)
        elif year is not None:
            fail("--year 需要与 --profile 一起使用 / --year goes with --profile")
    except ProfileError as e:
        fail(str(e))
    sel, ign = _split(select), _split(ignore)
    from xlfin.rules import RULES

    unknown = [x for x in sel + ign if not any(rid.startswith(x.upper()) for rid in RULES)]
    if unknown:  # a typo would otherwise be a clean run
        fail(
            f"没有以 {'、'.join(unknown)} 开头的规则（xlfin rules 列出全部）"
            " / --select/--ignore names no rule"
        )
    from xlfin.io.files import workbooks_under

    missing_dirs = [p for p in files if not p.exists()]
    paths = [p for p in workbooks_under(files) if p not in missing_dirs]  # each said once
    unreadable = bool(missing_dirs)
    for p in missing_dirs:
        err.print(
            styled(f"{p}: ", ("无法读取", "bold red"), "：文件或文件夹不存在"),
            soft_wrap=True,
        )
    if summary is not None:  # said before the work, not after checking every file
        try:
            check_output(summary, force, paths)
        except OutputError as e:
            fail(str(e))
    counts = {"error": 0, "warning": 0, "info": 0}
    outcomes, spool = [], None
    # each file's findings, file by file in the order given: a folder's wait on disk until
    # printed (its parent holds the units' counts, not their findings)
    batches: Iterable[tuple[str, list]]
    if len(paths) > 1 or jobs > 1 or summary is not None:
        outcomes, spool, counts = _check_many(paths, profile, year, sel, ign, jobs)
        for o in outcomes:
            if o.status == "无法读取":
                err.print(
                    styled(f"{o.file}: ", ("无法读取", "bold red"), f"：{o.reason}"),
                    soft_wrap=True,
                )
                unreadable = True
        batches = (
            (o.file, [_finding(*t) for t in spool.of(o.file)])
            for o in outcomes
            if o.status != "无法读取"
        )
    else:
        checked = []
        for path in paths:
            try:
                book, found = read_detected(path, profile, year)
            except (ReadError, ProfileError) as e:
                err.print(styled(f"{path}: ", ("无法读取", "bold red"), f"：{e}"), soft_wrap=True)
                unreadable = True
                continue
            if found.note:
                err.print(
                    styled(f"{path}: ", ("提示", "yellow"), f"：{found.note}"),
                    soft_wrap=True,
                )
            prof = found.profile
            report = run(book, prof, sel, ign)
            checked.append((str(path), report.findings))
            for f in report.findings:
                counts[f.severity] += 1
            if mark:
                _mark(path, output, in_place, force, report, prof)
        batches = checked
    worst = next((s for s in ("error", "warning", "info") if counts[s]), None)
    try:
        if summary is not None:
            _write_summary(summary, outcomes, force, paths, spool)
        if output_format == OutputFormat.json:
            for piece in _json_pieces(batches, counts):
                typer.echo(piece, nl=False)
            typer.echo("")
        else:
            _print_findings(batches)
            n = sum(counts.values())
            typer.echo(
                f"共 {n} 条：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}"
                f"（{len(paths)} 个文件）"
            )
    finally:
        if spool is not None:
            spool.close()
    if unreadable:
        raise typer.Exit(2)
    if not exit_zero and worst is not None and RANK[worst] <= RANK[fail_on.value]:
        raise typer.Exit(1)


def _progress(total: int, what: str):
    """A rich progress bar on stderr; returns (context manager, advance callback)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err.console(),
        transient=False,
        disable=total < 2,
    )
    task = bar.add_task(what, total=total)
    return bar, lambda n=1: bar.advance(task, n)


def _finding(rid: str, severity: str, where: str, message: str):
    """A finding rebuilt from a worker's plain (id, severity, where, message)."""
    from xlfin.rules.engine import Finding

    sheet, _, cell = where.partition("!")
    return Finding(rid, severity, message, sheet or None, cell or None)


def _print_findings(batches) -> None:
    """One line a finding, each file's errors first, then warnings, then info (sheet order
    within); colour only on a terminal (rich: not when piped, not with NO_COLOR), never
    wrapped inside a number."""
    from xlfin.marks import SEVERITY_CN
    from xlfin.rules.engine import RANK

    colour = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for file, findings in batches:
        for f in sorted(findings, key=lambda f: RANK[f.severity]):
            where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "")
            out.print(
                styled(
                    f"{file}:{where}: {f.id} ",
                    (SEVERITY_CN[f.severity], colour[f.severity]),
                    f" {f.message}",
                ),
                soft_wrap=True,
            )


def _finding_json(file: str, f) -> dict:
    """A finding of *file* as the JSON output gives it."""
    return {
        "file": file,
        "id": f.id,
        "severity": f.severity,
        "sheet": f.sheet,
        "cell": f.cell,
        "message": f.message,
        "related": list(f.related),
        "expected": f.expected,
        "actual": f.actual,
    }


def _json_pieces(batches, counts: dict[str, int]) -> Iterator[str]:
    """``json.dumps({"findings": […], "counts": counts}, ensure_ascii=False, indent=1)``
    made finding by finding (a folder's findings are never one string in memory)."""
    import json
    import textwrap

    yield '{\n "findings": ['
    first = True
    for file, findings in batches:
        for f in findings:
            text = json.dumps(_finding_json(file, f), ensure_ascii=False, indent=1)
            yield ("\n" if first else ",\n") + textwrap.indent(text, "  ")
            first = False
    yield ("]" if first else "\n ]") + ',\n "counts": '
    yield textwrap.indent(json.dumps(counts, ensure_ascii=False, indent=1), " ")[1:] + "\n}"


def _check_many(paths, profile, year, sel, ign, jobs):
    """Check *paths* in *jobs* processes: (outcomes in the order of *paths*, each without its
    findings, the FindingSpool that holds them, the counts by severity)."""
    from xlfin.bulk import FindingSpool, Outcome, _check_one, _init_checker, run_jobs
    from xlfin.rules.engine import selected

    spool = FindingSpool()
    counts = {"error": 0, "warning": 0, "info": 0}
    done: dict[str, Outcome] = {}

    def keep(path: str, o) -> None:
        if isinstance(o, Exception):
            o = Outcome(Path(path).name, "", "无法读取", path, str(o))
        kept = [f for f in o.findings if selected(f[0], sel, ign)]
        for f in kept:
            counts[f[1]] += 1
        o.errors = sum(1 for f in kept if f[1] == "error")
        o.warnings = sum(1 for f in kept if f[1] == "warning")
        if o.status != "无法读取":
            o.status = "有错误" if o.errors else ("有警告" if o.warnings else "通过")
        if kept:
            spool.put(path, kept)
        o.findings = []
        done[path] = o

    bar, advance = _progress(len(paths), "校验")
    try:
        with bar:
            run_jobs(
                [str(p) for p in paths],
                _check_one,
                _init_checker,
                (profile, year),
                jobs,
                advance,
                consume=keep,
            )
    except BaseException:
        spool.close()
        raise
    return [done[str(p)] for p in paths], spool, counts


def _write_summary(path: Path, outcomes, force: bool, inputs, spool) -> None:
    from xlfin.io.summary import write_summary

    try:
        check_output(path, force, inputs)
    except OutputError as e:
        fail(str(e))
    try:
        write_summary(path, outcomes, lambda o: spool.of(o.file))
    except OSError as e:
        cannot_write(path, e)
    err.print(f"已写入汇总：{path}", soft_wrap=True)


@app.command()
def stats(
    files: Annotated[list[Path], typer.Argument(help="各单位已填报的工作簿或文件夹。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlsx。")],
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数。")] = 1,
    force: ForceOpt = False,
    profile: DetectedProfileOpt = None,
    year: DetectedYearOpt = None,
) -> None:
    """汇总各单位的主要指标（收支总计、财政拨款、三公、运行经费、完成年初预算%）及其合计和较上年增减。"""
    from xlfin.bulk import Outcome, _check_one, _init_checker, run_jobs
    from xlfin.io.files import workbooks_under
    from xlfin.io.summary import write_stats

    if output.suffix.lower() != ".xlsx":
        fail("-o 应为 .xlsx 文件 / -o must end in .xlsx")
    paths = list(workbooks_under(files))
    if not paths:
        fail("没有找到工作簿 / no workbook found")
    try:
        check_output(output, force, paths)
    except OutputError as e:
        fail(str(e))
    bar, advance = _progress(len(paths), "读取")
    with bar:
        results = run_jobs(
            [str(p) for p in paths], _check_one, _init_checker, (profile, year, True), jobs, advance
        )
    order = {str(p): i for i, p in enumerate(paths)}
    outcomes = []
    for path, o in sorted(results, key=lambda r: order[r[0]]):
        if isinstance(o, Exception):
            o = Outcome(Path(path).name, "", "无法读取", path, str(o))
        outcomes.append(o)
    try:
        write_stats(output, outcomes)
    except OSError as e:
        cannot_write(output, e)
    bad = sum(1 for o in outcomes if o.status == "无法读取")
    err.print(
        f"已写入 {len(outcomes)} 个单位的指标：{output}" + (f"（{bad} 个无法读取）" if bad else ""),
        soft_wrap=True,
    )


def _mark(path: Path, output: Path | None, in_place: bool, force: bool, report, prof) -> None:
    from xlfin.io.apply import apply_file, read_mark_state
    from xlfin.marks import mark_writes, template_fills

    target = path if in_place else output
    try:
        if not in_place:
            if output.resolve() == path.resolve():
                fail("输出文件与输入相同；要改写原文件请用 --in-place / use --in-place")
            check_output(output, force)

        def writes_for(wb):
            cells = [(f.sheet, f.cell) for f in report.findings if f.sheet and f.cell]
            return mark_writes(report, read_mark_state(wb), template_fills(prof, cells))

        apply_file(path, target, writes_for)
    except OutputError as e:
        fail(str(e))
    except OSError as e:
        cannot_write(target, e)
    err.print(f"已标注：{target}")


def _backup(path: Path) -> Path:
    """Copy *path* to a timestamped backup beside it before it is changed in place."""
    import shutil
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.备份-{stamp}{path.suffix}")
    shutil.copy2(path, backup)
    return backup


def _target(path: Path, output: Path | None, in_place: bool, force: bool) -> Path:
    if bool(output) == bool(in_place):
        fail("请指定 -o 输出文件或 --in-place（二选一） / give either -o FILE or --in-place")
    if in_place:
        return path
    if output.resolve() == path.resolve():
        fail("输出文件与输入相同；要改写原文件请用 --in-place / use --in-place")
    try:
        check_output(output, force)
    except OutputError as e:
        fail(str(e))
    return output


def _write_into(
    workbook: Path, target: Path, in_place: bool, writes: list, fit_rows: bool = False
) -> None:
    """Apply *writes* to a copy of *workbook* at *target*; in place, back the original up first."""
    from xlfin.io.apply import apply_file

    try:
        if in_place:
            err.print(f"已备份原文件：{_backup(workbook)}")
        apply_file(workbook, target, lambda wb: writes, fit_rows)
    except OSError as e:
        cannot_write(target, e)


@app.command()
def fill(
    workbook: Annotated[Path, typer.Argument(help="已填报的 .xlsx 工作簿。")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="输出的工作簿。")] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="直接写回原文件（先自动备份）。")
    ] = False,
    force: ForceOpt = False,
    profile: DetectedProfileOpt = None,
    year: DetectedYearOpt = None,
) -> None:
    """计算百分比：把增减额、增减率、完成预算%、占比和本年决算数写入“说明数据”，并加入“图表”工作表（图1、图2），其余内容保持不变。"""
    from xlfin.compute import fill_writes
    from xlfin.io import openpyxl_without_numpy
    from xlfin.placement import page_header
    from xlfin.publication import CHART_SHEET, chart_writes

    openpyxl_without_numpy()  # fill writes numbers of its own, never numpy's
    prof, book = _load_book(workbook, profile, year)
    target = _target(workbook, output, in_place, force)
    writes = fill_writes(book, prof)
    charts = chart_writes(book, prof)
    header = page_header(book, prof)  # the unit's name at the top of every printed page
    extra = charts + ([header] if header is not None else [])
    _write_into(workbook, target, in_place, writes + extra, fit_rows=True)
    out.print(f"已写入 {len(writes)} 个计算单元格：{target}", soft_wrap=True)
    if charts:
        out.print(f"“{CHART_SHEET}”工作表：图1、图2（随“说明数据”的数字更新）", soft_wrap=True)


@app.command()
def narrate(
    workbook: Annotated[Path, typer.Argument(help="已填报的 .xlsx 工作簿。")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="说明：.md、.txt 或 Word（.docx）；不给则输出到屏幕。"),
    ] = None,
    into_workbook: Annotated[
        Path | None,
        typer.Option("--into-workbook", help="另存一份工作簿，加入“情况说明”工作表。"),
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="把“情况说明”工作表写入原文件（先自动备份）。")
    ] = False,
    trace: Annotated[
        bool,
        typer.Option(
            "--trace", help="不输出说明，而是列出说明中的每个数字及其来源单元格（.csv）。"
        ),
    ] = False,
    force: ForceOpt = False,
    profile: DetectedProfileOpt = None,
    year: DetectedYearOpt = None,
) -> None:
    """生成部门决算公开文本（按工作簿格式的各部分与情况说明各节）。校验有错误时仍生成，并标出缺失或不一致的数字，退出码 1。"""
    from xlfin.io.files import atomic_write
    from xlfin.narrative import narrative_sheet
    from xlfin.narrative.render import narrate_checked, plain
    from xlfin.rules import run

    if trace:
        _trace(workbook, output, force, profile, year)
        return
    prof, book = _load_book(workbook, profile, year)
    suffix = output.suffix.lower() if output is not None else ".md"
    if suffix not in (".md", ".txt", ".docx"):
        fail("说明只能输出为 .md、.txt 或 .docx / -o must end in .md, .txt or .docx")
    findings = run(book, prof).findings
    errors = [f for f in findings if f.severity == "error"]
    traced, marked = narrate_checked(book, prof, findings)
    text = plain(traced.text) if suffix == ".txt" else traced.text
    if output is not None:
        try:
            check_output(output, force, [workbook])
            if suffix == ".docx":
                from xlfin.io.docx_writer import write_docx

                write_docx(text, output)
            else:
                atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except OutputError as e:
            fail(str(e))
        except OSError as e:
            cannot_write(output, e)
        err.print(f"已生成：{output}")
    elif not (into_workbook or in_place):
        typer.echo(text, nl=False)
    if into_workbook or in_place:
        target = _target(workbook, into_workbook, in_place, force)
        _write_into(workbook, target, in_place, [narrative_sheet(traced)])
        err.print(f"已写入“情况说明”工作表：{target}")
    if errors:
        err.print(
            f"工作簿有 {len(errors)} 个错误，说明中 {marked} 处相关数字已标出"
            "“【请核对：规则】”，请修正后重新生成：",
            soft_wrap=True,
        )
        for f in errors:
            err.print(f"  {f.where}: {f.id} {f.message}", soft_wrap=True)
        raise typer.Exit(1)


TRACE_HEADER = ["序号", "所在部分", "数字", "来源单元格", "单元格中的值", "核对", "上下文"]


def _trace(workbook: Path, output: Path | None, force: bool, profile, year) -> None:
    """narrate --trace: every figure of the text with the cell it is printed from."""
    import csv
    import io

    from xlfin.io.cells import csv_safe
    from xlfin.io.files import atomic_write
    from xlfin.model import iter_cells
    from xlfin.narrative.render import narrate_traced, printed_as

    if output is not None and output.suffix.lower() != ".csv":
        fail("--trace 只能输出为 .csv / --trace writes .csv")
    prof, book = _load_book(workbook, profile, year)
    traced = narrate_traced(book, prof)
    values = {str(c.source): c.value for _kind, c in iter_cells(book) if c.source is not None}
    rows, missing, differ = [], 0, 0
    for n, f in enumerate(traced.figures, 1):
        where = str(f.source) if f.source is not None else ""
        value = values.get(where)
        if f.source is None:
            verdict, missing = "无来源单元格", missing + 1
        elif printed_as(value, f.printed) == f.printed:
            verdict = "一致"
        else:
            verdict = "单元格为空或不同：请先运行 xlfin fill" if value in (None, "") else "不一致"
            differ += 1
        context = traced.text[max(0, f.start - 20) : f.end + 10].replace("\n", " ")
        rows.append(
            [n, f.section, f.printed, where, "" if value is None else str(value), verdict, context]
        )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(TRACE_HEADER)
    for r in rows:
        w.writerow([csv_safe(v) for v in r])
    if output is None:
        typer.echo(buf.getvalue(), nl=False)
    else:
        try:
            check_output(output, force, [workbook])
            atomic_write(output, lambda t: t.write_bytes(buf.getvalue().encode("utf-8-sig")))
        except OutputError as e:
            fail(str(e))
        except OSError as e:
            cannot_write(output, e)
        err.print(f"已生成：{output}")
    err.print(
        f"说明中共 {len(rows)} 个数字；无来源单元格 {missing} 个，与单元格不一致 {differ} 个。",
        soft_wrap=True,
    )


@app.command()
def publish(
    workbook: Annotated[Path, typer.Argument(help="已填报的 .xlsx 工作簿。")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="公开文件：Word（.docx）或 PDF（.pdf）。")
    ],
    strict: Annotated[
        bool,
        typer.Option("--strict", help="仍有待填写/待核对标记或校验错误时不生成，退出码 1。"),
    ] = False,
    trace: Annotated[
        bool, typer.Option("--trace", help="在每个数字上加批注，注明它来自哪个单元格。")
    ] = False,
    force: ForceOpt = False,
    profile: DetectedProfileOpt = None,
    year: DetectedYearOpt = None,
) -> None:
    """生成可发布的部门决算公开文件：封面、目录、各部分、决算表、图1/图2、完整的绩效自评表。"""
    import tempfile
    from collections import Counter

    from xlfin.io.docx_writer import build_publication
    from xlfin.io.office import ConvertError, to_pdf
    from xlfin.publication import placeholders, publication
    from xlfin.rules import run

    suffix = output.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        fail("公开文件只能输出为 .docx 或 .pdf / -o must end in .docx or .pdf")
    prof, book = _load_book(workbook, profile, year)
    from xlfin.io.docx_writer import strip_figures
    from xlfin.narrative.render import narrate_checked

    findings = run(book, prof).findings
    errors = [f for f in findings if f.severity == "error"]
    traced, _ = narrate_checked(book, prof, findings, publish=True)
    text, marked = traced.text, traced.marked
    sources = traced.sources if trace else None
    if not trace:
        marked = strip_figures(marked)
    marks = placeholders(text)
    if marks:
        err.print(f"文中有 {len(marks)} 处待填写/待核对标记（文件中以黄色突出显示）：")
        for mark, n in Counter(marks).most_common():
            err.print(f"  {mark} × {n}", soft_wrap=True)
    if errors:
        err.print(f"工作簿有 {len(errors)} 个校验错误，请修正后重新生成：")
        for f in errors:
            err.print(f"  {f.where}: {f.id} {f.message}", soft_wrap=True)
    if strict and (marks or errors):
        err.print("--strict：未生成公开文件。")
        raise typer.Exit(1)
    try:
        check_output(output, force, [workbook])
    except OutputError as e:
        fail(str(e))
    doc = build_publication(marked, publication(book, prof), sources)
    try:
        if suffix == ".docx":
            doc.save(output)
            done = "已生成"
        else:
            with tempfile.TemporaryDirectory(prefix="xlfin-") as tmp:
                draft = Path(tmp) / (output.stem + ".docx")
                doc.save(draft)
                pdf = Path(tmp) / (output.stem + ".pdf")
                err.print("正在转换为 PDF……")
                via = to_pdf(draft, pdf)
                from xlfin.io.files import atomic_write

                atomic_write(output, lambda t: t.write_bytes(pdf.read_bytes()))
                done = f"已生成（经 {via} 转换）"
    except ConvertError as e:
        fail(str(e))
    except OSError as e:
        cannot_write(output, e)
    err.print(f"{done}：{output}", soft_wrap=True)
    if errors:
        raise typer.Exit(1)


@app.command()
def generate(
    units: Annotated[Path, typer.Option("--units", help="单位清单：.csv 或 .xlsx。")],
    out_dir: Annotated[Path, typer.Option("--out", help="输出文件夹。")],
    year: YearOpt = None,
    last_year: Annotated[
        Path | None, typer.Option("--last-year", help="上年已填报的工作簿所在文件夹。")
    ] = None,
    budget: Annotated[
        Path | None, typer.Option("--budget", help="年初预算表（unit_code, item, budget）。")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行进程数。")] = 1,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的工作簿。")] = False,
    profile: NewProfileOpt = None,
) -> None:
    """为多个单位生成已预填封面（及上年决算、年初预算）的工作簿，并写出生成结果清单。"""
    from xlfin.bulk import (
        BulkError,
        _generate_one,
        _init_worker,
        generate_outcomes,
        index_last_year,
        plan_generation,
        read_budgets,
        read_units,
        run_jobs,
    )

    try:
        prof = load_profile(profile or default_profile(year), year)
        rows, notes = read_units(units)
        budgets = None
        if budget is not None:
            budgets, budget_notes = read_budgets(budget, prof)
            notes += budget_notes
        out_dir.mkdir(parents=True, exist_ok=True)
        index = index_last_year(last_year, jobs) if last_year is not None else None
        if last_year is not None and not last_year.is_dir():
            raise BulkError(f"上年文件夹不存在：{last_year}")
    except (ProfileError, BulkError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"无法创建输出文件夹 {out_dir}：{e.strerror or e} / cannot create the folder")
    for n in notes:
        err.print(styled(("提示", "yellow"), f"：{n}"), soft_wrap=True)
    todo, outcomes = plan_generation(rows, out_dir, prof, index, budgets, force)
    bar, advance = _progress(len(todo), "生成")
    with bar:
        results = run_jobs(todo, _generate_one, _init_worker, (prof.id, prof.year), jobs, advance)
    outcomes += generate_outcomes(results)
    _generation_summary(outcomes, out_dir)
    if any(o.status == "失败" for o in outcomes):
        raise typer.Exit(1)


def _generation_summary(outcomes, out_dir: Path) -> None:
    import csv

    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("已生成", "已跳过", "失败")}
    for o in outcomes:
        if o.status != "已生成" or o.reason:
            err.print(
                f"{o.key} {o.name}：{o.status}{'，' + o.reason if o.reason else ''}", soft_wrap=True
            )
    from xlfin.io.cells import csv_safe

    report = out_dir / "生成结果.csv"
    with open(report, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["单位编码", "单位名称", "状态", "文件", "说明"]
        )  # fields are text, never formulas
        for o in outcomes:
            w.writerow([csv_safe(x) for x in (o.key, o.name, o.status, o.file, o.reason)])
    out.print(
        f"已生成 {counts['已生成']}，已跳过 {counts['已跳过']}，失败 {counts['失败']}；结果清单：{report}",
        soft_wrap=True,
    )


@app.command()
def merge(
    files: Annotated[list[Path], typer.Argument(help="各单位的工作簿（或所在文件夹）。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="汇总工作簿。")],
    main_unit: Annotated[
        Path | None, typer.Option("--main", help="文字内容取自哪个单位的工作簿（默认第一个）。")
    ] = None,
    force: ForceOpt = False,
    profile: NewProfileOpt = None,
    year: YearOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行读取的进程数。")] = 1,
) -> None:
    """汇总多个单位的工作簿：各表按行（科目编码）相加，数量相加，列出决算单位构成。"""
    import gc

    from xlfin.bulk import MergeError, consolidate
    from xlfin.io.files import workbooks_under
    from xlfin.io.writer import write_book_fast
    from xlfin.placement import TooManyRows

    try:
        if profile is not None:
            load_profile(profile, year)
    except ProfileError as e:
        fail(str(e))
    paths = workbooks_under(files)
    if len(paths) < 2:
        fail("至少需要两个工作簿 / give at least two workbooks")
    main_index = 0
    if main_unit is not None:
        matches = [i for i, p in enumerate(paths) if p.resolve() == main_unit.resolve()]
        if not matches:
            fail(f"--main 指定的工作簿不在汇总范围内：{main_unit} / --main is not among the inputs")
        main_index = matches[0]
    try:
        check_output(output, force, paths)
    except OutputError as e:
        fail(str(e))
    bar, advance = _progress(len(paths), "汇总")
    try:
        with bar:  # consecutive units consolidated in parallel, combined in file order
            total = consolidate(paths, profile, year, main_index, max(1, jobs), advance)
        merged, notes = total.result()
        prof = total.profile
        gc.disable()  # a big workbook is built of millions of acyclic objects
        write_book_fast(merged, prof, output)
    except (MergeError, TooManyRows) as e:
        fail(str(e))
    except OSError as e:
        cannot_write(output, e)
    finally:
        gc.enable()
    for n in notes:
        err.print(styled(("提示", "yellow"), f"：{n}"), soft_wrap=True)
    out.print(f"已汇总 {total.count} 个单位：{output}", soft_wrap=True)


addin_app = typer.Typer(
    help="Excel 加载项（决算公开 功能区选项卡）：生成与安装。", no_args_is_help=True
)
app.add_typer(addin_app, name="addin")


@addin_app.command("build")
def addin_build(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlam 文件。")] = Path(
        "dist/xlfin.xlam"
    ),
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
) -> None:
    """用 macros/ 的功能区与 VBA 源码和已安装 xlwings 附带的加载项，生成 xlfin.xlam（任何系统都可运行）。"""
    from xlfin.excel.addin import AddinError, build

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        check_output(output, force)
        info = build(output)
    except (AddinError, OutputError) as e:
        fail(str(e))
    except OSError as e:
        cannot_write(output, e)
    out.print(f"已生成加载项：{info['output']}（xlwings {info['xlwings']}）", soft_wrap=True)


@addin_app.command("install")
def addin_install(
    addin: Annotated[
        Path | None, typer.Option("--addin", help="已生成的 .xlam（不给则现场生成）。")
    ] = None,
) -> None:
    """把加载项放进 Excel 的启动文件夹（XLSTART），并把运行 xlfin 的 Python 写入加载项配置。"""
    import tempfile

    from xlfin.excel.addin import AddinError, build, install

    try:
        if addin is None:
            tmpdir = Path(tempfile.mkdtemp())
            addin = tmpdir / "xlfin.xlam"
            build(addin)
        elif not addin.exists():
            raise AddinError(f"文件不存在：{addin}")
        written = install(addin)
    except AddinError as e:
        fail(str(e))
    except OSError as e:
        fail(f"无法安装：{e.strerror or e} / cannot install")
    for p in written:
        out.print(f"已写入：{p}", soft_wrap=True)
    out.print("请重新启动 Excel，功能区会出现“决算公开”选项卡；首次使用时请按提示启用宏。")


codes_app = typer.Typer(
    help="政府收支分类科目：导入财政部门下发的当年科目表，查询科目。", no_args_is_help=True
)
app.add_typer(codes_app, name="codes")


@codes_app.command("import")
def codes_import(
    file: Annotated[Path, typer.Argument(help="财政部门下发的科目表：.xlsx 或 .csv。")],
    year: Annotated[int, typer.Option("--year", help="科目表的年度。")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="functional（支出功能分类）或 economic（经济分类）；不给则按编码判断。"
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """导入当年的官方科目表，存到用户配置文件夹；此后该年度的校验和模板以它为准（优先于内置代码表）。"""
    from xlfin import codes
    from xlfin.io.codelist import CodeListError, read_code_list

    if kind is not None and kind not in codes.KINDS:
        fail(f"--kind 只能是 functional 或 economic / unknown kind {kind}")
    if not 2000 <= year <= 2100:
        fail(f"年度不正确：{year} / bad year")
    try:
        rows = read_code_list(file)
    except CodeListError as e:
        fail(str(e))
    found = kind or codes.kind_of([c for c, _ in rows])
    if found is None:
        fail("科目表中同时有 2 开头和 3 开头的编码，请用 --kind 指明是哪一种 / use --kind")
    target = codes.imported_path(found, year)
    if target.exists() and not force:
        fail(
            f"{year} 年的{codes.KINDS[found]}科目表已导入过：{target}（如需替换请加 --force）"
            " / already imported, use --force to replace it"
        )
    try:
        path = codes.save_imported(found, year, rows, file.name)
    except OSError as e:
        cannot_write(target, e)
    levels = {}
    for code, _ in rows:
        lv = codes.level_of(found, code) or "?"
        levels[lv] = levels.get(lv, 0) + 1
    counts = "、".join(f"{k} {v} 个" for k, v in levels.items())
    out.print(
        f"已导入 {year} 年{codes.KINDS[found]}科目 {len(rows)} 个（{counts}）：{path}",
        soft_wrap=True,
    )


@codes_app.command("show")
def codes_show(
    code: Annotated[str, typer.Argument(help="科目编码，如 2070109 或 30201。")],
    year: Annotated[int | None, typer.Option("--year", help="按哪一年的科目表查。")] = None,
) -> None:
    """显示一个科目：名称、级次、上级科目、适用年度，以及查的是哪一份科目表。"""
    from xlfin import codes

    code = code.strip()
    kind = codes.kind_of([code]) or "functional"
    cl = codes.load(kind)
    c = cl.get(code, year)
    where = cl.source(year)
    if c is None:
        known = cl.get(code)
        when = f"{year} 年的科目中" if year else "科目表中"
        extra = ""
        if known is not None and year is not None and known.valid_from:
            extra = f"；它自 {known.valid_from} 年起使用"
        elif known is not None and year is not None and known.valid_to:
            extra = f"；它使用到 {known.valid_to} 年"
        err.print(f"{when}没有 {code}（查的是{where}{extra}）", soft_wrap=True, markup=False)
        raise typer.Exit(1)
    chain = []
    parent = c.parent
    while parent:
        p = cl.get(parent, year)
        chain.append(f"{parent} {p.name if p else '（未知）'}")
        parent = parent[:-2] if len(parent) > 3 else None
    out.print(f"{c.code} {c.name}（{codes.KINDS[kind]}，{c.level}）", soft_wrap=True, markup=False)
    if chain:
        out.print("上级：" + " ← ".join(chain), soft_wrap=True, markup=False)
    span = (
        f"{c.valid_from or '—'} 至 {c.valid_to or '今'}" if (c.valid_from or c.valid_to) else "不限"
    )
    out.print(f"适用年度：{span}；可信度：{c.confidence}；查的是：{where}", soft_wrap=True)


@app.command()
def rules(
    rule_id: Annotated[str | None, typer.Argument(help="规则编号，如 T101。")] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="只看在这种格式上适用的规则，不适用的标出原因。"),
    ] = None,
) -> None:
    """列出全部校验规则；给出编号时显示该规则的说明。"""
    from xlfin.rules import RULES
    from xlfin.rules.engine import not_applicable

    prof = None
    if profile is not None:
        try:
            prof = load_profile(profile)
        except ProfileError as e:
            fail(str(e))
    if rule_id:
        r = RULES.get(rule_id.upper())
        if r is None:
            fail(f"没有编号为 {rule_id} 的规则 / unknown rule")
        from xlfin.rules.docs import render

        typer.echo(render(r.id))
        if prof is not None:
            why = not_applicable(r, prof)
            typer.echo(f"\n{prof.id}：" + (f"不适用（{why}）" if why else "适用"))
        return
    from rich.table import Table

    if prof is not None:  # one line a rule, greppable: 编号 级别 规则 适用/不适用：原因
        n = sum(1 for r in RULES.values() if not_applicable(r, prof) is None)
        out.print(
            f"xlfin 校验规则：{prof.id} 适用 {n} 条，不适用 {len(RULES) - n} 条", soft_wrap=True
        )
        for r in sorted(RULES.values(), key=lambda r: r.id):
            why = not_applicable(r, prof)
            state = f"不适用：{why}" if why else "适用"
            out.print(f"{r.id} {r.severity} {r.title}  [{state}]", soft_wrap=True, markup=False)
        return
    t = Table(title=f"xlfin 校验规则（{len(RULES)} 条）")
    t.add_column("编号")
    t.add_column("级别")
    t.add_column("规则")
    for r in sorted(RULES.values(), key=lambda r: r.id):
        t.add_row(r.id, r.severity, r.title)
    out.print(t)


@app.command()
def profiles() -> None:
    """列出全部表样格式：适用年度、继承关系和各表的表名。"""
    from rich.table import Table

    from xlfin.profile import available

    for pid in available():
        p = load_profile(pid)
        t = Table(
            title=f"{p.id}：{p.title}（{p.region}）\n适用年度 {'、'.join(map(str, sorted(p.years)))}"
            + (f"；在 {p.extends} 的基础上" if p.extends else ""),
            title_justify="left",
        )
        t.add_column("序号", justify="right")
        t.add_column("表号")
        t.add_column("工作表")
        t.add_column("标题")
        for i, s in enumerate(p.tables, 1):
            t.add_row(str(i), s.code or "", s.name, s.title)
        out.print(t)
        sections = "、".join(s.title for s in p.sections)
        out.print(f"情况说明 {len(p.sections)} 节：{sections}\n", soft_wrap=True)


def _print_sheets(prof, output: Path) -> None:
    from rich.table import Table

    from xlfin.layout import sheet_layout

    t = Table(title=f"{output}（{prof.title}，{prof.year} 年度）")
    t.add_column("序号", justify="right")
    t.add_column("工作表")
    t.add_column("表号")
    t.add_column("标题")
    t.add_column("录入单元格", justify="right")
    for i, s in enumerate(prof.sheets, 1):
        lay = sheet_layout(prof, s.id)
        n = sum(1 for sl in lay.slots if sl.role != "computed")
        t.add_row(str(i), s.name, s.code or "", s.title, str(n))
    out.print(t)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        err.print("已中断。")
        sys.exit(130)
