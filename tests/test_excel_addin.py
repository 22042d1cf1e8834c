"""The Excel add-in, tested without Excel: ribbon ↔ VBA ↔ Python wiring, the built .xlam, the
VBA entry point run in pyOpenVBA's interpreter, and the actions run on a stand-in of the
xlwings API that behaves like Excel (protection, COM value types), backed by the sample."""

import inspect
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
from xlstandin import FakeBook, FakeComError

import xlfin.excel as xe
from xlfin.cli import app
from xlfin.excel import addin as addin_mod
from xlfin.excel import config
from xlfin.excel.actions import ACTIONS
from xlfin.excel.adapter import XwBook
from xlfin.excel.addin import AddinError, install
from xlfin.profile import load_profile
from xlfin.writes import CellWrite

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
UI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
NS = {"ui": UI_NS}
runner = CliRunner()


def buttons():
    tree = ET.parse(MACROS / "customUI14.xml")
    return tree.getroot().findall(".//ui:button", NS)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin") / "xlfin.xlam"
    res = runner.invoke(app, ["addin", "build", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def built_module(built) -> str:
    with ExcelFile(built) as wb:
        return wb.get_module("RibbonXlfin").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def built_runtime(built) -> str:
    with ExcelFile(built) as wb:
        return wb.get_module("xlwings")


# --- ribbon, VBA, package ----------------------------------------------------------------


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
    # every tag has a Python action and vice versa
    assert set(labels) == set(xe.ACTION_NAMES) == set(ACTIONS)
    assert {b.get("onAction") for b in buttons()} == {"RibbonXlfin.OnAction"}


def test_ribbon_xml_has_the_structure_excel_requires(built, built_module):
    with zipfile.ZipFile(built) as z:
        root = ET.fromstring(z.read("customUI/customUI14.xml"))
    assert root.tag == f"{{{UI_NS}}}customUI"
    assert [c.tag for c in root] == [f"{{{UI_NS}}}ribbon"]
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert len(ids) == len(set(ids)) == 8  # tab, 2 groups, 5 buttons
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in ids)
    for e in root.iter():
        if e.tag.endswith(("button", "group", "tab")):
            assert e.get("label")
    # every onAction is a public Sub of the built VBA taking the ribbon control
    public = set(re.findall(r"^Public Sub (\w+)\(control As IRibbonControl\)", built_module, re.M))
    for b in buttons():
        module, sub = b.get("onAction").split(".")
        assert module == "RibbonXlfin" and sub in public
        assert b.get("imageMso")


def test_every_package_is_listed_in_pyproject():
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "xlfin").rglob("__init__.py")
    }
    assert found | {"xlfin.macros"} == listed


