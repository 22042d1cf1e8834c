"""Regenerate the reference department's sample (jcdj_2023.json and jcdj_2023.xlsx).

Every figure the reference document states is entered as printed, even where the document
is inconsistent; figures it does not state are constructed so that the identities hold, and
each is listed in README.md. Run:  python samples/build_sample.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEPT = "中共阿拉善盟高新技术产业开发区工作委员会（中共阿左旗乌斯太镇委员会）基层党的建设办公室"
SHORT = "基层党的建设办公室"

# --------------------------------------------------------------- 表五: stated 项 决算 (section 五)
# code: (决算, 基本支出 part [constructed split], 年初预算 [stated], 差异原因 [stated])
R_STAFF = "年内人员调出"
R_LATE = "部分活动年末开展，导致一些支出未报销"
R_REFORM = "本年机构改革，人社局职能转出本单位，相关人员经费及项目经费减少"
ITEMS = {
    "2012399": ("3.00", "0", "3.00", "已完成预算支出无差异"),
    "2013101": ("1079.35", "982.21", "1389.48", R_STAFF),
    "2013105": ("1.95", "0", "2.00", R_LATE),
    "2013199": ("2.58", "0", "3.00", R_LATE),
    "2013201": ("17.91", "0", "325.11", "人才引进资金未使用"),
    "2013299": ("1.54", "0", "6.92", "部分工作年末开展，导致一些支出未报销"),
    "2013301": ("26.80", "0", "30.00", R_LATE),
    "2013399": ("0.82", "0", "2.00", R_LATE),
    "2013404": ("5.80", "0", "5.96", "三级宗教联络员数量变动"),
    "2013699": (
        "123.94",
        "0",
        "29.17",
        "年内追加支付组织系统组工大网建设工作经费、最强党支部及嘎查组织班子成员一次性工作补贴",
    ),
    "2013799": ("8.37", "0", "14.00", "舆情监测云服务服务期未滿，年内未产生费用"),
    "2080501": ("2.20", "2.20", "3.06", R_STAFF),
    "2080505": ("32.40", "32.40", "40.25", R_STAFF),
    "2080506": ("11.03", "11.03", "18.64", R_STAFF),
    "2080702": ("5.38", "0", "13.00", R_REFORM),
    "2080704": ("3.99", "0", "10.00", R_REFORM),
    "2080801": ("20.23", "20.23", "0.00", "退休人员年内去世追加该项目，导致支出增加"),
    "2089999": ("1.05", "0", "1.96", R_STAFF),
    "2100410": ("30.47", "0", "0.00", "年内追加拨付各单位疫情防困补助"),
    "2101101": ("14.62", "14.62", "17.18", R_STAFF),
    "2130152": ("0.96", "0", "0.57", "年内拨入下派选调生到嘎查村工作经费并使用"),
    "2210201": ("26.88", "26.88", "29.44", R_STAFF),
}
# 类 决算 stated in section 五, 类 年初预算 derived from "与年初预算相比减少/增加 X"
CLASSES = {
    "201": ("1272.05", "1810.63"),  # 1,272.05 + 538.58
    "208": ("76.28", "157.73"),  # 76.28 + 81.45
    "210": ("45.09", "17.18"),  # 45.09 − 27.91
    "213": ("0.96", "11.07"),  # 0.96 + 10.11
    "221": ("26.88", "29.44"),  # 26.88 + 2.56
}
NAMES = {
    "201": "一般公共服务支出",
    "20123": "民族事务",
    "2012399": "其他民族事务支出",
    "20131": "党委办公厅（室）及相关机构事务",
    "2013101": "行政运行",
    "2013105": "专项业务",
    "2013199": "其他党委办公厅（室）及相关机构事务支出",
    "20132": "组织事务",
    "2013201": "行政运行",
    "2013299": "其他组织事务支出",
    "20133": "宣传事务",
    "2013301": "行政运行",
    "2013399": "其他宣传事务支出",
    "20134": "统战事务",
    "2013404": "宗教事务",
    "20136": "其他共产党事务支出",
    "2013699": "其他共产党事务支出",
    "20137": "网信事务",
    "2013799": "其他网信事务支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "20807": "就业补助",
    "2080702": "职业培训补贴",
    "2080704": "社会保险补贴",
    "20808": "抚恤",
    "2080801": "死亡抚恤",
    "20899": "其他社会保障和就业支出",
    "2089999": "其他社会保障和就业支出",
    "210": "卫生健康支出",
    "21004": "公共卫生",
    "2100410": "突发公共卫生事件应急处理",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "213": "农林水支出",
    "21301": "农业农村",
    "2130152": "对高校毕业生到基层任职补助",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
}


def D(x: str):
    from decimal import Decimal

    return Decimal(x)


def s(x) -> str:
    from xlfin.interchange import dec_str

    return dec_str(x)


def tree_rows(block: str, leaf_values: dict[str, dict[str, object]], class_override=None):
    """类/款/项 rows in code order: 项 as given, 款 and 类 as the sums of their 项
    unless *class_override* gives a class's values (stated figures)."""
    codes = sorted(leaf_values)
    cols = sorted({k for v in leaf_values.values() for k in v})
    kuans = sorted({c[:5] for c in codes})
    leis = sorted({c[:3] for c in codes})
    out = []
    for lei in leis:
        under = [c for c in codes if c.startswith(lei)]
        vals = {k: sum((D(str(leaf_values[c].get(k, 0))) for c in under), D(0)) for k in cols
                if any(k in leaf_values[c] for c in under)}
        if class_override and lei in class_override:
            vals.update(class_override[lei])
        out.append({"block": block, "code": lei, "name": NAMES[lei], "values": {k: s(v) for k, v in vals.items()}})
        for kuan in (k for k in kuans if k.startswith(lei)):
            under = [c for c in codes if c.startswith(kuan)]
            kv = {k: sum((D(str(leaf_values[c].get(k, 0))) for c in under), D(0)) for k in cols
                  if any(k in leaf_values[c] for c in under)}
            out.append({"block": block, "code": kuan, "name": NAMES[kuan], "values": {k: s(v) for k, v in kv.items()}})
            for c in (x for x in codes if x.startswith(kuan)):
                out.append(
                    {"block": block, "code": c, "name": NAMES[c], "values": {k: s(D(str(v))) for k, v in leaf_values[c].items()}}
                )
    return out


