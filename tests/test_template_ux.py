"""The template accountants fill (#15, in part): 科目编码 lists from a hidden 代码表, closed
fields as lists, amounts with at most two decimals, input prompts, a legend on each sheet, rows
that may be inserted in the 科目 blocks (and are read), page numbers, short tables on one page,
each 绩效自评表 from a new page, scores as 5 and 97."""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.io.reader import read_detected
from xlfin.layout import LEGEND, sheet_layout
from xlfin.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
runner = CliRunner()


@pytest.fixture(scope="module", params=[("nmg-2023", 2023), ("mof9", 2025)])
def built(request, tmp_path_factory):
    pid, year = request.param
    path = tmp_path_factory.mktemp("ux") / f"{pid}.xlsx"
    res = runner.invoke(app, ["template", "--profile", pid, "--year", str(year), "-o", str(path)])
    assert res.exit_code == 0
    return load_profile(pid, year), load_workbook(path)


def _validated(ws, kind):
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    cells = set()
    for dv in ws.data_validations.dataValidation:
        if dv.type == kind:
            for rng in dv.sqref.ranges:
                c1, r1, c2, r2 = range_boundaries(rng.coord)
                cells |= {
                    f"{get_column_letter(c)}{r}"
                    for r in range(r1, r2 + 1)
                    for c in range(c1, c2 + 1)
                }
    return cells


def test_every_code_cell_chooses_from_the_years_code_list(built):
    profile, wb = built
    codes = wb["代码表"]
    assert codes.sheet_state == "hidden" and codes["A1"].value == "科目编码"
    listed = {codes.cell(r, 1).value for r in range(2, codes.max_row + 1)}
    assert {"201", "20131", "2013101"} <= listed
    for s in profile.sheets:
        lay = sheet_layout(profile, s.id)
        code_cells = {
            f"{chr(64 + sl.col)}{sl.row}"
            for sl in lay.slots
            if sl.format == "code" and sl.col <= 26
        }
        if not code_cells:
            continue
        ws = wb[s.name]
        dv = next(
            d
            for d in ws.data_validations.dataValidation
            if d.type == "list" and "代码表" in d.formula1
        )
        assert dv.formula1 == f"'代码表'!$A$2:$A${codes.max_row}" and dv.showErrorMessage is False
        assert code_cells <= _validated(ws, "list"), s.id
        assert "科目编码" in dv.prompt


def test_closed_fields_are_lists(built):
    profile, wb = built
    ws = wb["封面"]
    lists = {str(d.sqref): d for d in ws.data_validations.dataValidation if d.type == "list"}
    pos = sheet_layout(profile, "COVER").blocks[0].field_pos
    kind = lists[f"B{pos['dept_kind'][0]}"]
    assert kind.formula1 == '"部门,单位"' and kind.errorStyle == "warning"
    nature = lists[f"B{pos['nature'][0]}"]
    assert nature.formula1.startswith('"财政拨款的行政单位,参照公务员法管理的事业单位,')


def test_amounts_take_two_decimals_at_most_and_say_so(built):
    _profile, wb = built
    ws = wb["收入支出决算总表"]
    dv = next(d for d in ws.data_validations.dataValidation if d.type == "custom")
    first = str(dv.sqref).split()[0]
    assert dv.formula1 == f"AND(ISNUMBER({first}),ROUND({first},2)={first})"
    assert dv.prompt == "单位：万元，最多两位小数；没有发生的填 0。" and dv.showInputMessage


def test_a_legend_on_each_sheet(built):
    profile, wb = built
    for s in profile.sheets:
        ws = wb[s.name]
        if s.kind == "projects":
            assert ws.oddFooter.left.text == "白底填写；绿底由 xlfin 计算"
        elif s.kind == "cover":  # the printed cover: nothing to type, nothing to explain
            assert ws["A2"].value is None
            assert all(c.protection.locked for row in ws.iter_rows() for c in row)
        else:
            assert ws["A2"].value == LEGEND, s.id


def test_rows_may_be_inserted_in_the_code_blocks_and_pages_are_numbered(built):
    profile, wb = built
    for s in profile.sheets:
        ws = wb[s.name]
        has_codes = any(b.type == "classified" for b in s.blocks)
        assert ws.protection.sheet is True
        assert ws.protection.insertRows is (not has_codes), s.id  # False: allowed
        if s.kind == "cover":  # one page, no page number, as a published cover
            assert ws.oddFooter.center.text is None and ws.page_setup.fitToHeight == 1
            assert ws.page_setup.orientation == "portrait"
        else:
            assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    t01 = wb["收入支出决算总表"]
    assert t01.page_setup.fitToHeight == 1  # its four total rows print with it
    assert wb["收入决算表"].page_setup.fitToHeight == 0
    perf = wb["绩效自评"]
    starts = sheet_layout(profile, "PERF").project_rows
    assert [b.id for b in perf.row_breaks.brk] == [p - 3 for p in starts[1:]]
    assert perf.cell(starts[0] + 8, 7).number_format == "General"  # 分值: 5, not 5.00


