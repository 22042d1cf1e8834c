"""The rule registry: ids, documentation, tests; the sample's findings; single-cell mutations."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from xlfin.io.reader import read_book
from xlfin.profile import load_profile
from xlfin.rules import RULES, run
from xlfin.rules.engine import ID_FORM

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
PROFILE = load_profile("nmg-2023")


def test_ids_unique_and_well_formed():
    assert len(RULES) >= 80
    for rid, r in RULES.items():
        assert ID_FORM.match(rid) and rid == r.id
        assert r.severity in ("error", "warning", "info")
        assert r.title.strip()


def test_every_rule_documented():
    for rid, r in RULES.items():
        assert len(r.doc) >= 40, f"{rid} has no real documentation"


def test_every_rule_tested():
    text = "".join(
        p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_rules_*.py")
    )
    missing = [rid for rid in RULES if not re.search(rf'"{rid}"', text)]
    assert missing == []


@pytest.fixture(scope="module")
def sample_book():
    return read_book(SAMPLE, PROFILE)


# What the reference document really contains (see samples/README.md), and nothing else.
SAMPLE_FINDINGS = [
    ("T301", "info", "支出决算表!C7"),
    ("T302", "info", "支出决算表!E7"),
    ("T405", "info", "财政拨款收入支出决算总表!F31"),
    ("T405", "info", "财政拨款收入支出决算总表!G31"),
    ("T502", "info", "一般公共预算财政拨款支出决算表!C7"),
    ("T502", "info", "一般公共预算财政拨款支出决算表!E7"),
    ("T502", "info", "一般公共预算财政拨款支出决算表!C8"),
    ("T502", "info", "一般公共预算财政拨款支出决算表!E8"),
    ("T602", "info", "一般公共预算财政拨款基本支出决算明细表!C36"),
    ("T702", "info", "一般公共预算财政拨款项目支出决算明细表!I45"),
    ("X111", "info", "财政拨款三公经费支出决算表!M8"),
    ("T961", "error", "机构运行经费政府采购资产信息表!D11"),
    ("N101", "warning", "说明数据!K5"),
    ("P108", "info", "说明数据!D26"),
    ("P108", "info", "说明数据!C45"),
    ("P115", "warning", "说明数据!C55"),
    ("N204", "warning", "说明数据!G56"),
    ("N205", "warning", "说明数据!G56"),
    ("P108", "warning", "说明数据!C57"),
    ("P108", "warning", "说明数据!C68"),
    ("X114", "warning", "说明数据!B104"),
    ("N303", "error", "绩效自评!B18"),
    ("N302", "error", "绩效自评!H27"),
    ("N301", "error", "绩效自评!H73"),
    ("N301", "error", "绩效自评!H78"),
    ("N303", "error", "绩效自评!B80"),
    ("N302", "error", "绩效自评!H89"),
    ("N302", "error", "绩效自评!H120"),
]


def test_sample_findings_are_the_documents_own(sample_book):
    report = run(sample_book, PROFILE)
    assert [(f.id, f.severity, f.where) for f in report.findings] == SAMPLE_FINDINGS
    messages = {f.where: f.message for f in report.findings}
    assert messages["机构运行经费政府采购资产信息表!D11"] == (
        "表十一授予中小企业合同金额：三、政府采购授予中小企业合同金额 2.98 ≠ 各项之和 2.87（差 0.11）"
    )
    assert messages["绩效自评!H27"] == "“宣传工作经费”总分 97 ≠ 各项得分之和 96"
    assert messages["说明数据!K5"] == "“收支总计”较上年变动 14.40 万元，未填写变动原因"


def money_cells(book):
    for tid in [t.id for t in PROFILE.tables]:
        sheet = PROFILE.sheet(tid)
        for row in book.tables[tid].rows.values():
            block = next(b for b in sheet.blocks if b.key == row.block)
            spec = next((r for r in block.rows if r.key == row.key), None)
            if spec is not None and spec.unit != "万元":
                continue
            for col, cell in row.cells.items():
                if isinstance(cell.value, Decimal):
                    yield tid, row.key, col


def test_mutations_are_caught(sample_book):
    """Changing any single amount of the tables by 1.00 gives an error naming that cell or a
    total that depends on it."""
    cells = list(money_cells(sample_book))
    assert len(cells) > 250
    missed = []
    for tid, key, col in cells:
        cell = sample_book.tables[tid].rows[key].cells[col]
        original = cell.value
        cell.value = original + 1
        try:
            errors = [f for f in run(sample_book, PROFILE).findings if f.severity == "error"]
            where = str(cell.source)
            if not any(f.where == where or where in f.related for f in errors):
                missed.append(where)
        finally:
            cell.value = original
    assert missed == []
