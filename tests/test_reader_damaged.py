"""Deliberately damaged copies of the sample: what accountants really hand in."""

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.io.reader import ReadError, read_book
from xlfin.io.xlsx import _sheet_parts
from xlfin.model import Problem

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
T01 = "收入支出决算总表"
T02 = "收入决算表"
T05 = "一般公共预算财政拨款支出决算表"
T06 = "一般公共预算财政拨款基本支出决算明细表"


def damaged(tmp_path, change, name="d.xlsx") -> Path:
    wb = load_workbook(SAMPLE)
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def kinds(book):
    return [(p.kind, p.sheet, p.cell) for p in book.problems]


def find_row(ws, col, text, start=1):
    for r in range(start, ws.max_row + 1):
        if ws.cell(r, col).value == text:
            return r
    raise AssertionError(text)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("1,421.25", Decimal("1421.25")),
        (" 1421.25 ", Decimal("1421.25")),
        ("１４２１.２５", Decimal("1421.25")),
        ("１,４２１．２５", Decimal("1421.25")),
        (1421.25, Decimal("1421.25")),
        (1421, Decimal("1421")),
    ],
)
def test_numbers_typed_as_text(tmp_path, typed, expected):
    path = damaged(tmp_path, lambda wb: wb[T01].__setitem__("C7", typed))
    book = read_book(path)
    assert book.tables["T01"].get("gpb", "amount") == expected
    assert book.problems == []


@pytest.mark.parametrize("dash", ["-", "—", "－", " - "])
def test_dash_means_zero(tmp_path, dash):
    path = damaged(tmp_path, lambda wb: wb[T01].__setitem__("C8", dash))
    book = read_book(path)
    assert book.tables["T01"].get("gov_fund", "amount") == Decimal(0)


def test_blank_is_not_zero(tmp_path):
    path = damaged(tmp_path, lambda wb: wb[T01].__setitem__("C8", None))
    book = read_book(path)
    assert book.tables["T01"].get("gov_fund", "amount") is None
    assert book.tables["T01"].cell("gov_fund", "amount") is None  # blank: no value stored
    assert str(book.tables["T01"].where("gov_fund", "amount")) == "收入支出决算总表!C8"
    assert book.tables["T01"].get("soe", "amount") == Decimal(0)  # typed 0 stays 0


def test_non_numeric_amount_is_a_problem(tmp_path):
    path = damaged(tmp_path, lambda wb: wb[T01].__setitem__("C14", "四点四二"))
    book = read_book(path)
    assert kinds(book) == [("not_number", T01, "C14")]
    p = book.problems[0]
    assert (p.found, p.expected) == ("四点四二", "数字")
    assert p.message == "八、其他收入应为数字，实为“四点四二”（不是数字）"
    assert book.tables["T01"].get("other", "amount") is None


def test_codes_as_numbers(tmp_path):
    def change(wb):
        ws = wb[T05]
        for r in range(8, ws.max_row + 1):
            v = ws.cell(r, 1).value
            if isinstance(v, str) and v.isdigit():
                ws.cell(r, 1).value = int(v)

    book = read_book(damaged(tmp_path, change))
    assert book.problems == []
    assert book.tables["T05"].get("2013101", "total") == Decimal("1079.35")


def test_codes_split_over_lei_kuan_xiang(tmp_path):
    def change(wb):
        ws = wb[T05]
        ws.unmerge_cells("A4:B4")
        ws.unmerge_cells("A6:B6")
        ws.insert_cols(2, 2)
        ws["A5"], ws["B5"], ws["C5"] = "类", "款", "项"
        for r in range(8, ws.max_row + 1):
            code = ws.cell(r, 1).value
            if isinstance(code, str) and code.isdigit():
                ws.cell(r, 1).value = code[:3]
                ws.cell(r, 2).value = code[3:5] or None
                ws.cell(r, 3).value = code[5:7] or None

    book = read_book(damaged(tmp_path, change))
    t = book.tables["T05"]
    assert t.get("2013101", "total") == Decimal("1079.35")
    assert t.get("20131", "total") == Decimal("1083.88")
    assert t.get("201", "total") == Decimal("1272.05")
    assert t.get("total", "project") == Decimal("331.68")
    assert t.get("2013101", "name") is None and t.rows["2013101"].label == "行政运行"
    assert book.problems == []  # a split 类/款/项 header is a legitimate layout