def test_an_inserted_row_is_read_checked_and_named_by_fill(tmp_path):
    wb = load_workbook(SAMPLE)
    ws = wb["一般公共预算财政拨款支出决算表"]
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value)
    ws.insert_rows(last + 1)
    ws.cell(last + 1, 1).value = "2013202"  # chosen from the list, no name typed
    ws.cell(last + 1, 3).value = 0
    ws.cell(last + 1, 4).value = 0
    ws.cell(last + 1, 5).value = 0
    src = tmp_path / "inserted.xlsx"
    wb.save(src)
    book, found = read_detected(src)
    row = book.tables["T05"].rows["2013202"]
    assert row.line == last + 1 and row.amount("total") == Decimal(0)
    out = tmp_path / "filled.xlsx"
    assert runner.invoke(app, ["fill", str(src), "-o", str(out)]).exit_code == 0
    assert (
        load_workbook(out)["一般公共预算财政拨款支出决算表"].cell(last + 1, 2).value
        == "一般行政管理事务"
    )
    assert (
        load_workbook(out)["一般公共预算财政拨款支出决算表"].cell(9, 2).value == ws.cell(9, 2).value
    )


def test_a_unit_with_60_items_and_8_projects_has_room_for_all(tmp_path):
    """import sizes each 科目 block and the 绩效自评 sheet to the unit; check, fill and narrate
    read every row."""
    import json

    from xlfin import codes
    from xlfin.rules import run

    data = json.loads((ROOT / "samples" / "jcdj_2023.json").read_text(encoding="utf-8"))
    fn = codes.load("functional")
    items = [c for c in fn.valid_codes(2023) if len(c) == 7][:60]
    rows, sums = [], {}
    for code in items:
        for parent in (code[:3], code[:5]):
            sums[parent] = sums.get(parent, 0) + 1
    total = len(items)
    rows.append(
        {
            "block": "main",
            "key": "total",
            "values": {
                "total": f"{total}",
                "basic": f"{total}",
                "project": "0",
                "remit": "0",
                "operating": "0",
                "subsidy": "0",
            },
        }
    )
    for code in sorted(set(items) | set(sums)):
        n = sums.get(code, 1)
        rows.append(
            {
                "block": "main",
                "code": code,
                "name": fn.name(code, 2023),
                "values": {"total": f"{n}", "basic": f"{n}", "project": "0"},
            }
        )
    data["tables"]["T03"] = {"unit_name": data["tables"]["T03"].get("unit_name"), "rows": rows}
    base = data["projects"][0]
    data["projects"] = [dict(base, name=f"项目{i}") for i in range(1, 9)]
    src = tmp_path / "big.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "big.xlsx"
    assert runner.invoke(app, ["import", str(src), "-o", str(out)]).exit_code == 0
    book, found = read_detected(out)
    t3 = book.tables["T03"]
    assert sum(1 for r in t3.rows.values() if r.code and len(r.code) == 7) == 60
    assert [p.get("name") for p in book.projects] == [f"项目{i}" for i in range(1, 9)]
    tree = [
        f for f in run(book, found.profile).findings if f.id == "T302" and f.severity == "error"
    ]
    assert tree == []
    filled = tmp_path / "filled.xlsx"
    assert runner.invoke(app, ["fill", str(out), "-o", str(filled)]).exit_code == 0
    from xlfin.narrative import narrate

    filled_book, _ = read_detected(filled)
    text = narrate(filled_book, found.profile)
    assert text.count("### 项目支出绩效自评表（2023 年度）：项目") == 8


def test_the_unit_line_is_read_in_the_new_and_the_earlier_layout(tmp_path):
    from xlfin.io.reader import read_book

    wb = load_workbook(SAMPLE)
    ws = wb["收入支出决算总表"]
    ws.unmerge_cells("A3:E3")
    ws["A3"], ws["B3"] = "编制单位：", "甲局"  # a workbook made from the earlier template
    wb["支出决算表"]["A3"] = "编制单位：乙局"  # the name typed with its label
    path = tmp_path / "old.xlsx"
    wb.save(path)
    book = read_book(path)
    assert book.tables["T01"].unit_name.value == "甲局"
    assert str(book.tables["T01"].unit_name.source) == "收入支出决算总表!B3"
    assert book.tables["T03"].unit_name.value == "乙局"
    assert book.tables["T05"].unit_name.value.startswith("中共阿拉善盟")


DEPT = "中共阿拉善盟高新技术产业开发区工作委员会（中共阿左旗乌斯太镇委员会）基层党的建设办公室"


