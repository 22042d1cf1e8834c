"""Every format as data: profiles that extend others, detection from the workbook, rules and
narrative sections that run or say 不适用 on every profile, and a format made only of data."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.compute import fill_writes
from xlfin.detect import DetectError, detect
from xlfin.io.reader import read_book, read_detected
from xlfin.io.template import write_template
from xlfin.io.writer import write_book
from xlfin.io.xlsx import load_values
from xlfin.model import Cell
from xlfin.narrative import narrate
from xlfin.narrative.context import applicable_sections
from xlfin.profile import ProfileError, available, check_profile, load_profile, raw_from_text
from xlfin.rules import RULES
from xlfin.rules.engine import Context, not_applicable

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
MINI = str(ROOT / "tests" / "profiles" / "mini.toml")
runner = CliRunner()

PROFILE_YEARS = [(pid, y) for pid in available() for y in sorted(load_profile(pid).years)]


def test_formats_and_years_people_work_on():
    assert available() == ["mof9", "nmg-2023", "nmg-2024", "sh-2024"]
    assert {y for _, y in PROFILE_YEARS} == {2023, 2024, 2025, 2026}
    for pid, y in PROFILE_YEARS:
        assert check_profile(load_profile(pid, y)) == [], (pid, y)


def test_nmg_2024_states_only_its_differences():
    old, new = load_profile("nmg-2023"), load_profile("nmg-2024", 2026)
    assert new.extends == "nmg-2023"
    changed = {
        s.id: (o.name, s.name) for s, o in zip(new.sheets, old.sheets, strict=True) if s != o
    }
    assert set(changed) == {"T01", "T04", "T09", "T11", "NOTES"}
    assert changed["T09"][1] == "国有资本经营预算财政拨款收入支出决算表"
    assert new.sheet("T11").title == "机关运行经费支出、国有资产占用情况及政府采购支出信息表"
    assert [c.key for c in new.sheet("T09").block("main").columns] == [
        c.key for c in new.sheet("T08").block("main").columns
    ]
    labels = [r.label for r in new.sheet("T01").block("expense").rows]
    assert labels[22:26] == [
        "二十三、其他支出",
        "二十四、债务还本支出",
        "二十五、债务付息支出",
        "二十六、抗疫特别国债安排的支出",
    ]
    assert new.sheet("NOTES").block("compare").row("operating_cost").label == "机关运行经费"
    assert [s.title for s in new.sections][10] == "机关运行经费支出决算情况说明"
    assert new.term("operating_cost") == "机关运行经费"
    assert [s.id for s in new.sections] == [s.id for s in old.sections]


def test_extends_merges_by_id_and_orders():
    raw = raw_from_text(
        """
