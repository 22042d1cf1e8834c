"""`xlfin check` and `xlfin rules`: output, exit codes, selection, JSON, marks in the workbook."""

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from xlfin.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_text_output_and_exit_code():
    res = run("check", SAMPLE)
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    # errors first, severities in Chinese
    assert lines[0] == (
        f"{SAMPLE}:机构运行经费政府采购资产信息表!D11: T961 错误 表十一授予中小企业合同金额："
        "三、政府采购授予中小企业合同金额 2.98 ≠ 各项之和 2.87（差 0.11）"
    )
    assert [x.split(": ")[1].split(" ")[1] for x in lines[:-1]] == ["错误"] * 8 + ["警告"] * 7 + [
        "提示"
    ] * 13
    assert lines[-14] == (
        f"{SAMPLE}:支出决算表!C7: T301 提示 表三本年支出合计：合计 1,425.07 ≠ 1,425.08（差 -0.01，四舍五入差异）"
    )
    assert lines[-1] == "共 28 条：错误 8，警告 7，提示 13（1 个文件）"


def test_select_ignore_fail_on_exit_zero():
    res = run("check", SAMPLE, "--select", "T,X")
    assert res.exit_code == 1
    assert res.output.strip().splitlines()[-1] == "共 13 条：错误 1，警告 1，提示 11（1 个文件）"
    res = run("check", SAMPLE, "--select", "T,X", "--ignore", "T96")
    assert res.exit_code == 0  # a warning does not fail by default
    assert res.output.strip().splitlines()[-1] == "共 12 条：错误 0，警告 1，提示 11（1 个文件）"
    res = run("check", SAMPLE, "--select", "P", "--fail-on", "warning")
    assert res.exit_code == 1
    res = run("check", SAMPLE, "--select", "P", "--fail-on", "error")
    assert res.exit_code == 0
    assert run("check", SAMPLE, "--exit-zero").exit_code == 0


def test_json_output():
    res = run("check", SAMPLE, "--format", "json", "--select", "T961")
    data = json.loads(res.output)
    assert data["counts"] == {"error": 1, "warning": 0, "info": 0}
    f = data["findings"][0]
    assert (f["id"], f["sheet"], f["cell"], f["expected"], f["actual"]) == (
        "T961",
        "机构运行经费政府采购资产信息表",
        "D11",
        "2.87",
        "2.98",
    )
    assert "机构运行经费政府采购资产信息表!D14" in f["related"]


