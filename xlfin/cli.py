"""The ``xlfin`` command line (typer + rich). Thin: parse arguments, call the core, print."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xlfin import __version__
from xlfin.io.files import OutputError, check_output
from xlfin.profile import ProfileError, load_profile

app = typer.Typer(
    name="xlfin",
    help="部门决算公开：Excel 模板、校验、百分比计算与情况说明生成。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class UsageFailure(Exception):
    """A problem the user can fix: reported in one line, exit code 2."""


def fail(message: str) -> None:
    """Print *message* on stderr and exit with code 2 (misuse or unreadable input)."""
    err.print(f"[bold red]错误[/]：{message}", soft_wrap=True)
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
    profile: Annotated[str, typer.Option("--profile", help="表样格式。")] = "nmg-2023",
    year: Annotated[int | None, typer.Option("--year", help="决算年度。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不列出工作表。")] = False,
) -> None:
    """生成空白的部门决算公开 Excel 模板（十一张表及说明数据、绩效自评表）。"""
    from xlfin.io.template import write_template

    try:
        prof = load_profile(profile, year)
        check_output(output, force)
        write_template(prof, output)
    except (ProfileError, OutputError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"无法写入 {output}：{e.strerror or e}")
    if not quiet:
        _print_sheets(prof, output)


def _load_book(path: Path, profile: str, year: int | None):
    """Read a workbook; unreadable input ends the command with exit code 2."""
    from xlfin.io.reader import ReadError, read_book

    try:
        prof = load_profile(profile, year)
        return prof, read_book(path, prof)
    except (ProfileError, ReadError) as e:
        fail(str(e))


@app.command("export")
def export_json(
    workbook: Annotated[Path, typer.Argument(help="已填报的 .xlsx 工作簿。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .json 文件。")],
    profile: Annotated[str, typer.Option("--profile", help="表样格式。")] = "nmg-2023",
    year: Annotated[int | None, typer.Option("--year", help="决算年度。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """把工作簿导出为 JSON（金额以字符串保存，精确无误差）。"""
    import json

    from xlfin.interchange import book_to_data
    from xlfin.io.files import atomic_write

    prof, book = _load_book(workbook, profile, year)
    data = book_to_data(book, prof)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    try:
        check_output(output, force)
        atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OutputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"无法写入 {output}：{e.strerror or e}")
    out.print(f"已导出 {output}（{len(data['tables'])} 张表，读取问题 {len(book.problems)} 个）")
    for p in book.problems[:20]:
        out.print(f"  {p.sheet}!{p.cell or ''}: {p.message}", soft_wrap=True)


@app.command("import")
def import_json(
    data_file: Annotated[Path, typer.Argument(help="xlfin 导出的 .json 文件。")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlsx 工作簿。")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
) -> None:
    """把 JSON 数据填入模板，生成工作簿。"""
    import json

    from xlfin.interchange import InterchangeError, data_to_book
    from xlfin.io.writer import write_book

    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"文件不存在：{data_file} / file not found")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        fail(f"不是有效的 JSON 文件：{data_file}（{e}）/ invalid JSON")
    except OSError as e:
        fail(f"无法读取 {data_file}：{e.strerror or e}")
    try:
        prof = load_profile(
            str(data.get("profile", "")) if isinstance(data, dict) else "",
            data.get("year") if isinstance(data, dict) else None,
        )
        book = data_to_book(data, prof)
        check_output(output, force)
        write_book(book, prof, output)
    except (ProfileError, InterchangeError, OutputError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"无法写入 {output}：{e.strerror or e}")
    out.print(f"已生成 {output}")


def _print_sheets(prof, output: Path) -> None:
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
