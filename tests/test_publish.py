"""The publication (xlfin publish): read back from the .docx (python-docx and its XML), and
through LibreOffice as PDF where soffice is installed; the 图表 sheet that fill adds."""

import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from lxml import etree
from typer.testing import CliRunner

from xlfin.cli import app
from xlfin.io.docx_writer import _span_groups, table_widths
from xlfin.io.reader import read_detected
from xlfin.narrative import narrate
from xlfin.publication import GridCell, placeholders, publication

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
MOF9 = ROOT / "samples" / "mof9_2025.xlsx"
runner = CliRunner()
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _book(path):
    book, found = read_detected(path, None, None)
    return book, found.profile


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "公开.docx"
    res = runner.invoke(app, ["publish", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 1, res.output  # written; the sample's own errors are listed
    return out, res.output


def _table_texts(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_every_published_table_with_headers_and_the_samples_figures(published):
    out, _ = published
    doc = Document(str(out))
    book, profile = _book(SAMPLE)
    titles = [p.text for p in doc.paragraphs]
    for spec in profile.published:
        assert spec.title in titles, spec.title
    tables = [_table_texts(t) for t in doc.tables]

    def find(first_header):
        return next(t for t in tables if t[0][0] == first_header and len(t) > 2)

    t01 = next(t for t in tables if t[0][0] == "收入" and t[0][-1] == "支出")
    assert t01[1] == ["项目", "行次", "决算数", "项目", "行次", "决算数"]
    assert t01[2][0] == "栏次" and t01[2][2] == "1" and t01[2][5] == "2"
    assert t01[3][:3] == ["一、一般公共预算财政拨款收入", "1", "1,421.25"]
    assert t01[-1] == ["总计", "12", "1,430.98", "总计", "40", "1,430.98"]
    assert t01[4][5] == ""  # 外交支出 blank in the workbook: blank, not 0.00
    t03 = next(t for t in tables if "本年支出合计" in t[0] and "基本支出" in t[0])
    assert t03[1][:2] == ["科目编码", "科目名称"]
    assert t03[3][:5] == ["合计", "合计", "1,425.07", "1,089.57", "335.51"]  # 合计 spans 2
    assert ["2013101", "行政运行", "1,079.34", "982.21", "97.13"] == t03[8][:5]
    # codes are text, as typed: a leading digit string, never a number format
    assert all(re.fullmatch(r"\d{3}(\d{2}){0,2}", r[0]) for r in t03[4:])
    assert find("项目")  # the 三公 table and others have their headers
    # every table's header rows repeat on each page and no row splits across pages
    grids = [t for t in doc.tables[1:] if t.rows[0].cells[0].text != "项目名称"]
    assert len(grids) == len(profile.published) == 11
    for t in grids:
        first = t.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in t.rows)


def test_wide_tables_are_on_landscape_pages():
    assert table_widths(["label", "line", "value", "label", "line", "value"])[0] is False
    landscape, widths = table_widths(["code", "label"] + ["value"] * 6)
    assert landscape is True and abs(sum(widths) - (29.7 - 4.0)) < 1e-9
    landscape, widths = table_widths(["code", "label", "value", "value", "value"])
    assert landscape is False and abs(sum(widths) - (21.0 - 5.2)) < 1e-9


def test_two_native_charts_whose_shares_match_the_tables(published):
    out, _ = published
    with zipfile.ZipFile(out) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n))
        assert len(names) == 2
        assert len([n for n in z.namelist() if n.startswith("word/embeddings/")]) == 2
        charts = [etree.fromstring(z.read(n)) for n in names]
    got = []
    for space in charts:
        title = "".join(t.text for t in space.find(f"{C}chart/{C}title").iter() if t.text)
        cats = [v.text for v in space.find(f".//{C}cat").iter(f"{C}v")]
        vals = [Decimal(v.text) for v in space.find(f".//{C}val").iter(f"{C}v")]
        total = sum(vals)
        shares = [(v * 100 / total).quantize(Decimal("0.01")) for v in vals]
        fmt = space.find(f".//{C}dLbls/{C}numFmt").get("formatCode")
        got.append((title, cats, vals, shares, fmt))
    assert got[0] == (
        "收入决算图",
        ["一般公共预算财政拨款收入", "其他收入"],
        [Decimal("1421.25"), Decimal("4.42")],
        [Decimal("99.69"), Decimal("0.31")],  # as 二、收入决算情况说明 says, of 表一
        "0.00%",
    )
    assert got[1][:4] == (
        "支出决算图",
        ["基本支出", "项目支出"],
        [Decimal("1089.57"), Decimal("335.51")],
        [Decimal("76.46"), Decimal("23.54")],  # 三、支出决算情况说明, of 表三
    )
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("图1 - 收入决算图")  # the caption under the chart
    assert doc.paragraphs[i - 1]._p.find(f".//{W}drawing") is not None


