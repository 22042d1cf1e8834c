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
