"""Build the constructed nine-table sample: 示例市群众艺术馆, 2025 and 2024, format mof9.

Every figure is constructed (a fictional unit; see README.md): the 项 of 支出功能分类 with their
基本/项目 split and fund source, the economic items of 基本支出, the 三公 figures, 政府采购 and
assets. Every total, every cross-table figure and the 2025 上年决算 column are *computed* here
from those, so the workbooks check clean by construction. Run:  python samples/build_mof9.py
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_sample import ind  # noqa: E402  (one 绩效 indicator row, as the other sample writes it)
DEPT = "示例市群众艺术馆"
PROFILE = "mof9"
ZERO = Decimal(0)


def D(x) -> Decimal:
    return Decimal(str(x))


def s(x) -> str:
    from xlfin.interchange import dec_str

    return dec_str(D(x))


# ------------------------------------------------------------------ the year's constructed facts
# 项: (一般公共预算 basic, 一般公共预算 project, 年初预算, 其他资金 project by source, 差异原因)
ITEMS_2025 = {
    "2070109": (
        "362.48",
        "123.72",
        "470.00",
        {"business": "35.40"},
        "年内追加全民艺术普及活动经费",
    ),
    "2070108": ("0", "95.60", "96.00", {"other": "3.20"}, "部分演出场次调整，节约经费"),
    "2070199": ("0", "18.35", "0", {}, "年内追加非遗展演专项经费，年初未安排预算"),
    "2080502": ("24.10", "0", "24.10", {}, None),
    "2080505": ("41.28", "0", "42.00", {}, "年内人员退休，缴费基数减少"),
    "2080506": ("20.64", "0", "21.00", {}, "年内人员退休，缴费基数减少"),
    "2101102": ("19.87", "0", "19.87", {}, None),
    "2210201": ("30.96", "0", "30.96", {}, None),
}
ITEMS_2024 = {
    "2070109": (
        "350.12",
        "110.40",
        "455.00",
        {"business": "30.00"},
        "年内追加全民艺术普及活动经费",
    ),
    "2070108": ("0", "88.20", "90.00", {"other": "2.50"}, "部分演出场次调整，节约经费"),
    "2080502": ("22.80", "0", "22.80", {}, None),
    "2080505": ("40.10", "0", "40.10", {}, None),
    "2080506": ("20.05", "0", "20.05", {}, None),
    "2101102": ("19.12", "0", "19.12", {}, None),
    "2210201": ("29.88", "0", "29.88", {}, None),
}
GOV_FUND_CODE = "2296003"  # 用于体育事业的彩票公益金支出: 全民健身文艺展演
YEARS = {
    2025: {
        "items": ITEMS_2025,
        "gpb_begin": "6.50",  # 上年结转的 2070108 项目资金，本年用完
        "gpb_begin_item": "2070108",
        "gov_fund": "12.00",
        "business": "38.00",  # 事业收入: 35.40 used, 2.60 carried to next year
        # 基本支出 by economic item; 30199 takes what the others leave of the 人员经费
        "public": {
            "30201": "12.40",
            "30205": "3.10",
            "30206": "8.60",
            "30207": "2.30",
            "30211": "5.40",
            "30213": "6.20",
            "30217": "0.85",
            "30228": "3.50",
            "30229": "4.80",
            "30231": "3.60",
            "30299": "5.00",
            "31002": "4.40",
        },
        "personnel": {"30101": "120.30", "30102": "38.10", "30107": "98.60", "30302": "24.10"},
        "sangong_budget": {
            "abroad": "0",
            "car_purchase": "0",
            "car_operation": "6.00",
            "reception": "1.50",
        },
        "sangong_final": {
            "abroad": "0",
            "car_purchase": "0",
            "car_operation": "3.60",
            "reception": "0.85",
        },
        "counts": {
            "abroad_groups": 0,
            "abroad_people": 0,
            "car_purchased": 0,
            "car_stock": 1,
            "domestic_batches": 6,
            "domestic_people": 42,
            "foreign_batches": 0,
            "foreign_people": 0,
        },
        "procurement": {
            "procurement_goods": "12.30",
            "procurement_works": "0",
            "procurement_services": "34.50",
            "sme_total": "40.10",
            "sme_micro": "31.20",
            "reserved_total": "20.00",
            "reserved_micro": "12.00",
        },
    },
    2024: {
        "items": ITEMS_2024,
        "gpb_begin": "0",
        "gpb_begin_item": None,
        "gpb_end": "6.50",  # 2070108 项目资金结转下年
        "gpb_end_item": "2070108",
        "gov_fund": "0",
        "business": "30.00",
        "public": {
            "30201": "11.80",
            "30205": "2.90",
            "30206": "8.20",
            "30207": "2.20",
            "30211": "4.90",
            "30213": "5.10",
            "30217": "0.62",
            "30228": "3.30",
            "30229": "4.50",
            "30231": "3.95",
            "30299": "4.30",
            "31002": "2.80",
        },
        "personnel": {"30101": "116.20", "30102": "36.40", "30107": "95.10", "30302": "22.80"},
        "sangong_budget": {
            "abroad": "0",
            "car_purchase": "0",
            "car_operation": "6.00",
            "reception": "1.20",
        },
        "sangong_final": {
            "abroad": "0",
            "car_purchase": "0",
            "car_operation": "3.95",
            "reception": "0.62",
        },
        "counts": {
            "abroad_groups": 0,
            "abroad_people": 0,
            "car_purchased": 0,
            "car_stock": 1,
            "domestic_batches": 5,
            "domestic_people": 31,
            "foreign_batches": 0,
            "foreign_people": 0,
        },
        "procurement": {
            "procurement_goods": "9.80",
            "procurement_works": "0",
            "procurement_services": "30.10",
            "sme_total": "35.00",
            "sme_micro": "26.40",
            "reserved_total": "18.00",
            "reserved_micro": "10.00",
        },
    },
}


def names(year: int):
    from xlfin import codes

    fn = codes.load("functional")
    return lambda code: fn.name(code, year) or code


def econ_name(code: str) -> str:
    from xlfin import codes

    return codes.load("economic").name(code) or code


def tree(block: str, leaves: dict[str, dict[str, Decimal]], name) -> list[dict]:
    """类/款/项 rows: 项 as given, 款 and 类 summed from them."""
    out = []
    for lei in sorted({c[:3] for c in leaves}):
        for code in [lei] + sorted({c[:5] for c in leaves if c.startswith(lei)}):
            under = [c for c in leaves if c.startswith(code)]
            cols = sorted({k for c in under for k in leaves[c]})
            vals = {k: sum((leaves[c].get(k, ZERO) for c in under), ZERO) for k in cols}
            out.append(
                {
                    "block": block,
                    "code": code,
                    "name": name(code),
                    "values": {k: s(v) for k, v in vals.items()},
                }
            )
            if len(code) == 5:
                for c in sorted(under):
                    out.append(
                        {
                            "block": block,
                            "code": c,
                            "name": name(c),
                            "values": {k: s(v) for k, v in leaves[c].items()},
                        }
                    )
    return out


def fixed(block: str, values: dict, col: str = "amount") -> list[dict]:
    return [
        {
            "block": block,
            "key": k,
            "values": v if isinstance(v, dict) else {col: s(v) if not isinstance(v, int) else v},
        }
        for k, v in values.items()
    ]


def total_row(values: dict) -> dict:
    return {"block": "main", "key": "total", "values": {k: s(v) for k, v in values.items()}}


def figures(year: int) -> dict:
    """Every table of *year*, computed from the constructed facts."""
    f = YEARS[year]
    name = names(year)
    items = f["items"]
    gpb = {c: {"basic": D(b), "project": D(p)} for c, (b, p, _bud, _o, _r) in items.items()}
    other = {c: {k: D(v) for k, v in o.items()} for c, (_b, _p, _bud, o, _r) in items.items()}
    gov_fund = D(f["gov_fund"])
    begin_gpb, end_gpb = D(f.get("gpb_begin", 0)), D(f.get("gpb_end", 0))
    business, other_income = (
        D(f["business"]),
        sum((o.get("other", ZERO) for o in other.values()), ZERO),
    )
    business_spent = sum((o.get("business", ZERO) for o in other.values()), ZERO)
    # 表五 (一般公共预算) and its totals
    t5_leaves = {c: {"total": v["basic"] + v["project"], **v} for c, v in gpb.items()}
    gpb_basic = sum((v["basic"] for v in gpb.values()), ZERO)
    gpb_project = sum((v["project"] for v in gpb.values()), ZERO)
    gpb_total = gpb_basic + gpb_project
    gpb_income = gpb_total - begin_gpb + end_gpb
    # 表三 (all funds)
    t3_leaves = {}
    for c, v in gpb.items():
        extra = sum(other[c].values(), ZERO)
        t3_leaves[c] = {
            "total": v["basic"] + v["project"] + extra,
            "basic": v["basic"],
            "project": v["project"] + extra,
        }
    if gov_fund:
        t3_leaves[GOV_FUND_CODE] = {"total": gov_fund, "basic": ZERO, "project": gov_fund}
    expense_total = sum((v["total"] for v in t3_leaves.values()), ZERO)
    # 表二 (income by function): fiscal = what the year's appropriation paid
    t2_leaves = {}
    for c, v in gpb.items():
        fiscal = v["basic"] + v["project"]
        if c == f.get("gpb_begin_item"):
            fiscal -= begin_gpb
        if c == f.get("gpb_end_item"):
            fiscal += end_gpb
        row = {"fiscal": fiscal}
        if c == "2070109":
            row["business"] = business
        if other[c].get("other"):
            row["other"] = other[c]["other"]
        row["total"] = sum(row.values(), ZERO)
        t2_leaves[c] = row
    if gov_fund:
        t2_leaves[GOV_FUND_CODE] = {"total": gov_fund, "fiscal": gov_fund}
    income_total = gpb_income + gov_fund + business + other_income
    nonfiscal_end = business - business_spent
    begin_balance, end_balance = begin_gpb, end_gpb + nonfiscal_end
    # 表一
    classes = {}
    for c, v in t3_leaves.items():
        classes[c[:3]] = classes.get(c[:3], ZERO) + v["total"]
    t01 = fixed(
        "income",
        {
            "gpb": gpb_income,
            "gov_fund": gov_fund,
            "soe": ZERO,
            "superior": ZERO,
            "business": business,
            "operating": ZERO,
            "affiliated": ZERO,
            "other": other_income,
            "income_total": income_total,
            "use_nonfiscal": ZERO,
            "begin_balance": begin_balance,
            "income_grand": income_total + begin_balance,
        },
    ) + fixed(
        "expense",
        {
            **classes,
            "expense_total": expense_total,
            "surplus_distribution": ZERO,
            "end_balance": end_balance,
            "expense_grand": expense_total + end_balance,
        },
    )
    # 表四
    fiscal_classes = {}
    for c, v in gpb.items():
        row = fiscal_classes.setdefault(c[:3], {"total": ZERO, "gpb": ZERO})
        row["gpb"] += v["basic"] + v["project"]
        row["total"] += v["basic"] + v["project"]
    if gov_fund:
        fiscal_classes[GOV_FUND_CODE[:3]] = {"total": gov_fund, "gov_fund": gov_fund}
    t04 = fixed(
        "income",
        {
            "gpb": gpb_income,
            "gov_fund": gov_fund,
            "soe": ZERO,
            "income_total": gpb_income + gov_fund,
            "begin_total": begin_gpb,
            "begin_gpb": begin_gpb,
            "begin_gov_fund": ZERO,
            "begin_soe": ZERO,
            "income_grand": gpb_income + gov_fund + begin_gpb,
        },
    ) + fixed(
        "expense",
        {
            **{k: {c: s(x) for c, x in v.items()} for k, v in fiscal_classes.items()},
            "expense_total": {
                "total": s(gpb_total + gov_fund),
                "gpb": s(gpb_total),
                "gov_fund": s(gov_fund),
                "soe": "0",
            },
            "end_balance": {"total": s(end_gpb), "gpb": s(end_gpb), "gov_fund": "0", "soe": "0"},
            "expense_grand": {
                "total": s(gpb_total + gov_fund + end_gpb),
                "gpb": s(gpb_total + end_gpb),
                "gov_fund": s(gov_fund),
                "soe": "0",
            },
        },
    )
    # 表六: 基本支出 by economic item; 30199 balances the 人员经费
    public = {k: D(v) for k, v in f["public"].items()}
    personnel = {k: D(v) for k, v in f["personnel"].items()}
    for code, item in (
        ("30108", "2080505"),
        ("30109", "2080506"),
        ("30110", "2101102"),
        ("30113", "2210201"),
    ):
        personnel[code] = gpb[item]["basic"]
    public_total = sum(public.values(), ZERO)
    personnel["30199"] = gpb_basic - public_total - sum(personnel.values(), ZERO)
    assert personnel["30199"] >= 0, personnel["30199"]

    def econ(block: str, values: dict[str, Decimal], classes_: tuple[str, ...], extra: dict):
        rows = {}
        for cls in classes_:
            kuans = {k: v for k, v in values.items() if k.startswith(cls)}
            rows[cls] = sum(kuans.values(), ZERO)
            rows.update(dict(sorted(kuans.items())))
        return fixed(block, {**rows, **extra})

    t06 = (
        econ(
            "personnel",
            personnel,
            ("301", "303"),
            {"personnel_total": sum(personnel.values(), ZERO)},
        )
        + econ("public1", {k: v for k, v in public.items() if k.startswith("302")}, ("302",), {})
        + econ(
            "public2",
            {k: v for k, v in public.items() if k.startswith("310")},
            ("310",),
            {"public_total": public_total},
        )
    )
    # 表八 (政府性基金), 表九 (empty), 表十 (三公)
    t08 = []
    if gov_fund:
        leaves = {
            GOV_FUND_CODE: {
                "begin": ZERO,
                "income": gov_fund,
                "total": gov_fund,
                "basic": ZERO,
                "project": gov_fund,
                "end": ZERO,
            }
        }
        t08 = [total_row(leaves[GOV_FUND_CODE])] + tree("main", leaves, name)
    budget = {k: D(v) for k, v in f["sangong_budget"].items()}
    final = {k: D(v) for k, v in f["sangong_final"].items()}
    sg = {}
    for side, vals in (("budget", budget), ("final", final)):
        car = vals["car_purchase"] + vals["car_operation"]
        sg.update(
            {
                f"{side}_abroad": vals["abroad"],
                f"{side}_car": car,
                f"{side}_car_purchase": vals["car_purchase"],
                f"{side}_car_operation": vals["car_operation"],
                f"{side}_reception": vals["reception"],
                f"{side}_total": vals["abroad"] + car + vals["reception"],
            }
        )
    t10 = [{"block": "main", "key": "sangong", "values": {k: s(v) for k, v in sg.items()}}]
    p = {k: D(v) for k, v in f["procurement"].items()}
    vehicles = {
        "veh_ministerial": 0,
        "veh_leaders": 0,
        "veh_confidential": 0,
        "veh_emergency": 0,
        "veh_enforcement": 0,
        "veh_special": 1,
        "veh_retired": 0,
        "veh_other": 0,
    }
    t11 = fixed(
        "main",
        {
            "operating_cost": public_total,
            "procurement_total": p["procurement_goods"]
            + p["procurement_works"]
            + p["procurement_services"],
            **{k: v for k, v in p.items()},
            "vehicles_total": sum(vehicles.values()),
            **vehicles,
            "equipment_50": 0,
            "equipment_100": 0,
        },
        "value",
    )
    return {
        "T01": t01,
        "T02": [
            total_row(
                {
                    "total": income_total,
                    "fiscal": gpb_income + gov_fund,
                    "superior": ZERO,
                    "business": business,
                    "operating": ZERO,
                    "affiliated": ZERO,
                    "other": other_income,
                }
            )
        ]
        + tree("main", t2_leaves, name),
        "T03": [
            total_row(
                {
                    "total": expense_total,
                    "basic": sum((v["basic"] for v in t3_leaves.values()), ZERO),
                    "project": sum((v["project"] for v in t3_leaves.values()), ZERO),
                    "remit": ZERO,
                    "operating": ZERO,
                    "subsidy": ZERO,
                }
            )
        ]
        + tree("main", t3_leaves, name),
        "T04": t04,
        "T05": [total_row({"total": gpb_total, "basic": gpb_basic, "project": gpb_project})]
        + tree("main", t5_leaves, name),
        "T06": t06,
        "T08": t08,
        "T09": [],
        "T10": t10,
        "T11": t11,
    }


def notes(year: int, prior: dict | None) -> list[dict]:
    """说明数据: 上年决算 from last year's book (None: not given), 年初预算 and reasons."""
    f = YEARS[year]
    items = f["items"]
    name = names(year)
    gpb_budget = sum((D(b) for _b, _p, b, _o, _r in items.values()), ZERO)
    why = {
        "grand_total": "事业收入和全民艺术普及活动经费增加",
        "income_total": "财政拨款和事业收入增加",
        "begin_balance": "上年结转的演出活动项目资金在本年使用",
        "expense_total": "全民艺术普及和非遗展演活动增加",
        "end_balance": "上年结转资金已使用，本年结余事业收入",
        "fiscal_total": "全民艺术普及活动经费和彩票公益金安排的展演经费增加",
        "gpb_expense": "全民艺术普及活动经费增加",
        "inc_gpb": "全民艺术普及活动经费增加",
        "inc_gov_fund": "本年新增彩票公益金安排的全民健身文艺展演经费",
        "inc_business": "培训班招生人数增加",
        "inc_other": "社会捐赠增加",
        "exp_basic": "人员工资正常调整",
        "exp_project": "全民艺术普及和非遗展演活动增加",
        "gpb_basic": "人员工资正常调整",
        "gpb_personnel": "人员工资正常调整",
        "gpb_public": "办公设备更新",
        "gpb_project": "全民艺术普及和非遗展演活动增加",
        "sangong_total": "公务用车运行费用下降、公务接待增加",
        "sg_car": "车辆维修费用减少",
        "sg_car_operation": "车辆维修费用减少",
        "sg_reception": "接待上级业务指导次数增加",
        "gov_fund_expense": "本年新增彩票公益金安排的全民健身文艺展演经费",
        "operating_cost": "办公设备更新",
    }
    budget_why = {
        "grand_total": "年内追加全民艺术普及活动经费和非遗展演专项经费",
        "fiscal_total": "年内追加全民艺术普及活动经费和非遗展演专项经费",
        "sangong_total": "严格控制公务用车运行和公务接待支出",
    }
    compare = {}
    for key in (
        "grand_total",
        "income_total",
        "inc_gpb",
        "inc_gov_fund",
        "inc_soe",
        "inc_superior",
        "inc_business",
        "inc_operating",
        "inc_affiliated",
        "inc_other",
        "use_nonfiscal",
        "begin_balance",
        "expense_total",
        "exp_basic",
        "exp_project",
        "exp_remit",
        "exp_operating",
        "exp_subsidy",
        "surplus_distribution",
        "end_balance",
        "fiscal_total",
        "gpb_expense",
        "gpb_basic",
        "gpb_personnel",
        "gpb_public",
        "gpb_project",
        "sangong_total",
        "sg_abroad",
        "sg_car",
        "sg_car_purchase",
        "sg_car_operation",
        "sg_reception",
        "gov_fund_expense",
        "soe_expense",
        "operating_cost",
    ):
        values = {}
        if prior is not None and prior.get(key) is not None:
            values["prior"] = s(prior[key])
            if prior[key] != CURRENT[year].get(key):
                values["reason"] = why.get(key, "【示例】")
        if key in ("grand_total", "fiscal_total", "gpb_expense"):
            values["budget"] = s(gpb_budget + (D(f["gov_fund"]) if key != "gpb_expense" else 0))
            values["budget_reason"] = budget_why.get(
                key, "年内追加全民艺术普及活动经费和非遗展演专项经费"
            )
        if key == "sangong_total":
            values["budget_reason"] = budget_why[key]
        compare[key] = values
    reception = D(f["sangong_final"]["reception"])
    compare["sg_reception_domestic"] = {"final": s(reception)}
    compare["sg_reception_foreign"] = {"final": "0"}
    rows = [{"block": "compare", "key": k, "values": v} for k, v in compare.items()]
    for lei in sorted({c[:3] for c in items}):
        under = {c: v for c, v in items.items() if c.startswith(lei)}
        rows.append(
            {
                "block": "items",
                "code": lei,
                "name": name(lei),
                "values": {"budget": s(sum((D(v[2]) for v in under.values()), ZERO))},
            }
        )
        for code, (b, p, bud, _o, reason) in sorted(under.items()):
            values = {"budget": s(bud)}
            if D(b) + D(p) != D(bud):
                values["reason"] = reason
            rows.append({"block": "items", "code": code, "name": name(code), "values": values})
    return rows


