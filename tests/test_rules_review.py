"""S, P and N rules: one GOOD and one BAD minimal book each, asserting the exact findings."""

from decimal import Decimal

from rulekit import PROFILE, at, found, make

from xlfin.model import Problem
from xlfin.rules import run

T02 = "收入决算表"
T05 = "一般公共预算财政拨款支出决算表"
T08 = "政府性基金预算财政拨款收入支出决算表"
NOTES = "说明数据"
PERF = "绩效自评"


def with_problem(kind, sheet="收入支出决算总表", cell="C7"):
    book = make({"T01": {"gpb": "1"}})
    book.problems.append(Problem(kind, sheet, cell, "x", "y", f"问题 {kind}"))
    return book


def test_S001_to_S008_and_S013_report_reading_problems():
    cases = {
        "S001": "missing_sheet",
        "S002": "renamed_sheet",
        "S003": "header_changed",
        "S004": "unknown_row",
        "S005": "missing_row",
        "S006": "duplicate_code",
        "S007": "not_number",
        "S008": "formula_no_value",
        "S013": "bad_code",
    }
    severity = {"S002": "warning", "S003": "warning", "S004": "warning", "S005": "warning"}
    clean = make({"T01": {"gpb": "1"}})
    for rid, kind in cases.items():
        assert found(clean, rid) == [], rid
        assert found(with_problem(kind), rid) == [
            (rid, severity.get(rid, "error"), "收入支出决算总表!C7")
        ], rid
    assert found(with_problem("duplicate_row"), "S006") == [
        ("S006", "error", "收入支出决算总表!C7")
    ]
    assert found(with_problem("missing_code"), "S013") == [("S013", "error", "收入支出决算总表!C7")]


def test_S009_decimals():
    assert found(make({"T01": {"gpb": "1.25", "other": "1.250"}}), "S009") == []
    bad = make({"T01": {"gpb": "1.255"}})
    assert found(bad, "S009") == [("S009", "warning", "收入支出决算总表!C7")]


def test_S010_negative():
    assert found(make({"T01": {"gpb": "0"}}), "S010") == []
    assert found(make({"T01": {"gpb": "-1"}}), "S010") == [("S010", "error", "收入支出决算总表!C7")]


def test_S011_unknown_code_is_year_aware():
    assert found(make({"T05": {"201": {"total": "1"}}}), "S011") == []
    bad = make({"T05": {"201": {"total": "1"}, "20139": {"total": "1"}, "2019999": {"total": "1"}}})
    assert found(bad, "S011") == [
        ("S011", "warning", f"{T05}!A9"),
        ("S011", "warning", f"{T05}!A10"),
    ]
    assert found(make({"T05": {"20139": {"total": "1"}}}, year=2024), "S011") == []


def test_S012_name_mismatch():
    assert found(make({"T05": {"210": {"total": "1", "_name": "卫生健康支出"}}}), "S012") == []
    bad = make({"T05": {"210": {"total": "1", "_name": "医疗卫生与计划生育支出"}}})
    assert found(bad, "S012") == [("S012", "warning", f"{T05}!A8")]


def test_S014_orphans():
    assert (
        found(
            make(
                {"T05": {"201": {"total": "1"}, "20131": {"total": "1"}, "2013101": {"total": "1"}}}
            ),
            "S014",
        )
        == []
    )
    bad = make({"T05": {"201": {"total": "1"}, "2013101": {"total": "1"}}})
    assert found(bad, "S014") == [("S014", "error", f"{T05}!A9")]


def test_P101_zero_base_rates():
    good = make({"NOTES": {"grand_total": {"budget": "10", "completion": "0.5"}}})
    assert found(good, "P101") == []
    bad = make(
        {
            "NOTES": {
                "grand_total": {"budget": "0", "completion": "0"},
                "income_total": {"change_rate": "1"},
            }
        }
    )
    assert found(bad, "P101") == [
        ("P101", "warning", f"{NOTES}!I5"),
        ("P101", "warning", f"{NOTES}!F6"),
    ]


def test_P102_empty_table_statement():
    good = make(
        {
            "T08": {"_note": "本部门无政府性基金预算财政拨款收支，本表为空表。"},
            "T09": {"total": {"total": "1"}},
            "T10": {"sangong": {"final_total": "1"}},
        }
    )
    assert found(good, "P102") == []
    bad = make(
        {"T08": {}, "T09": {"total": {"total": "1"}}, "T10": {"sangong": {"final_total": "1"}}}
    )
    assert found(bad, "P102") == [("P102", "warning", f"{T08}!B24")]


