"""Hostile and broken workbooks through every command that reads them: a clear exit (0/1 with
findings, or 2 with one line), never a traceback or an abort, within 5 s and 300 MB, the input
unchanged, nothing written but the output. Cases come from the generator in hostile.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import hostile
import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, cwd: Path) -> tuple[int, str, float, float]:
    """Run ``xlfin`` as its own process: (exit code, output, seconds, peak MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from xlfin.cli import main; sys.argv[0] = 'xlfin'; main()",
            *args,
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
    )
    out = proc.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # KB on Linux
    return proc.returncode, out, time.perf_counter() - start, peak


def _cases(tmp: Path) -> dict[str, Path]:
    return {
        "far XFD1048576": hostile.far_value(tmp / "far1.xlsx", "XFD1048576"),
        "far L1048576": hostile.far_value(tmp / "far2.xlsx", "L1048576", sheet="说明数据"),
        "zip bomb": hostile.zip_bomb(tmp / "bomb.xlsx"),
    }


COMMANDS = [
    ("check",),
    ("fill", "-o", "{out}.xlsx"),
    ("narrate", "-o", "{out}.md"),
    ("export", "-o", "{out}.json"),
]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return _cases(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", ["far XFD1048576", "far L1048576", "zip bomb"])
def test_every_command_ends_cleanly(case, cases, tmp_path):
    src = cases[case]
    work = tmp_path / "w"
    work.mkdir()
    path = work / "单位.xlsx"
    shutil.copyfile(src, path)
    before = path.read_bytes()
    for command in COMMANDS:
        args = [a.format(out=str(tmp_path / "out")) for a in command]
        code, out, seconds, peak = cli(args[0], str(path), *args[1:], cwd=tmp_path)
        assert "Traceback" not in out, (case, command, out)
        assert code in ((0, 1) if case.startswith("far") else (2,)), (case, command, code, out)
        assert seconds < 5 and peak < 300, (case, command, seconds, peak)
        assert path.read_bytes() == before
        if case == "zip bomb":
            assert out.count("\n") <= 2 and "压缩炸弹" in out and "zip bomb" in out
        for p in tmp_path.glob("out*"):
            p.unlink()
    assert sorted(p.name for p in work.iterdir()) == ["单位.xlsx"]  # nothing written beside it


def test_far_value_is_a_finding_not_a_crash(cases, tmp_path):
    code, out, _s, _m = cli("check", str(cases["far XFD1048576"]), "--select", "S015", cwd=tmp_path)
    assert code == 0 and "S015 warning XFD1048576单元格远在表格范围以外" in out


def test_one_bad_unit_does_not_mark_another(cases, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copyfile(cases["far XFD1048576"], folder / "a_far.xlsx")
    shutil.copyfile(cases["zip bomb"], folder / "b_bomb.xlsx")
    shutil.copyfile(hostile.SAMPLE, folder / "c_good.xlsx")
    summary = tmp_path / "汇总.xlsx"
    code, out, seconds, _peak = cli(
        "check", str(folder), "--jobs", "2", "--summary", str(summary), cwd=tmp_path
    )
    assert code == 2 and "Traceback" not in out and seconds < 15  # the bomb is unreadable
    from openpyxl import load_workbook

    sheet = load_workbook(summary)["汇总"]
    rows = {Path(r[0]).name: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["a_far.xlsx"][3] == "有错误" and rows["c_good.xlsx"][3] == "有错误"
    assert rows["c_good.xlsx"][4] == 8  # the sample's own 8 errors, as when checked alone
    assert rows["b_bomb.xlsx"][3] == "无法读取" and "压缩炸弹" in rows["b_bomb.xlsx"][7]
