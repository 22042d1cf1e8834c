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
    assert code == 0 and "S015 警告 XFD1048576单元格远在表格范围以外" in out


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
    head = [c.value for c in sheet[1]]
    rows = {
        Path(r[0]).name: dict(zip(head, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows["a_far.xlsx"]["状态"] == "有错误" and rows["c_good.xlsx"]["状态"] == "有错误"
    assert rows["c_good.xlsx"]["错误"] == 8  # the sample's own 8 errors, as when checked alone
    assert rows["b_bomb.xlsx"]["状态"] == "无法读取" and "压缩炸弹" in rows["b_bomb.xlsx"]["原因"]


def test_no_command_writes_over_its_own_input(tmp_path):
    from typer.testing import CliRunner

    from xlfin.cli import app

    runner = CliRunner()
    book = tmp_path / "单位.xlsx"
    shutil.copyfile(hostile.SAMPLE, book)
    twin = tmp_path / "另一单位.xlsx"
    shutil.copyfile(hostile.SAMPLE, twin)
    before = book.read_bytes()
    for args in (
        ["export", str(book), "-o", str(book), "--force"],
        ["merge", str(book), str(twin), "-o", str(twin), "--force"],
        ["check", str(book), str(twin), "--summary", str(twin), "--force"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "输出文件就是输入文件" in res.output, (args, res.output)
    assert book.read_bytes() == before and twin.read_bytes() == before


FORMULA = '=HYPERLINK("http://x","y")'


def _runner():
    from typer.testing import CliRunner

    return CliRunner()


def test_text_never_becomes_a_formula(tmp_path):
    """部门概况, the unit's name and a project name that look like formulas stay text in every
    workbook xlfin writes (import, merge, narrate --into-workbook, check --summary)."""
    import json

    from xlfin.cli import app

    runner = _runner()
    src = hostile.with_texts(
        tmp_path / "f.xlsx", {("部门概况", "B4"): FORMULA, ("封面", "B4"): "=1+1"}
    )
    twin = tmp_path / "twin.xlsx"
    shutil.copyfile(src, twin)
    outs = {}
    outs["narrate"] = tmp_path / "n.xlsx"
    assert runner.invoke(
        app, ["narrate", str(src), "--into-workbook", str(outs["narrate"])]
    ).exit_code in (0, 1)
    outs["merge"] = tmp_path / "m.xlsx"
    assert (
        runner.invoke(app, ["merge", str(src), str(twin), "-o", str(outs["merge"])]).exit_code == 0
    )
    outs["summary"] = tmp_path / "s.xlsx"
    runner.invoke(app, ["check", str(src), str(twin), "--summary", str(outs["summary"])])
    data = tmp_path / "d.json"
    assert runner.invoke(app, ["export", str(src), "-o", str(data)]).exit_code == 0
    doc = json.loads(data.read_text(encoding="utf-8"))
    assert doc["forms"]["OVERVIEW.overview"]["functions"] == FORMULA
    doc["projects"][0]["name"] = "=cmd|' /C calc'!A0"
    data.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    outs["import"] = tmp_path / "i.xlsx"
    assert runner.invoke(app, ["import", str(data), "-o", str(outs["import"])]).exit_code == 0
    for what, path in outs.items():
        assert hostile.formula_cells(path) == 0, what
    from xlfin.io.reader import read_book

    back = read_book(outs["import"], "nmg-2023")
    assert back.forms["OVERVIEW.overview"]["functions"].value == FORMULA
    assert back.projects[0].get("name") == "=cmd|' /C calc'!A0"


def test_generate_report_and_workbooks_neutralise_hostile_names(tmp_path):
    import csv

    from xlfin.cli import app

    units = tmp_path / "units.csv"
    units.write_text(
        'unit_code,unit_name\n=1+2,=HYPERLINK("http://x")\n900002,名称\x00带空字符\n',
        encoding="utf-8",
    )
    out = tmp_path / "单位"
    res = _runner().invoke(
        app, ["generate", "--units", str(units), "--year", "2024", "--out", str(out)]
    )
    assert "Traceback" not in res.output
    rows = list(csv.reader((out / "生成结果.csv").read_text(encoding="utf-8-sig").splitlines()))
    for row in rows[1:]:
        assert all(cell[:1] not in ("=", "+", "-", "@") for cell in row), row
    from xlfin.io.reader import read_book

    for wb in out.glob("*.xlsx"):
        assert hostile.formula_cells(wb) == 0
        read_book(wb, "nmg-2023")  # readable: no raw NUL in the XML


def test_control_characters_and_nan_do_not_crash_writers(tmp_path):
    from xlfin.cli import app

    runner = _runner()
    src = hostile.with_texts(
        tmp_path / "c.xlsx",
        {("部门概况", "B4"): "职能_x0001_说明\u0007", ("收入支出决算总表", "C7"): "NaN"},
    )
    cases = [
        ["narrate", str(src), "-o", str(tmp_path / "n.docx")],
        ["narrate", str(src), "--into-workbook", str(tmp_path / "n.xlsx")],
        ["fill", str(src), "-o", str(tmp_path / "f.xlsx")],
        ["check", str(src), "--mark", "-o", str(tmp_path / "m.xlsx")],
        ["merge", str(src), str(hostile.SAMPLE), "-o", str(tmp_path / "g.xlsx")],
    ]
    for args in cases:
        res = runner.invoke(app, args)
        assert res.exit_code in (0, 1), (args, res.output, res.exception)


def test_a_huge_amount_is_a_finding(tmp_path):
    from xlfin.cli import app

    src = hostile.with_texts(tmp_path / "h.xlsx", {("收入支出决算总表", "C7"): 1e26})
    runner = _runner()
    res = runner.invoke(app, ["check", str(src), "--select", "S007"])
    assert "收入支出决算总表!C7: S007 错误" in res.output and "大得不合理" in res.output
    for args in (["fill", str(src), "-o", str(tmp_path / "f.xlsx")], ["narrate", str(src)]):
        assert runner.invoke(app, args).exit_code in (0, 1), args


def test_a_damaged_result_sheet_is_rebuilt(tmp_path):
    from openpyxl import load_workbook

    from xlfin.cli import app

    runner = _runner()
    marked = tmp_path / "m.xlsx"
    assert (
        runner.invoke(app, ["check", str(hostile.SAMPLE), "--mark", "-o", str(marked)]).exit_code
        == 1
    )
    wb = load_workbook(marked)
    ws = wb["校验结果"]
    ws["F4"], ws["F5"], ws["F6"] = "A0|FFC7CE", "封面!ZZZZ9|GGGGGG", "没有这张表!A1|FFC7CE"
    wb.save(marked)
    res = runner.invoke(app, ["check", str(marked), "--mark", "--in-place"])
    assert res.exit_code == 1 and "Traceback" not in res.output, res.exception
    rows = [r for r in load_workbook(marked)["校验结果"].iter_rows(min_row=4, values_only=True)]
    assert len(rows) == 28


def test_typed_text_is_never_markup_in_the_narrative(tmp_path):
    from docx import Document

    from xlfin.cli import app

    runner = _runner()
    src = hostile.with_texts(
        tmp_path / "m.xlsx",
        {("部门概况", "B4"): "职能一。\n\n# 伪造标题\n<script>alert(1)</script> **粗** a|b"},
    )
    md = tmp_path / "n.md"
    assert runner.invoke(app, ["narrate", str(src), "-o", str(md)]).exit_code in (0, 1)
    text = md.read_text(encoding="utf-8")
    assert "\n# 伪造标题" not in text and "<script>" not in text and "**粗**" not in text
    assert "# 伪造标题" in text.replace("\u200b", "")  # the words are all there, as typed
    docx = tmp_path / "n.docx"
    assert runner.invoke(app, ["narrate", str(src), "-o", str(docx)]).exit_code in (0, 1)
    doc = Document(str(docx))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert not any("伪造标题" in h for h in headings)
    assert any("伪造标题" in p.text for p in doc.paragraphs)


def test_units_csv_extra_fields_and_line_breaks(tmp_path):
    from xlfin.bulk import read_units

    units = tmp_path / "units.csv"
    units.write_text(
        'unit_code,unit_name\n900001,"示例单位\n（二部）",多余\n900002,第二个\n', encoding="utf-8"
    )
    rows, notes = read_units(units)
    assert [r["unit_name"] for r in rows] == ["示例单位\n（二部）", "第二个"]
    assert notes == ["第 2 行比表头多出 1 个字段，已忽略 / row 2 has extra fields, ignored"]


def test_every_one_line_error_is_in_both_languages(tmp_path):
    from xlfin.cli import app

    runner = _runner()
    (tmp_path / "a.xlsx").write_bytes(hostile.SAMPLE.read_bytes())
    cases = [
        [
            "merge",
            str(hostile.SAMPLE),
            str(ROOT / "samples" / "mof9_2025.xlsx"),
            "-o",
            str(tmp_path / "m.xlsx"),
        ],
        ["generate", "--units", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")],
        ["codes", "import", str(tmp_path / "a.xlsx"), "--year", "2026"],
        ["import", str(tmp_path / "a.xlsx"), "-o", str(tmp_path / "x.xlsx")],
        ["rules", "Z999"],
    ]
    for args in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        line = res.output.strip().splitlines()[-1]
        assert line.startswith("错误：") and " / " in line and line.split(" / ")[-1].isascii(), line


def _dies_on_bad(job: str) -> str:
    if job == "bad":
        os._exit(134)  # as an abort in a native library would
    return job.upper()


def test_a_dying_worker_marks_only_its_own_job():
    from xlfin.bulk import ProcessDied, run_jobs

    jobs = ["a", "bad", "b", "c", "d"]
    results = dict(run_jobs(jobs, _dies_on_bad, None, (), 2))
    assert {k: v for k, v in results.items() if k != "bad"} == {
        "a": "A",
        "b": "B",
        "c": "C",
        "d": "D",
    }
    assert isinstance(results["bad"], ProcessDied)
    assert str(results["bad"]).endswith(" / the process working on this file died")
    # handed over as they come (check DIR keeps nothing): the same pairs, each once
    seen = []
    assert run_jobs(jobs, _dies_on_bad, None, (), 2, consume=lambda *pair: seen.append(pair)) == []
    assert sorted(k for k, _ in seen) == sorted(jobs)
    assert {k: v for k, v in seen if k != "bad"} == {"a": "A", "b": "B", "c": "C", "d": "D"}
    assert isinstance(dict(seen)["bad"], ProcessDied)


def test_messages_and_progress_print_as_typed(tmp_path):
    """Rich markup is off: a unit or file name with [brackets] prints whole, and the progress
    bar's label is its text, not a markup tag (checked in a real process: the consoles write to
    the process's own stderr)."""
    units = tmp_path / "units.csv"
    units.write_text(
        "unit_code,unit_name\n900001,[draft]甲单位\n900002,乙单位[/x]\n", encoding="utf-8"
    )
    code, out, _s, _m = cli(
        "generate",
        "--units",
        str(units),
        "--year",
        "2024",
        "--out",
        str(tmp_path / "o"),
        cwd=tmp_path,
    )
    assert code == 0, out
    assert "[progress" not in out and "生成" in out
    assert "900001_[draft]甲单位.xlsx" in "".join(p.name for p in (tmp_path / "o").iterdir())
