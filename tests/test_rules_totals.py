"""T rules: one GOOD and one BAD minimal book each, asserting the exact findings."""

from rulekit import at, found, make

T01 = "收入支出决算总表"
T02 = "收入决算表"
T03 = "支出决算表"
T04 = "财政拨款收入支出决算总表"
T05 = "一般公共预算财政拨款支出决算表"
T06 = "一般公共预算财政拨款基本支出决算明细表"
T07 = "一般公共预算财政拨款项目支出决算明细表"
T08 = "政府性基金预算财政拨款收入支出决算表"
T09 = "国有资本经营预算财政拨款支出决算表"
T10 = "财政拨款三公经费支出决算表"
T11 = "机构运行经费政府采购资产信息表"


def test_T101_income_total():
    good = make({"T01": {"gpb": "100.00", "other": "4.42", "income_total": "104.42"}})
    assert found(good, "T101") == []
    bad = make({"T01": {"gpb": "100.00", "other": "4.42", "income_total": "105.42"}})
    assert found(bad, "T101") == [("T101", "error", f"{T01}!C31")]
    rounding = make({"T01": {"gpb": "100.00", "other": "4.42", "income_total": "104.43"}})
    assert found(rounding, "T101") == [("T101", "info", f"{T01}!C31")]


def test_T102_income_grand():
    good = make({"T01": {"income_total": "10", "begin_balance": "2", "income_grand": "12"}})
    assert found(good, "T102") == []
    bad = make({"T01": {"income_total": "10", "begin_balance": "2", "income_grand": "13"}})
    assert found(bad, "T102") == [("T102", "error", f"{T01}!C34")]


def test_T103_expense_total():
    good = make({"T01": {"201": "7", "208": "3", "expense_total": "10"}})
    assert found(good, "T103") == []
    bad = make({"T01": {"201": "7", "208": "3", "expense_total": "11"}})
    assert found(bad, "T103") == [("T103", "error", f"{T01}!F31")]


def test_T104_expense_grand():
    good = make({"T01": {"expense_total": "10", "end_balance": "2", "expense_grand": "12"}})
    assert found(good, "T104") == []
    bad = make({"T01": {"expense_total": "10", "surplus_distribution": "1", "expense_grand": "12"}})
    assert found(bad, "T104") == [("T104", "error", f"{T01}!F34")]


def test_T105_balance():
    good = make({"T01": {"income_grand": "12", "expense_grand": "12"}})
    assert found(good, "T105") == []
    bad = make({"T01": {"income_grand": "12", "expense_grand": "12.50"}})
    assert found(bad, "T105") == [("T105", "error", f"{T01}!F34")]


def test_T201_income_columns():
    good = make({"T02": {"201": {"total": "5", "fiscal": "4", "other": "1"}}})
    assert found(good, "T201") == []
    bad = make({"T02": {"201": {"total": "5", "fiscal": "4", "other": "2"}}})
    assert found(bad, "T201") == [("T201", "error", f"{T02}!C8")]


def test_T202_income_tree():
    rows = {
        "total": {"total": "5"},
        "201": {"total": "5"},
        "20131": {"total": "5"},
        "2013101": {"total": "3"},
        "2013105": {"total": "2"},
    }
    assert found(make({"T02": rows}), "T202") == []
    rows["2013105"] = {"total": "3"}
    assert found(make({"T02": rows}), "T202") == [("T202", "error", f"{T02}!C9")]  # 款 20131


def test_T301_expense_columns():
    good = make({"T03": {"total": {"total": "5", "basic": "3", "project": "2"}}})
    assert found(good, "T301") == []
    bad = make({"T03": {"total": {"total": "5", "basic": "3", "project": "3"}}})
    assert found(bad, "T301") == [("T301", "error", f"{T03}!C7")]


def test_T302_expense_tree():
    rows = {"total": {"basic": "3"}, "201": {"basic": "1"}, "208": {"basic": "2"}}
    assert found(make({"T03": rows}), "T302") == []
    rows["total"] = {"basic": "4"}
    assert found(make({"T03": rows}), "T302") == [("T302", "error", f"{T03}!D7")]


def test_T401_fund_columns():
    good = make({"T04": {"201": {"total": "5", "gpb": "4", "gov_fund": "1"}}})
    assert found(good, "T401") == []
    bad = make({"T04": {"201": {"total": "5", "gpb": "4"}}})
    assert found(bad, "T401") == [("T401", "error", f"{T04}!F7")]