def test_P103_statement_with_data():
    good = make({"T08": {"_note": "本表为空表。"}})
    assert found(good, "P103") == []
    bad = make({"T08": {"_note": "本表为空表。", "total": {"total": "1"}}})
    assert found(bad, "P103") == [("P103", "warning", f"{T08}!B24")]


COUNTS = {
    "abroad_groups": 0,
    "abroad_people": 0,
    "car_purchased": 0,
    "car_stock": 0,
    "domestic_batches": 13,
    "domestic_people": 60,
    "foreign_batches": 0,
    "foreign_people": 0,
    "domestic_content": "宣讲餐饮",
}


def test_P104_sangong_counts():
    good = make(
        {"NOTES": {"sg_reception_domestic": {"final": "0.68"}}},
        forms={"NOTES.sangong": dict(COUNTS)},
    )
    assert found(good, "P104") == []
    forms = {
        "NOTES.sangong": {
            k: v for k, v in COUNTS.items() if k not in ("domestic_people", "domestic_content")
        }
    }
    bad = make({"NOTES": {"sg_reception_domestic": {"final": "0.68"}}}, forms=forms)
    assert [f for f in found(bad, "P104")] == [
        ("P104", "warning", NOTES),
        ("P104", "warning", NOTES),
    ]
    msgs = [f.message for f in run(bad, PROFILE, select=["P104"]).findings]
    assert msgs == [
        "未填写国内公务接待人次（没有发生请填 0）",
        "国内公务接待有支出，应填写开支内容",
    ]


def test_P105_reception_split():
    good = make(
        {
            "T10": {"sangong": {"final_reception": "0.68"}},
            "NOTES": {
                "sg_reception_domestic": {"final": "0.68"},
                "sg_reception_foreign": {"final": "0"},
            },
        }
    )
    assert found(good, "P105") == []
    bad = make(
        {
            "T10": {"sangong": {"final_reception": "0.68"}},
            "NOTES": {"sg_reception_domestic": {"final": "0.58"}},
        }
    )
    assert found(bad, "P105") == [("P105", "error", f"{NOTES}!B37")]


def test_P106_notes_final_vs_tables():
    good = make({"T01": {"income_total": "10"}, "NOTES": {"income_total": {"final": "10"}}})
    assert found(good, "P106") == []
    bad = make({"T01": {"income_total": "10"}, "NOTES": {"income_total": {"final": "9"}}})
    assert found(bad, "P106") == [("P106", "warning", f"{NOTES}!B6")]


def test_P107_items_in_sync():
    good = make(
        {
            "T05": {"201": {"total": "1"}, "2013101": {"total": "1"}},
            "NOTES": {
                "201": {"budget": "1"},
                "2013101": {"budget": "1"},
                "2013105": {"budget": "2"},
            },
        }
    )
    assert found(good, "P107") == []
    bad = make(
        {
            "T05": {"201": {"total": "1"}, "2013101": {"total": "1"}},
            "NOTES": {"201": {"budget": "1"}, "2013199": {"reason": "x"}},
        }
    )
    assert found(bad, "P107") == [
        ("P107", "warning", f"{T05}!A9"),
        ("P107", "warning", f"{NOTES}!A46"),
    ]


def test_P108_class_budget():
    good = make(
        {
            "NOTES": {
                "gpb_expense": {"budget": "3"},
                "201": {"budget": "3"},
                "2013101": {"budget": "1"},
                "2013105": {"budget": "2"},
            }
        }
    )
    assert found(good, "P108") == []
    bad = make(
        {
            "NOTES": {
                "gpb_expense": {"budget": "3"},
                "201": {"budget": "3"},
                "2013101": {"budget": "1"},
            }
        }
    )
    assert found(bad, "P108") == [("P108", "warning", f"{NOTES}!C45")]


def test_P109_carry_over():
    good = make({"T01": {"begin_balance": "5.31"}, "NOTES": {"end_balance": {"prior": "5.31"}}})
    assert found(good, "P109") == []
    bad = make({"T01": {"begin_balance": "5.31"}, "NOTES": {"end_balance": {"prior": "6"}}})
    assert found(bad, "P109") == [("P109", "warning", "收入支出决算总表!C33")]


