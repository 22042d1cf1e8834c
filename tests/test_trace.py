"""Every number the narrative states lives in a cell (#17): after fill, each figure of the text
is found, as printed, in the cell that --trace names, for every profile; no figure is printed
from nowhere; the 情况说明 sheet and the Word publication carry the same sources."""

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.compute import derived, fill_writes
from xlfin.io.reader import read_detected
from xlfin.model import parse_cell
from xlfin.narrative import narrate, narrate_traced
from xlfin.narrative.render import printed_as
from xlfin.profile import ProfileError, check_profile, load_profile, profile_from_raw, raw_from_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
runner = CliRunner()

# numbers of the text that are words, not figures: years, dates, ordinals, 图 numbers and the
# fixed thresholds of the official wording ("单价 100 万元（含）以上")
EXEMPT = re.compile(
    r"^\d{4}(?= ?年)|^\d+(?= ?[月日])|^\d+(?=\.)|^\d+(?=）)|(?<=图)\d|^(?:50|100)(?= 万元（含）)"
)


def _workbook(tmp_path: Path, name: str) -> Path:
    """A filled workbook of each profile: the two samples, and their JSON in the two other
    formats (sh-2024 from the nine-table sample, nmg-2024 from the reference department)."""
    if name in ("jcdj_2023", "mof9_2025", "mof9_2024"):
        src = SAMPLES / f"{name}.xlsx"
    else:
        base, profile, year = {
            "sh-2024": ("mof9_2025", "sh-2024", 2025),
            "nmg-2024": ("jcdj_2023", "nmg-2024", 2024),
        }[name]
        data = json.loads((SAMPLES / f"{base}.json").read_text(encoding="utf-8"))
        data["profile"], data["year"] = profile, year
        js = tmp_path / f"{name}.json"
        js.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        src = tmp_path / f"{name}.xlsx"
        assert runner.invoke(app, ["import", str(js), "-o", str(src)]).exit_code == 0
    out = tmp_path / f"{name}_filled.xlsx"
    res = runner.invoke(app, ["fill", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _cell(wb: CalamineWorkbook, cache: dict, sheet: str, ref: str):
    if sheet not in cache:
        cache[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    row, col = parse_cell(ref)
    rows = cache[sheet]
    if row - 1 >= len(rows) or col - 1 >= len(rows[row - 1]):
        return None
    v = rows[row - 1][col - 1]
    return None if v == "" else Decimal(str(v)) if isinstance(v, int | float) else v


@pytest.mark.parametrize("name", ["jcdj_2023", "nmg-2024", "mof9_2025", "mof9_2024", "sh-2024"])
def test_every_figure_of_the_text_is_in_the_cell_trace_names(tmp_path, name):
    filled = _workbook(tmp_path, name)
    book, found = read_detected(filled, None, None)
    traced = narrate_traced(book, found.profile)
    assert traced.text == narrate(book, found.profile)  # tracing changes no word
    assert traced.figures, "no figure traced"
    wb, cache = CalamineWorkbook.from_path(str(filled)), {}  # the second reader
    for f in traced.figures:
        assert f.source is not None, (f.section, f.printed)
        value = _cell(wb, cache, f.source.sheet, f.source.cell)
        assert printed_as(value, f.printed) == f.printed, (f.section, f.printed, f.source, value)
    # and no number of the prose is printed from nowhere
    covered = [(f.start, f.end) for f in traced.figures] + traced.typed
    covered += [(m.start(), m.end()) for m in re.finditer(r"【[^】]*】", traced.text)]
    loose = []
    for line in re.finditer(r"(?m)^(?![|#]).*$", traced.text):
        for m in re.finditer(r"\d[\d,]*(?:\.\d+)?%?", line.group(0)):
            a, b = line.start() + m.start(), line.start() + m.end()
            if any(s <= a and b <= e for s, e in covered):
                continue
            if EXEMPT.search(traced.text[a:]) or EXEMPT.search(traced.text[a - 1 : a + 3]):
                continue
            loose.append(traced.text[max(0, a - 15) : b + 5])
    assert loose == []


def test_trace_csv_lists_each_figure_with_its_cell(tmp_path):
    out = tmp_path / "trace.csv"
    res = runner.invoke(
        app, ["narrate", str(SAMPLES / "jcdj_2023.xlsx"), "--trace", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "说明中共 266 个数字；无来源单元格 0 个，与单元格不一致 133 个。" in res.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["序号", "所在部分", "数字", "来源单元格", "单元格中的值", "核对", "上下文"]
    assert rows[1][:6] == ["1", "二、部门机构设置及决算单位构成情况", "1", "封面!B17", "1", "一致"]
    assert rows[2][:6] == [
        "2",
        "一、收入支出决算总体情况说明",
        "1,430.98",
        "说明数据!B5",
        "",
        "单元格为空或不同：请先运行 xlfin fill",  # the sample is not filled yet
    ]
    filled = _workbook(tmp_path, "jcdj_2023")
    res = runner.invoke(app, ["narrate", str(filled), "--trace"])
    assert res.exit_code == 0
    assert "说明中共 266 个数字；无来源单元格 0 个，与单元格不一致 0 个。" in res.output
    assert "\n5,一、收入支出决算总体情况说明,14.40,说明数据!E5,14.4,一致," in res.output
    res = runner.invoke(app, ["narrate", str(filled), "--trace", "-o", str(tmp_path / "t.md")])
    assert res.exit_code == 2 and "--trace 只能输出为 .csv" in res.output


def test_fill_writes_the_figures_the_text_computed(tmp_path):
    filled = _workbook(tmp_path, "jcdj_2023")
    book, found = read_detected(filled, None, None)
    notes = book.tables["NOTES"]
    got = {
        key: (str(notes.where(key, "value")), notes.get(key, "value"))
        for key in ("sme_share", "micro_share", "goods_share", "services_share", "perf_share")
    }
    assert got == {
        "sme_share": ("说明数据!B147", Decimal("0.3367")),
        "micro_share": ("说明数据!B148", Decimal("0.3006")),
        "goods_share": ("说明数据!B150", Decimal("0.4256")),
        "services_share": ("说明数据!B152", Decimal("0.0808")),
        "perf_share": ("说明数据!B153", Decimal("1.0115")),
    }
    assert notes.get("works_share", "value") is None  # 工程 0: no rate on a zero base
    assert [notes.get(k, "value") for k in ("fund_projects", "perf_forms", "perf_total")] == [
        0,
        5,
        5,
    ]
    rates = [p.funds["total"]["rate"].value for p in book.projects]
    assert rates == [Decimal("0.8933"), 1, 1, Decimal("0.828"), Decimal("0.7231")]
    assert book.projects[0].funds["total"]["rate"].source.cell == "G6"
    shares = {r.code: r.get("share") for r in notes.rows.values() if r.block == "items"}
    assert shares["201"] == Decimal("0.895")  # 1,272.05 of 1,421.25


def test_derived_figures_zero_base_blank_and_sums():
    book, found = read_detected(SAMPLES / "mof9_2025.xlsx", None, None)
    d = derived(book, found.profile)
    assert d == {
        "sme_share": Decimal("85.68"),
        "micro_share": Decimal("66.67"),
        "micro_of_sme": Decimal("77.81"),
        "perf_share": Decimal("100.00"),
        "fund_projects": Decimal("1"),
        "perf_forms": Decimal("2"),
        "perf_total": Decimal("3"),
    }
    book.forms["NOTES.performance"]["fund_level1"].value = None
    book.forms["NOTES.performance"]["fund_level2"].value = None
    book.tables["T11"].rows["procurement_total"].cells["value"].value = Decimal(0)
    d = derived(book, found.profile)
    assert d["fund_projects"] is None and d["perf_total"] == Decimal("2")
    assert d["sme_share"] is None and d["micro_share"] is None
    writes = {w.cell: w.value for w in fill_writes(book, found.profile) if w.sheet == "说明数据"}
    assert writes["B147"] is None  # a rate that does not exist clears its cell


def test_the_narrative_sheet_links_each_paragraph_to_its_cells(tmp_path):
    filled = _workbook(tmp_path, "jcdj_2023")
    out = tmp_path / "with.xlsx"
    res = runner.invoke(app, ["narrate", str(filled), "--into-workbook", str(out)])
    assert res.exit_code == 1  # written; the sample's errors listed
    from openpyxl import load_workbook

    ws = load_workbook(out)["情况说明"]
    row = next(r for r in ws.iter_rows() if "收入、支出决算总计 1,430.98" in str(r[0].value))
    assert [c.value for c in row[1:] if c.value] == [
        "说明数据!B5",  # 总计
        "说明数据!G5",  # 较年初预算增减额
        "说明数据!H5",  # 较年初预算增减率
        "说明数据!E5",  # 较上年增减额
        "说明数据!F5",  # 较上年增减率
    ]
    assert row[1].hyperlink.target == "#'说明数据'!B5"
    assert ws.print_area == "'情况说明'!$A$1:$A$" + str(ws.max_row)


def test_publish_trace_puts_each_figures_cell_in_a_comment(tmp_path):
    filled = _workbook(tmp_path, "mof9_2025")
    out = tmp_path / "公开.docx"
    res = runner.invoke(app, ["publish", str(filled), "-o", str(out), "--trace"])
    assert res.exit_code == 0, res.output
    from docx import Document

    doc = Document(str(out))
    comments = list(doc.comments)
    book, found = read_detected(filled, None, None)
    traced = narrate_traced(book, found.profile, publish=True)
    assert [c.text for c in comments] == [f"来源：{f.source}" for f in traced.figures]
    plain = tmp_path / "plain.docx"
    assert runner.invoke(app, ["publish", str(filled), "-o", str(plain)]).exit_code == 0
    assert [p.text for p in Document(str(plain)).paragraphs] == [p.text for p in doc.paragraphs]


def test_profile_rows_remove_and_checked_references():
    base = (ROOT / "tests" / "profiles" / "mini.toml").read_text(encoding="utf-8")
    raw = raw_from_text(base)
    p = profile_from_raw(raw)
    assert check_profile(p) == []
    mof9 = load_profile("mof9", 2025)
    keys = [r.key for r in mof9.sheet("NOTES").block("derived").rows]
    assert "goods_share" not in keys and "sme_share" in keys
    bad = raw_from_text(
        (ROOT / "xlfin" / "profiles" / "nmg-2023.toml")
        .read_text(encoding="utf-8")
        .replace(
            '"T11.sme_total.value", "T11.procurement_total.value"',
            '"T11.nowhere.value", "T11.procurement_total.value"',
        )
    )
    problems = check_profile(profile_from_raw(bad, 2023))
    assert problems == ["NOTES.sme_share: T11.nowhere.value does not exist"]
    with pytest.raises(ProfileError, match="rows_remove: 没有行"):
        raw_from_text(
            'id = "x"\nextends = "nmg-2023"\n[[sheets]]\nid = "NOTES"\n[[sheets.blocks]]\n'
            'key = "derived"\nrows_remove = ["nothing"]\n'
        )
