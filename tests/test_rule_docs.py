"""Rule documentation (#13 item 7): every rule has its Chinese sections and two examples that
run — the wrong case is reported by the rule, the right case is not — and prints in 80
columns; command help fits 80 columns too."""

import pytest
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.rules import RULES
from xlfin.rules import docs as rule_docs
from xlfin.values import display_width

runner = CliRunner()


def test_every_rule_has_every_section():
    assert sorted(set(RULES) - set(rule_docs.docs())) == []
    assert sorted(set(rule_docs.docs()) - set(RULES)) == []  # no entry for a rule that is gone
    assert {
        rid: rule_docs.missing_parts(rid) for rid in RULES if rule_docs.missing_parts(rid)
    } == {}


def test_an_empty_section_is_found(monkeypatch):
    entry = dict(rule_docs.docs()["T961"], why="  ", good={"text": "", "data": {}})
    monkeypatch.setitem(rule_docs.docs(), "T961", entry)
    assert rule_docs.missing_parts("T961") == ["为什么", "示例：正确的情形"]
    monkeypatch.delitem(rule_docs.docs(), "T961")
    assert rule_docs.missing_parts("T961") == ["（整条说明）"]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_the_documented_examples_run(rule_id):
    bad = rule_docs.run_example(rule_id, "bad")
    assert bad, f"{rule_id}: the wrong case is not reported"
    assert {f.id for f in bad} == {rule_id}
    assert rule_docs.run_example(rule_id, "good") == [], f"{rule_id}: the right case is reported"


def test_rules_id_prints_the_chinese_documentation_in_80_columns():
    res = runner.invoke(app, ["rules", "T961"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[:2] == [
        "T961 表十一 授予中小企业合同金额 = 货物 + 工程 + 服务 各类授予中小企业金额",
        "级别：错误    自 xlfin 0.1.0 起",
    ]
    for title in ("检查什么", "为什么", "示例", "如何修正"):
        assert title in lines
    assert (
        "    xlfin 报告：机构运行经费政府采购资产信息表!D11 表十一授予中小企业合同金额：" in lines
    )
    assert "domain.md" not in res.output and "GovBudgetChecker" not in res.output
    for rid in RULES:
        text = runner.invoke(app, ["rules", rid]).output
        assert max(display_width(ln) for ln in text.splitlines()) <= 80, rid
        assert "domain.md" not in text and "GovBudgetChecker" not in text, rid


def test_command_help_fits_80_columns():
    names = ["--help"] + [[c, "--help"] for c in ("check", "fill", "narrate", "publish", "rules")]
    for args in names:
        res = runner.invoke(app, args if isinstance(args, list) else [args], terminal_width=80)
        assert res.exit_code == 0
        assert max(display_width(ln) for ln in res.output.splitlines()) <= 80, args