def test_toc_field_page_breaks_and_page_numbers(published):
    out, _ = published
    doc = Document(str(out))
    body = doc.element.body
    instr = " ".join(t.text for t in body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instr
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    # each 部分 starts a new section (a new page): the paragraph before it closes a section
    paragraphs = doc.paragraphs
    parts = [i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1"]
    assert [paragraphs[i].text for i in parts] == [
        "第一部分 部门概况",
        "第二部分 部门决算情况说明",
        "第三部分 名词解释",
        "第四部分 决算公开联系方式及信息反馈渠道",
        "第五部分 2023 年度部门决算表",
        "第六部分 附件",
    ]
    for i in parts:
        prev = paragraphs[i - 1]._p
        assert prev.pPr is not None and prev.pPr.find(qn("w:sectPr")) is not None
    # the cover is a page of its own, without a page number; numbering starts at 第一部分
    assert paragraphs[0].text == ""
    cover = next(p for p in paragraphs if p.text.startswith("2023 年度"))
    assert cover.text.endswith("部门决算公开")
    numbered = [s for s in doc.sections if not s.footer.is_linked_to_previous]
    assert len(numbered) == 1
    footer_instr = [t.text for t in numbered[0].footer._element.iter(qn("w:instrText"))]
    assert footer_instr == [" PAGE "]
    assert doc.sections[0].footer.is_linked_to_previous  # no footer on the cover
    # elements in the schema's order (Word refuses a file otherwise)
    tags = [el.tag for el in numbered[0]._sectPr]
    assert tags.index(qn("w:pgNumType")) < tags.index(qn("w:cols"))
    tags = [el.tag for el in settings]
    assert tags.index(qn("w:updateFields")) < tags.index(qn("w:compat"))


def test_every_performance_form_is_complete(published):
    out, _ = published
    doc = Document(str(out))
    forms = [_table_texts(t) for t in doc.tables if t.rows[0].cells[0].text == "项目名称"]
    assert len(forms) == 5
    rates = []
    for f in forms:
        labels = [r[0] for r in f]
        assert labels[:3] == ["项目名称", "主管部门及代码", "项目资金（万元）"]
        assert "年度总体目标" in labels and "绩效指标" in labels and labels[-1] == "总分"
        assert f[2][2:] == [
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "执行率",
            "得分",
        ]
        assert [r[1] for r in f[3:6]] == ["年度资金总额", "其中：财政拨款", "其他资金"]
        rates.append(f[3][6])
    assert rates == ["89.33%", "100.00%", "100.00%", "82.80%", "72.31%"]
    first = forms[0]
    assert first[0][1] == "宣传工作经费"
    assert first[3][2:] == ["30.00", "30.00", "26.80", "10", "89.33%", "89.33%", "9"]
    assert first[-1][-3:] == ["100", "97", ""]  # scores as the form prints them
    i = next(n for n, r in enumerate(first) if r[1] == "一级指标")
    assert first[i + 1][1:8] == [
        "产出指标 (50)",
        "数量指标",
        "更换户外宣传牌",
        "10 块",
        "10 块",
        "5",
        "5",
    ]
    assert first[i + 2][1] == "产出指标 (50)"  # the 一级指标 spans its group


def test_markers_highlighted_counted_and_no_two_items_in_a_paragraph(published):
    out, output = published
    doc = Document(str(out))
    marked = [
        r.text
        for p in doc.paragraphs
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert marked == [
        "【请填写变动原因】",
        "【请核对：比率超过 300%】",  # 完成年初预算的 424.89%
        "【请核对：T961】",  # figures that 表十一's T961 error involves
        "【请核对：T961】",
        "【请核对：T961】",
        "【请核对：T961】",
        "【请核对：表五一般公共预算项目支出为 331.68 万元】",
        "【请核对：各项得分之和为 96 分】",
        "【请核对：各项得分之和为 110 分】",
        "【请核对：各项得分之和为 97 分】",
    ]
    assert "文中有 10 处待填写/待核对标记" in output and "【请核对：T961】 × 4" in output
    for p in doc.paragraphs:  # a numbered item or a sub-heading never runs into the text before it
        assert not re.search(r"[。；]\s*(\d+\.\s|（[一二三四五六七八九十]+）)", p.text), p.text


def test_strict_writes_nothing_while_markers_or_errors_remain(tmp_path):
    out = tmp_path / "公开.docx"
    res = runner.invoke(app, ["publish", str(SAMPLE), "-o", str(out), "--strict"])
    assert res.exit_code == 1 and not out.exists()
    assert "--strict：未生成公开文件。" in res.output
    clean = tmp_path / "mof9.docx"  # the constructed nine-table sample has neither
    res = runner.invoke(app, ["publish", str(MOF9), "-o", str(clean), "--strict"])
    assert res.exit_code == 0, res.output
    doc = Document(str(clean))
    _, profile = _book(MOF9)
    titles = [p.text for p in doc.paragraphs]
    assert [s.title for s in profile.published if s.title in titles] == [
        s.title for s in profile.published
    ]
    assert not any(s.id == "T11" for s in profile.published)  # an input sheet, not printed


def test_publish_refuses_other_suffixes_and_existing_files(tmp_path):
    res = runner.invoke(app, ["publish", str(SAMPLE), "-o", str(tmp_path / "x.md")])
    assert res.exit_code == 2 and "只能输出为 .docx 或 .pdf" in res.output
    out = tmp_path / "x.docx"
    out.write_bytes(b"mine")
    res = runner.invoke(app, ["publish", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 2 and out.read_bytes() == b"mine"


def test_pdf_without_word_or_libreoffice_says_so_in_one_line(tmp_path, monkeypatch):
    import xlfin.io.office as office

    monkeypatch.setattr(office, "soffice_path", lambda: None)
    monkeypatch.setattr(office, "_word_mac", lambda docx, pdf: False)
    monkeypatch.setattr(office.sys, "platform", "linux")
    out = tmp_path / "公开.pdf"
    res = runner.invoke(app, ["publish", str(MOF9), "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    assert "生成 PDF 需要 Microsoft Word 或 LibreOffice（soffice）" in res.output


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and pdftotext are not installed",
)
def test_pdf_through_libreoffice_has_every_heading_table_and_figure(tmp_path):
    out = tmp_path / "公开.pdf"
    res = runner.invoke(app, ["publish", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 1 and out.exists(), res.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    book, profile = _book(SAMPLE)
    md = narrate(book, profile, "md", publish=True)
    for line in md.splitlines():
        if line.startswith("#"):
            assert re.sub(r"\s+", "", line.lstrip("# ")) in flat, line
    for spec in profile.published:
        assert re.sub(r"\s+", "", spec.title) in flat, spec.title
    for figure in ("1,430.98", "1,421.25", "99.69%", "76.46%", "89.33%", "72.31%", "公开11表"):
        assert figure in flat, figure
    # the 目录 has page numbers when LibreOffice's Python could update it
    if "目录页码未更新" not in res.output:
        assert re.search(r"收入决算表\s*\.{3,}\s*\d+", text)


def test_markdown_and_sheet_have_the_full_performance_form(tmp_path):
    book, profile = _book(SAMPLE)
    md = narrate(book, profile, "md")
    assert "| 年度资金总额 | 30.00 | 30.00 | 26.80 | 10 | 89.33% | 9 |" in md
    rates = re.findall(r"^\| 年度资金总额 \|(?: [^|]* \|){4} ([\d.]+%) \|", md, re.M)
    assert rates == ["89.33%", "100.00%", "100.00%", "82.80%", "72.31%"]
    assert md.count("| 项目名称 | ") == 5 and md.count("| 总分 |") == 5
    assert "<!-- xlfin:" not in md  # markers are for the publication only
    out = tmp_path / "with.xlsx"
    res = runner.invoke(app, ["narrate", str(SAMPLE), "--into-workbook", str(out)])
    assert res.exit_code == 1
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("情况说明").to_python()
    cells = [str(r[0]) for r in rows]
    assert "年度资金总额　30.00　30.00　26.80　10　89.33%　9" in cells


def test_placeholders_and_span_groups():
    assert placeholders("a【请填写变动原因】b【请核对：x】【其他】") == [
        "【请填写变动原因】",
        "【请核对：x】",
    ]
    rows = [
        [None, GridCell(a, "text"), GridCell(b, "text")]
        for a, b in [("产出", "数量"), ("", ""), ("", "质量"), ("效益", ""), ("", "")]
    ]
    _span_groups(rows, (1, 2))
    spans = [[(c.text, c.rowspan) if c else None for c in r[1:]] for r in rows]
    assert spans == [
        [("产出", 3), ("数量", 2)],
        [None, None],
        [None, ("质量", 1)],
        [("效益", 2), ("", 2)],  # a 二级 group never runs past its 一级 group
        [None, None],
    ]


def test_chart_data_skip_zero_slices_and_forms_never_rate_a_zero_budget():
    book, profile = _book(SAMPLE)
    pub = publication(book, profile)
    assert pub.charts["income"].keys == ["inc_gpb", "inc_other"]
    p = book.projects[0]
    p.funds["total"]["annual_budget"].value = Decimal(0)
    from xlfin.publication import project_form

    assert project_form(p).funds[0][5] == ""


def test_fill_adds_the_chart_sheet_on_the_notes_cells(tmp_path):
    out = tmp_path / "已计算.xlsx"
    res = runner.invoke(app, ["fill", str(SAMPLE), "-o", str(out)])
    assert res.exit_code == 0 and "“图表”工作表" in res.output
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names[-1] == "图表"
    assert wb.get_sheet_by_name("图表").to_python()[0][0].startswith("图1、图2")
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
    assert len(xml) == 2
    assert "'说明数据'!$B$7:$B$14" in xml[0] and "'说明数据'!$A$7:$A$14" in xml[0]
    assert "'说明数据'!$B$18:$B$22" in xml[1]
    assert '<numFmt formatCode="0.00%" sourceLinked="0"/>' in xml[0]
    hidden = re.findall(r"<dLbl><idx val=\"(\d+)\"/>", xml[0])
    assert hidden == ["1", "2", "3", "4", "5", "6"]  # no 0.00% label on a zero slice
    again = tmp_path / "again.xlsx"  # a second fill replaces the sheet, never adds one
    assert runner.invoke(app, ["fill", str(out), "-o", str(again)]).exit_code == 0
    wb2 = CalamineWorkbook.from_path(str(again))
    assert wb2.sheet_names.count("图表") == 1
    with zipfile.ZipFile(again) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2


@pytest.mark.parametrize(
    ("base", "profile_id", "year"),
    [("mof9_2025", "sh-2024", 2025), ("jcdj_2023", "nmg-2024", 2024)],
)
def test_every_format_publishes_its_tables(tmp_path, base, profile_id, year):
    import json

    data = json.loads((ROOT / "samples" / f"{base}.json").read_text(encoding="utf-8"))
    data["profile"], data["year"] = profile_id, year
    js = tmp_path / "unit.json"
    js.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    wb = tmp_path / "unit.xlsx"
    assert runner.invoke(app, ["import", str(js), "-o", str(wb)]).exit_code == 0
    out = tmp_path / "公开.docx"
    assert runner.invoke(app, ["publish", str(wb), "-o", str(out)]).exit_code in (0, 1)
    doc = Document(str(out))
    _, profile = _book(wb)
    titles = [p.text for p in doc.paragraphs]
    assert [s.title for s in profile.published if s.title in titles] == [
        s.title for s in profile.published
    ]
    grids = [t for t in doc.tables[1:] if t.rows[0].cells[0].text != "项目名称"]
    assert len(grids) == len(profile.published)