id = "x"
extends = "nmg-2023"
years = [2025]
sheet_order = ["COVER", "T03", "T01"]
section_order = ["expense", "overall"]
[[sheets]]
id = "T07"
remove = true
[[sheets]]
id = "T03"
title = "支出决算表（改名）"
[[sheets.blocks]]
key = "main"
blank_rows = 5
[[sheets]]
id = "T11"
[[sheets.blocks]]
key = "main"
rows_add = [{ key = "extra", label = "六、新增行", after = "equipment_1m" }]
rows_update = [{ key = "equipment_1m", label = "五、设备" }]
[[sections]]
id = "expense"
title = "支出情况"
"""
    )
    ids = [s["id"] for s in raw["sheets"]]
    assert ids[:3] == ["COVER", "T03", "T01"] and "T07" not in ids
    t03 = next(s for s in raw["sheets"] if s["id"] == "T03")
    assert t03["title"] == "支出决算表（改名）" and t03["name"] == "支出决算表"
    assert t03["blocks"][0]["blank_rows"] == 5 and len(t03["blocks"][0]["columns"]) == 6
    rows = next(s for s in raw["sheets"] if s["id"] == "T11")["blocks"][0]["rows"]
    assert [r["key"] for r in rows][-2:] == ["equipment_1m", "extra"]
    assert rows[-2]["label"] == "五、设备"
    assert [s["id"] for s in raw["sections"]][:2] == ["expense", "overall"]
    assert raw["sections"][0]["title"] == "支出情况" and raw["sections"][0]["template"] == "s03.j2"
    with pytest.raises(ProfileError, match="没有行 nope"):
        raw_from_text(
            'id = "y"\nextends = "nmg-2023"\n[[sheets]]\nid = "T11"\n'
            '[[sheets.blocks]]\nkey = "main"\nrows_update = [{ key = "nope" }]\n'
        )
    with pytest.raises(ProfileError, match="未知的格式"):
        raw_from_text('id = "z"\nextends = "no-such"\n')


def test_lacks_names_what_is_missing():
    p = load_profile(MINI)
    assert p.lacks("T01") is None and p.lacks("T03.total.basic") is None
    assert p.lacks("T07") == "本格式没有一般公共预算财政拨款项目支出决算明细表"
    assert p.lacks("NOTES.sangong_total") == "“情况说明数据”没有“sangong_total”"
    assert p.lacks("T03.total.nope") == "“支出决算表”的“total”没有“nope”"


# --- detection -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_templates(tmp_path_factory):
    out = {}
    for pid in available():
        path = tmp_path_factory.mktemp(pid) / f"{pid}.xlsx"
        write_template(load_profile(pid), path)
        out[pid] = path
    return out


def _with_cover_year(src: Path, dst: Path, year) -> Path:
    wb = load_workbook(src)
    ws = wb["封面"]
    for row in ws.iter_rows():
        for c in row:
            if c.value == "年度":
                ws.cell(c.row, c.column + 1).value = year
    wb.save(dst)
    return dst


def test_every_profile_is_detected_without_profile(blank_templates, tmp_path):
    for pid, path in blank_templates.items():
        book, found = read_detected(path)
        assert found.profile.id == pid and found.note is None
        assert found.profile.year == min(load_profile(pid).years)
    # the cover year chooses the year (and its code list)
    path = _with_cover_year(blank_templates["nmg-2024"], tmp_path / "y.xlsx", 2026)
    assert read_detected(path)[1].profile.year == 2026
    path = _with_cover_year(blank_templates["nmg-2024"], tmp_path / "s.xlsx", "2025年度")
    assert read_detected(path)[1].profile.year == 2025
    # a year the format does not cover: the nearest, with a note
    path = _with_cover_year(blank_templates["nmg-2023"], tmp_path / "z.xlsx", 2026)
    _, found = read_detected(path)
    assert (found.profile.id, found.profile.year) == ("nmg-2023", 2024)
    assert found.note == (
        "封面年度 2026 不在格式 nmg-2023 的适用年度（2023、2024）内，按 2024 年度的代码表校验；"
        "如需其他格式请用 --profile 指定"
    )
    _, found = read_detected(SAMPLE)
    assert (found.profile.id, found.profile.year) == ("nmg-2023", 2023)


def test_ambiguous_and_unknown_workbooks_get_one_clear_line(blank_templates, tmp_path):
    names, grids = load_values(blank_templates["nmg-2023"])
    common = [
        n
        for n in names
        if n not in ("国有资本经营预算财政拨款支出决算表", "机构运行经费政府采购资产信息表")
    ]
    with pytest.raises(DetectError) as e:
        detect(common, grids)
    assert str(e.value).startswith("工作簿同时符合多种格式：nmg-2023、nmg-2024；")
    grids["封面"] = [["年度", 2023]]
    assert detect(common, grids).profile.id == "nmg-2023"  # the cover year settles it
    with pytest.raises(
        DetectError, match="找不到任何一张决算公开表（已知格式：mof9、nmg-2023、nmg-2024、sh-2024）"
    ):
        detect(["Sheet1"], {"Sheet1": [["随便"]]})
    res = runner.invoke(app, ["check", str(tmp_path / "none.xlsx")])
    assert res.exit_code == 2


def test_cli_names_the_detected_format(blank_templates, tmp_path):
    res = runner.invoke(app, ["check", str(blank_templates["nmg-2024"]), "--exit-zero"])
    assert res.exit_code == 0 and "S001" not in res.output  # read as nmg-2024, nothing missing
    res = runner.invoke(app, ["check", str(blank_templates["nmg-2024"]), "--profile", "nmg-2023"])
    assert "S001" in res.output  # forced to the other format: its sheets are missing
    res = runner.invoke(app, ["rules", "--profile", MINI])
    assert res.exit_code == 0 and "不适用：本格式没有财政拨款收入支出决算总表" in res.output
    res = runner.invoke(app, ["rules", "X108", "--profile", MINI])
    assert "不适用（本格式没有一般公共预算财政拨款支出决算表）" in res.output
    res = runner.invoke(app, ["profiles"])
    assert res.exit_code == 0 and "nmg-2024" in res.output and "2024、2025、2026" in res.output


# --- every rule and section on every profile -----------------------------------------------


def _filled(pid: str, year: int, tmp_path: Path) -> Path:
    """The sample's figures in the format *pid* for *year*."""
    book = read_book(SAMPLE, load_profile("nmg-2023"))
    book.forms["COVER.unit"]["year"] = Cell(year)
    path = tmp_path / f"{pid}-{year}.xlsx"
    write_book(book, load_profile(pid, year), path)
    return path


