"""Reading the sample workbook gives back every figure the reference document states."""

from decimal import Decimal

import pytest

from xlfin.io.reader import read_book

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"

# (table, row, column, value as printed in ../shared/reference/000_44a4575140af8050.txt)
STATED = [
    # 一、收入支出决算总体情况 / 二、收入决算
    ("T01", "income_grand", "amount", "1430.98"),
    ("T01", "expense_grand", "amount", "1430.98"),
    ("T01", "income_total", "amount", "1425.67"),
    ("T01", "use_nonfiscal", "amount", "0.00"),
    ("T01", "begin_balance", "amount", "5.31"),
    ("T01", "expense_total", "amount", "1425.07"),
    ("T01", "surplus_distribution", "amount", "0.00"),
    ("T01", "end_balance", "amount", "5.91"),
    ("T01", "gpb", "amount", "1421.25"),
    ("T01", "gov_fund", "amount", "0.00"),
    ("T01", "soe", "amount", "0.00"),
    ("T01", "superior", "amount", "0.00"),
    ("T01", "business", "amount", "0.00"),
    ("T01", "operating", "amount", "0.00"),
    ("T01", "affiliated", "amount", "0.00"),
    ("T01", "other", "amount", "4.42"),
    ("T02", "total", "total", "1425.67"),
    ("T02", "total", "fiscal", "1421.25"),
    ("T02", "total", "other", "4.42"),
    # 三、支出决算
    ("T03", "total", "total", "1425.07"),
    ("T03", "total", "basic", "1089.57"),
    ("T03", "total", "project", "335.51"),
    ("T03", "total", "remit", "0.00"),
    ("T03", "total", "operating", "0.00"),
    ("T03", "total", "subsidy", "0.00"),
    # 四、财政拨款收入支出决算总体情况
    ("T04", "income_grand", "amount", "1421.25"),
    ("T04", "expense_grand", "total", "1421.25"),
    # 五、一般公共预算财政拨款支出决算
    ("T05", "total", "total", "1421.25"),
    ("T05", "201", "total", "1272.05"),
    ("T05", "208", "total", "76.28"),
    ("T05", "210", "total", "45.09"),
    ("T05", "213", "total", "0.96"),
    ("T05", "221", "total", "26.88"),
    ("T05", "2012399", "total", "3.00"),
    ("T05", "2013101", "total", "1079.35"),
    ("T05", "2013105", "total", "1.95"),
    ("T05", "2013199", "total", "2.58"),
    ("T05", "2013201", "total", "17.91"),
    ("T05", "2013299", "total", "1.54"),
    ("T05", "2013301", "total", "26.80"),
    ("T05", "2013399", "total", "0.82"),
    ("T05", "2013404", "total", "5.80"),
    ("T05", "2013699", "total", "123.94"),
    ("T05", "2013799", "total", "8.37"),
    ("T05", "2080501", "total", "2.20"),
    ("T05", "2080505", "total", "32.40"),
    ("T05", "2080506", "total", "11.03"),
    ("T05", "2080702", "total", "5.38"),
    ("T05", "2080704", "total", "3.99"),
    ("T05", "2080801", "total", "20.23"),
    ("T05", "2089999", "total", "1.05"),
    ("T05", "2100410", "total", "30.47"),
    ("T05", "2101101", "total", "14.62"),
    ("T05", "2130152", "total", "0.96"),
    ("T05", "2210201", "total", "26.88"),
    # 五: 年初预算 per 项, as stated
    ("NOTES", "2012399", "budget", "3.00"),
    ("NOTES", "2013101", "budget", "1389.48"),
    ("NOTES", "2013105", "budget", "2.00"),
    ("NOTES", "2013199", "budget", "3.00"),
    ("NOTES", "2013201", "budget", "325.11"),
    ("NOTES", "2013299", "budget", "6.92"),
    ("NOTES", "2013301", "budget", "30.00"),
    ("NOTES", "2013399", "budget", "2.00"),
    ("NOTES", "2013404", "budget", "5.96"),
    ("NOTES", "2013699", "budget", "29.17"),
    ("NOTES", "2013799", "budget", "14.00"),
    ("NOTES", "2080501", "budget", "3.06"),
    ("NOTES", "2080505", "budget", "40.25"),
    ("NOTES", "2080506", "budget", "18.64"),
    ("NOTES", "2080702", "budget", "13.00"),
    ("NOTES", "2080704", "budget", "10.00"),
    ("NOTES", "2080801", "budget", "0.00"),
    ("NOTES", "2089999", "budget", "1.96"),
    ("NOTES", "2100410", "budget", "0.00"),
    ("NOTES", "2101101", "budget", "17.18"),
    ("NOTES", "2130152", "budget", "0.57"),
    ("NOTES", "2210201", "budget", "29.44"),
    ("NOTES", "gpb_expense", "budget", "2026.06"),
    # 六、基本支出
    ("T05", "total", "basic", "1089.57"),
    ("T06", "personnel_total", "amount", "1035.95"),
    ("T06", "30101", "amount", "32.01"),
    ("T06", "30102", "amount", "76.57"),
    ("T06", "30103", "amount", "2.13"),
    ("T06", "30108", "amount", "32.40"),
    ("T06", "30109", "amount", "11.03"),
    ("T06", "30110", "amount", "14.62"),
    ("T06", "30112", "amount", "0.18"),
    ("T06", "30113", "amount", "26.88"),
    ("T06", "30199", "amount", "817.69"),
    ("T06", "30302", "amount", "2.20"),
    ("T06", "30304", "amount", "20.23"),
    ("T06", "public_total", "amount", "53.62"),
    ("T06", "30201", "amount", "13.75"),
    ("T06", "30207", "amount", "0.60"),
    ("T06", "30211", "amount", "8.50"),
    ("T06", "30217", "amount", "0.44"),
    ("T06", "30227", "amount", "2.74"),
    ("T06", "30228", "amount", "8.14"),
    ("T06", "30229", "amount", "9.78"),
    ("T06", "30239", "amount", "8.86"),
    ("T06", "30299", "amount", "0.81"),
    # 七、项目支出
    ("T07", "project_total", "amount", "331.68"),
    ("T07", "302", "amount", "238.93"),
    ("T07", "30201", "amount", "91.57"),
    ("T07", "30202", "amount", "20.97"),
    ("T07", "30211", "amount", "13.22"),
    ("T07", "30214", "amount", "31.43"),
    ("T07", "30216", "amount", "2.74"),
    ("T07", "30217", "amount", "0.25"),
    ("T07", "30227", "amount", "38.85"),
    ("T07", "303", "amount", "89.34"),
    ("T07", "30305", "amount", "75.10"),
    ("T07", "30309", "amount", "2.70"),
    ("T07", "30399", "amount", "11.54"),
    ("T07", "312", "amount", "3.42"),
    ("T07", "31204", "amount", "3.42"),
    # 八、三公
    ("T10", "sangong", "budget_total", "1.86"),
    ("T10", "sangong", "final_total", "0.68"),
    ("T10", "sangong", "budget_abroad", "0.00"),
    ("T10", "sangong", "final_abroad", "0.00"),
    ("T10", "sangong", "budget_car", "0.00"),
    ("T10", "sangong", "final_car", "0.00"),
    ("T10", "sangong", "final_car_purchase", "0.00"),
    ("T10", "sangong", "final_car_operation", "0.00"),
    ("T10", "sangong", "budget_reception", "1.86"),
    ("T10", "sangong", "final_reception", "0.68"),
    ("NOTES", "sg_reception_domestic", "final", "0.68"),
    ("NOTES", "sg_reception_foreign", "final", "0.00"),
    # 十一 to 十三
    ("T11", "operating_cost", "value", "53.62"),
    ("T11", "procurement_total", "value", "8.85"),
    ("T11", "procurement_goods", "value", "6.25"),
    ("T11", "procurement_works", "value", "0.00"),
    ("T11", "procurement_services", "value", "2.60"),
    ("T11", "sme_total", "value", "2.98"),
    ("T11", "sme_micro", "value", "2.66"),
    ("T11", "vehicles_total", "value", "0"),
    ("T11", "equipment_1m", "value", "0"),
    # comparisons derived from the document's own statements
    ("NOTES", "grand_total", "prior", "1416.58"),
    ("NOTES", "grand_total", "budget", "2026.06"),
    ("NOTES", "income_total", "prior", "1381.14"),
    ("NOTES", "begin_balance", "prior", "35.44"),
    ("NOTES", "expense_total", "prior", "1411.27"),
    ("NOTES", "end_balance", "prior", "5.31"),
    ("NOTES", "fiscal_total", "prior", "1373.20"),
    ("NOTES", "sg_reception", "prior", "0.31"),
    ("NOTES", "operating_cost", "prior", "37.82"),
]


