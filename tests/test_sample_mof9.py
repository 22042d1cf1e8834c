"""The constructed nine-table sample (示例市群众艺术馆, mof9, 2025 with 2024 beside it): it is
what its build script makes, it checks clean, its narrative has every section of its format, and
every figure the narrative states is recomputed here from the tables (not snapshotted)."""

from __future__ import annotations

import importlib.util
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.interchange import book_to_data
from xlfin.io.reader import read_detected
from xlfin.narrative import narrate
from xlfin.narrative.context import applicable_sections
from xlfin.profile import cn_ordinal

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "mof9_2025.xlsx"
LAST = ROOT / "samples" / "mof9_2024.xlsx"
runner = CliRunner()
CENT = Decimal("0.01")


def q(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def w(x: Decimal) -> str:
    return f"{q(x):,.2f}"


def pct(part: Decimal, base: Decimal) -> str:
    return f"{q(part * 100 / base):.2f}%"


@pytest.fixture(scope="module")
def sample():
    book, found = read_detected(SAMPLE)
    return book, found.profile, narrate(book, found.profile, "txt")


def test_detected_as_mof9_2025_and_checks_clean():
    for path, year in ((SAMPLE, 2025), (LAST, 2024)):
        book, found = read_detected(path)
        assert (found.profile.id, found.profile.year, found.note) == ("mof9", year, None)
    res = runner.invoke(app, ["check", str(SAMPLE)])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == "共 0 条：错误 0，警告 0，提示 0（1 个文件）"
    # last year's workbook has no 上年决算 of its own (2023): its text would ask for them
    res = runner.invoke(app, ["check", str(LAST)])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 0 and lines[-1] == "共 16 条：错误 0，警告 16，提示 0（1 个文件）"
    assert all(
        re.search(r"说明数据!C\d+: P118 警告 .*【请填写上年决算数】", ln) for ln in lines[:-1]
    )


def test_committed_files_are_what_the_build_script_makes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("build_mof9", ROOT / "samples" / "build_mof9.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "HERE", tmp_path)
    mod.main()
    from pkgcompare import differing_parts

    for name in ("mof9_2024.xlsx", "mof9_2025.xlsx"):
        assert differing_parts(ROOT / "samples" / name, tmp_path / name) == [], name
    assert (tmp_path / "mof9_2025.json").read_text(encoding="utf-8") == (
        ROOT / "samples" / "mof9_2025.json"
    ).read_text(encoding="utf-8")


def test_json_is_the_export_of_the_workbook(sample):
    book, prof, _ = sample
    data = json.loads((ROOT / "samples" / "mof9_2025.json").read_text(encoding="utf-8"))
    assert book_to_data(book, prof) == data


def test_narrative_covers_every_section_and_part(sample):
    book, prof, text = sample
    sections = applicable_sections(prof)
    assert [s.id for s in sections] == [s.id for s in prof.sections]  # all ten apply
    assert len(sections) == 10
    for i, s in enumerate(sections, 1):
        assert f"\n{cn_ordinal(i)}、{s.title}\n" in text
    for i, part in enumerate(prof.parts, 1):
        assert f"第{cn_ordinal(i)}部分 {part.title.replace('{year}', '2025')}" in text
    assert "【" not in text  # nothing to fill in, nothing to check


def test_every_figure_against_the_tables(sample):
    """Each figure stated, recomputed from the tables of the book."""
    book, prof, text = sample
    t = book.tables
    a = lambda tid, row, col: t[tid].amount(row, col)  # noqa: E731
    prior = lambda key: t["NOTES"].amount(key, "prior")  # noqa: E731
    grand = a("T01", "income_grand", "amount")
    assert grand == a("T01", "expense_grand", "amount")
    # 一: 总计 and its year-on-year change against last year's workbook
    last, _ = read_detected(LAST)
    last_grand = last.tables["T01"].amount("income_grand", "amount")
    assert prior("grand_total") == last_grand
    change = grand - last_grand
    assert f"收入、支出决算总计 {w(grand)} 万元" in text
    assert f"收、支总计各增加 {w(change)} 万元，增加 {pct(change, last_grand)}" in text
    # 二: each source's share of 本年收入合计
    income = a("T01", "income_total", "amount")
    for key, name in (
        ("gpb", "一般公共预算财政拨款收入"),
        ("business", "事业收入"),
        ("other", "其他收入"),
    ):
        v = a("T01", key, "amount")
        assert f"本年{name} {w(v)} 万元，占 {pct(v, income)}" in text
    # 三: 基本/项目 shares of 本年支出合计 (表三)
    spent = a("T03", "total", "total")
    for col, name in (("basic", "基本支出"), ("project", "项目支出")):
        v = a("T03", "total", col)
        assert f"本年{name} {w(v)} 万元，占 {pct(v, spent)}" in text
    # 四: 财政拨款 总计 (表四)
    assert f"财政拨款收入、支出决算总计 {w(a('T04', 'income_grand', 'amount'))} 万元" in text
    # 五: total, share of 本年支出合计, per 类 shares, per 项 budget / final / completion
    gpb = a("T05", "total", "total")
    assert f"一般公共预算财政拨款支出 {w(gpb)} 万元，占本年支出合计的 {pct(gpb, spent)}" in text
    for row in t["T05"].rows.values():
        if row.code and len(row.code) == 3:
            v = row.amount("total")
            assert f"{row.label}（类）支出 {w(v)} 万元，占 {pct(v, gpb)}" in text
        if row.code and len(row.code) == 7:
            final = row.amount("total")
            budget = t["NOTES"].rows[row.code].amount("budget")
            if budget:
                assert (
                    f"{row.label}（项）。年初预算为 {w(budget)} 万元，支出决算为 {w(final)} 万元，"
                    f"完成年初预算的 {pct(final, budget)}" in text
                )
            else:
                assert f"{row.label}（项）。年初未安排预算，支出决算为 {w(final)} 万元" in text
    # 六: 人员经费 and 公用经费 (表六)
    assert f"（一）人员经费 {w(a('T06', 'personnel_total', 'amount'))} 万元" in text
    assert f"（二）公用经费 {w(a('T06', 'public_total', 'amount'))} 万元" in text
    # 七: 三公 budget, final, completion (表十)
    b, f = a("T10", "sangong", "budget_total"), a("T10", "sangong", "final_total")
    assert f"“三公”经费预算 {w(b)} 万元，支出决算 {w(f)} 万元，完成预算的 {pct(f, b)}" in text
    # 八: 政府性基金 (表八)
    assert f"政府性基金支出决算 {w(a('T08', 'total', 'total'))} 万元" in text
    # 十: 机关运行经费, 政府采购 shares, assets (其他重要事项数据)
    assert f"机关运行经费支出 {w(a('T11', 'operating_cost', 'value'))} 万元" in text
    total, sme, micro = (
        a("T11", k, "value") for k in ("procurement_total", "sme_total", "sme_micro")
    )
    assert f"政府采购支出总额 {w(total)} 万元" in text
    assert f"授予中小企业合同金额 {w(sme)} 万元，占政府采购支出总额的 {pct(sme, total)}" in text
    assert (
        f"授予小微企业合同金额 {w(micro)} 万元，占授予中小企业合同金额的 {pct(micro, sme)}" in text
    )
    cars = t["T11"].get("vehicles_total", "value")
    assert f"共有车辆 {cars} 辆" in text
    # the 绩效 coverage: 自评涉及资金 = 表五 项目支出 (100%)
    project = a("T05", "total", "project")
    assert f"共涉及资金 {w(project)} 万元，占一般公共预算项目支出总额的 100.00%" in text