def test_T402_to_T406_row_totals():
    good = make(
        {
            "T04": {
                "gpb": "10",
                "gov_fund": "1",
                "income_total": "11",
                "begin_gpb": "2",
                "begin_total": "2",
                "income_grand": "13",
                "201": {"total": "11", "gpb": "10", "gov_fund": "1"},
                "expense_total": {"total": "11", "gpb": "10", "gov_fund": "1"},
                "end_balance": {"total": "2", "gpb": "2"},
                "expense_grand": {"total": "13", "gpb": "12", "gov_fund": "1"},
            }
        }
    )
    for rid in ("T402", "T403", "T404", "T405", "T406"):
        assert found(good, rid) == [], rid
    bad = make(
        {
            "T04": {
                "gpb": "10",
                "income_total": "11",
                "begin_gpb": "2",
                "begin_total": "3",
                "income_grand": "15",
                "201": {"total": "10"},
                "expense_total": {"total": "11"},
                "end_balance": {"total": "2"},
                "expense_grand": {"total": "14"},
            }
        }
    )
    assert found(bad, "T402") == [("T402", "error", at("T04", "income_total", "amount"))]
    assert found(bad, "T403") == [("T403", "error", at("T04", "begin_total", "amount"))]
    assert found(bad, "T404") == [("T404", "error", at("T04", "income_grand", "amount"))]
    assert found(bad, "T405") == [("T405", "error", at("T04", "expense_total", "total"))]
    assert found(bad, "T406") == [("T406", "error", at("T04", "expense_grand", "total"))]


def test_T407_fund_balance():
    good = make(
        {
            "T04": {
                "gpb": "10",
                "begin_gpb": "2",
                "income_grand": "12",
                "expense_total": {"gpb": "11"},
                "end_balance": {"gpb": "1"},
                "expense_grand": {"total": "12"},
            }
        }
    )
    assert found(good, "T407") == []
    bad = make(
        {
            "T04": {
                "gpb": "10",
                "begin_gpb": "2",
                "income_grand": "12",
                "expense_total": {"gpb": "11"},
                "end_balance": {"gpb": "3"},
                "expense_grand": {"total": "14"},
            }
        }
    )
    assert found(bad, "T407") == [
        ("T407", "error", f"{T04}!G32"),
        ("T407", "error", f"{T04}!F36"),
    ]


def test_T501_basic_plus_project():
    good = make({"T05": {"201": {"total": "5", "basic": "3", "project": "2"}}})
    assert found(good, "T501") == []
    bad = make({"T05": {"201": {"total": "5", "basic": "3", "project": "1"}}})
    assert found(bad, "T501") == [("T501", "error", f"{T05}!C8")]


def test_T502_gpb_tree():
    rows = {"201": {"project": "2"}, "20131": {"project": "2"}, "2013105": {"project": "2"}}
    assert found(make({"T05": rows}), "T502") == []
    rows["20131"] = {"project": "2.50"}
    assert found(make({"T05": rows}), "T502") == [
        ("T502", "error", f"{T05}!E8"),
        ("T502", "error", f"{T05}!E9"),
    ]


def test_T601_economic_class_sum():
    good = make({"T06": {"302": "5", "30201": "3", "30211": "2"}})
    assert found(good, "T601") == []
    bad = make({"T06": {"302": "5", "30201": "3", "30211": "1"}})
    assert found(bad, "T601") == [("T601", "error", f"{T06}!F7")]


def test_T602_personnel():
    good = make({"T06": {"301": "10", "303": "2", "personnel_total": "12"}})
    assert found(good, "T602") == []
    bad = make({"T06": {"301": "10", "303": "2", "personnel_total": "10"}})
    assert found(bad, "T602") == [("T602", "error", f"{T06}!C36")]


def test_T603_public():
    good = make({"T06": {"302": "10", "310": "2", "public_total": "12"}})
    assert found(good, "T603") == []
    bad = make({"T06": {"302": "10", "310": "2", "399": "1", "public_total": "12"}})
    assert found(bad, "T603") == [("T603", "error", f"{T06}!I36")]


def test_T701_project_economic_class_sum():
    good = make({"T07": {"312": "3.42", "31204": "3.42"}})
    assert found(good, "T701") == []
    bad = make({"T07": {"312": "3.42", "31204": "2.42"}})
    assert found(bad, "T701") == [("T701", "error", at("T07", "312", "amount"))]


def test_T702_project_total():
    good = make({"T07": {"302": "5", "303": "1", "project_total": "6"}})
    assert found(good, "T702") == []
    bad = make({"T07": {"302": "5", "303": "1", "project_total": "7"}})
    assert found(bad, "T702") == [("T702", "error", f"{T07}!I45")]