def test_inserted_blank_rows_and_reordered_rows(tmp_path):
    def change(wb):
        ws = wb[T01]
        ws.insert_rows(10, 2)
        ws = wb[T02]
        a, b = find_row(ws, 1, "2013101"), find_row(ws, 1, "2210201")
        for c in range(1, 10):
            ws.cell(a, c).value, ws.cell(b, c).value = ws.cell(b, c).value, ws.cell(a, c).value

    book = read_book(damaged(tmp_path, change))
    assert book.problems == []
    assert book.tables["T01"].get("income_total", "amount") == Decimal("1425.67")
    assert book.tables["T01"].get("other", "amount") == Decimal("4.42")
    assert book.tables["T02"].get("2013101", "fiscal") == Decimal("1079.33")
    assert book.tables["T02"].get("2210201", "fiscal") == Decimal("26.88")


def test_block_shifted_right_and_down(tmp_path):
    def change(wb):
        ws = wb[T06]
        ws.insert_rows(2)
        ws.insert_cols(1)

    book = read_book(damaged(tmp_path, change))
    assert book.problems == []
    assert book.tables["T06"].get("30199", "amount") == Decimal("817.69")
    assert book.tables["T06"].get("public_total", "amount") == Decimal("53.62")


def _set_xml_cell(path: Path, sheet_part: str, ref: str, new_cell: str) -> None:
    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = items[sheet_part].decode()
    xml, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', new_cell, xml, count=1, flags=re.S)
    assert n == 1
    items[sheet_part] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)


def test_formula_with_cached_value_is_read(tmp_path):
    path = tmp_path / "f.xlsx"
    shutil.copy(SAMPLE, path)
    with zipfile.ZipFile(path) as z:
        part = _sheet_parts(z)[T01]
    _set_xml_cell(
        path,
        part,
        "C31",
        '<c r="C31" t="n"><f>SUM(C7:C14)</f><v>1425.67</v></c>',
    )
    book = read_book(path)
    assert book.problems == []
    assert book.tables["T01"].get("income_total", "amount") == Decimal("1425.67")


def test_formula_without_cached_value_is_reported_not_zero(tmp_path):
    path = damaged(tmp_path, lambda wb: wb[T01].__setitem__("C31", "=SUM(C7:C14)"))
    book = read_book(path)
    assert kinds(book) == [("formula_no_value", T01, "C31")]
    assert "没有计算结果" in book.problems[0].message
    assert book.tables["T01"].get("income_total", "amount") is None


def test_extra_hidden_and_reordered_sheets(tmp_path):
    def change(wb):
        extra = wb.create_sheet("底稿", 0)
        extra["A1"] = "随手记的数"
        wb[T02].sheet_state = "hidden"
        wb.move_sheet(T05, offset=-4)

    book = read_book(damaged(tmp_path, change))
    # read all the same; the order is one note (S020, info), at the first sheet out of place
    assert kinds(book) == [("sheet_order", T05, None)]
    assert book.tables["T02"].get("total", "total") == Decimal("1425.67")
    assert book.tables["T05"].get("total", "total") == Decimal("1421.25")


def test_renamed_sheet_found_by_title(tmp_path):
    book = read_book(damaged(tmp_path, lambda wb: setattr(wb[T05], "title", "表五")))
    assert kinds(book) == [("renamed_sheet", "表五", None)]
    assert book.tables["T05"].get("total", "total") == Decimal("1421.25")


def test_missing_sheet(tmp_path):
    book = read_book(
        damaged(tmp_path, lambda wb: wb.remove(wb["国有资本经营预算财政拨款支出决算表"]))
    )
    assert kinds(book) == [("missing_sheet", "国有资本经营预算财政拨款支出决算表", None)]
    assert book.tables["T09"].present is False


def test_unknown_row_label(tmp_path):
    book = read_book(
        damaged(tmp_path, lambda wb: wb[T01].__setitem__("A12", "六、经营性收入（自编）"))
    )
    assert kinds(book) == [("unknown_row", T01, "A12"), ("missing_row", T01, None)]
    assert book.problems[1].expected == "六、经营收入"


def test_row_label_without_ordinal_still_matches(tmp_path):
    book = read_book(damaged(tmp_path, lambda wb: wb[T01].__setitem__("A14", "其他收入")))
    assert book.problems == []
    assert book.tables["T01"].get("other", "amount") == Decimal("4.42")


def test_header_changed(tmp_path):
    book = read_book(damaged(tmp_path, lambda wb: wb[T02].__setitem__("D4", "财政拨款")))
    assert kinds(book) == [("header_changed", T02, "D4")]
    assert book.problems[0].message == "表头应为“财政拨款收入”，实为“财政拨款”"


