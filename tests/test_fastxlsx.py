"""The fast package writer of a consolidated workbook: its sheet of 绩效自评表 is built with two
forms by openpyxl and the other forms repeated in the sheet's XML. What it writes must be what
the openpyxl path writes: the same parts, and the same cells, styles, merged ranges,
validations, row heights and page breaks in the sheet of forms."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pkgcompare import differing_parts

from xlfin.bulk import merge_books
from xlfin.io.fastxlsx import Blocks, NotFast, TemplatePackage
from xlfin.io.reader import read_book
from xlfin.io.writer import write_book, write_book_fast
from xlfin.placement import fitted_profile
from xlfin.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"


def _forms_sheet(path: Path, name: str):
    ws = load_workbook(path)[name]
    return (
        {k: (c.value, tuple(c._style), type(c).__name__) for k, c in ws._cells.items()},
        sorted(str(m) for m in ws.merged_cells.ranges),
        sorted(
            (d.type, d.formula1, sorted(str(r) for r in d.sqref.ranges))
            for d in ws.data_validations.dataValidation
        ),
        {r: d.height for r, d in ws.row_dimensions.items() if d.height},
        [b.id for b in ws.row_breaks.brk],
        ws.dimensions,
        ws.oddHeader.right.text,
    )


@pytest.fixture(scope="module")
def merged():
    profile = load_profile("nmg-2023")
    books = [read_book(SAMPLE, profile) for _ in range(3)]
    books[1].projects[0].fields["achievement"].value = "很长的绩效目标完成情况说明" * 30
    book, _notes = merge_books(books, profile)
    return book, profile


def test_a_consolidated_workbook_is_what_openpyxl_writes(merged, tmp_path):
    book, profile = merged
    assert len(book.projects) == 15  # more than the two forms openpyxl builds
    slow, fast = tmp_path / "slow.xlsx", tmp_path / "fast.xlsx"
    write_book(book, profile, slow)
    write_book_fast(book, profile, fast)
    name = profile.sheet("PERF").name
    part = "xl/worksheets/sheet" + str(load_workbook(slow).sheetnames.index(name) + 1) + ".xml"
    # every other part the same (canonical XML); the sheet of forms the same cells and looks
    assert differing_parts(slow, fast) == [part]
    a, b = _forms_sheet(slow, name), _forms_sheet(fast, name)
    assert a == b
    cells, merges, validations, heights, breaks, dims, header = b
    assert len(breaks) == 14 and len(merges) > 15 * 12 and dims == "A1:I" + str(15 * 31 - 1)
    assert max(heights.values()) > 100  # the long 完成情况 row raised, in the 2nd unit's form
    assert header and header.startswith("编制单位：")
    # and python-calamine reads what openpyxl reads
    assert read_book(fast, profile).projects == read_book(slow, profile).projects


def test_the_repetition_refuses_what_it_does_not_know():
    blocks = Blocks(top=1, period=3, copies=5)
    row = '<row r="{r}"><c r="A{r}" s="1" t="n"></c></row>'
    rows = "".join(row.format(r=r) for r in range(1, 8))
    sheet = '<worksheet><dimension ref="A1:A7"/><sheetData>{}</sheetData>{}</worksheet>'
    out = blocks.sheet_xml(
        sheet.format(rows, '<mergeCells count="1"><mergeCell ref="A4:A6"/></mergeCells>')
    )
    # rows 1–3 stay, 4–6 are the model of forms 2 to 5, row 7 (below them) moves to 16
    assert out.count("<row ") == 16 and '<dimension ref="A1:A16"/>' in out
    assert '<row r="16"><c r="A16" s="1" t="n"></c></row></sheetData>' in out
    assert [f"A{r}:A{r + 2}" in out for r in (1, 4, 7, 10, 13, 16)] == [False] + [True] * 4 + [
        False
    ]
    assert '<mergeCells count="4">' in out
    with pytest.raises(NotFast, match="rows the repetition does not know"):  # a formula
        blocks.sheet_xml(sheet.format(rows.replace("></c>", "><f>A1</f></c>", 1), ""))
    with pytest.raises(NotFast, match="sheet elements"):  # something it would not move
        blocks.sheet_xml(sheet.format(rows, '<hyperlinks><hyperlink ref="A5"/></hyperlinks>'))
    with pytest.raises(NotFast, match="cross a form's edge"):
        blocks.sheet_xml(
            sheet.format(rows, '<mergeCells count="1"><mergeCell ref="A3:A5"/></mergeCells>')
        )


def test_forms_of_two_heights_are_left_to_openpyxl(merged, monkeypatch):
    book, profile = merged
    fitted = fitted_profile(book, profile)
    import xlfin.io.fastxlsx as F

    real = F.project_starts

    def uneven(spec):
        starts = real(spec)
        return [*starts[:-1], starts[-1] + 1]

    monkeypatch.setattr(F, "project_starts", uneven)
    with pytest.raises(NotFast, match="forms of different heights"):
        TemplatePackage.for_book(fitted)


def test_more_forms_than_an_excel_sheet_has_rows_is_said_before_writing(merged, tmp_path):
    book, profile = merged
    from xlfin.placement import TooManyRows, check_rows

    many = dataclasses.replace(book, projects=book.projects[:1] * 33_826)  # 31 rows each
    with pytest.raises(TooManyRows) as e:
        write_book_fast(many, profile, tmp_path / "x.xlsx")
    assert str(e.value) == (
        "“绩效自评”将有 33826 张绩效自评表、1048605 行，超过 Excel 一个工作表的上限 1048576 行"
        "（每张 31 行，最多 33825 张）；请分批汇总（例如按地区或主管部门），每批的项目合计不超过此数"
        " / more rows than one Excel worksheet holds"
    )
    assert not (tmp_path / "x.xlsx").exists()
    fits = dataclasses.replace(book, projects=book.projects[:1] * 33_825)  # the last row: 1048574
    check_rows(fitted_profile(fits, profile))


def test_a_merge_says_it_as_soon_as_the_forms_outgrow_a_sheet(tmp_path, monkeypatch):
    """The limit is checked while units are added (forms only ever grow): a bureau learns it
    from the first parts, not after reading ten thousand workbooks; nothing is written."""
    from typer.testing import CliRunner

    import xlfin.placement as placement
    from xlfin.cli import app

    monkeypatch.setattr(placement, "EXCEL_ROWS", 200)  # 6 forms of 31 rows
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(app, ["merge", str(SAMPLE), str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 2
    assert (
        "“绩效自评”将有 10 张绩效自评表、309 行，超过 Excel 一个工作表的上限 200 行" in res.output
    )
    assert "最多 6 张" in res.output and not out.exists()


@pytest.fixture(scope="module")
def long_merge(tmp_path_factory):
    """65 units × 5 forms: a sheet of 绩效自评表 of 10,074 rows (more than other sheets are read)."""
    profile = load_profile("nmg-2023")
    book, _notes = merge_books([read_book(SAMPLE, profile) for _ in range(65)], profile)
    out = tmp_path_factory.mktemp("long") / "汇总.xlsx"
    write_book_fast(book, profile, out)
    return out, profile


def test_a_consolidated_workbook_is_checked_whole(long_merge):
    """A sheet of forms is read long (up to 200,000 rows, 16 columns): every form of a big merge
    is read and checked, and nothing is said to be outside a table."""
    from xlfin.rules import run

    out, profile = long_merge
    again = read_book(out, profile)
    assert len(again.projects) == 325 and again.projects[-1].get("name") == "社会力量购买服务"
    assert again.problems == []
    found = run(again, profile).findings
    assert [f for f in found if f.id in ("S015", "S005")] == []
    sample = read_book(SAMPLE, profile)
    n302 = sum(f.id == "N302" for f in run(sample, profile).findings)
    assert n302 == 3 and sum(f.id == "N302" for f in found) == 65 * n302  # every form checked
    one = sample.tables["T01"].get("income_total", "amount")
    assert again.tables["T01"].get("income_total", "amount") == 65 * one


def test_forms_beyond_what_is_read_are_said_to_be_unread(long_merge, monkeypatch):
    """Longer than xlfin reads (here 5,000 rows): the check says the forms after that row were
    neither read nor checked (not to delete them: they are the merge's), and a form the cut
    runs through is left out, not reported as lacking its 总分 row."""
    import xlfin.io.xlsx as X
    from xlfin.rules import run

    monkeypatch.setattr(X, "LONG_ROWS", 5000)
    out, profile = long_merge
    again = read_book(out, profile)
    assert len(again.projects) == 161  # the forms wholly within the first 5,000 rows
    found = run(again, profile).findings
    assert [(f.id, f.where, f.message) for f in found if f.id in ("S015", "S005")] == [
        (
            "S015",
            "绩效自评!A5001",
            "绩效自评表共 10074 行，xlfin 只读这张工作表的前 5000 行：第 5000 行以后的绩效自评表"
            "未读取，也未校验（汇总工作簿的表格照常校验；各项目请在各单位的工作簿中校验）",
        )
    ]


def test_a_part_larger_than_xlfin_reads_is_refused_by_size_not_as_a_zip_bomb(monkeypatch):
    """A consolidated workbook of thousands of units compresses like any workbook (about 9×):
    refused for its size, said so, not called a zip bomb (that is the compression ratio)."""
    import xlfin.io.xlsx as X

    monkeypatch.setattr(X, "MAX_PART_BYTES", 20_000)  # smaller than the sample's biggest sheet
    with pytest.raises(X.ReadError) as e:
        read_book(SAMPLE, "nmg-2023")
    text = str(e.value)
    assert "超过 xlfin 读取的上限" in text and "汇总工作簿请分批汇总" in text
    assert "压缩炸弹" not in text and text.endswith("/ a part is larger than xlfin reads, refused")
