"""JSON interchange: exact round trips, the committed sample files, malformed input."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.interchange import InterchangeError, book_to_data, data_to_book, dec_str
from xlfin.io.reader import read_book
from xlfin.io.writer import write_book

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
SAMPLE_JSON = ROOT / "samples" / "jcdj_2023.json"
runner = CliRunner()


def test_round_trip_is_exact(tmp_path, profile):
    first = book_to_data(read_book(SAMPLE), profile)
    write_book(data_to_book(first, profile), profile, tmp_path / "again.xlsx")
    second = book_to_data(read_book(tmp_path / "again.xlsx"), profile)
    assert first == second
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)


def test_committed_json_is_the_export_of_the_committed_workbook(profile):
    data = book_to_data(read_book(SAMPLE), profile)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    assert text == SAMPLE_JSON.read_text(encoding="utf-8")


def test_committed_workbook_is_the_import_of_the_committed_json(tmp_path):
    out = tmp_path / "s.xlsx"
    res = runner.invoke(app, ["import", str(SAMPLE_JSON), "-o", str(out)])
    assert res.exit_code == 0, res.output
    from pkgcompare import differing_parts

    assert differing_parts(out, SAMPLE) == []


def test_decimals_are_strings_without_float_drift(profile):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    t01 = {r["key"]: r["values"] for r in data["tables"]["T01"]["rows"]}
    assert t01["income_total"] == {"amount": "1425.67"}
    assert t01["use_nonfiscal"] == {"amount": "0"}
    assert data["forms"]["NOTES.sangong"]["domestic_people"] == 60


@pytest.mark.parametrize(
    "text,expected",
    [
        ("26.80", "26.8"),
        ("0.00", "0"),
        ("1425.07", "1425.07"),
        ("100", "100"),
        ("12.345", "12.345"),
    ],
)
def test_dec_str(text, expected):
    from decimal import Decimal

    assert dec_str(Decimal(text)) == expected


def test_more_rows_and_projects_than_the_blank_template(tmp_path, profile):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    extra = [
        {"block": "main", "code": f"20{i:03d}", "name": f"测试{i}", "values": {"total": "1"}}
        for i in range(100, 160)
    ]
    data["tables"]["T09"]["rows"] = extra
    data["projects"] = data["projects"] * 2
    data["projects"][0]["indicators"] = data["projects"][0]["indicators"] * 3
    book = data_to_book(data, profile)
    write_book(book, profile, tmp_path / "big.xlsx")
    back = book_to_data(read_book(tmp_path / "big.xlsx"), profile)
    assert back == book_to_data(book, profile)
    assert len(back["tables"]["T09"]["rows"]) == 60
    assert len(back["projects"]) == 10
    assert len(back["projects"][0]["indicators"]) == 30


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d.pop("format"), "不是 xlfin 的 JSON 数据"),
        (lambda d: d.update(version=9), "不支持的 JSON 版本：9"),
        (lambda d: d["tables"].update(T99={"rows": []}), "未知的表：T99"),
        (
            lambda d: d["tables"]["T01"]["rows"][0]["values"].update(amount="12,3x"),
            "T01 第 1 行.amount：“12,3x”不是数字",
        ),
        (lambda d: d["tables"]["T01"]["rows"][0].update(key="nope"), "T01 第 1 行：未知的行“nope”"),
        (
            lambda d: d["forms"]["COVER.unit"].update(colour="red"),
            "COVER.unit 中未知的填报项：colour",
        ),
        (lambda d: d["forms"]["NOTES.sangong"].update(domestic_people="六十"), "“六十”不是整数"),
    ],
)
def test_malformed_json(profile, mutate, message):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(InterchangeError, match=message):
        data_to_book(data, profile)


def test_cli_import_bad_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    res = runner.invoke(app, ["import", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "不是有效的 JSON 文件" in res.output
    res = runner.invoke(
        app, ["import", str(tmp_path / "none.json"), "-o", str(tmp_path / "x.xlsx")]
    )
    assert res.exit_code == 2 and "文件不存在" in res.output
    other = tmp_path / "other.json"
    other.write_text('{"format": "xlfin.book", "version": 1, "profile": "zz"}', encoding="utf-8")
    res = runner.invoke(app, ["import", str(other), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "未知的格式" in res.output


def test_cli_export_refuses_overwrite(tmp_path):
    out = tmp_path / "s.json"
    out.write_text("keep", encoding="utf-8")
    res = runner.invoke(app, ["export", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output
    assert out.read_text(encoding="utf-8") == "keep"
    res = runner.invoke(app, ["export", str(SAMPLE), "-o", str(out), "--force"])
    assert res.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["profile"] == "nmg-2023"


def test_second_reader_openpyxl_agrees_with_calamine():
    """Files we write are re-read by openpyxl too: every amount cell agrees."""
    from decimal import Decimal

    from openpyxl import load_workbook

    book = read_book(SAMPLE)
    wb = load_workbook(SAMPLE, data_only=True)
    n = 0
    for t in book.tables.values():
        for row in t.rows.values():
            for cell in row.cells.values():
                if isinstance(cell.value, Decimal) and cell.source:
                    v = wb[cell.source.sheet][cell.source.cell].value
                    assert Decimal(str(v)) == cell.value, cell.source
                    n += 1
    assert n > 200


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d.update(year=[2023]), r"\$\.year：应为四位数的年度"),
        (lambda d: d.update(forms=[]), r"\$\.forms：应为对象"),
        (lambda d: d["tables"].update(T01="x"), r"\$\.tables\.T01：应为对象"),
        (
            lambda d: d["tables"]["T01"]["rows"][0].update(values=[1]),
            r"\$\.tables\.T01\.rows\[0\]\.values：应为对象",
        ),
        (
            lambda d: d["projects"][0].update(indicators={}),
            r"\$\.projects\[0\]\.indicators：应为数组",
        ),
        (
            lambda d: d["forms"]["COVER.unit"].update(year={"a": 1}),
            r"\$\.forms\.COVER\.unit\.year：应为文字、数字或 null",
        ),
        (
            lambda d: d["tables"]["T01"]["rows"][0]["values"].update(amount="Infinity"),
            "不是合理的金额",
        ),
        (lambda d: d["tables"]["T01"]["rows"][0]["values"].update(amount="1e26"), "不是合理的金额"),
    ],
)
def test_json_shape_errors_name_their_path(profile, mutate, message):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(InterchangeError, match=message):
        data_to_book(data, profile)


@pytest.mark.parametrize(
    "text,message",
    [
        (
            '{"format": "xlfin.book", "version": 1, "profile": "nmg-2023", "year": NaN}',
            "不接受 NaN",
        ),
        ("[" * 100000 + "]" * 100000, "嵌套过深"),
        (
            '{"format": "xlfin.book", "version": 1, "profile": "nmg-2023", "forms": []}',
            "$.forms：应为对象",
        ),
    ],
)
def test_cli_import_refuses_bad_documents_in_one_line(tmp_path, text, message):
    src = tmp_path / "d.json"
    src.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["import", str(src), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o.xlsx").exists()