CURRENT: dict[int, dict] = {}  # year → the comparison finals of that year's book


GLOSSARY = [
    (
        "财政拨款收入",
        "本级财政当年拨付的资金，包括一般公共预算、政府性基金预算和国有资本经营预算财政拨款。",
    ),
    ("事业收入", "事业单位开展专业业务活动及辅助活动取得的收入，本馆主要为艺术培训收入。"),
    ("其他收入", "除财政拨款、事业收入等以外的收入，本馆主要为社会捐赠。"),
    ("年初结转和结余", "以前年度尚未完成、结转到本年按原用途继续使用的资金。"),
    ("年末结转和结余", "本年度尚未完成、结转到以后年度按原用途继续使用的资金。"),
    ("基本支出", "为保障单位正常运转、完成日常工作任务发生的支出，包括人员经费和公用经费。"),
    ("项目支出", "为完成特定工作任务和事业发展目标，在基本支出之外发生的支出。"),
    ("“三公”经费", "用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。"),
    ("机关运行经费", "为保障单位运行用于购买货物和服务等的各项公用经费。"),
]


def performance(year: int, t05_project: Decimal) -> dict:
    return {
        "gpb_level1": 2,
        "gpb_level2": 3,
        "gpb_amount": s(t05_project),
        "fund_level1": 0,
        "fund_level2": 1 if YEARS[year]["gov_fund"] != "0" else 0,
        "fund_amount": YEARS[year]["gov_fund"],
        "dept_eval_count": 1,
        "dept_eval_names": "全民艺术普及活动",
        "dept_eval_gpb": "123.72",
        "dept_eval_fund": "0",
        "third_party": "未委托第三方机构开展评价",
        "result_project": "全民艺术普及活动项目",
        "result_score": "93",
        "result_grade": "优",
    }