def t05():
    leaves = {}
    for code, (final, basic, _b, _r) in ITEMS.items():
        f, b = D(final), D(basic)
        leaves[code] = {"total": f, "basic": b, "project": f - b}
    override = {}
    for lei, (final, _budget) in CLASSES.items():
        basic = sum((D(ITEMS[c][1]) for c in ITEMS if c.startswith(lei)), D(0))
        override[lei] = {"total": D(final), "basic": basic, "project": D(final) - basic}
    rows = [{"block": "main", "key": "total", "values": {"total": "1421.25", "basic": "1089.57", "project": "331.68"}}]
    return rows + tree_rows("main", leaves, override)


def t02():
    leaves = {code: {"total": D(v[0]), "fiscal": D(v[0])} for code, v in ITEMS.items()}
    leaves["2013101"] = {"total": D("1079.33"), "fiscal": D("1079.33")}  # constructed: Σ = 1,421.25
    leaves["2013699"] = {"total": D("123.94") + D("4.42"), "fiscal": D("123.94"), "other": D("4.42")}
    rows = [
        {
            "block": "main",
            "key": "total",
            "values": {"total": "1425.67", "fiscal": "1421.25", "superior": "0", "business": "0",
                       "operating": "0", "affiliated": "0", "other": "4.42"},
        }
    ]
    return rows + tree_rows("main", leaves)


def t03():
    leaves = {}
    for code, (final, basic, _b, _r) in ITEMS.items():
        f, b = D(final), D(basic)
        leaves[code] = {"total": f, "basic": b, "project": f - b}
    leaves["2013101"] = {"total": D("1079.34"), "basic": D("982.21"), "project": D("97.13")}
    nonfiscal = D("3.81")  # 团费 etc. spent from 其他收入 and balances (constructed)
    leaves["2013699"] = {"total": D("123.94") + nonfiscal, "basic": D(0), "project": D("123.94") + nonfiscal}
    rows = [
        {
            "block": "main",
            "key": "total",
            "values": {"total": "1425.07", "basic": "1089.57", "project": "335.51", "remit": "0",
                       "operating": "0", "subsidy": "0"},
        }
    ]
    return rows + tree_rows("main", leaves)