@pytest.mark.parametrize("pid,year", PROFILE_YEARS)
def test_every_rule_and_section_runs_or_says_not_applicable(pid, year, tmp_path):
    prof = load_profile(pid, year)
    blank = tmp_path / "blank.xlsx"
    write_template(prof, blank)
    for path in (blank, _filled(pid, year, tmp_path)):
        book, found = read_detected(path, pid, year)
        ctx = Context(book, prof)
        ran = 0
        for r in RULES.values():
            if not_applicable(r, prof) is None:
                list(r.func(ctx))
                ran += 1
        assert len(RULES) - ran == len(NOT_APPLICABLE[pid])
        text = narrate(book, prof)
        for i, s in enumerate(applicable_sections(prof), 1):
            assert f"## {_cn(i)}、{s.title}" in text
    assert {r.id for r in RULES.values() if not_applicable(r, prof)} == NOT_APPLICABLE[pid]
    assert len(applicable_sections(prof)) == len(prof.sections) == SECTIONS[pid]


# What each shipped format lacks: mof9 has no 表七, and its 授予中小企业合同金额 is not a sum
# of the three categories (the central disclosure states the total only).
NOT_APPLICABLE = {
    "nmg-2023": set(),
    "nmg-2024": set(),
    "mof9": {"T701", "T702", "X108", "T961"},
    "sh-2024": {"T701", "T702", "X108", "T961"},
}
SECTIONS = {"nmg-2023": 14, "nmg-2024": 14, "mof9": 10, "sh-2024": 11}


def _cn(n: int) -> str:
    from xlfin.profile import cn_ordinal

    return cn_ordinal(n)