def test_built_addin_package(built, tmp_path):
    with zipfile.ZipFile(built) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        workbook = z.read("xl/workbook.xml").decode()
        ribbon = z.read("customUI/customUI14.xml")
        assert "customUI/customUI.xml" not in z.namelist()
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
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
    # reproducible, and readable by others like any file we write
    again = tmp_path / "again.xlam"
    assert runner.invoke(app, ["addin", "build", "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == built.read_bytes()
    assert built.stat().st_mode & 0o044 == 0o044


def test_built_addin_vba(built, built_module, built_runtime):
    with ExcelFile(built) as wb:
        assert set(wb.module_names()) >= {"RibbonXlfin", "xlwings", "Dictionary", "ThisWorkbook"}
        assert "RibbonMyAddin" not in wb.module_names()
        assert wb.vba_project().name == "xlfin"  # not xlwings' MyAddin
    with zipfile.ZipFile(built) as z:
        from pyopenvba.cfb import CFB

        project = CFB.from_bytes(z.read("xl/vbaProject.bin")).get_stream("PROJECT")
    assert b'\r\nName="xlfin"\r\n' in project
    assert 'Public Const PROJECT_NAME As String = "xlfin"' in built_runtime
    assert f"'Version: {xlwings.__version__}" in built_runtime
    expected = (MACROS / "RibbonXlfin.bas").read_text(encoding="ascii")
    assert built_module.strip() == expected.replace("\r\n", "\n").strip()


def vba_app(built_module: str, protected_view: bool = False) -> ExcelApplication:
    """The built RibbonXlfin in pyOpenVBA's interpreter, RunPython stubbed to record its
    command; Application.ActiveProtectedViewWindow (not in the interpreter) stubbed."""
    body = "\n".join(line for line in built_module.split("\n") if not line.startswith("Attribute "))
    body = body.replace("control As IRibbonControl", "control As Object")
    body = body.replace("Application.ActiveProtectedViewWindow", "StubProtectedView()")
    xl = ExcelApplication()
    xl.add_module(body, name="RibbonXlfin")
    pv = "Set StubProtectedView = New Collection" if protected_view else ""
    xl.add_module(
        "Public Commands As New Collection\n"
        "Sub RunPython(PythonCommand As String)\n    Debug.Print PythonCommand\nEnd Sub\n"
        f"Function StubProtectedView() As Object\n    {pv}\nEnd Function\n",
        name="xlwings",
    )
    return xl


def vba_command(built_module: str, action: str) -> str:
    """Run XlfinRun with a workbook open; return the command it hands to RunPython."""
    xl = vba_app(built_module)
    xl.add_workbook()
    xl.run("XlfinRun", action)
    assert xl.dialogs == []
    (command,) = xl.console
    return command


NOT_INSTALLED = "找不到 xlfin：请在 xlfin.conf 指定的 Python 中运行 pip install xlfin，再运行 xlfin addin install。"


def test_xlfinrun_builds_the_exact_command(built_module):
    assert vba_command(built_module, "validate") == (
        "import importlib.util as u, xlwings as w; "
        "__import__('xlfin.excel').excel.run('validate') if u.find_spec('xlfin') "
        "else w.Book.caller().app.alert('"
        + NOT_INSTALLED.encode("ascii", "backslashreplace").decode("ascii")
        + "', 'xlfin')"
    )


def test_a_click_without_a_workbook_explains_instead_of_error_91(built_module):
    xl = vba_app(built_module)
    xl.run("XlfinRun", "validate")
    assert xl.dialogs == [("MsgBox", "请先打开要处理的决算工作簿，再点击功能区按钮。", "xlfin", 48)]
    assert xl.console == []  # RunPython not called
    xl = vba_app(built_module, protected_view=True)
    xl.run("XlfinRun", "fill")
    assert xl.dialogs == [
        (
            "MsgBox",
            "这个工作簿在受保护的视图中打开。请先点击黄色提示栏中的“启用编辑”，再点击功能区按钮。",
            "xlfin",
            48,
        )
    ]
    assert xl.console == []


def run_command(command: str, book, monkeypatch):
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    exec(command, {})


def test_without_xlfin_installed_the_click_says_so(built_module, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "xlfin" else real(name, *a)
    )
    book = FakeBook(SAMPLE)
    run_command(vba_command(built_module, "validate"), book, monkeypatch)
    assert book.app.alerts == [(NOT_INSTALLED, "xlfin", None)]


# --- actions on the stand-in -------------------------------------------------------------


def protection_of(wb):
    """Every sheet's protection as openpyxl sees it (attributes and password hash)."""
    return {
        ws.title: {k: v for k, v in dict(ws.protection).items() if k != "hashValue"}
        for ws in wb.worksheets
    }


def test_validate_click_matches_the_cli(built_module, tmp_path, monkeypatch):
    book = FakeBook(SAMPLE)
    before = protection_of(book.wb)
    run_command(vba_command(built_module, "validate"), book, monkeypatch)
    assert book.app.alerts == [
        ("校验完成：错误 8 个，警告 7 个，提示 13 个，详见“校验结果”表。", "xlfin", "info")
    ]
    assert book.app.properties_used == [{"screen_updating": False, "calculation": "manual"}]
    assert book.wb.active.title == "校验结果"  # the accountant lands on the findings
    after = protection_of(book.wb)
    assert {k: v for k, v in after.items() if k != "校验结果"} == before
    book.save(tmp_path / "excel.xlsx")
    cli = tmp_path / "cli.xlsx"
    assert runner.invoke(app, ["check", str(SAMPLE), "--mark", "-o", str(cli)]).exit_code == 1
    a, b = load_workbook(tmp_path / "excel.xlsx"), load_workbook(cli)
    rows_a = [[c.value for c in r] for r in a["校验结果"].iter_rows()]
    rows_b = [[c.value for c in r] for r in b["校验结果"].iter_rows()]
    assert rows_a == rows_b and len(rows_a) == 31
    assert [r[2] for r in rows_a[3:]] == ["错误"] * 8 + ["警告"] * 7 + ["提示"] * 13
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
    # every sheet but the printed cover (its cells repeat the 封面's) and xlfin's hidden 代码表
    covers = {s.name for s in load_profile("nmg-2023").sheets if s.kind == "cover"}
    sheets = {s.title for s in load_workbook(SAMPLE).worksheets} - covers - {"代码表"}
    assert covers and len(sheets) == 15 and set(c.value_reads) == sheets
    assert sum(c.value_reads.values()) == len(sheets)
    assert dict(c.value_writes) == {"校验结果": 1}  # the result sheet in one block
    assert sum(c.note_lookups.values()) == 0  # a first click reads no notes
    print("validate click:", dict(c.value_reads), dict(c.value_writes), dict(c.other_writes))


def compare_fill(book, tmp_path):
    book.save(tmp_path / "excel.xlsx")
    runner.invoke(app, ["fill", str(SAMPLE), "-o", str(tmp_path / "cli.xlsx")])
    excel, cli = load_workbook(tmp_path / "excel.xlsx"), load_workbook(tmp_path / "cli.xlsx")
    original = load_workbook(SAMPLE)
    changed = 0
    for sheet in ("说明数据", "绩效自评"):  # every cell fill writes, the 执行率 included
        a, b, o = excel[sheet], cli[sheet], original[sheet]
        for row in b.iter_rows():
            for cb in row:
                va, vb = a[cb.coordinate].value, cb.value
                if isinstance(vb, (int, float)):
                    assert abs(float(va) - float(vb)) < 1e-9, cb.coordinate
                else:
                    assert va == vb, cb.coordinate
                assert a[cb.coordinate].number_format == cb.number_format, cb.coordinate
                changed += o[cb.coordinate].value != vb
    assert changed == 208  # compared over the cells fill changed, not two untouched copies


def test_fill_click_on_the_protected_sample_writes_and_restores_protection(tmp_path):
    book = FakeBook(SAMPLE)
    assert book.wb["说明数据"].protection.sheet  # the sample is protected, as the template
    assert book.wb["说明数据"]["F5"].protection.locked  # and fill writes locked cells
    before = protection_of(book.wb)
    message = xe.run("fill", book)
    assert message.startswith("已计算并写入 ") and book.app.alerts[-1][2] == "info"
    assert protection_of(book.wb) == before
    c = book.counter
    assert all(n == 1 for n in c.value_reads.values())
    # one call per run of adjacent cells: 37 comparison rows and 27 类/项 rows at most
    assert c.value_writes["说明数据"] <= 37 * 3 + 27
    compare_fill(book, tmp_path)
    print("fill click:", dict(c.value_reads), dict(c.value_writes), dict(c.other_writes))


def test_the_stand_in_refuses_writes_into_locked_cells_like_excel():
    """Without lifting the protection the writes fail as in Excel (what the accountant saw)."""
    book = FakeBook(SAMPLE)
    xb = XwBook(book)
    with pytest.raises(FakeComError) as e:
        xb._apply([CellWrite("说明数据", "F5", value=1)])
    assert e.value.args[0] == -2147352567 and "受保护" in e.value.args[2][2]
    ws = book.wb["封面"]
    unlocked = next(c for row in ws.iter_rows() for c in row if not c.protection.locked)
    xb._apply([CellWrite("封面", unlocked.coordinate, value="可以写")])  # input cells can be typed
    assert ws[unlocked.coordinate].value == "可以写"


def strict_protection(ws, password=None):
    """Everything forbidden: formats, objects (notes), hyperlinks."""
    p = ws.protection
    p.sheet = p.objects = p.scenarios = True
    p.formatCells = p.formatColumns = p.formatRows = p.insertHyperlinks = True
    if password:
        p.password = password


def test_validate_on_fully_protected_sheets_and_workbook(tmp_path):
    book = FakeBook(SAMPLE)
    for ws in book.wb.worksheets:
        strict_protection(ws)
    book.api.Protect(Password="", Structure=True, Windows=False)
    before = protection_of(book.wb)
    assert xe.run("validate", book).startswith("校验完成")
    assert {k: v for k, v in protection_of(book.wb).items() if k != "校验结果"} == before
    assert book.api.ProtectStructure
    d11 = book.wb["机构运行经费政府采购资产信息表"]["D11"]
    assert d11.comment.text.startswith("T961 错误")
    assert xe.run("clear", book) == "已清除标记。"
    assert d11.comment is None and "校验结果" not in book.wb.sheetnames
    assert protection_of(book.wb) == before and book.api.ProtectStructure


def test_a_sheet_password_comes_from_the_config(tmp_path, monkeypatch):
    book = FakeBook(SAMPLE)
    strict_protection(book.wb["说明数据"], password="决算2026")
    before = protection_of(book.wb)
    untouched = [[c.value for c in r] for r in book.wb["说明数据"].iter_rows()]
    # no password given: a clear message, nothing written, protection as it was
    message = xe.run("fill", book)
    assert message == (
        "xlfin 未能完成“fill”：工作表“说明数据”设有保护密码，xlfin 无法写入。请在 xlfin.conf 中加一行 "
        '"SHEET_PASSWORD","密码"（与工作表保护密码相同），或先在“审阅 → 撤销工作表保护”中撤销保护，再点击按钮。'
    )
    assert book.app.alerts[-1][2] == "critical"
    assert [[c.value for c in r] for r in book.wb["说明数据"].iter_rows()] == untouched
    assert protection_of(book.wb) == before
    # the password in the user config (written in the ANSI code page, as the VBA reads it)
    conf = tmp_path / "xlfin.conf"
    conf.write_bytes(config.render([("SHEET_PASSWORD", "错的")], "cp936"))
    monkeypatch.setattr(addin_mod, "user_config_path", lambda *a, **k: conf)
    assert "与 xlfin.conf 中的 SHEET_PASSWORD 不同" in xe.run("fill", book)
    conf.write_bytes(config.render([("SHEET_PASSWORD", "决算2026")], "cp936"))
    monkeypatch.setattr(config, "ansi_encoding", lambda *a: "cp936")
    assert xe.run("fill", book).startswith("已计算并写入")
    assert protection_of(book.wb) == before  # same options, same password
    compare_fill(book, tmp_path)


def test_com_errors_read_as_excels_text(monkeypatch):
    book = FakeBook(SAMPLE)

    def refuse(self, writes):
        raise FakeComError("无法设置 Range 类的 Value 属性。")

    monkeypatch.setattr(XwBook, "_apply", refuse)
    assert xe.run("fill", book) == "xlfin 未能完成“fill”：无法设置 Range 类的 Value 属性。"
    assert protection_of(book.wb) == protection_of(load_workbook(SAMPLE))  # restored after it


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


def test_errors_reach_the_accountant_as_a_message(tmp_path, monkeypatch):
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
    # a failure before any action runs (a broken install) is a message box too
    import xlfin.excel.actions

    monkeypatch.setattr(xlfin.excel.actions, "ACTIONS", None)
    message = xe.run("fill", book)
    assert message.startswith("xlfin 未能完成“fill”：") and book.app.alerts[-1][2] == "critical"


def test_help_action():
    book = FakeBook(SAMPLE)
    assert "校验：" in xe.run("help", book)


def test_links_keep_the_cell_text():
    """xlwings writes the address into the cell when no display text is given."""
    book = FakeBook(SAMPLE)
    xb = XwBook(book)
    xb.apply(
        [
            CellWrite("说明数据", "A5", link="'封面'!A1"),
            CellWrite("说明数据", "A6", value="见封面", link="'封面'!A1"),
        ]
    )
    ws = book.wb["说明数据"]
    assert ws["A5"].value == load_workbook(SAMPLE)["说明数据"]["A5"].value
    assert ws["A6"].value == "见封面" and ws["A6"].hyperlink.target == "#'封面'!A1"


def test_the_stand_in_gives_com_value_types(tmp_path):
    import datetime as dt
    from decimal import Decimal

    from openpyxl import Workbook

    from xlfin.excel.adapter import read_sheet

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 3, 1.5, "=A1*B1"
    ws["D1"] = "#DIV/0!"
    ws["A2"] = dt.date(2024, 3, 31)
    ws["B2"] = 1430.98
    ws["B2"].number_format = '"¥"#,##0.00'
    wb.save(tmp_path / "types.xlsx")
    # Excel would have cached the formula's value at its last save; write it as Excel would
    with zipfile.ZipFile(tmp_path / "types.xlsx") as z:
        items = {n: z.read(n) for n in z.namelist()}
    sheet = items["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<f>A1*B1</f><v></v>", "<f>A1*B1</f><v>4.5</v>")
    sheet = sheet.replace('<c r="D1" t="str"><v>#DIV/0!</v>', '<c r="D1" t="e"><v>#DIV/0!</v>')
    items["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(tmp_path / "types.xlsx", "w") as z:
        for n, d in items.items():
            z.writestr(n, d)
    book = FakeBook(tmp_path / "types.xlsx")
    s = book.sheets[0]
    assert s.range("A1").value == 3.0 and isinstance(s.range("A1").value, float)
    assert s.range("C1").value == 4.5  # the computed value, not "=A1*B1"
    assert s.range("D1").value is None  # error cells
    assert s.range("A2").value == dt.datetime(2024, 3, 31)
    assert s.range("B2").value == Decimal("1430.9800")  # currency (VT_CY)
    assert s.range("A1:D1").value == [3.0, 1.5, 4.5, None]  # one row: a list (ndim)
    assert s.range("A1:A2").options(ndim=2).value == [[3.0], [dt.datetime(2024, 3, 31)]]
    assert read_sheet(s) == [
        [3.0, 1.5, 4.5, None],
        ["2024-03-31", Decimal("1430.9800"), None, None],
    ]


XW_CLASSES = {
    "App": xlwings.App,
    "Sheets": xlwings.main.Sheets,
    "Sheet": xlwings.Sheet,
    "Range": xlwings.Range,
    "RangeRows": xlwings.main.RangeRows,
    "Note": xlwings.main.Note,
}


def test_every_xlwings_call_exists_with_that_signature(tmp_path):
    """Contract: each call the adapter made on the stand-in exists in the installed xlwings
    (a method that accepts those arguments, or a property, settable where it was set)."""
    book = FakeBook(SAMPLE)
    for action in ("validate", "narrate", "fill", "clear", "validate", "help"):
        xe.run(action, book)
    XwBook(book).apply([CellWrite("说明数据", "A5", link="'封面'!A1")])
    calls = {(c, m, a, tuple(sorted(k.items()))) for c, m, a, k in book.counter.calls_hashable()}
    assert {(c, m) for c, m, _, _ in calls} >= {
        ("Range", "value"),
        ("Range", "value="),
        ("Range", "add_note"),
        ("Range", "add_hyperlink"),
        ("Sheets", "add"),
        ("Sheet", "activate"),
        ("App", "alert"),
    }
    for cls_name, member, args, kwargs in calls:
        if cls_name == "Worksheet.api":  # Excel's COM object model, not xlwings
            continue
        cls = XW_CLASSES[cls_name]
        name = member.rstrip("=")
        attr = inspect.getattr_static(cls, name)
        if isinstance(attr, property):
            assert not args or member.endswith("=") or name == "options", (cls_name, member)
            if member.endswith("="):
                assert attr.fset is not None, f"{cls_name}.{name} is read-only in xlwings"
            continue
        func = getattr(cls, name)
        inspect.signature(func).bind(None, *args, **dict(kwargs))


# --- config, install ---------------------------------------------------------------------


CHINESE_PATH = r"C:\Users\张三\AppData\Local\Programs\Python\Python312\python.exe"


def test_install_on_windows_writes_the_config_in_the_ansi_code_page(tmp_path, built):
    env = {"APPDATA": str(tmp_path / "AppData"), "USERPROFILE": str(tmp_path / "张三")}
    written = install(built, platform="win32", env=env, python=CHINESE_PATH, encoding="cp936")
    assert written[0] == tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / "xlfin.xlam"
    assert written[0].read_bytes() == built.read_bytes()
    data = written[1].read_bytes()
    assert written[1] == tmp_path / "张三" / ".xlfin" / "xlfin.conf"
    # what VBA's Input # reads on Chinese Windows: cp936 bytes, CRLF lines, quoted pairs
    assert data.split(b"\r\n")[0] == '"INTERPRETER_WIN","{}"'.format(
        CHINESE_PATH.replace("python.exe", "pythonw.exe")
    ).encode("cp936")
    assert config.parse(data.decode("cp936")) == [
        ("INTERPRETER_WIN", r"C:\Users\张三\AppData\Local\Programs\Python\Python312\pythonw.exe"),
        ("INTERPRETER_MAC", ""),
        ("PYTHONPATH", ""),
        ("SHOW CONSOLE", "False"),
        ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
    ]
    # a password the accountant added survives a reinstall
    written[1].write_bytes(data + '"SHEET_PASSWORD","决算"\r\n'.encode("cp936"))
    install(built, platform="win32", env=env, python=CHINESE_PATH, encoding="cp936")
    assert config.read(written[1], "cp936")["SHEET_PASSWORD"] == "决算"


def test_a_path_the_code_page_cannot_hold_is_refused(tmp_path, built):
    env = {"APPDATA": str(tmp_path / "AppData"), "USERPROFILE": str(tmp_path / "me")}
    with pytest.raises(AddinError) as e:
        install(built, platform="win32", env=env, python=CHINESE_PATH, encoding="cp1252")
    assert "系统代码页（cp1252）无法表示的字符“张三”" in str(e.value)
    assert not (tmp_path / "AppData").exists() and not (tmp_path / "me").exists()  # nothing


def test_every_config_key_written_is_read(built_runtime, tmp_path, built):
    """The VBA reads each key the installer writes (SHOW CONSOLE with a space, not
    SHOW_CONSOLE); xlfin's Python reads its own keys."""
    read_by_vba = set(re.findall(r'GetConfig\("([^"]+)"', built_runtime))
    keys = [k for k, _ in config.defaults()]
    assert set(keys) <= read_by_vba, set(keys) - read_by_vba
    assert "SHOW_CONSOLE" not in keys and "SHOW CONSOLE" in keys
    assert not config.PYTHON_KEYS & read_by_vba
    source = (ROOT / "xlfin" / "excel" / "__init__.py").read_text(encoding="utf-8")
    assert all(f'"{k}"' in source for k in config.PYTHON_KEYS)


def test_install_on_macos_places_the_runpython_applescript(tmp_path, built):
    home = tmp_path / "mac"
    written = install(
        built, platform="darwin", env={"HOME": str(home)}, python="/usr/local/bin/python3"
    )
    assert "Startup.localized" in str(written[0])
    assert (
        written[1]
        == home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlfin.conf"
    )
    assert written[1].read_text(encoding="utf-8").splitlines()[:2] == [
        '"INTERPRETER_WIN",""',
        '"INTERPRETER_MAC","/usr/local/bin/python3"',
    ]
    script = (
        home
        / "Library"
        / "Application Scripts"
        / "com.microsoft.Excel"
        / f"xlwings-{xlwings.__version__}.applescript"
    )
    assert written[2] == script
    assert script.read_bytes() == (Path(xlwings.__file__).parent / script.name).read_bytes()


def test_reinstall_while_excel_holds_the_addin_says_close_excel(tmp_path, built, monkeypatch):
    import shutil

    def locked(src, dst, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(shutil, "copyfile", locked)
    env = {"APPDATA": str(tmp_path / "AppData"), "USERPROFILE": str(tmp_path / "me")}
    with pytest.raises(AddinError) as e:
        install(built, platform="win32", env=env, python=r"C:\Python312\python.exe")
    assert "Excel 可能正在使用加载项。请先完全退出 Excel" in str(e.value)


def test_install_elsewhere_explains(tmp_path, built):
    res = runner.invoke(app, ["addin", "install", "--addin", str(built)])
    assert res.exit_code == 2 and "没有桌面版 Excel" in res.output


def test_a_wheel_installed_with_user_builds_the_addin(tmp_path):
    """``pip install --user`` (what pip does for an accountant without admin rights) puts
    data files in the user scheme's share/; the add-in sources ship inside the package."""
    import os
    import subprocess
    import sys
    import sysconfig

    base = getattr(sys, "_base_executable", sys.executable)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("xlfin-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "xlfin/macros/RibbonXlfin.bas" in names and "xlfin/macros/customUI14.xml" in names
    assert not [n for n in names if ".data/" in n]  # no data files left outside the package
    env = dict(os.environ, PYTHONUSERBASE=str(tmp_path / "user"), PIP_NO_WARN_SCRIPT_LOCATION="1")
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONHOME", None)
    done = subprocess.run(
        [base, "-m", "pip", "install", "--user", "--no-deps", "--no-index", "-q", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 and "externally-managed" in done.stderr:
        pytest.skip("this Python refuses --user installs (externally managed)")
    assert done.returncode == 0, done.stderr
    # the dependencies from this environment; xlfin itself only from the user install
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    out = tmp_path / "xlfin.xlam"
    script = (
        "import sys, xlfin, xlfin.excel.addin as a; "
        f"info = a.build(__import__('pathlib').Path({str(out)!r})); "
        "print(xlfin.__file__); print(a.sources_dir())"
    )
    done = subprocess.run(
        [base, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    module_file, sources = done.stdout.split("\n")[:2]
    assert module_file.startswith(str(tmp_path / "user")) and sources.startswith(
        str(tmp_path / "user")
    )
    assert check_file(out).issues == ()


def test_buttons_work_in_the_workbook_s_own_format(tmp_path):
    """The nine-table sample: detected as mof9 2025, clean, its 说明数据 computed like the CLI."""
    sample = ROOT / "samples" / "mof9_2025.xlsx"
    book = FakeBook(sample)
    assert xe.run("validate", book) == "校验通过，没有发现问题。"
    assert xe.run("fill", book).startswith("已计算并写入 ")
    book.save(tmp_path / "excel.xlsx")
    assert (
        runner.invoke(app, ["fill", str(sample), "-o", str(tmp_path / "cli.xlsx")]).exit_code == 0
    )
    a = load_workbook(tmp_path / "excel.xlsx")["说明数据"]
    b = load_workbook(tmp_path / "cli.xlsx")["说明数据"]
    assert [[c.value for c in r] for r in a.iter_rows()] == [
        [c.value for c in r] for r in b.iter_rows()
    ]
    assert xe.run("narrate", book) == "已生成“情况说明”工作表。"
    assert book.wb["情况说明"]["A1"].value == "2025 年度示例市群众艺术馆单位决算公开"