def test_P110_sangong_over_budget():
    good = make({"T10": {"sangong": {"budget_reception": "1.86", "final_reception": "0.68"}}})
    assert found(good, "P110") == []
    bad = make({"T10": {"sangong": {"budget_reception": "0.5", "final_reception": "0.68"}}})
    assert found(bad, "P110") == [("P110", "warning", "财政拨款三公经费支出决算表!M8")]


def test_N101_yoy_reason():
    good = make(
        {
            "T01": {"income_total": "10"},
            "NOTES": {
                "income_total": {"prior": "9", "reason": "增加了"},
                "use_nonfiscal": {"prior": "0"},
            },
        }
    )
    assert found(good, "N101") == []
    bad = make({"T01": {"income_total": "10"}, "NOTES": {"income_total": {"prior": "9"}}})
    assert found(bad, "N101") == [("N101", "warning", f"{NOTES}!K6")]


def test_N102_budget_reason():
    good = make(
        {
            "T01": {"income_grand": "10"},
            "NOTES": {"grand_total": {"budget": "12", "budget_reason": "人员调出"}},
        }
    )
    assert found(good, "N102") == []
    bad = make({"T01": {"income_grand": "10"}, "NOTES": {"grand_total": {"budget": "12"}}})
    assert found(bad, "N102") == [("N102", "warning", f"{NOTES}!L5")]


def test_N103_item_reason():
    good = make(
        {
            "T05": {"2013101": {"total": "5"}},
            "NOTES": {"2013101": {"budget": "6", "reason": "人员调出"}, "2013105": {"budget": "0"}},
        }
    )
    assert found(good, "N103") == []
    bad = make(
        {
            "T05": {"2013101": {"total": "5"}},
            "NOTES": {"2013101": {"budget": "6"}, "2013105": {"budget": "1"}},
        }
    )
    assert found(bad, "N103") == [
        ("N103", "warning", f"{NOTES}!G45"),
        ("N103", "warning", f"{NOTES}!G46"),
    ]


def reason_book(text):
    return make({"NOTES": {"income_total": {"reason": text}}})


def test_N201_punctuation():
    assert found(reason_book("本年无政府性基金收、支、余。"), "N201") == []
    assert found(reason_book("本年无政府性基金收、支、余。。"), "N201") == [
        ("N201", "warning", f"{NOTES}!K6")
    ]
    assert found(reason_book("增加 41.78%，：本年机构改革"), "N201") == [
        ("N201", "warning", f"{NOTES}!K6")
    ]


def test_N202_placeholders():
    assert found(reason_book("人员调出"), "N202") == []
    assert found(reason_book("XX单位人员调出"), "N202") == [("N202", "warning", f"{NOTES}!K6")]
    assert found(reason_book("某某原因"), "N202") == [("N202", "warning", f"{NOTES}!K6")]


def test_N203_yuan():
    assert found(reason_book("每人每年发放2000元"), "N203") == []
    assert found(reason_book("收、支总计各增加 14.4 元"), "N203") == [
        ("N203", "warning", f"{NOTES}!K6")
    ]
    assert found(reason_book("增加 14.4 万元"), "N203") == []


def test_N204_repeated_words():
    assert found(reason_book("舆情监测云服务期未满"), "N204") == []
    assert found(reason_book("舆情监测云服务服务期未满"), "N204") == [
        ("N204", "warning", f"{NOTES}!K6")
    ]


def test_N205_traditional():
    assert found(reason_book("服务期未满"), "N205") == []
    assert found(reason_book("服务期未滿"), "N205") == [("N205", "warning", f"{NOTES}!K6")]


def project(
    scores,
    weights,
    total_score,
    total_weight="100",
    labels=None,
    rate="0.9",
    executed="9",
    budget="10",
):
    labels = labels or {}
    inds = []
    for i, (w, s) in enumerate(zip(weights, scores, strict=True)):
        ind = {"level3": f"指标{i}", "weight": w, "score": s}
        if i in labels:
            ind["level1"] = labels[i]
        inds.append(ind)
    return {
        "name": "测试项目",
        "funds": {
            "total": {
                "annual_budget": budget,
                "executed": executed,
                "weight": "10",
                "rate": rate,
                "score": "9",
            }
        },
        "indicators": inds,
        "total_weight": total_weight,
        "total_score": total_score,
    }