def test_T801_fund_subtotal():
    good = make({"T08": {"total": {"total": "3", "basic": "1", "project": "2"}}})
    assert found(good, "T801") == []
    bad = make({"T08": {"total": {"total": "3", "basic": "1"}}})
    assert found(bad, "T801") == [("T801", "error", f"{T08}!E7")]


def test_T802_fund_balance():
    good = make({"T08": {"total": {"begin": "1", "income": "5", "total": "4", "end": "2"}}})
    assert found(good, "T802") == []
    bad = make({"T08": {"total": {"begin": "1", "income": "5", "total": "4", "end": "0"}}})
    assert found(bad, "T802") == [("T802", "error", f"{T08}!H7")]


def test_T803_fund_tree():
    rows = {"total": {"income": "2"}, "212": {"income": "2"}}
    assert found(make({"T08": rows}), "T803") == []
    rows["212"] = {"income": "1"}
    assert found(make({"T08": rows}), "T803") == [("T803", "error", f"{T08}!D7")]


def test_T901_soe_rows():
    good = make({"T09": {"total": {"total": "3", "basic": "3"}}})
    assert found(good, "T901") == []
    bad = make({"T09": {"total": {"total": "3", "project": "2"}}})
    assert found(bad, "T901") == [("T901", "error", f"{T09}!C7")]


def test_T902_soe_tree():
    rows = {"total": {"total": "2"}, "223": {"total": "2"}}
    assert found(make({"T09": rows}), "T902") == []
    rows["total"] = {"total": "3"}
    assert found(make({"T09": rows}), "T902") == [("T902", "error", f"{T09}!C7")]


def test_T950_sangong():
    v = {
        "budget_total": "1.86",
        "budget_reception": "1.86",
        "final_total": "0.68",
        "final_car": "0.20",
        "final_car_operation": "0.20",
        "final_reception": "0.48",
    }
    assert found(make({"T10": {"sangong": v}}), "T950") == []
    v["final_car_purchase"] = "0.10"
    assert found(make({"T10": {"sangong": v}}), "T950") == [("T950", "error", f"{T10}!J8")]


def test_T960_procurement():
    good = make(
        {
            "T11": {
                "procurement_total": "8.85",
                "procurement_goods": "6.25",
                "procurement_services": "2.60",
            }
        }
    )
    assert found(good, "T960") == []
    bad = make({"T11": {"procurement_total": "8.85", "procurement_goods": "6.25"}})
    assert found(bad, "T960") == [("T960", "error", f"{T11}!D7")]


def test_T961_sme():
    good = make({"T11": {"sme_total": "2.98", "sme_goods": "2.66", "sme_services": "0.32"}})
    assert found(good, "T961") == []
    bad = make({"T11": {"sme_total": "2.98", "sme_goods": "2.66", "sme_services": "0.21"}})
    assert found(bad, "T961") == [("T961", "error", f"{T11}!D11")]


def test_T962_order():
    good = make({"T11": {"procurement_total": "8", "sme_total": "3", "sme_micro": "2"}})
    assert found(good, "T962") == []
    bad = make(
        {"T11": {"procurement_total": "8", "sme_total": "3", "sme_micro": "4", "sme_goods": "1"}}
    )
    assert found(bad, "T962") == [
        ("T962", "error", f"{T11}!D12"),
        ("T962", "error", f"{T11}!D13"),
    ]


def test_T963_vehicles():
    good = make({"T11": {"vehicles_total": "2", "veh_emergency": "1", "veh_other": "1"}})
    assert found(good, "T963") == []
    bad = make({"T11": {"vehicles_total": "2", "veh_emergency": "1"}})
    assert found(bad, "T963") == [("T963", "error", f"{T11}!D16")]


def test_rounding_envelope_is_n_plus_one_half_cents():
    """Eight rounded terms and their rounded total differ by at most 9 × 0.005 = 0.045 万元: 0.04
    is 四舍五入差异 (info), 0.06 is an error (0.01 per term used to let it pass)."""
    parts = {
        k: "1"
        for k in (
            "gpb",
            "gov_fund",
            "soe",
            "superior",
            "business",
            "operating",
            "affiliated",
            "other",
        )
    }
    ok = make({"T01": {**parts, "income_total": "8.04"}})
    bad = make({"T01": {**parts, "income_total": "8.06"}})
    where = at("T01", "income_total", "amount")
    assert found(ok, "T101") == [("T101", "info", where)]
    assert found(bad, "T101") == [("T101", "error", where)]