def test_a_format_made_only_of_data(tmp_path):
    """check, fill and narrate on a small profile from tests/: what it lacks is 不适用."""
    prof = load_profile(MINI, 2026)
    not_run = {r.id: not_applicable(r, prof) for r in RULES.values() if not_applicable(r, prof)}
    assert "T101" not in not_run and "X103" not in not_run and "T301" not in not_run
    assert not_run["X101"] == "本格式没有收入决算表"
    assert not_run["N301"] == "本格式没有绩效自评表"
    assert [s.id for s in applicable_sections(prof)] == ["expense"]  # 表五 is not there
    path = tmp_path / "mini.xlsx"
    assert (
        runner.invoke(
            app, ["template", "--profile", MINI, "--year", "2026", "-o", str(path)]
        ).exit_code
        == 0
    )
    from xlfin.layout import sheet_layout

    wb = load_workbook(path)
    income = sheet_layout(prof, "T01").blocks[0]
    col = income.value_cols["amount"]
    for key in ("gpb", "income_total", "income_grand"):
        wb["收支总表"].cell(income.row_pos[key], col).value = 100
    wb.save(path)
    path = _with_cover_year(path, path, 2026)
    res = runner.invoke(app, ["check", str(path), "--profile", MINI])
    assert res.exit_code == 1
    assert res.output.splitlines() == [
        f"{path}:收支总表!F12: P112 错误 表一支出总计为空，情况说明的各项数字都以它为准",
        f"{path}:收支总表!F12: T105 错误 表一支出总计 （空） ≠ 收入总计 100.00（差 -100.00）",
        f"{path}:封面!B4: P118 警告 情况说明“封面”将显示【请填写部门名称】：请填写此单元格（没有发生的填 0 或“无”）",
        f"{path}:收支总表!A3: P117 警告 收支总表未填写编制单位",
        f"{path}:支出表!A3: P117 警告 支出表未填写编制单位",
        "共 5 条：错误 2，警告 3，提示 0（1 个文件）",
    ]
    filled = tmp_path / "filled.xlsx"
    res = runner.invoke(app, ["fill", str(path), "--profile", MINI, "-o", str(filled)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(filled)["说明数据"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert values["收支总计"] == 100
    res = runner.invoke(app, ["narrate", str(filled), "--profile", MINI])
    assert "## 一、支出决算情况说明" in res.output
    assert "一般公共预算财政拨款支出决算情况说明" not in res.output
    book = read_book(filled, prof)
    assert fill_writes(book, prof)


# --- no profile's row or table in the core --------------------------------------------------

CORE = ["xlfin/rules", "xlfin/compute.py", "xlfin/narrative"]


def profile_names() -> dict[str, set[str]]:
    """Each table id and row key, with the shipped profiles that have it."""
    out: dict[str, set[str]] = {}
    for pid in available():
        p = load_profile(pid)
        for s in p.sheets:
            out.setdefault(s.id, set()).add(pid)
            for b in s.blocks:
                for r in b.rows:
                    if not r.code:  # 科目 codes are classification data, not a format's
                        out.setdefault(r.key, set()).add(pid)
    return out


def single_profile_literals(source: str, names: dict[str, set[str]]) -> list[str]:
    """String literals of *source* that name a table or row only one shipped profile has."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for part in node.value.split("."):
                if part in names and len(names[part]) == 1:
                    found.append(part)
    return found


def test_the_core_names_no_table_or_row_of_one_profile_only():
    names = profile_names()
    files = [
        f for c in CORE for f in ((ROOT / c).rglob("*.py") if (ROOT / c).is_dir() else [ROOT / c])
    ]
    bad = {
        str(f.relative_to(ROOT)): single_profile_literals(f.read_text(encoding="utf-8"), names)
        for f in files
    }
    assert {k: v for k, v in bad.items() if v} == {}
    # the check itself fires on such a name
    fake = {"T01": {"a", "b"}, "only_here": {"a"}}
    assert single_profile_literals('x = ("T01", "T01.only_here.amount")', fake) == ["only_here"]


def test_template_year_chooses_the_format_and_merge_detects(tmp_path):
    out = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["template", "-o", str(out), "--year", "2026", "-q"])
    assert res.exit_code == 0, res.output
    assert read_detected(out)[1].profile.id == "nmg-2024"
    res = runner.invoke(app, ["template", "-o", str(tmp_path / "u.xlsx"), "--year", "2023", "-q"])
    assert read_detected(tmp_path / "u.xlsx")[1].profile.id == "nmg-2023"
    sample = ROOT / "samples" / "mof9_2025.xlsx"
    twin = tmp_path / "twin.xlsx"
    twin.write_bytes(sample.read_bytes())
    merged = tmp_path / "merged.xlsx"
    res = runner.invoke(app, ["merge", str(sample), str(twin), "-o", str(merged)])
    assert res.exit_code == 0, res.output
    book, found = read_detected(merged)
    assert (found.profile.id, found.profile.year) == ("mof9", 2025)
    assert book.tables["T01"].amount("income_grand", "amount") == 2 * read_detected(sample)[
        0
    ].tables["T01"].amount("income_grand", "amount")
    res = runner.invoke(app, ["merge", str(sample), str(SAMPLE), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "不能汇总不同" in res.output