def fixed(block, values: dict[str, object], col="amount"):
    return [{"block": block, "key": k, "values": {col: v} if not isinstance(v, dict) else v} for k, v in values.items()]


def t01():
    income = {"gpb": "1421.25", "gov_fund": "0", "soe": "0", "superior": "0", "business": "0", "operating": "0",
              "affiliated": "0", "other": "4.42", "income_total": "1425.67", "use_nonfiscal": "0",
              "begin_balance": "5.31", "income_grand": "1430.98"}
    expense = {"201": "1275.86", "208": "76.28", "210": "45.09", "213": "0.96", "221": "26.88",
               "expense_total": "1425.07", "surplus_distribution": "0", "end_balance": "5.91",
               "expense_grand": "1430.98"}
    return fixed("income", income) + fixed("expense", expense)


def t04():
    income = {"gpb": "1421.25", "gov_fund": "0", "soe": "0", "income_total": "1421.25", "begin_total": "0",
              "begin_gpb": "0", "begin_gov_fund": "0", "begin_soe": "0", "income_grand": "1421.25"}
    expense = {}
    for lei, (final, _b) in CLASSES.items():
        expense[lei] = {"total": final, "gpb": final}
    for k, v in (("expense_total", "1421.25"), ("end_balance", "0"), ("expense_grand", "1421.25")):
        expense[k] = {"total": v, "gpb": v, "gov_fund": "0", "soe": "0"}
    return fixed("income", income) + fixed("expense", expense)


def t06():
    personnel = {"301": "1013.51", "30101": "32.01", "30102": "76.57", "30103": "2.13", "30108": "32.40",
                 "30109": "11.03", "30110": "14.62", "30112": "0.18", "30113": "26.88", "30199": "817.69",
                 "303": "22.43", "30302": "2.20", "30304": "20.23", "personnel_total": "1035.95"}
    public1 = {"302": "53.62", "30201": "13.75", "30207": "0.60", "30211": "8.50", "30217": "0.44",
               "30227": "2.74", "30228": "8.14", "30229": "9.78", "30239": "8.86", "30299": "0.81"}
    public2 = {"public_total": "53.62"}
    return fixed("personnel", personnel) + fixed("public1", public1) + fixed("public2", public2)


def t07():
    part1 = {"303": "89.34", "30305": "75.10", "30309": "2.70", "30399": "11.54"}
    part2 = {"302": "238.93", "30201": "91.57", "30202": "20.97", "30211": "13.22", "30214": "31.43",
             "30216": "2.74", "30217": "0.25", "30226": "39.90", "30227": "38.85"}
    part3 = {"312": "3.42", "31204": "3.42", "project_total": "331.68"}
    return fixed("part1", part1) + fixed("part2", part2) + fixed("part3", part3)


def t10():
    v = {"budget_total": "1.86", "budget_abroad": "0", "budget_car": "0", "budget_car_purchase": "0",
         "budget_car_operation": "0", "budget_reception": "1.86", "final_total": "0.68", "final_abroad": "0",
         "final_car": "0", "final_car_purchase": "0", "final_car_operation": "0", "final_reception": "0.68"}
    return [{"block": "main", "key": "sangong", "values": v}]


def t11():
    v = {"operating_cost": "53.62", "procurement_total": "8.85", "procurement_goods": "6.25",
         "procurement_works": "0", "procurement_services": "2.60", "sme_total": "2.98", "sme_micro": "2.66",
         "sme_goods": "2.66", "sme_works": "0", "sme_services": "0.21", "vehicles_total": 0,
         "veh_ministerial": 0, "veh_leaders": 0, "veh_confidential": 0, "veh_emergency": 0,
         "veh_enforcement": 0, "veh_special": 0, "veh_retired": 0, "veh_other": 0, "equipment_1m": 0}
    return fixed("main", v, "value")


R_VOLUNTEER = "本年机构改革，示范区西部计划志愿者工资全部转入高新区发放"