def projects(year: int) -> list[dict]:
    items = YEARS[year]["items"]
    art = D(items["2070109"][1])
    show = D(items["2070108"][1])

    def funds(annual: Decimal, executed: Decimal, weight: str, score: str) -> dict:
        total = {
            "initial_budget": s(annual),
            "annual_budget": s(annual),
            "executed": s(executed),
            "weight": weight,
            "rate": s((executed / annual).quantize(Decimal("0.0001"))),
            "score": score,
        }
        return {"total": total, "fiscal": dict(total)}

    return [
        {
            "name": "全民艺术普及活动",
            "department": DEPT,
            "implementer": DEPT,
            "funds": funds(art, art, "10", "10"),
            "goal_expected": "全年举办公益艺术培训和普及讲座，提高群众文化参与度。",
            "goal_actual": "按计划完成公益培训和讲座，群众参与度提高。",
            "indicators": [
                ind("产出指标(50)", "数量指标", "公益培训班期数", "40 期", "42 期", "20", "20"),
                ind("", "质量指标", "培训结业率", "≥90%", "93%", "15", "15"),
                ind("", "时效指标", "年内完成", "12 月底前", "按期完成", "15", "15"),
                ind(
                    "效益指标(30)",
                    "社会效益指标",
                    "参与群众人次",
                    "≥2 万人次",
                    "2.3 万人次",
                    "30",
                    "28",
                    "部分讲座线上举办，下一步增加线下场次",
                ),
                ind(
                    "满意度指标(10)", "服务对象满意度指标", "学员满意度", "≥90%", "92%", "10", "10"
                ),
            ],
            "total_weight": "100",
            "total_score": "98",
            "achievement": "全年举办公益艺术培训 42 期、普及讲座 18 场，群众参与度明显提高。",
        },
        {
            "name": "群众文化演出",
            "department": DEPT,
            "implementer": DEPT,
            "funds": funds(show, show, "10", "10"),
            "goal_expected": "组织基层巡回演出，丰富群众文化生活。",
            "goal_actual": "完成基层巡回演出，观众反响良好。",
            "indicators": [
                ind("产出指标(50)", "数量指标", "巡回演出场次", "30 场", "30 场", "25", "25"),
                ind("", "质量指标", "演出安全事故", "0 起", "0 起", "25", "25"),
                ind(
                    "效益指标(30)",
                    "社会效益指标",
                    "观众人次",
                    "≥1 万人次",
                    "1.2 万人次",
                    "30",
                    "30",
                ),
                ind(
                    "满意度指标(10)", "服务对象满意度指标", "观众满意度", "≥90%", "95%", "10", "10"
                ),
            ],
            "total_weight": "100",
            "total_score": "100",
            "achievement": "完成基层巡回演出 30 场，观众 1.2 万人次。",
        },
    ]


