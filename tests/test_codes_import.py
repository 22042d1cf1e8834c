"""The year's official code list, imported: it answers for its year instead of the shipped list;
``xlfin codes show``; unknown-code warnings name the list and year they were looked up in."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from xlfin import codes
from xlfin.cli import app
from xlfin.io.codelist import CodeListError, read_code_list

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XLFIN_CONFIG_DIR", str(tmp_path / "config"))
    codes.load.cache_clear()
    yield tmp_path / "config"
    codes.load.cache_clear()


def official_xlsx(path: Path) -> Path:
    """A list as finance bureaus hand it out: a title, a header, codes as numbers and text."""
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年政府收支分类科目（支出功能分类）"])
    ws.append([])
    ws.append(["科目编码", "科目名称", "说明"])
    ws.append([207, "文化旅游体育与传媒支出", "反映…"])
    ws.append(["20701", "文化和旅游", None])
    ws.append([2070109, "群众文化", None])
    ws.append(["2070199", "其他文化和旅游支出", None])
    ws.append([None, "（本表未列出的科目从略）", None])
    wb.save(path)
    return path


def test_read_a_single_code_column(tmp_path):
    rows = read_code_list(official_xlsx(tmp_path / "k.xlsx"))
    assert rows == [
        ("207", "文化旅游体育与传媒支出"),
        ("20701", "文化和旅游"),
        ("2070109", "群众文化"),
        ("2070199", "其他文化和旅游支出"),
    ]


def test_read_split_columns_and_gbk_csv(tmp_path):
    text = "类,款,项,科目名称\n201,,,一般公共服务支出\n,01,,人大事务\n,,01,行政运行\n,,99,其他人大事务支出\n"
    path = tmp_path / "k.csv"
    path.write_bytes(text.encode("gb18030"))
    assert read_code_list(path) == [
        ("201", "一般公共服务支出"),
        ("20101", "人大事务"),
        ("2010101", "行政运行"),
        ("2010199", "其他人大事务支出"),
    ]
    (tmp_path / "none.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CodeListError, match="找不到科目表"):
        read_code_list(tmp_path / "none.csv")


def test_import_wins_for_its_year_and_show_says_which_list(tmp_path, config_dir):
    src = official_xlsx(tmp_path / "2026科目.xlsx")
    res = runner.invoke(app, ["codes", "import", str(src), "--year", "2026"])
    assert res.exit_code == 0, res.output
    assert "已导入 2026 年支出功能分类科目 4 个（类 1 个、款 1 个、项 2 个）" in res.output
    assert (config_dir / "codes" / "functional-2026.csv").is_file()
    again = runner.invoke(app, ["codes", "import", str(src), "--year", "2026"])
    assert again.exit_code == 2 and "已导入过" in again.output  # nothing replaced silently
    res = runner.invoke(app, ["codes", "show", "2070109", "--year", "2026"])
    assert res.exit_code == 0
    assert res.output.splitlines() == [
        "2070109 群众文化（支出功能分类，项）",
        "上级：20701 文化和旅游 ← 207 文化旅游体育与传媒支出",
        "适用年度：2026 至 2026；可信度：C；查的是：导入的 2026 年支出功能分类科目表",
    ]
    # the imported list alone answers for 2026: a shipped code it lacks is unknown there
    res = runner.invoke(app, ["codes", "show", "2080505", "--year", "2026"])
    assert res.exit_code == 1
    assert "2026 年的科目中没有 2080505（查的是导入的 2026 年支出功能分类科目表）" in res.output
    # other years still use the shipped list
    res = runner.invoke(app, ["codes", "show", "2080505", "--year", "2025"])
    assert res.exit_code == 0 and "查的是：xlfin 内置代码表" in res.output


def test_unknown_code_names_the_list_and_year(tmp_path, config_dir):
    sample = ROOT / "samples" / "mof9_2025.xlsx"
    res = runner.invoke(app, ["check", str(sample)])
    assert res.exit_code == 0  # the shipped list knows every code of the sample
    src = official_xlsx(tmp_path / "2025科目.xlsx")
    assert runner.invoke(app, ["codes", "import", str(src), "--year", "2025"]).exit_code == 0
    res = runner.invoke(app, ["check", str(sample), "--select", "S011", "--format", "json"])
    import json

    from xlfin.io.reader import read_detected

    found = json.loads(res.output)["findings"]
    book, _ = read_detected(sample)
    imported = {"207", "20701", "2070109", "2070199"}
    expected = {
        (t.sheet, row.code)
        for t in book.tables.values()
        for row in t.rows.values()
        if row.block in ("main", "items") and row.code and row.code not in imported
    }
    assert {(f["sheet"], f["actual"]) for f in found} == expected and len(expected) > 20
    assert {f["message"].split("中")[-1] for f in found} == {
        "（查的是导入的 2025 年支出功能分类科目表）"
    }


def test_shipped_message_says_since_when(monkeypatch):
    from xlfin.model import Book, Row, Source, Table
    from xlfin.profile import load_profile
    from xlfin.rules import run

    prof = load_profile("nmg-2023", 2023)
    book = Book(profile_id=prof.id, year=2023)
    t = Table(id="T05", sheet="一般公共预算财政拨款支出决算表")
    t.rows["22198"] = Row(
        key="22198",
        label="超长期特别国债安排的支出",
        code="22198",
        block="main",
        source=Source("一般公共预算财政拨款支出决算表", "A9"),
    )
    book.tables["T05"] = t
    found = [f for f in run(book, prof, select=["S011"]).findings]
    assert [(f.where, f.message) for f in found] == [
        (
            "一般公共预算财政拨款支出决算表!A9",
            "科目编码 22198 不在 2023 年支出功能分类科目中（查的是xlfin 内置代码表；该编码自 2025 年起使用）",
        )
    ]