def notes():
    compare = {
        "grand_total": {"prior": "1416.58", "budget": "2026.06", "budget_reason": R_REFORM},
        "income_total": {"prior": "1381.14", "reason": R_VOLUNTEER},
        "use_nonfiscal": {"prior": "0", "reason": "本单位本年度无非财政拨款结余"},
        "begin_balance": {"prior": "35.44", "reason": "年内机构改革，人设职能及经费转出，减少原因为人社局结余资金"},
        "expense_total": {"prior": "1411.27", "reason": R_VOLUNTEER},
        "surplus_distribution": {"prior": "0", "reason": "本单位无结余分配"},
        "end_balance": {"prior": "5.31", "reason": "年内转入2023年度各团支部团费"},
        "fiscal_total": {"prior": "1373.20", "budget": "2026.06", "budget_reason": R_REFORM,
                         "reason": "示范区西部计划志愿者工资全部转入高新区发放"},
        "gpb_expense": {"budget": "2026.06"},
        "sangong_total": {"budget_reason": R_STAFF},
        "sg_abroad": {"prior": "0", "reason": "无差异"},
        "sg_car_purchase": {"prior": "0", "reason": "无差异"},
        "sg_car_operation": {"prior": "0", "reason": "无差异"},
        "sg_reception": {"prior": "0.31", "reason": "本年各类宣讲、培训、调研检查活动增加"},
        "sg_reception_domestic": {"final": "0.68"},
        "sg_reception_foreign": {"final": "0"},
        "gov_fund_expense": {"prior": "0", "reason": "本年无政府性基金预算财政拨款收、支、余"},
        "soe_expense": {"prior": "0", "reason": "本年无国有资本经营预算财政拨款收、支、余"},
        "operating_cost": {"prior": "37.82", "reason": "本年机构改革，相关人员经费及项目经费收入、支出增加"},
    }
    rows = [{"block": "compare", "key": k, "values": v} for k, v in compare.items()]
    for lei, (_final, budget) in CLASSES.items():
        rows.append({"block": "items", "code": lei, "name": NAMES[lei], "values": {"budget": budget}})
        for code, (_f, _b, item_budget, reason) in ITEMS.items():
            if code.startswith(lei):
                rows.append({"block": "items", "code": code, "name": NAMES[code],
                             "values": {"budget": s(D(item_budget)), "reason": reason}})
    return rows


GLOSSARY = [
    ("财政拨款收入", "从同级财政部门取得的各类财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款、国有资本经营预算财政拨款。"),
    ("上级补助收入", "指事业单位从主管部门和上级单位取得的非财政补助收入。"),
    ("财政专户管理教育收费", "指缴入财政专户、实行专项管理的高中以上学费、住宿费、高校委托培养费、函大、电大、夜大及短训班培训费等教育收费。"),
    ("事业收入", "指事业单位开展专业业务活动及其辅助活动取得的收入。"),
    ("经营收入", "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。"),
    ("附属单位上缴收入", "指事业单位附属独立核算单位按照有关规定上缴的收入。"),
    ("其他收入", "取得的除上述“财政拨款收入”、“上级补助收入”、“事业收入”、“经营收入”、“附属单位上缴收入”等以外的各项收入。"),
    ("使用非财政拨款结余", "指事业单位按照预算管理要求使用非财政拨款结余弥补当年收支差额的数额。"),
    ("年初结转和结余", "指单位上年结转本年使用的基本支出结转、项目支出结转和结余、经营结余。"),
    ("结余分配", "指事业单位按规定缴纳的所得税以及从非财政拨款结余中提取各类结余的情况。"),
    ("年末结转和结余资金", "指单位结转下年的基本支出结转、项目支出结转和结余、经营结余。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务所发生的支出，包括人员经费和公用经费。"),
    ("项目支出", "指在为完成特定的工作任务和事业发展目标所发生的支出。"),
    ("上缴上级支出", "指事业单位按照财政部门和主管部门的规定上缴上级单位的支出。"),
    ("经营支出", "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动发生的支出。"),
    ("对附属单位补助支出", "指事业单位用财政拨款收入之外的收入对附属单位补助发生的支出。"),
    ("“三公”经费", "指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。其中，因公出国（境）费反映部门公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置及运行维护费反映部门公务用车购置支出（含车辆购置税、牌照费）以及按规定保留的公务用车燃料费、维修费、过路过桥费、保险费、安全奖励费用等支出；公务接待费反映部门按规定开支的各类公务接待（含外宾接待）费用。"),
    ("机构运行经费", "指部门使用一般公共预算安排的基本支出中的日常公用经费支出，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费及其他费用等。"),
]