@pytest.fixture(scope="module")
def book():
    return read_book(SAMPLE)


def test_sample_reads_without_problems(book):
    assert book.problems == []


def test_at_least_sixty_figures():
    assert len(STATED) >= 60


@pytest.mark.parametrize("table,row,col,value", STATED)
def test_stated_figure(book, table, row, col, value):
    got = book.tables[table].get(row, col)
    assert isinstance(got, (Decimal, int)), (table, row, col, got)
    assert Decimal(got) == Decimal(value)


def test_counts_and_texts(book):
    assert book.field("COVER.unit", "head") == "魏治华"
    assert book.field("COVER.unit", "internal_count") == 15
    assert book.field("NOTES.sangong", "domestic_batches") == 13
    assert book.field("NOTES.sangong", "domestic_people") == 60
    assert (
        book.field("NOTES.sangong", "domestic_content") == "宣讲、培训老师餐饮、上级部门调研餐饮等"
    )
    assert book.field("NOTES.performance", "gpb_level2") == 36
    assert book.field("NOTES.performance", "dept_eval_gpb") == Decimal("117.79")
    assert (
        book.tables["NOTES"].get("2013799", "reason") == "舆情监测云服务服务期未滿，年内未产生费用"
    )
    assert book.tables["NOTES"].get("income_total", "reason") == (
        "本年机构改革，示范区西部计划志愿者工资全部转入高新区发放"
    )
    assert len(book.lists["NOTES.glossary"]) == 18