def test_the_printed_cover_repeats_the_cover_form(tmp_path):
    """公开封面: the published cover's title and lines, written from the 封面 form by import
    (the sample is written from its data) and again by fill after the form changed; nothing
    on it is typed or read, and a workbook of the earlier layout without it reads as before."""
    ws = load_workbook(SAMPLE)["公开封面"]
    assert load_workbook(SAMPLE).sheetnames[0] == "公开封面"
    assert ws["A8"].value == f"2023 年度{DEPT}部门决算公开"
    lines = [(ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(14, 18)]
    assert lines == [
        ("部门名称：", DEPT),
        ("单位负责人：", "魏治华"),
        ("编制人：", "聂鹏"),
        ("报送日期：", "2024年10月"),
    ]
    assert ws["A8"].font.size == 24 and ws["A8"].fill.fgColor.rgb in (None, "00000000")
    # the form changes: fill writes the cover again; a typed “=” stays text
    wb = load_workbook(SAMPLE)
    form = wb["封面"]
    row = next(r for r in range(1, 40) if form.cell(r, 1).value == "单位负责人")
    form.cell(row, 2).value = "=HYPERLINK(1)"
    form.cell(row, 2).data_type = "s"  # typed as text ('=HYPERLINK(1) in Excel)
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    out = tmp_path / "filled.xlsx"
    assert runner.invoke(app, ["fill", str(changed), "-o", str(out)]).exit_code == 0
    cell = load_workbook(out)["公开封面"]["C15"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
    # the unit's name heads every printed page but the cover's (import wrote it, fill too)
    for path in (SAMPLE, out):
        filled = load_workbook(path)
        assert filled["收入支出决算总表"].oddHeader.right.text == f"编制单位：{DEPT}"
        assert filled["绩效自评"].oddHeader.right.text == f"编制单位：{DEPT}"
        assert filled["公开封面"].oddHeader.right.text is None
    # without the cover sheet (a workbook of the earlier layout): the same problems, and fill
    # writes the rest
    wb = load_workbook(SAMPLE)
    wb.remove(wb["公开封面"])
    old = tmp_path / "old.xlsx"
    wb.save(old)
    assert read_detected(old)[0].problems == read_detected(SAMPLE)[0].problems
    assert runner.invoke(app, ["fill", str(old), "-o", str(tmp_path / "o.xlsx")]).exit_code == 0


def test_wrapped_headers_and_labels_have_the_height_they_need(built):
    """Every wrapping text of the blank template fits its rows (表四's 政府性基金预算财政拨款
    was drawn over the 栏次 numbers): the rows a cell spans are at least its lines high."""
    import math

    from xlfin.io.rowfit import LINE_HEIGHT, geometry_of
    from xlfin.values import display_width

    profile, wb = built
    checked = 0
    for s in profile.sheets:
        ws = wb[s.name]
        g = geometry_of(ws)
        for (row, col), cell in ws._cells.items():
            if (row, col) not in g.wrapped or not isinstance(cell.value, str) or row < 3:
                continue
            room, rows = g.room(row, col)
            lines = math.ceil(display_width(cell.value) / room)
            height = sum(g.heights.get(r, 15) for r in range(row, row + rows))
            assert height >= LINE_HEIGHT * lines - 0.05, (s.name, cell.coordinate, cell.value)
            checked += 1
    assert checked > 100


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and pdftotext are not installed",
)
def test_printed_through_libreoffice_short_tables_keep_their_totals_and_the_unit_line(tmp_path):
    import subprocess

    src = tmp_path / "sample.xlsx"
    shutil.copyfile(SAMPLE, src)
    profile_dir = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile_dir.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        timeout=600,
        check=True,
    )
    pdf = tmp_path / "sample.pdf"
    pages = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    flat = ["".join(p.split()) for p in pages]
    book, found = read_detected(SAMPLE)
    dept = book.field("COVER.unit", "dept_name")
    # the first page is the published cover, alone, without a page number
    assert (
        flat[0]
        == f"2023年度{dept}部门决算公开部门名称：{dept}单位负责人：魏治华编制人：聂鹏报送日期：2024年10月"
    )
    for spec in found.profile.tables:
        title = "".join(spec.title.split())
        page = next((p for p in flat if p.startswith(title) or title in p[:80]), None)
        assert page is not None, spec.title
        # the whole name, never clipped (a long one wraps beside 金额单位, which pdftotext
        # puts in between)
        assert f"编制单位：{dept}" in page.replace("金额单位：万元", ""), spec.title
        # every table's 合计/总计 row is on its title's page (a long table's is its first
        # row under the header; a short table prints whole on one page)
        assert "合计" in page or "总计" in page, spec.title
        if spec.id == "T01":  # a short table: its 总计 rows on the same page as its title
            assert page.count("总计") == 2
        assert re.search(r"第\d+页共\d+页", page), spec.title


def test_the_unit_list_starts_a_page_and_names_have_room(built):
    """决算单位构成 prints with its heading and header on the page of its rows (a break before
    it), and the unit's name takes the columns the form has to spare."""
    profile, wb = built
    cover = profile.sheet("COVER")
    ws = wb[cover.name]
    lay = sheet_layout(profile, "COVER")
    (units,) = [bl for bl in lay.blocks if bl.spec.type == "list"]
    assert [b.id for b in ws.row_breaks.brk] == [units.heading_row - 1]
    header = units.data_top - 1
    assert ws.cell(header, 2).value in ("单位名称",)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"B{header}:C{header}" in merged and f"B{units.data_top}:C{units.data_top}" in merged