def ind(level1, level2, level3, target, actual, weight, score, deviation=None):
    out = {"level1": level1, "level2": level2, "level3": level3, "target": target, "actual": actual,
           "weight": weight, "score": score, "deviation": deviation}
    return {k: v for k, v in out.items() if v not in (None, "")}


def funds(initial, annual, executed, weight, rate, score, fiscal_weight=True):
    total = {"initial_budget": initial, "annual_budget": annual, "executed": executed, "weight": weight,
             "rate": rate, "score": score}
    fiscal = dict(total) if fiscal_weight else {"initial_budget": initial, "annual_budget": annual,
                                                 "executed": executed, "rate": rate}
    return {"total": total, "fiscal": fiscal}


def projects():
    p1 = {
        "name": "宣传工作经费",
        "department": SHORT,
        "implementer": SHORT,
        "funds": funds("30", "30", "26.8", "10", "0.8933", "9"),
        "goal_expected": "目标 1: 按照上级部门和党工委安排部署, 进一步落实宣传思想文化和精神文明建设各项工作 目标 2: 统一思想、引领方向, 凝聚人心、鼓舞士气, 最大限度地激发干部群众干事创业的热情",
        "goal_actual": "按照上级部门和党工委安排部署, 进一步落实宣传思想文化和精神文明建设各项工作, 进一步扩大高新区对外知名度和影响力, 为高新区高质量发展营造了良好的舆论氛围。",
        "indicators": [
            ind("产出指标 (50)", "数量指标", "更换户外宣传牌", "10 块", "10 块", "5", "5"),
            ind("", "", "理论政策宣讲", "12 次", "12 次", "5", "5"),
            ind("", "", "组织中心组学习 14 次印制中心组学习资料", "400 册", "400 册", "5", "5"),
            ind("", "", "打造善文化宣传点", "5 处", "按要求完成", "5", "5"),
            ind("", "质量指标", "按上级统一宣传发布内容", "95%", "95%", "10", "10"),
            ind("", "时效指标", "宣传工作完成时效性", "≤ 11", "11", "10", "10"),
            ind("", "成本指标", "宣传成本", "40 万", "37.09 万", "10", "7", "部分工作年末开展, 导致年内未报销, 今后提前开展工作"),
            ind("效益指标 (40)", "社会效益指标", "营造良好舆论氛围", "成效显著", "成效显著", "15", "15"),
            ind("", "可持续影响指标", "持续发挥作用", "2022 年 1 月 1 日之 2022 年 12 月 31 日", "效果显著", "15", "15"),
            ind("满意度指标 (10)", "服务对象满意度指标", "群众满意度", "95%", "100%", "10", "10"),
        ],
        "total_weight": "100",
        "total_score": "97",
        "achievement": "制作更换户外宣传牌画面10块，理论政策宣讲12次，组织中心组学习13次印制中心组学习资料650册；打造“善”文化宣传点5处；购买理论政策学习书籍，做好精神文明创建工作，营造了浓厚氛围，坚持让中国特色社会主义思想入脑入心、落地生根。",
        "problems": "宣传思想工作的形式不够丰富多样。",
        "improvements": "准确把握宣传思想工作新形势新要求，要以更高的政治站位、更强的文化自觉，开创高新区宣传思想文化工作新局面。",
    }
    goal2 = "目标:提高非公企业和社会组织书记待遇,建立健全激励机制,进一步提升党的基层组织凝聚力创造力、战斗力,增强党员队伍生机活力,提升基层党建整体水平。"
    p2 = {
        "name": "非公企业党组织书记工作补贴项目",
        "department": SHORT,
        "implementer": SHORT,
        "funds": funds("16.8", "16.8", "16.8", "10", "1", "10"),
        "goal_expected": goal2,
        "goal_actual": goal2,
        "indicators": [
            ind("产出指标(50)", "数量指标", "指标1:非公企业党组织书记人数", "84人", "已发放84人", "5", "5"),
            ind("", "", "指标2:服务党组织数量", "84个", "84个", "5", "5"),
            ind("", "质量指标", "指标1:党组织规定动作情况", "84个", "84个", "5", "5"),
            ind("", "", "指标2:党组织特色动作情况", "84个", "84个", "5", "5"),
            ind("", "时效指标", "指标1:按时发放", "2022年12月31日前", "按时发放", "10", "10"),
            ind("", "", "指标2:按时完成", "2022年12月31日前", "按时完成", "10", "10"),
            ind("", "成本指标", "指标1:足额发放", "16.8万", "16.8万", "10", "10"),
            ind("效益指标(30)", "经济效益指标", "指标1:", "", "", None, None),
            ind("", "社会效益指标", "指标1:提高非公企业和社会组织党组织书记工作积极性", "显著提高", "显著提高", "15", "15"),
            ind("", "生态效益指标", "指标1:", "", "", None, None),
            ind("", "", "指标2:", "", "", None, None),
            ind("", "可持续影响指标", "指标1:在生产中发挥党组织战斗堡垒作用", "持续发挥", "持续发挥", "7", "7"),
            ind("", "", "指标2:在生产中发挥党员先锋模范作用", "持续发挥", "持续发挥", "8", "8"),
            ind("满意度指标(10)", "服务对象满意度指标", "指标1:非公企业和社会组织党组织书记满意度", "95%", "10%", "10", "10"),
        ],
        "total_weight": "100",
        "total_score": "100",
        "achievement": "（1）提高非公企业党组织书记工作的积极性。（2）84人非公企业党组织书记工作补贴（每人每年发放2000元）。",
        "improvements": "进一步提高非公党组织书记工作的积极性。",
    }
    p3 = {
        "name": "各委员会工作经费",
        "department": SHORT,
        "implementer": SHORT,
        "funds": funds("24", "24", "24", "10", "1", "10"),
        "goal_expected": "开设“党史学习教育”“中国精神”“点赞驼乡”等栏目, 并拍摄制作相关内容的融媒体产品, 各媒体平台按照自治区, 盟宣传部的安排部署、指令开展宣传, 进一步丰富自办新闻的内容。",
        "goal_actual": "在高新区自办电视节目作播出《高新区新闻》, 新闻稿件, 开设主题栏目, 推出原创作品。",
        "indicators": [
            ind("产出指标 (50)", "数量指标", "举办培训班妇女节、儿童权益知识讲座", "4 期", "举办专题讲座 3 期", "5", "10"),
            ind("", "", "五四表彰奖励“五四红旗团委”“五四红旗团支部”“五四红旗团干部”“五四红旗团员”等", "60 人次",
                "表彰“五四红旗团委、团支部、团干部、团员”60 人次", "5", "5"),
            ind("", "", "“三八”妇女节活动", "1 场", "举办“三八”妇女节专场晚会 1 场", "5", "5"),
            ind("", "", "慰问贫困母亲、困难儿童", "20 人", "慰问贫困母亲、困难儿童 20 人", "5", "5"),
            ind("", "质量指标", "发布内容", "95%", "95%", "10", "10"),
            ind("", "时效指标", "资金到位及时率", "100%", "100%", "10", "15"),
            ind("", "成本指标", "不超预算", "12 万元/年", "11.54 万", "10", "10"),
            ind("效益指标 (40)", "社会效益指标", "营造良好舆论氛围", "成效显著", "成效显著", "15", "15"),
            ind("", "可持续影响指标", "持续发挥作用", "2022 年 1 月 1 日之 2022 年 12 月 31 日",
                "2022 年 1 月 1 日之 2022 年 12 月 31 日", "15", "15"),
            ind("满意度指标 (10)", "服务对象满意度指标", "群众满意度", "95%", "100%", "10", "10"),
        ],
        "total_weight": "100",
        "total_score": "100",
        "achievement": "（1）推进高新区青少年精神文明建设。（2）推进高新区团工委、妇工委基层组织建设。",
        "problems": "活动较单一，人员缺乏，资金短缺，开展各类活动束手缚脚，制约了活动开展规模。",
        "improvements": "制定多种活动形式和内容；联合其他组织开展活动。",
    }
    goal4 = "为非公企业党员开展党建活动及学习场所，按照非公企业党建活动阵地建设面积或投入经费给与补助。"
    dev4 = "部分非公企业打造阵地支出未达到匹配标准导致经费结余"
    p4 = {
        "name": "健全完善非公企业党组织党员活动阵地",
        "department": SHORT,
        "implementer": SHORT,
        "funds": funds("15", "15", "12.42", "10", "0.828", "9"),
        "goal_expected": goal4,
        "goal_actual": goal4,
        "indicators": [
            ind("产出指标(50)", "数量指标", "指标1：为非公企业打造党员活动阵地", "5家", "5家", "8", "8"),
            ind("", "", "指标2：打造党建活动室", "5间", "5间", "7", "7"),
            ind("", "质量指标", "指标1：党建活动墙内容符合规定", "5家", "5家", "7", "7"),
            ind("", "", "指标2：符合六有标准", "5家", "5家", "8", "8"),
            ind("", "时效指标", "指标1：年内打造完成", "5家", "5家", "5", "5"),
            ind("", "", "指标2：按时拨付", "5家", "5家", "5", "5"),
            ind("", "成本指标", "指标1：足额拨付", "15万", "12.42万", "5", "4", dev4),
            ind("", "", "指标2：按比例拨付", "15万", "12.42万", "5", "4", dev4),
            ind("效益指标(30)", "经济效益指标", "指标1：", "", "", None, None),
            ind("", "社会效益指标", "指标1：为企业党员提供学习场所激发党建积极性", "显著提升", "显著提升", "15", "15"),
            ind("", "生态效益指标", "指标1：", "", "", None, None),
            ind("", "可持续影响指标", "指标1：提升党建整体水平", "显著提升", "显著提升", "15", "15"),
            ind("满意度指标(10)", "服务对象满意度指标", "指标1：非公企业党员满意度", "95%", "100%", "10", "10"),
        ],
        "total_weight": "100",
        "total_score": "98",
        "achievement": "用于建设非公企业党建活动阵地，提高党员凝聚力。",
        "improvements": "增强企业文化建设，提高党员凝聚力。",
    }
    goal5 = "通过购买社会力量服务,引进符合要求的专业岗位人员,不断优化工作人员层次,进一步提高各单位工作能力,保证高新区社会事业良性发展。"
    p5 = {
        "name": "社会力量购买服务",
        "department": SHORT,
        "implementer": SHORT,
        "funds": funds("52.23", "52.23", "37.77", "10", "0.7231", "9", fiscal_weight=False),
        "goal_expected": goal5,
        "goal_actual": goal5,
        "indicators": [
            ind("产出指标 (50)", "数量指标", "社会力量购买人员数量", "5 人", "3 人", "8", "6", "年内调出 2 人"),
            ind("", "", "社会购买人员服务时间", "2022 年", "2022 年", "7", "7"),
            ind("", "质量指标", "社会购买服务人员履行服务能力", "优", "优", "7", "7"),
            ind("", "", "社会力量购买服务人员完成服务内容", "优", "优", "8", "8"),
            ind("", "时效指标", "是否按时完成服务内容", "是", "是", "5", "5"),
            ind("", "", "服务完成及时率", "优", "优", "5", "5"),
            ind("", "成本指标", "社会力量购买服务全年支出经费", "52.23", "37.77", "7", "5", "年内调出 2 人,导致经费结余"),
            ind("", "", "项目支出是否控制在预算范围内且与支出进度一致", "是", "是", "3", "3"),
            ind("效益指标 (30)", "经济效益指标", "指标 1:", "", "", None, None),
            ind("", "社会效益指标", "保障社会力量购买服务人员工作稳定性", "显著提高", "显著提高", "15", "15"),
            ind("", "生态效益指标", "指标 1:", "", "", None, None),
            ind("", "", "指标 2:", "", "", None, None),
            ind("", "可持续影响指标", "公开向社会力量购买进一步优化政府职责", "效果显著", "效果显著", "15", "15"),
            ind("满意度指标 (10)", "服务对象满意度指标", "社会力量购买服务人员满意度", "95%", "95%", "10", "10"),
        ],
        "total_weight": "100",
        "total_score": "95",
        "achievement": "通过购买社会力量服务，引进符合要求的专业岗位人员，不断优化工作人员层次。",
        "improvements": "进一步提高各单位工作能力，保证开发区社会事业良性发展。",
    }
    return [p1, p2, p3, p4, p5]