GOOD = project(
    ["50", "30", "10"],
    ["50", "30", "10"],
    "99",
    labels={0: "产出指标（50）", 1: "效益指标(30)", 2: "满意度指标 (10)"},
)


def test_N301_score_over_weight():
    assert found(make(projects=[GOOD]), "N301") == []
    bad = project(["55", "25", "10"], ["50", "30", "10"], "99")
    assert found(make(projects=[bad]), "N301") == [("N301", "error", f"{PERF}!H11")]


def test_N302_total_score():
    assert found(make(projects=[GOOD]), "N302") == []
    bad = dict(GOOD, total_score="97")
    assert found(make(projects=[bad]), "N302") == [("N302", "error", f"{PERF}!H27")]


def test_N303_level1_labels():
    assert found(make(projects=[GOOD]), "N303") == []
    bad = project(
        ["50", "30", "10"],
        ["50", "30", "10"],
        "99",
        labels={0: "产出指标（50）", 1: "效益指标 (40)", 2: "满意度指标 (10)"},
    )
    assert found(make(projects=[bad]), "N303") == [("N303", "error", f"{PERF}!B12")]


def test_N304_weights_sum_to_100():
    assert found(make(projects=[GOOD]), "N304") == []
    bad = project(["50", "30", "10"], ["50", "30", "5"], "94", total_weight="95")
    assert found(make(projects=[bad]), "N304") == [("N304", "error", f"{PERF}!G27")]


def test_N305_execution_rate():
    assert found(make(projects=[GOOD]), "N305") == []
    assert (
        found(
            make(
                projects=[
                    project(["50"], ["50"], "59", rate="0.828", executed="12.42", budget="15")
                ]
            ),
            "N305",
        )
        == []
    )
    bad = project(["50"], ["50"], "59", rate="0.723", executed="37.77", budget="52.23")
    assert (
        found(make(projects=[bad]), "N305") == []
    )  # 72.3% is 72.31% printed with one decimal fewer
    bad = project(["50"], ["50"], "59", rate="0.7", executed="37.77", budget="52.23")
    assert found(make(projects=[bad]), "N305") == [("N305", "warning", f"{PERF}!G6")]
    assert Decimal("37.77") / Decimal("52.23") > Decimal("0.7231")


def reasoned(final, prior, reason, key="reason"):
    """本年收入合计 (from 表一) with its 上年决算 and a typed reason."""
    notes = {"prior": prior, key: reason} if key == "reason" else {key: reason}
    tables = {"T01": {"income_total": final}, "NOTES": {"income_total": notes}}
    return make(tables)


REASON_CELL = at("NOTES", "income_total", "reason")


def test_N104_says_unchanged_while_changed():
    assert found(reasoned("100", "100", "与上年无差异"), "N104") == []
    assert found(reasoned("100.20", "100", "与上年基本持平"), "N104") == []
    assert found(reasoned("120", "100", "与上年持平"), "N104") == [("N104", "warning", REASON_CELL)]


def test_N105_direction_words_against_the_change():
    assert found(reasoned("120", "100", "年内追加培训经费"), "N105") == []
    assert found(reasoned("80", "100", "人员调出，经费减少"), "N105") == []
    assert found(reasoned("80", "100", "有增有减：新增项目，部分项目取消"), "N105") == []
    assert found(reasoned("80", "100", "年内追加培训经费"), "N105") == [
        ("N105", "warning", REASON_CELL)
    ]
    assert found(reasoned("120", "100", "人员调出"), "N105") == [("N105", "warning", REASON_CELL)]


def test_N106_none_this_year_but_money():
    assert found(reasoned("0", "10", "本年无此项收入"), "N106") == []
    assert found(reasoned("5", "10", "本年无此项收入"), "N106") == [
        ("N106", "warning", REASON_CELL)
    ]


def test_N107_restated_change_must_match():
    assert found(reasoned("112.50", "100", "增加 12.50 万元，为追加经费"), "N107") == []
    assert found(reasoned("112.50", "100", "增加 12 万元，为追加经费"), "N107") == [
        ("N107", "warning", REASON_CELL)
    ]


def test_N108_template_leftovers():
    assert found(reasoned("120", "100", "主要原因是：追加经费"), "N108") == []
    assert found(reasoned("120", "100", "主要原因是："), "N108") == [
        ("N108", "warning", REASON_CELL)
    ]
    assert found(reasoned("120", "100", "经费增加（减少）"), "N108") == [
        ("N108", "warning", REASON_CELL)
    ]


