"""`xlfin fill`: computed cells written, everything else exactly as it was."""

from decimal import Decimal
from pathlib import Path

import python_calamine
from openpyxl import load_workbook
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.io.reader import read_book

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def snapshot(path):
    wb = load_workbook(path)
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                cells[(ws.title, c.coordinate)] = (
                    c.value,
                    c.number_format,
                    c.fill.fgColor.rgb if c.fill.fill_type else None,
                    c.font.b,
                    c.border.left.style,
                    c.protection.locked,
                    c.comment.text if c.comment else None,
                )
    meta = {
        ws.title: (
            sorted(str(r) for r in ws.merged_cells.ranges),
            [(dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation],
            ws.protection.sheet,
            ws.freeze_panes,
            {k: d.width for k, d in ws.column_dimensions.items()},
        )
        for ws in wb.worksheets
    }
    return wb.sheetnames, cells, meta


def test_fill_writes_computed_cells_only(tmp_path):
    out = tmp_path / "filled.xlsx"
    res = run("fill", SAMPLE, "-o", out)
    assert res.exit_code == 0, res.output
    names_a, cells_a, meta_a = snapshot(SAMPLE)
    names_b, cells_b, meta_b = snapshot(out)
    assert names_b == names_a + ["图表"]  # the charts' sheet is added, nothing else
    del meta_b["图表"]
    assert meta_a == meta_b
    changed = {k for k in cells_a if cells_a[k] != cells_b.get(k)} | (set(cells_b) - set(cells_a))
    assert changed, "nothing written"
    assert {sheet for sheet, _ in changed} == {"说明数据", "图表"}
    ws = load_workbook(out)["说明数据"]
    assert ws["B5"].value == 1430.98 and ws["B5"].number_format == "#,##0.00"
    assert ws["F5"].value == 0.0102 and ws["F5"].number_format == "0.00%"
    assert ws["H5"].value == -0.2937  # 较年初预算增减率
    assert ws["I25"].value == 0.7015  # 完成年初预算
    assert ws["J7"].value == 0.9969  # 占比
    assert ws["C5"].value == 1416.58  # typed 上年决算 untouched
    # only computed columns were written
    cols = {cell[0] for s, cell in changed if s == "说明数据"}
    assert cols <= {"B", "D", "E", "F", "G", "H", "I", "J"}


def test_filled_file_reads_back_in_both_readers(tmp_path):
    out = tmp_path / "filled.xlsx"
    run("fill", SAMPLE, "-o", out)
    book = read_book(out)
    assert book.problems == []
    assert book.tables["NOTES"].get("grand_total", "change_rate") == Decimal("0.0102")
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(out))
        .get_sheet_by_name("说明数据")
        .to_python()
    )
    assert rows[4][1] == 1430.98


def test_items_block_synced_with_t05(tmp_path):
    src = tmp_path / "in.xlsx"
    wb = load_workbook(SAMPLE)
    ws = wb["一般公共预算财政拨款支出决算表"]
    r = ws.max_row + 1
    for row in range(8, ws.max_row + 1):
        if ws.cell(row, 1).value is None:
            r = row
            break
    ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value = (
        "2013202",
        "一般行政管理事务",
        1.5,
    )
    wb.save(src)
    out = tmp_path / "out.xlsx"
    assert run("fill", src, "-o", out).exit_code == 0
    book = read_book(out)
    notes = book.tables["NOTES"]
    assert notes.rows["2013202"].label == "一般行政管理事务"
    assert notes.get("2013202", "final") == Decimal("1.5")
    assert notes.get("2013101", "budget") == Decimal("1389.48")  # typed budget kept
    assert notes.get("2013101", "reason") == "年内人员调出"  # typed reason kept
    assert notes.get("2013101", "completion") == Decimal("0.7768")
    assert notes.get("2080801", "completion") is None  # zero budget: no rate written


def test_in_place_makes_a_backup(tmp_path):
    path = tmp_path / "unit.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    res = run("fill", path, "--in-place")
    assert res.exit_code == 0
    backups = list(tmp_path.glob("unit.备份-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == SAMPLE.read_bytes()
    assert load_workbook(path)["说明数据"]["B5"].value == 1430.98


def test_fill_misuse(tmp_path):
    assert run("fill", SAMPLE).exit_code == 2
    assert run("fill", SAMPLE, "-o", SAMPLE).exit_code == 2
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"keep")
    res = run("fill", SAMPLE, "-o", out)
    assert res.exit_code == 2 and out.read_bytes() == b"keep"
    res = run("fill", tmp_path / "missing.xlsx", "-o", tmp_path / "y.xlsx")
    assert res.exit_code == 2 and "文件不存在" in res.output


def test_fill_gives_long_wrapped_texts_the_row_height_they_need(tmp_path):
    """A 变动原因 of 31 characters in a 20-wide column takes 4 lines: its row gets 4 × 14.5
    points, so that it prints without running over the next rows; other rows keep theirs."""
    out, typed = tmp_path / "filled.xlsx", tmp_path / "typed.xlsx"
    wb = load_workbook(SAMPLE)  # as typed in Excel: the row keeps the template's height
    wb["说明数据"].row_dimensions[5].height = None
    wb.save(typed)
    assert run("fill", typed, "-o", out).exit_code == 0
    before, after = load_workbook(typed)["说明数据"], load_workbook(out)["说明数据"]
    assert len(after["L5"].value) == 31 and after.column_dimensions["L"].width == 20
    assert (before.row_dimensions[5].height, after.row_dimensions[5].height) == (None, 58.0)
    # the sample, written by xlfin from its data, has the height already
    assert load_workbook(SAMPLE)["说明数据"].row_dimensions[5].height == 58.0
    assert after.row_dimensions[7].height is None  # no long text there


def test_fill_starts_without_numpy_and_leaves_it_importable(tmp_path):
    """openpyxl imports numpy only to accept numpy numbers, which fill never writes: fill
    keeps it out (a twentieth of a second at each click), and numpy still imports after."""
    import subprocess
    import sys

    out = tmp_path / "f.xlsx"
    code = (
        "import sys\n"
        "from xlfin.cli import main\n"
        f"sys.argv = ['xlfin', 'fill', r'{SAMPLE}', '-o', r'{out}']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('NUMPY' if 'numpy' in sys.modules else 'NO-NUMPY')\n"
        "import numpy\n"
        "print(numpy.int64(2) + 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-2:] == ["NO-NUMPY", "3"], done.stderr
    assert read_book(out).tables["NOTES"].rows["income_total"].get("change") is not None


def test_the_fast_load_is_openpyxls_load(tmp_path):
    """fill loads with merged ranges' borders set through the Styler: saved again, the same
    package as openpyxl's own load gives (all but the save time in docProps/core.xml)."""
    from openpyxl import load_workbook
    from pkgcompare import differing_parts

    from xlfin.io.template import load_workbook_fast

    for src in (
        SAMPLE,
        ROOT / "samples" / "mof9_2025.xlsx",
        ROOT / "templates" / "sh-2024_2024.xlsx",
    ):
        a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
        load_workbook(src).save(a)
        load_workbook_fast(src).save(b)
        assert set(differing_parts(a, b)) <= {"docProps/core.xml"}, src