INTERNAL = ("办公室、干部人才室、考核监督室、组织室、党建秘书室、企业综合党委办公室、信息研究室、宣传室、统战室、"
            "综治室、网信室、人事档案室、工会工作室、共青团工作室、妇女儿童工作室")


def build() -> dict:
    tables = {
        "T01": t01(), "T02": t02(), "T03": t03(), "T04": t04(), "T05": t05(), "T06": t06(), "T07": t07(),
        "T08": [], "T09": [], "T10": t10(), "T11": t11(), "NOTES": notes(),
    }
    notes_text = {
        "T08": "本部门2023年度无政府性基金预算财政拨款收入、支出及结转结余，本表为空表。",
        "T09": "本部门2023年度无国有资本经营预算财政拨款支出，本表为空表。",
    }
    data = {
        "format": "xlfin.book",
        "version": 1,
        "profile": "nmg-2023",
        "year": 2023,
        "forms": {
            "COVER.unit": {
                "dept_name": DEPT, "year": 2023, "head": "魏治华", "preparer": "聂鹏", "report_date": "2024年10月",
                "contact": "李渊", "phone": "0483-8187268", "nature": "财政拨款的行政单位", "dept_kind": "部门",
                "internal_count": 15, "internal_names": INTERNAL, "subordinate": "本部门无下属单位。", "unit_count": 1,
            },
            "OVERVIEW.overview": {
                "functions": (
                    f"{DEPT}，所属阿拉善高新区党工委、管委会（乌斯太镇党委、政府）内设机构，机构规格为正科级。"
                    "单位主要职责贯彻执行党的路线、方针、政策和国家的法律法规，落实上级党委、政府和党工委、管委会决策部署及相关工作安排，"
                    "在履行职责过程中坚持和加强党的集中统一领导；负责“两区”各领域党的基层组织建设，负责指导管理推进企业和社会组织等领域党的建设；"
                    "负责“两区”干部队伍建设、机构编制、人才等工作；负责“两区”宣传思想文化、意识形态、精神文明建设等工作；"
                    "负责“两区”政法、统一战线、社会综合治理、宗教、群团等工作。"
                ),
                "structure": f"本部门内设股室 15 个，为{INTERNAL}。本部门无下属单位。",
                "work": (
                    f"{DEPT}主要工作任务及目标为做好“两区”各领域党的基层组织建设，干部队伍建设、机构编制、人才、宣传思想文化、"
                    "意识形态、精神文明建设、政法、统一战线、社会综合治理、宗教、群团等工作。"
                ),
            },
            "NOTES.sangong": {
                "abroad_groups": 0, "abroad_people": 0, "car_purchased": 0, "car_stock": 0, "domestic_batches": 13,
                "domestic_people": 60, "domestic_content": "宣讲、培训老师餐饮、上级部门调研餐饮等",
                "foreign_batches": 0, "foreign_people": 0, "foreign_content": "不存在此项内容",
            },
            "NOTES.balance": {"end_items": "团委工作经费、反邪教工作经费、扫黑除恶工作经费"},
            "NOTES.performance": {
                "gpb_level1": 0, "gpb_level2": 36, "gpb_amount": "335.51", "fund_level1": 0, "fund_level2": 0,
                "fund_amount": "0", "dept_eval_count": 5,
                "dept_eval_names": "宣传工作经费项目、非公企业党组织书记工作补贴项目、各委员会工作经费",
                "dept_eval_gpb": "117.79", "dept_eval_fund": "0", "third_party": "未委托相关第三方机构开展绩效评价",
                "result_project": "非公企业党组织书记工作补贴项目", "result_score": "100", "result_grade": "优",
            },
        },
        "lists": {
            "COVER.units": [{"seq": 1, "name": DEPT, "nature": "财政拨款的行政单位"}],
            "NOTES.glossary": [{"term": t, "definition": d} for t, d in GLOSSARY],
        },
        "tables": {},
        "projects": projects(),
    }
    for tid, rows in tables.items():
        entry = {"rows": rows}
        if tid != "NOTES":
            entry["unit_name"] = DEPT
        if tid in notes_text:
            entry["note"] = notes_text[tid]
        data["tables"][tid] = entry
    return data


def main() -> None:
    from xlfin.interchange import book_to_data, data_to_book
    from xlfin.io.writer import write_book
    from xlfin.profile import load_profile

    profile = load_profile("nmg-2023", 2023)
    data = build()
    book = data_to_book(data, profile)
    canonical = book_to_data(book, profile)
    (HERE / "jcdj_2023.json").write_text(json.dumps(canonical, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_book(book, profile, HERE / "jcdj_2023.xlsx")
    print("wrote", HERE / "jcdj_2023.json", "and", HERE / "jcdj_2023.xlsx")


if __name__ == "__main__":
    main()