def test_N104_to_N108_on_items_and_budget_reasons():
    item = make(
        {
            "T05": {"2013101": {"total": "90"}},
            "NOTES": {"2013101": {"budget": "100", "reason": "年内追加人员经费"}},
        }
    )
    [(rid, sev, where)] = found(item, "N105")
    assert (rid, sev) == ("N105", "warning") and where.startswith("说明数据!")


def test_N202_more_placeholder_forms():
    for text in ("原因待填写", "请填写原因", "原因（待）", "原因(略)"):
        assert found(reason_book(text), "N202") == [("N202", "warning", f"{NOTES}!K6")], text
    assert found(reason_book("【请填写变动原因】"), "N202") == [("N202", "warning", f"{NOTES}!K6")]


def test_P111_blanks_the_narrative_needs():
    rows = [r.key for r in PROFILE.sheet("T11").block("main").rows]
    full = {k: "0" for k in rows}
    assert found(make({"T11": full}), "P111") == []
    gap = {k: v for k, v in full.items() if k != "sme_micro"}
    assert found(make({"T11": gap}), "P111") == [
        ("P111", "warning", at("T11", "sme_micro", "value"))
    ]


def test_P112_empty_grand_totals():
    ok = make({"T01": {"income_grand": "10", "expense_grand": "10"}})
    assert found(ok, "P112") == []
    bad = make({"T01": {"income_grand": "0"}})
    assert found(bad, "P112") == [
        ("P112", "error", at("T01", "income_grand", "amount")),
        ("P112", "error", at("T01", "expense_grand", "amount")),
    ]


def test_P113_unit_count_against_the_list():
    units = {"COVER.units": [{"seq": 1, "name": "甲"}, {"seq": 2, "name": "乙"}]}
    assert found(make(forms={"COVER.unit": {"unit_count": 2}}, lists=units), "P113") == []
    [(rid, sev, where)] = found(make(forms={"COVER.unit": {"unit_count": 1}}, lists=units), "P113")
    assert (rid, sev) == ("P113", "warning") and where.startswith("封面!")


def test_P114_eval_count_against_names():
    def perf(n):
        return {"NOTES.performance": {"dept_eval_count": n, "dept_eval_names": "甲项目、乙项目"}}

    assert found(make(forms=perf(2)), "P114") == []
    [(rid, sev, where)] = found(make(forms=perf(1)), "P114")
    assert (rid, sev) == ("P114", "warning") and where.startswith("说明数据!")


def test_P115_rates_over_300_percent():
    ok = make({"T01": {"income_total": "300"}, "NOTES": {"income_total": {"prior": "100"}}})
    assert found(ok, "P115") == []  # growth 200%
    bad = make({"T01": {"income_total": "500"}, "NOTES": {"income_total": {"prior": "100"}}})
    assert found(bad, "P115") == [("P115", "warning", at("NOTES", "income_total", "prior"))]


def test_P116_yuan_typed_as_wan():
    assert found(make({"T01": {"gpb": "9999999.99"}}), "P116") == []
    assert found(make({"T01": {"gpb": "14300000"}}), "P116") == [
        ("P116", "warning", at("T01", "gpb", "amount"))
    ]


def test_N206_percentages_with_more_than_two_decimals():
    assert found(reason_book("占比 33.67%"), "N206") == []
    assert found(reason_book("占比 33.674%"), "N206") == [("N206", "warning", f"{NOTES}!K6")]


def test_N207_shares_without_percent_sign():
    assert found(reason_book("占本年支出合计的 93.58%"), "N207") == []
    assert found(reason_book("占地 500 平方米"), "N207") == []
    assert found(reason_book("占本年支出合计的 93.58，主要是"), "N207") == [
        ("N207", "warning", f"{NOTES}!K6")
    ]
    assert found(reason_book("占比为 33"), "N207") == [("N207", "warning", f"{NOTES}!K6")]


def test_N208_ascii_comma_between_chinese_and_a_number():
    assert found(reason_book("支出 1,430.98 万元，增加"), "N208") == []
    assert found(reason_book("本年支出,1430.98 万元"), "N208") == [
        ("N208", "warning", f"{NOTES}!K6")
    ]


def test_N209_unbalanced_quotes():
    assert found(reason_book("开展“三会一课”活动"), "N209") == []
    assert found(reason_book("开展“三会一课活动"), "N209") == [("N209", "warning", f"{NOTES}!K6")]