def build(year: int, prior: dict | None) -> dict:
    tables = figures(year)
    notes_text = {
        "T09": f"本单位{year}年度没有国有资本经营预算财政拨款收入、支出和结转结余，故本表无数据。"
    }
    if not tables["T08"]:
        notes_text["T08"] = (
            f"本单位{year}年度没有政府性基金预算财政拨款收入、支出和结转结余，故本表无数据。"
        )
    t05_project = D(tables["T05"][0]["values"]["project"])
    f = YEARS[year]
    data = {
        "format": "xlfin.book",
        "version": 1,
        "profile": PROFILE,
        "year": year,
        "forms": {
            "COVER.unit": {
                "dept_name": DEPT,
                "unit_code": "900001",
                "year": year,
                "head": "王示例",
                "preparer": "李示例",
                "report_date": f"{year + 1}年8月",
                "contact": "张示例",
                "phone": "010-00000000",
                "nature": "公益一类事业单位",
                "dept_kind": "单位",
                "unit_count": 1,
            },
            "OVERVIEW.overview": {
                "functions": "组织开展群众文化活动，承担全民艺术普及、非物质文化遗产展演和基层文艺辅导工作。",
            },
            "NOTES.sangong": {
                **f["counts"],
                "domestic_content": "接待上级业务指导和兄弟单位交流的工作餐",
                "foreign_content": "无",
            },
            "NOTES.balance": {"end_items": "事业收入结余，结转下年用于艺术培训"},
            "NOTES.performance": performance(year, t05_project),
        },
        "lists": {
            "COVER.units": [{"seq": 1, "name": DEPT, "note": "本级"}],
            "NOTES.glossary": [{"term": t, "definition": d} for t, d in GLOSSARY],
        },
        "tables": {},
        "projects": projects(year),
    }
    for tid, rows in list(tables.items()) + [("NOTES", notes(year, prior))]:
        entry = {"rows": rows}
        if tid not in ("NOTES", "T11"):
            entry["unit_name"] = DEPT
        if tid in notes_text:
            entry["note"] = notes_text[tid]
        data["tables"][tid] = entry
    return data


def finals(book, profile) -> dict:
    from xlfin.compute import comparisons

    return {k: c.final for k, c in comparisons(book, profile).items()}


def main() -> None:
    from xlfin.interchange import book_to_data, data_to_book
    from xlfin.io.reader import read_book
    from xlfin.io.writer import write_book
    from xlfin.profile import load_profile

    prior = None
    for year in (2024, 2025):
        profile = load_profile(PROFILE, year)
        # a first pass gives the year's own figures (which rows changed needs them)
        CURRENT[year] = finals(data_to_book(build(year, None), profile), profile)
        book = data_to_book(build(year, prior), profile)
        write_book(book, profile, HERE / f"mof9_{year}.xlsx")
        if year == 2025:  # the JSON is the export of the workbook as written
            canonical = book_to_data(read_book(HERE / f"mof9_{year}.xlsx", profile), profile)
            (HERE / "mof9_2025.json").write_text(
                json.dumps(canonical, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        prior = finals(book, profile)
        print("wrote", HERE / f"mof9_{year}.xlsx")


if __name__ == "__main__":
    main()