def test_bad_and_missing_codes(tmp_path):
    def change(wb):
        ws = wb[T02]
        r = find_row(ws, 1, "2013105")
        ws.cell(r, 1).value = "20131O5"
        r2 = find_row(ws, 1, "2013199")
        ws.cell(r2, 1).value = None

    book = read_book(damaged(tmp_path, change))
    assert [(p.kind, p.found) for p in book.problems] == [
        ("bad_code", "20131O5"),
        ("missing_code", "其他党委办公厅（室）及相关机构事务支出"),
    ]
    assert "2013105" not in book.tables["T02"].rows


def test_duplicate_code(tmp_path):
    def change(wb):
        ws = wb[T02]
        r = find_row(ws, 1, "2013105")
        ws.cell(r, 1).value = "2013101"

    book = read_book(damaged(tmp_path, change))
    assert [(p.kind, p.found) for p in book.problems] == [("duplicate_code", "2013101")]


def test_not_a_number_in_count(tmp_path):
    def change(wb):
        ws = wb["说明数据"]
        r = find_row(ws, 1, "国内公务接待批次")
        ws.cell(r, 2).value = "13.5"

    book = read_book(damaged(tmp_path, change))
    assert [(p.kind, p.found, p.expected) for p in book.problems] == [
        ("not_number", "13.5", "整数")
    ]


# ---------------------------------------------------------------- unreadable files

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.xlsx", b"", "文件为空"),
        ("text.xlsx", b"just some text", "不是有效的 .xlsx 文件"),
        ("old.xls", OLE + b"\x00" * 600, "旧版 .xls"),
        (
            "locked.xlsx",
            OLE + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le"),
            "设置了打开密码",
        ),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_book(path)
    res = CliRunner().invoke(app, ["export", str(path), "-o", str(tmp_path / "x.json")])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="文件不存在"):
        read_book(tmp_path / "nope.xlsx")


def test_workbook_without_any_table(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "hello"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="找不到任何一张决算公开表"):
        read_book(path)


def test_problem_is_plain_data():
    p = Problem("not_number", "s", "A1", "x", "数字", "m")
    assert (p.kind, p.sheet, p.cell) == ("not_number", "s", "A1")


def _repack(src: Path, out: Path, method=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", method) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))


def test_sheet_parts_are_inflated_as_zipfile_reads_them(tmp_path):
    """The scan inflates a deflated sheet in one call: the same bytes as zipfile's reader,
    for a deflated and a stored package; a part whose CRC does not match is refused as
    zipfile refuses it (BadZipFile), and never inflated beyond the size the package states."""
    from xlfin.io.xlsx import _inflate

    stored = tmp_path / "stored.xlsx"
    _repack(SAMPLE, stored, zipfile.ZIP_STORED)
    for path in (SAMPLE, stored):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                assert _inflate(zf, name) == zf.read(name), (path.name, name)
    with zipfile.ZipFile(SAMPLE) as zf:
        part = _sheet_parts(zf)[T01]
        info = zf.getinfo(part)
        info.CRC ^= 0xFF  # a damaged part: its bytes no longer match the CRC stated
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            zf.read(part)
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            _inflate(zf, part)
        info.CRC ^= 0xFF
        assert _inflate(zf, part) == zf.read(part)
        info.file_size = 100  # states less than the part inflates to
        with pytest.raises(zipfile.BadZipFile):
            _inflate(zf, part)


def test_a_check_scans_only_the_sheets_it_reads(monkeypatch):
    """Each sheet's XML is scanned (for formulas without values, error cells, far cells) when
    the format reads it: not the printed cover, not the hidden 代码表."""
    from xlfin.io import xlsx

    scanned = []
    real = xlsx._scan
    monkeypatch.setattr(xlsx, "_scan", lambda data: scanned.append(len(data)) or real(data))
    read_book(SAMPLE)
    with zipfile.ZipFile(SAMPLE) as zf:
        parts = _sheet_parts(zf)
        sizes = {name: zf.getinfo(part).file_size for name, part in parts.items()}
    read = [n for n in sizes if n not in ("公开封面", "代码表")]
    assert len(sizes) == 17 and sorted(scanned) == sorted(sizes[n] for n in read)


def test_reading_some_sheets_again_lays_them_out_once(monkeypatch):
    """A last-year workbook read for its tables only (generate --last-year, one per unit):
    the format with just those sheets is made once, so its layouts are not worked out again
    for every unit's file."""
    import xlfin.layout as layout
    from xlfin.io.reader import read_sheets

    made = []
    real = layout._compute_layout
    monkeypatch.setattr(layout, "_compute_layout", lambda p, sid: made.append(sid) or real(p, sid))
    first, _ = read_sheets(SAMPLE, {"T01", "T05"})
    after_first = len(made)
    again, _ = read_sheets(SAMPLE, {"T01", "T05"})
    assert set(first.tables) == set(again.tables) == {"T01", "T05"}
    assert len(made) == after_first  # nothing laid out again