def test_P118_every_marker_the_text_would_print_is_a_finding_at_its_cell(tmp_path):
    """A blank template: each 【请填写…】 that narrate prints has a finding at the cell it asks
    for (P118, or the more specific rule that already reports that cell); a filled workbook
    has none."""
    from pathlib import Path

    from typer.testing import CliRunner

    from xlfin.cli import app
    from xlfin.io.reader import read_detected
    from xlfin.narrative import narrate, narrate_traced
    from xlfin.narrative.render import narrate_asks

    root = Path(__file__).resolve().parent.parent
    good, _ = read_detected(root / "samples" / "mof9_2025.xlsx")
    assert [f for f in run(good, _.profile).findings if f.id == "P118"] == []
    for profile, year in (("nmg-2023", 2023), ("mof9", 2025), ("sh-2024", 2025)):
        blank = tmp_path / f"{profile}.xlsx"
        res = CliRunner().invoke(
            app, ["template", "--profile", profile, "--year", str(year), "-o", str(blank)]
        )
        assert res.exit_code == 0
        book, found_ = read_detected(blank)
        prof = found_.profile
        traced = narrate_traced(book, prof)
        markers = [m for m in traced.text.split("【")[1:] if m.startswith("请填写")]
        assert len(traced.asks) == len(markers) > 70  # every marker knows its cell
        findings = run(book, prof).findings
        cells = {f.where for f in findings}
        asked = {f"{a.source.sheet}!{a.source.cell}" for a in traced.asks}
        assert asked <= cells, sorted(asked - cells)
        p118 = [f for f in findings if f.id == "P118"]
        assert {f.where for f in p118} <= asked  # and P118 reports nothing else
        assert narrate(book, prof) == traced.text
        # the check finds them without tracing every figure: the same markers, cells, sections
        assert _asks(narrate_asks(book, prof)) == _asks(traced.asks)
    first = [(f.where, f.message) for f in p118[:3]]
    assert first == [
        (
            "封面!B4",
            "情况说明“封面”将显示【请填写部门名称】：请填写此单元格（没有发生的填 0 或“无”）",
        ),
        (
            "封面!B7",
            "情况说明“封面”将显示【请填写单位负责人】：请填写此单元格（没有发生的填 0 或“无”）",
        ),
        (
            "封面!B8",
            "情况说明“封面”将显示【请填写编制人】：请填写此单元格（没有发生的填 0 或“无”）",
        ),
    ]
    assert "P118" in {f.id for f in findings}


def _asks(asks):
    return [(a.printed, str(a.source), a.section) for a in asks]


def test_P118_markers_found_as_the_traced_text_has_them_whatever_was_typed():
    """Typed texts that look like Markdown headings, tags or emphasis, and a blank 变动原因
    and 绩效目标完成情况: the markers the check finds are the traced text's, section for
    section (a typed line starting with # is not a section)."""
    from pathlib import Path

    from xlfin.io.reader import read_book
    from xlfin.narrative import narrate_traced
    from xlfin.narrative.render import narrate_asks

    book = read_book(Path(__file__).resolve().parent.parent / "samples" / "jcdj_2023.xlsx", PROFILE)
    book.projects[2].fields["name"].value = None  # a blank name in the form's heading
    book.forms["OVERVIEW.overview"]["functions"].value = "第一行\n# 不是标题\n## 也不是"
    book.projects[1].fields["name"].value = "<b>**重点**</b> 项目\n# 假标题"
    book.projects[1].fields["achievement"].value = None
    book.tables["NOTES"].rows["expense_total"].cells.pop("reason", None)
    traced = narrate_traced(book, PROFILE)
    asks = narrate_asks(book, PROFILE)
    assert _asks(asks) == _asks(traced.asks)
    assert [(a.printed, a.source.cell, a.section) for a in asks] == [
        ("【请填写变动原因】", "K5", "一、收入支出决算总体情况说明"),
        ("【请填写变动原因】", "K17", "一、收入支出决算总体情况说明"),
        ("【请填写绩效目标完成情况】", "B59", "十四、预算绩效情况说明"),
        ("【请填写项目名称】", "B65", "十四、预算绩效情况说明"),
        ("【请填写项目名称】", "B65", "项目支出绩效自评表（2023 年度）：【请填写项目名称】"),
    ]


