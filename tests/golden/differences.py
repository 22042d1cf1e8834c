"""Where the generated text deliberately differs from the reference document, and why.

Each entry is (section, text in the reference, text we generate, reason), on whitespace-free
text. The golden test applies every entry to the reference (each must be found) and then
expects the generated section to equal it exactly.
"""

TWO = "amounts and rates are printed with 2 decimals (house style; GovBudgetChecker V33-232)"
ZERO_CHANGE = "a zero change reads 持平, not 增加 0.00 万元 (SHT: 如持平作持平表述)"
ZERO_BUDGET = "no completion rate on a zero budget: 年初未安排预算, not 完成年初预算的 0% (GovBudgetChecker R004)"
PAREN = "full-width parentheses throughout; the document mixes (二) and （二）"
DOUBLE = "doubled full stop 。。 (GovBudgetChecker V33-113)"
SCORE = "the stated 总分 differs from the sum of the table's 得分 (N302); the figure is marked for checking"

PART2 = [
    (
        "一",
        "各增加14.4元，增加1.02%。其中",
        "各增加14.40万元，增加1.02%，变动原因：【请填写变动原因】。其中",
        "unit error: 14.4 元 is 14.40 万元; and this year-on-year change has no 变动原因 in the document (N101), so the placeholder shows it",
    ),
    (
        "一",
        "与上年决算相比，增加0.00万元，变动原因：本单位本年度无非财政拨款结余。",
        "与上年决算相比持平。",
        ZERO_CHANGE,
    ),
    ("一", "(二)", "（二）", PAREN),
    ("一", "增加13.8万元", "增加13.80万元", TWO),
    (
        "一",
        "与上年决算相比，增加0.00万元，变动原因：本单位无结余分配。",
        "与上年决算相比持平。",
        ZERO_CHANGE,
    ),
    ("一", "增加0.6万元，增加11.3%", "增加0.60万元，增加11.30%", TWO),
    ("四", "增加3.5%", "增加3.50%", TWO),
    (
        "五",
        "五、一般公共预算支出决算情况说明",
        "五、一般公共预算财政拨款支出决算情况说明",
        "the section heading as in the 目录 (the body drops 财政拨款)",
    ),
    ("五", "完成年初预算的0%", "年初未安排预算", ZERO_BUDGET),
    (
        "五",
        "完成年初预算的424.89%。",
        "完成年初预算的424.89%【请核对：比率超过300%】。",
        "a rate over 300% is marked for checking (P115; a budget typed wrongly or a figure missing)",
    ),
    ("六", "(二)", "（二）", PAREN),
    ("七", "(一)", "（一）", PAREN),
    ("七", "(二)", "（二）", PAREN),
    ("七", "(三)", "（三）", PAREN),
    (
        "七",
        "公务接待费0.25万元、委托业务费",
        "公务接待费0.25万元、劳务费39.90万元、委托业务费",
        "every non-zero item is listed: the document's items add up to 199.03 of 商品和服务支出 238.93; "
        "the sample books the remaining 39.90 as 劳务费 (a constructed figure, samples/README.md)",
    ),
    ("八", "(一)", "（一）", PAREN),
    ("八", "完成预算的0%", "年初未安排预算", ZERO_BUDGET),
    ("八", "与上年决算相比，增加0.00万元，无差异。", "与上年决算相比持平。", ZERO_CHANGE),
    ("九", "与上年决算相比，增加0.00万元，本年无", "与上年决算相比持平，本年无", ZERO_CHANGE),
    ("九", "收、支、余。。", "收、支、余。", DOUBLE),
    ("十", "与上年决算相比，增加0.00万元，本年无", "与上年决算相比持平，本年无", ZERO_CHANGE),
    ("十", "收、支、余。。", "收、支、余。", DOUBLE),
    ("十一", "比上年决算相比", "与上年决算相比", "grammar: 比…相比 mixes two constructions"),
    ("十一", "增加15.8万元", "增加15.80万元", TWO),
    (
        "十一",
        "增加41.78%，：",
        "增加41.78%，变动原因：",
        "“，：” punctuation (V33-113): the 变动原因 label was lost",
    ),
    ("十一", "支出增加。。", "支出增加。", DOUBLE),
    (
        "十二",
        "工程采购授予中小企业合同金额占工程支出金额的0%",
        "本年无工程采购支出",
        "no share on a zero base: there is no 工程 procurement",
    ),
    (
        "十二",
        "服务支出金额的7.9%",
        "服务支出金额的8.08%",
        "7.9% fits no amount: 授予中小企业 2.98 − 货物 2.66 would be 12.31%; the sample enters 7.9% × 2.60 = 0.21, "
        "0.21 ÷ 2.60 = 8.08% (T961 reports the contradiction)",
    ),
    (
        "十四",
        "项目支出总额的100%；政府性基金预算",
        "项目支出总额的101.15%【请核对：表五一般公共预算项目支出为331.68万元】；政府性基金预算",
        "335.51 is 表三's 项目支出 (all funds), not 100% of 一般公共预算项目支出 331.68 (X114); the share is computed and marked",
    ),
    (
        "十四",
        "共涉及资金0万元，占应纳入绩效自评的政府性基金预算项目支出总额的100%。",
        "共涉及资金0.00万元。",
        "no share of a zero amount; " + TWO,
    ),
    ("十四", "政府性基金支出0万元", "政府性基金支出0.00万元", TWO),
    ("十四", "部门2022年度在决算中反映", "部门2023年度在决算中反映", "wrong year"),
    (
        "十四",
        "项目自评得分97分。全年预算数为30万元，执行数为26.8万元",
        "项目自评得分97分【请核对：各项得分之和为96分】。全年预算数为30.00万元，执行数为26.80万元",
        SCORE + "; " + TWO,
    ),
    (
        "十四",
        "全年预算数为16.8万元，执行数为16.8万元，完成预算的100%",
        "全年预算数为16.80万元，执行数为16.80万元，完成预算的100.00%",
        TWO,
    ),
    (
        "十四",
        "项目自评得分100分。全年预算数为24万元，执行数为24万元，完成预算的100%",
        "项目自评得分100分【请核对：各项得分之和为110分】。全年预算数为24.00万元，执行数为24.00万元，完成预算的100.00%",
        SCORE + "; " + TWO,
    ),
    (
        "十四",
        "项目自评得分98分。全年预算数为15万元，执行数为12.42万元，完成预算的82.8%",
        "项目自评得分98分【请核对：各项得分之和为97分】。全年预算数为15.00万元，执行数为12.42万元，完成预算的82.80%",
        SCORE + "; " + TWO,
    ),
    (
        "十四",
        "项目自评得分97分。全年预算数为52.23万元，执行数为37.77万元，完成预算的72.3%",
        "项目自评得分95分。全年预算数为52.23万元，执行数为37.77万元，完成预算的72.31%",
        "the score is the table's 总分 (95; the narrative said 97); " + TWO,
    ),
    ("十四", "(三)部门项目绩效评价结果", "（三）部门项目绩效评价结果", PAREN),
]

# The five 项目支出绩效自评表 attached to 十四 are compared cell by cell elsewhere (the sample
# reads them exactly); as flattened PDF text they are left out of the section comparison, on
# both sides: reference from the first 表 title to （三）, generated likewise.
TABLES_START_REF = "项目支出绩效自评表(2023年度)"
TABLES_START_GEN = "项目支出绩效自评表（2023年度）："
TABLES_END_REF = "(三)部门项目绩效评价结果"
TABLES_END_GEN = "（三）部门项目绩效评价结果"

PART1 = [
    (
        "三、2023年度部门要工作完成情况",
        "三、2023年度部门主要工作完成情况",
        "typo: 部门要工作 (as in the 目录: 主要工作)",
    ),
]
