"""The Excel add-in, tested without Excel: ribbon ↔ VBA ↔ Python wiring, the built .xlam, the
VBA entry point run in pyOpenVBA's interpreter, and the actions run on a counting stand-in of
the xlwings API backed by the real sample workbook."""

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xlwings
from openpyxl import load_workbook
from pyopenvba import ExcelFile
from pyopenvba.apps.excel import ExcelApplication
from pyopenvba.integrity import check_file
from typer.testing import CliRunner
from xlstandin import FakeBook

import xlfin.excel as xe
from xlfin.cli import app
from xlfin.excel.addin import install

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
NS = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
runner = CliRunner()


def buttons():
    tree = ET.parse(MACROS / "customUI14.xml")
    return tree.getroot().findall(".//ui:button", NS)


def test_ribbon_tags_and_callbacks():
    tab = ET.parse(MACROS / "customUI14.xml").getroot().find(".//ui:tab", NS)
    assert tab.get("label") == "决算公开"
    labels = {b.get("tag"): b.get("label") for b in buttons()}
    assert labels == {
        "validate": "校验",
        "fill": "计算百分比",
        "narrate": "生成说明",
        "clear": "清除标记",
        "help": "帮助",
    }
    assert set(labels) == set(xe.ACTIONS)  # every tag has a Python action and vice versa
    vba = (MACROS / "RibbonXlfin.bas").read_text(encoding="ascii")
    subs = set(re.findall(r"^Sub (\w+)\(", vba, flags=re.M))
    for b in buttons():
        module, sub = b.get("onAction").split(".")
        assert module == "RibbonXlfin" and sub in subs
        assert b.get("imageMso")
    assert {b.get("onAction") for b in buttons()} == {"RibbonXlfin.OnAction"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin") / "xlfin.xlam"
    res = runner.invoke(app, ["addin", "build", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_built_addin_package(built):
    with zipfile.ZipFile(built) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        workbook = z.read("xl/workbook.xml").decode()
        ribbon = z.read("customUI/customUI14.xml")
        assert "customUI/customUI.xml" not in z.namelist()
    assert (
        'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"'
        in types
    )
    assert (
        'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" Target="customUI/customUI14.xml"'
        in rels
    )
    assert ribbon == (MACROS / "customUI14.xml").read_bytes()
    assert 'name="_xlfin.conf"' in workbook
    assert check_file(built).issues == ()


def test_built_addin_vba(built):
    with ExcelFile(built) as wb:
        assert set(wb.module_names()) >= {"RibbonXlfin", "xlwings", "Dictionary", "ThisWorkbook"}
        assert "RibbonMyAddin" not in wb.module_names()
        runtime = wb.get_module("xlwings")
        ribbon = wb.get_module("RibbonXlfin")
    assert 'Public Const PROJECT_NAME As String = "xlfin"' in runtime
    assert f"'Version: {xlwings.__version__}" in runtime
    expected = (MACROS / "RibbonXlfin.bas").read_text(encoding="ascii")
    assert ribbon.replace("\r\n", "\n").strip() == expected.replace("\r\n", "\n").strip()


def vba_command(built, action: str) -> str:
    """Run XlfinRun in pyOpenVBA's interpreter with a stub RunPython; return the command."""
    with ExcelFile(built) as wb:
        source = wb.get_module("RibbonXlfin")
    body = "\n".join(
        line
        for line in source.replace("\r\n", "\n").split("\n")
        if not line.startswith("Attribute ")
    )
    body = body.replace("control As IRibbonControl", "control As Object")
    xl = ExcelApplication()
    xl.add_workbook()
    xl.add_module(body, name="RibbonXlfin")
    xl.add_module(
        'Sub RunPython(PythonCommand As String)\n    Range("A1").Value = PythonCommand\nEnd Sub\n',
        name="xlwings",
    )
    xl.run("XlfinRun", action)
    return xl.sheet(1).value("A1")


def test_xlfinrun_builds_the_exact_command(built):
    assert vba_command(built, "validate") == "import xlfin.excel as e; e.run('validate')"
    assert vba_command(built, "narrate") == "import xlfin.excel as e; e.run('narrate')"


def run_command(command: str, book, monkeypatch):
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    exec(command, {})


def test_validate_click_matches_the_cli(built, tmp_path, monkeypatch):
    book = FakeBook(SAMPLE)
    run_command(vba_command(built, "validate"), book, monkeypatch)
    assert book.app.alerts == [
        ("校验完成：错误 8 个，警告 6 个，提示 13 个，详见“校验结果”表。", "xlfin", "info")
    ]
    assert book.app.properties_used == [{"screen_updating": False, "calculation": "manual"}]
    book.save(tmp_path / "excel.xlsx")
    cli = tmp_path / "cli.xlsx"
    assert runner.invoke(app, ["check", str(SAMPLE), "--mark", "-o", str(cli)]).exit_code == 1
    a, b = load_workbook(tmp_path / "excel.xlsx"), load_workbook(cli)
    rows_a = [[c.value for c in r] for r in a["校验结果"].iter_rows()]
    rows_b = [[c.value for c in r] for r in b["校验结果"].iter_rows()]
    assert rows_a == rows_b and len(rows_a) == 28
    for name in b.sheetnames:
        for row in b[name].iter_rows():
            for cb in row:
                ca = a[name][cb.coordinate]
                assert (ca.comment.text if ca.comment else None) == (
                    cb.comment.text if cb.comment else None
                ), (name, cb.coordinate)
                fill_a = ca.fill.fgColor.rgb[-6:] if ca.fill.fill_type else None
                fill_b = cb.fill.fgColor.rgb[-6:] if cb.fill.fill_type else None
                assert fill_a == fill_b, (name, cb.coordinate)
    assert a["校验结果"].column_dimensions["F"].hidden


def test_one_click_reads_each_sheet_once(monkeypatch):
    book = FakeBook(SAMPLE)
    xe.run("validate", book)
    c = book.counter
    assert max(c.value_reads.values()) <= 2
    assert set(c.value_reads) == {s.title for s in load_workbook(SAMPLE).worksheets}
    assert sum(c.value_reads.values()) == 15
    assert dict(c.value_writes) == {"校验结果": 1}  # the result sheet in one block
    assert sum(c.note_lookups.values()) == 0  # a first click reads no notes
    print("validate click:", dict(c.value_reads), dict(c.value_writes), dict(c.other_writes))


def test_fill_click_writes_blocks_and_matches_cli(tmp_path):
    book = FakeBook(SAMPLE)
    xe.run("fill", book)
    c = book.counter
    assert all(n == 1 for n in c.value_reads.values())
    # one call per run of adjacent cells: 37 comparison rows and 27 类/项 rows at most
    assert c.value_writes["说明数据"] <= 37 * 3 + 27
    book.save(tmp_path / "excel.xlsx")
    runner.invoke(app, ["fill", str(SAMPLE), "-o", str(tmp_path / "cli.xlsx")])
    a, b = (
        load_workbook(tmp_path / "excel.xlsx")["说明数据"],
        load_workbook(tmp_path / "cli.xlsx")["说明数据"],
    )
    for row in b.iter_rows():
        for cb in row:
            va, vb = a[cb.coordinate].value, cb.value
            if isinstance(vb, (int, float)):
                assert abs(float(va) - float(vb)) < 1e-9, cb.coordinate
            else:
                assert va == vb, cb.coordinate
            assert a[cb.coordinate].number_format == cb.number_format, cb.coordinate
    print("fill click:", dict(c.value_reads), dict(c.value_writes), dict(c.other_writes))


def test_narrate_and_clear(tmp_path):
    book = FakeBook(SAMPLE)
    xe.run("narrate", book)
    ws = book.wb["情况说明"]
    assert ws["A1"].value.startswith("2023 年度")
    assert "工作簿还有 8 个错误" in book.app.alerts[-1][0]
    xe.run("validate", book)
    assert book.wb["机构运行经费政府采购资产信息表"]["D11"].comment is not None
    xe.run("clear", book)
    assert "校验结果" not in book.wb.sheetnames
    d11 = book.wb["机构运行经费政府采购资产信息表"]["D11"]
    assert d11.comment is None and d11.fill.fgColor.rgb.endswith("F2F2F2")
    assert book.app.alerts[-1] == ("已清除标记。", "xlfin", "info")


def test_errors_reach_the_accountant_as_a_message(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "随便一张表"
    wb.save(tmp_path / "other.xlsx")
    book = FakeBook(tmp_path / "other.xlsx")
    message = xe.run("validate", book)
    assert book.app.alerts[-1][2] == "critical"
    assert (
        message.startswith("xlfin 未能完成“validate”：") and "找不到任何一张决算公开表" in message
    )
    xe.run("nope", book)
    assert book.app.alerts[-1] == ("未知的操作：nope", "xlfin", "critical")


def test_help_action():
    book = FakeBook(SAMPLE)
    assert "校验：" in xe.run("help", book)


def test_install_on_windows_and_macos(tmp_path, built):
    env = {"APPDATA": str(tmp_path / "AppData"), "USERPROFILE": str(tmp_path / "me")}
    written = install(built, platform="win32", env=env, python=r"C:\Python312\python.exe")
    assert written[0] == tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / "xlfin.xlam"
    assert written[0].read_bytes() == built.read_bytes()
    assert (
        written[1].read_text(encoding="utf-8").splitlines()[0]
        == r'"INTERPRETER_WIN","C:\Python312\pythonw.exe"'
    )
    written = install(
        built,
        platform="darwin",
        env={"HOME": str(tmp_path / "mac")},
        python="/usr/local/bin/python3",
    )
    assert "Startup.localized" in str(written[0]) and written[1].read_text(
        encoding="utf-8"
    ).startswith('"INTERPRETER_MAC","/usr/local/bin/python3"')


def test_install_elsewhere_explains(tmp_path, built):
    res = runner.invoke(app, ["addin", "install", "--addin", str(built)])
    assert res.exit_code == 2 and "没有桌面版 Excel" in res.output