def test_P119_blank_cell_the_text_reads_beside_filled_amounts():
    full = {"total": "10", "basic": "10", "project": "0", "remit": "0", "operating": "0"}
    assert found(make({"T03": {"total": dict(full, subsidy="0")}}), "P119") == []
    assert found(make({"T03": {"total": full}}), "P119") == [("P119", "info", "支出决算表!H7")]
    assert found(make({"T03": {"total": {"total": "10", "basic": "10"}}}), "P119") == [
        ("P119", "info", "支出决算表!E7"),
        ("P119", "info", "支出决算表!F7"),
        ("P119", "info", "支出决算表!G7"),
        ("P119", "info", "支出决算表!H7"),
    ]
    assert found(make({"T03": {}}), "P119") == []  # a row with nothing typed is P111/P118's


def test_N210_a_unit_calls_itself_a_department():
    unit = {"COVER.unit": {"dept_kind": "单位"}}
    dept = {"COVER.unit": {"dept_kind": "部门"}}
    says = {"NOTES": {"income_total": {"reason": "本部门人员调出"}}}
    assert found(make(says, forms=dept), "N210") == []
    assert (
        found(make({"NOTES": {"income_total": {"reason": "本单位人员调出"}}}, forms=unit), "N210")
        == []
    )
    assert found(make(says, forms=unit), "N210") == [("N210", "warning", f"{NOTES}!K6")]


def test_S019_money_label_and_S020_sheet_order(tmp_path):
    import hostile
    from openpyxl import load_workbook

    from xlfin.io.reader import read_book

    assert found(read_book(hostile.SAMPLE), "S019") == []
    assert found(read_book(hostile.SAMPLE), "S020") == []
    yuan = hostile.with_texts(tmp_path / "y.xlsx", {("收入支出决算总表", "F3"): "金额单位：元"})
    assert found(read_book(yuan), "S019") == [("S019", "error", "收入支出决算总表!F3")]
    wb = load_workbook(hostile.SAMPLE)
    wb.move_sheet("支出决算表", offset=-1)
    wb.save(tmp_path / "o.xlsx")
    assert found(read_book(tmp_path / "o.xlsx"), "S020") == [("S020", "info", "支出决算表")]


def test_P118_a_narrative_that_cannot_be_made_does_not_stop_the_checks(monkeypatch):
    import xlfin.narrative.render as render

    def broken(book, profile):
        raise ValueError("测试")

    monkeypatch.setattr(render, "narrate_asks", broken)
    book = make({"T01": {"gpb": "1"}})
    report = run(book, PROFILE)
    p118 = [f for f in report.findings if f.id == "P118"]
    assert [(f.severity, f.message[:24]) for f in p118] == [
        ("warning", "情况说明无法生成（ValueError: 测试）")
    ]
    assert any(f.id == "P112" for f in report.findings)  # the other rules ran


def test_text_rules_one_search_misses_no_text():
    """The text rules first search all texts joined by NUL; a pattern that matches one text
    alone must match the joined texts too, whatever its neighbours (lookarounds at the edges)."""
    from xlfin.rules.inputs import _JOIN, TEXT_PATTERNS

    texts = [
        "本年无政府性基金收、支、余。。",
        "增加 41.78%，：本年",
        "XX单位",
        "请填写",
        "收、支总计各增加 14.4 元",
        "服务服务期未满",
        "增长 33.674%",
        "占比为 33",
        "占本年支出合计的 93.58",
        "支出,1,430.98",
        "1,中",
    ]
    edges = ["", "%", "％", "1", "1.", ".", " %", "元", "中", "，", ",", "【", "服务"]
    assert set(TEXT_PATTERNS) == {"N201", "N202", "N203", "N204", "N206", "N207", "N208"}
    for rid, pattern in TEXT_PATTERNS.items():
        for text in texts:
            if pattern.search(text) is None:
                continue
            for before in edges:
                for after in edges:
                    joined = _JOIN.join([before, text, after])
                    assert pattern.search(joined) is not None, (rid, before, text, after)


def test_text_rules_find_a_text_followed_by_a_percent_sign():
    book = make(
        {"NOTES": {"income_total": {"reason": "占比为 33"}, "expense_total": {"reason": "%开头"}}}
    )
    assert found(book, "N207") == [("N207", "warning", f"{NOTES}!K6")]
    assert found(reason_book("人员调出"), "N207") == []