def test_unreadable_file_exit_2(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope", encoding="utf-8")
    res = run("check", bad, SAMPLE)
    assert res.exit_code == 2
    assert "无法读取" in res.output and "不是有效的 .xlsx 文件" in res.output
    assert "共 28 条" in res.output  # the readable file was still checked
    assert "Traceback" not in res.output


def test_misuse_exit_2(tmp_path):
    assert run("check", SAMPLE, "--mark").exit_code == 2
    assert run("check", SAMPLE, "-o", tmp_path / "x.xlsx").exit_code == 2
    assert run("check", SAMPLE, "--fail-on", "fatal").exit_code == 2
    res = run("check", SAMPLE, "--mark", "-o", SAMPLE)
    assert res.exit_code == 2 and "--in-place" in res.output


def test_rules_listing_and_doc():
    res = run("rules")
    assert res.exit_code == 0 and "T961" in res.output and "N305" in res.output
    res = run("rules", "x111")
    assert res.exit_code == 0
    assert res.output.startswith("X111 基本支出经济分类 ≤ 三公决算数\n级别：错误")
    assert "OBL-CROSS-SAN-GONG-ECON" not in res.output  # other projects' ids stay in the code
    assert run("rules", "Z999").exit_code == 2


def test_mark_writes_results_and_highlights(tmp_path):
    out = tmp_path / "marked.xlsx"
    before = SAMPLE.read_bytes()
    res = run("check", SAMPLE, "--mark", "-o", out)
    assert res.exit_code == 1
    assert SAMPLE.read_bytes() == before  # input never modified
    wb = load_workbook(out)
    ws = wb["校验结果"]
    assert wb.active.title == "校验结果"  # opened first
    assert ws["A1"].value == "xlfin 校验结果"
    assert ws["A2"].value.startswith("共 28 条：错误 8 条，警告 7 条，提示 13 条。")
    assert [c.value for c in ws[3]] == ["序号", "规则", "级别", "位置", "说明", "原状态"]
    assert ws.auto_filter.ref == "A3:F31" and ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4" and ws.page_setup.fitToWidth == 1
    assert ws.max_row == 31
    levels = [r[2].value for r in ws.iter_rows(min_row=4)]
    assert levels == ["错误"] * 8 + ["警告"] * 7 + ["提示"] * 13  # errors first
    row = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "T961")
    assert row[3].value == "机构运行经费政府采购资产信息表!D11"
    assert row[3].hyperlink.location == "'机构运行经费政府采购资产信息表'!D11" or (
        row[3].hyperlink.target == "#'机构运行经费政府采购资产信息表'!D11"
    )
    cell = wb["机构运行经费政府采购资产信息表"]["D11"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert cell.comment.text.startswith("T961 错误：表十一授予中小企业合同金额")
    assert wb["支出决算表"]["C7"].comment is None  # info findings are listed, not highlighted
    assert ws.column_dimensions["F"].hidden


def test_clean_run_removes_marks_and_restores_fills(tmp_path):
    marked = tmp_path / "marked.xlsx"
    run("check", SAMPLE, "--mark", "-o", marked)
    wb = load_workbook(marked)
    wb["机构运行经费政府采购资产信息表"]["D11"].value = 2.87  # the accountant fixes it
    wb.save(marked)
    res = run("check", marked, "--select", "T96", "--mark", "--in-place")
    assert res.exit_code == 0
    wb = load_workbook(marked)
    assert "校验结果" not in wb.sheetnames
    cell = wb["机构运行经费政府采购资产信息表"]["D11"]
    assert cell.comment is None
    # back to the template's grey fill of a total cell, as it was before marking
    assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("F2F2F2")
    assert wb["机构运行经费政府采购资产信息表"]["D14"].fill.fill_type is None
    total = wb["说明数据"]["K5"]
    assert total.comment is None


def test_mark_keeps_everything_else(tmp_path):
    out = tmp_path / "m.xlsx"
    shutil.copy(SAMPLE, tmp_path / "in.xlsx")
    run("check", tmp_path / "in.xlsx", "--mark", "-o", out)
    a, b = load_workbook(SAMPLE), load_workbook(out)
    assert b.sheetnames == a.sheetnames + ["校验结果"]
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        assert {str(r) for r in wa.merged_cells.ranges} == {str(r) for r in wb_.merged_cells.ranges}
        assert wa.protection.sheet == wb_.protection.sheet
        for row_a, row_b in zip(wa.iter_rows(), wb_.iter_rows(), strict=True):
            for ca, cb in zip(row_a, row_b, strict=True):
                assert ca.value == cb.value and ca.number_format == cb.number_format


def test_select_or_ignore_naming_no_rule_is_a_usage_error():
    res = run("check", SAMPLE, "--select", "T1,Z9")
    assert res.exit_code == 2
    assert (
        "没有以 Z9 开头的规则（xlfin rules 列出全部） / --select/--ignore names no rule"
        in res.output
    )
    assert (
        run("check", SAMPLE, "--ignore", "x101", "--exit-zero").exit_code == 0
    )  # case-insensitive


def test_json_is_written_finding_by_finding_as_one_document():
    """The JSON of a check is made a finding at a time, exactly as json.dumps would make it
    whole (no findings, one, several; quotes, line breaks, blanks and lists inside)."""
    from xlfin.cli import _finding_json, _json_pieces
    from xlfin.rules.engine import Finding

    a = Finding("T101", "error", '差 “1”\n第二行 "x"', "表一", "C7", ("表一!C8",), "1", None)
    b = Finding("S001", "warning", "缺少工作表", "说明数据", None)
    for batches in ([], [("a.xlsx", [])], [("a.xlsx", [a])], [("a.xlsx", [a, b]), ("b.xlsx", [b])]):
        counts = {"error": 1, "warning": 2, "info": 0}
        whole = [_finding_json(file, f) for file, findings in batches for f in findings]
        expected = json.dumps({"findings": whole, "counts": counts}, ensure_ascii=False, indent=1)
        assert "".join(_json_pieces(batches, counts)) == expected


def test_a_folder_prints_what_each_file_prints(tmp_path):
    """A folder's findings wait on disk until printed: the output is each file's own, file
    by file in order, the same in text and JSON as checking the files one by one."""
    folder = tmp_path / "units"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copyfile(SAMPLE, folder / name)
    (folder / "c.xlsx").write_bytes(b"not a workbook")
    one = run("check", SAMPLE, "--select", "T,N2").output.strip().splitlines()[:-1]
    res = run("check", folder, "--jobs", "2", "--select", "T,N2")
    assert res.exit_code == 2
    lines = [x for x in res.stdout.strip().splitlines() if not x.startswith(str(folder / "c"))]
    assert lines[:-1] == [
        x.replace(str(SAMPLE), str(folder / name)) for name in ("a.xlsx", "b.xlsx") for x in one
    ]
    assert len(one) == 13 and lines[-1] == "共 26 条：错误 2，警告 4，提示 20（3 个文件）"
    data = json.loads(run("check", folder, "--format", "json", "--select", "T,N2").stdout)
    single = json.loads(run("check", SAMPLE, "--format", "json", "--select", "T,N2").output)
    assert [(f["file"], f["id"], f["cell"]) for f in data["findings"]] == [
        (str(folder / name), f["id"], f["cell"])
        for name in ("a.xlsx", "b.xlsx")
        for f in single["findings"]
    ]
    assert data["counts"] == {k: 2 * v for k, v in single["counts"].items()}


def test_finding_spool_gives_each_file_its_findings_back():
    from xlfin.bulk import FindingSpool

    spool = FindingSpool()
    a = [("T101", "error", "表一!C7", "差 1"), ("S001", "warning", "说明数据", "缺少")]
    spool.put("a.xlsx", a)
    spool.put("b.xlsx", [("N201", "warning", "说明数据!K6", "。。")])
    assert spool.of("a.xlsx") == a and spool.of("b.xlsx")[0][0] == "N201"
    assert spool.of("c.xlsx") == []
    spool.close()
