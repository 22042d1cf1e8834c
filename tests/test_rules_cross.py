"""X rules: one GOOD and one BAD minimal book each, asserting the exact findings."""

from rulekit import at, found, make

T01 = "收入支出决算总表"
T02 = "收入决算表"
T03 = "支出决算表"
T04 = "财政拨款收入支出决算总表"
T05 = "一般公共预算财政拨款支出决算表"
T06 = "一般公共预算财政拨款基本支出决算明细表"
T10 = "财政拨款三公经费支出决算表"
T11 = "机构运行经费政府采购资产信息表"


def test_X101():
    good = make({"T01": {"income_total": "10"}, "T02": {"total": {"total": "10"}}})
    assert found(good, "X101") == []
    bad = make({"T01": {"income_total": "10"}, "T02": {"total": {"total": "11"}}})
    assert found(bad, "X101") == [("X101", "error", f"{T01}!C31")]


def test_X102():
    good = make(
        {"T01": {"gpb": "9", "other": "1"}, "T02": {"total": {"fiscal": "9", "other": "1"}}}
    )
    assert found(good, "X102") == []
    bad = make({"T01": {"gpb": "9", "other": "1"}, "T02": {"total": {"fiscal": "8", "other": "2"}}})
    assert found(bad, "X102") == [("X102", "error", f"{T01}!C14"), ("X102", "error", f"{T02}!D7")]


def test_X103():
    good = make({"T01": {"expense_total": "10"}, "T03": {"total": {"total": "10"}}})
    assert found(good, "X103") == []
    bad = make({"T01": {"expense_total": "10"}, "T03": {"total": {"total": "9"}}})
    assert found(bad, "X103") == [("X103", "error", f"{T01}!F31")]


def test_X104_per_class():
    good = make(
        {"T01": {"201": "7", "208": "3"}, "T03": {"201": {"total": "7"}, "208": {"total": "3"}}}
    )
    assert found(good, "X104") == []
    bad = make(
        {
            "T01": {"201": "7", "208": "3"},
            "T03": {"201": {"total": "6"}, "208": {"total": "3"}, "231": {"total": "1"}},
        }
    )
    assert found(bad, "X104") == [("X104", "error", f"{T01}!F7"), ("X104", "error", f"{T03}!A10")]


def test_X105():
    good = make(
        {
            "T01": {"gpb": "9"},
            "T02": {"total": {"fiscal": "9"}},
            "T04": {"gpb": "9", "income_total": "9"},
        }
    )
    assert found(good, "X105") == []
    bad = make(
        {
            "T01": {"gpb": "9"},
            "T02": {"total": {"fiscal": "9"}},
            "T04": {"gpb": "8", "income_total": "8"},
        }
    )
    assert found(bad, "X105") == [("X105", "error", f"{T04}!C7"), ("X105", "error", f"{T04}!C31")]


def test_X106_total_and_per_class():
    good = make(
        {
            "T04": {"201": {"gpb": "5"}, "expense_total": {"gpb": "5"}},
            "T05": {"total": {"total": "5"}, "201": {"total": "5"}},
        }
    )
    assert found(good, "X106") == []
    bad = make(
        {
            "T04": {"201": {"gpb": "5"}, "expense_total": {"gpb": "5"}},
            "T05": {"total": {"total": "5"}, "201": {"total": "4"}, "208": {"total": "1"}},
        }
    )
    assert found(bad, "X106") == [("X106", "error", f"{T04}!G7"), ("X106", "error", f"{T04}!G14")]


def test_X107():
    good = make(
        {"T05": {"total": {"basic": "12"}}, "T06": {"personnel_total": "10", "public_total": "2"}}
    )
    assert found(good, "X107") == []
    bad = make(
        {"T05": {"total": {"basic": "13"}}, "T06": {"personnel_total": "10", "public_total": "2"}}
    )
    assert found(bad, "X107") == [("X107", "error", f"{T05}!D7")]


def test_X108():
    good = make({"T05": {"total": {"project": "3"}}, "T07": {"project_total": "3"}})
    assert found(good, "X108") == []
    bad = make({"T05": {"total": {"project": "3"}}, "T07": {"project_total": "2"}})
    assert found(bad, "X108") == [("X108", "error", f"{T05}!E7")]


def test_X109_fund_tables():
    good = make({"T04": {"expense_total": {"gov_fund": "0"}}, "T08": {}, "T09": {}})
    assert found(good, "X109") == []
    bad = make(
        {
            "T04": {"expense_total": {"gov_fund": "2", "soe": "1"}},
            "T08": {"total": {"total": "2"}},
            "T09": {},
        }
    )
    assert found(bad, "X109") == [("X109", "error", f"{T04}!I31")]


def test_X110():
    good = make(
        {
            "T01": {"begin_balance": "5", "end_balance": "6"},
            "T04": {"begin_total": "0", "end_balance": {"total": "6"}},
        }
    )
    assert found(good, "X110") == []
    bad = make(
        {
            "T01": {"begin_balance": "5", "end_balance": "6"},
            "T04": {"begin_total": "5.5", "end_balance": {"total": "6"}},
        }
    )
    assert found(bad, "X110") == [("X110", "error", f"{T01}!C33")]


def test_X111_sangong_vs_economic():
    good = make(
        {
            "T06": {"30217": "0.44"},
            "T07": {"30217": "0.24"},
            "T10": {"sangong": {"final_reception": "0.68"}},
        }
    )
    assert found(good, "X111") == []
    rounding = make(
        {
            "T06": {"30217": "0.44"},
            "T07": {"30217": "0.25"},
            "T10": {"sangong": {"final_reception": "0.68"}},
        }
    )
    assert found(rounding, "X111") == [("X111", "info", f"{T10}!M8")]
    bad = make({"T06": {"30217": "0.80"}, "T10": {"sangong": {"final_reception": "0.68"}}})
    assert found(bad, "X111") == [("X111", "error", at("T06", "30217", "amount"))]


def test_X112_operating_cost():
    forms = {"COVER.unit": {"nature": "财政拨款的行政单位"}}
    good = make({"T06": {"public_total": "53.62"}, "T11": {"operating_cost": "53.62"}}, forms=forms)
    assert found(good, "X112") == []
    bad = make({"T06": {"public_total": "53.62"}, "T11": {"operating_cost": "50"}}, forms=forms)
    assert found(bad, "X112") == [("X112", "error", f"{T11}!D6")]
    institution = {"COVER.unit": {"nature": "财政补助的事业单位"}}
    assert (
        found(
            make(
                {"T06": {"public_total": "53.62"}, "T11": {"operating_cost": "50"}},
                forms=institution,
            ),
            "X112",
        )
        == []
    )


def test_X113_cars():
    good = make({"T11": {"vehicles_total": "1"}}, forms={"NOTES.sangong": {"car_stock": 1}})
    assert found(good, "X113") == []
    bad = make({"T11": {"vehicles_total": "0"}}, forms={"NOTES.sangong": {"car_stock": 2}})
    assert found(bad, "X113") == [("X113", "error", "说明数据!B90")]


def test_X114_performance_scope():
    good = make(
        {"T05": {"total": {"project": "331.68"}}},
        forms={"NOTES.performance": {"gpb_amount": "331.68"}},
    )
    assert found(good, "X114") == []
    bad = make(
        {"T05": {"total": {"project": "331.68"}}},
        forms={"NOTES.performance": {"gpb_amount": "335.51"}},
    )
    assert found(bad, "X114") == [("X114", "warning", "说明数据!B104")]