def test_five_performance_tables(book):
    names = [p.get("name") for p in book.projects]
    assert names == [
        "宣传工作经费",
        "非公企业党组织书记工作补贴项目",
        "各委员会工作经费",
        "健全完善非公企业党组织党员活动阵地",
        "社会力量购买服务",
    ]
    scores = [p.get("total_score") for p in book.projects]
    assert scores == [Decimal(97), Decimal(100), Decimal(100), Decimal(98), Decimal(95)]
    p1 = book.projects[0]
    assert p1.funds["total"]["executed"].value == Decimal("26.8")
    assert p1.funds["total"]["rate"].value == Decimal("0.8933")
    assert [i.get("score") for i in p1.indicators] == [
        Decimal(x) for x in (5, 5, 5, 5, 10, 10, 7, 15, 15, 10)
    ]
    assert p1.indicators[6].get("deviation") == "部分工作年末开展, 导致年内未报销, 今后提前开展工作"
    assert [len(p.indicators) for p in book.projects] == [10, 14, 10, 13, 14]
    assert "score" not in book.projects[4].funds["fiscal"]  # printed as "-"


def test_sources_point_at_cells(book):
    cell = book.tables["T01"].cell("income_total", "amount")
    assert str(cell.source) == "收入支出决算总表!C31"
    cell = book.tables["T05"].cell("2013101", "total")
    assert cell.source.sheet == "一般公共预算财政拨款支出决算表"
