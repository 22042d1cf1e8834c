"""Bulk: generate many units, check a folder, merge units (汇总)."""

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook
from typer.testing import CliRunner

from xlfin.bulk import _consolidate_chunk as _real_chunk
from xlfin.bulk import merge_books, safe_filename, unit_book
from xlfin.cli import app
from xlfin.interchange import book_to_data, data_to_book
from xlfin.io.fastxlsx import TemplatePackage
from xlfin.io.reader import read_book
from xlfin.io.writer import write_book
from xlfin.placement import cell_values, fitted_profile, page_header
from xlfin.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"
DEPT = "中共阿拉善盟高新技术产业开发区工作委员会（中共阿左旗乌斯太镇委员会）基层党的建设办公室"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def write_units(
    path, rows, header=("unit_code", "unit_name", "head", "preparer", "contact", "phone", "nature")
):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """50 units, one of them the reference department (matched to last year's sample by name)."""
    d = tmp_path_factory.mktemp("gen")
    rows = [
        (
            f"15{i:04d}",
            f"测试单位{i}",
            f"负责人{i}",
            "编制人",
            "联系人",
            f"0483-{i:07d}",
            "财政拨款的行政单位",
        )
        for i in range(1, 50)
    ]
    rows.append(("159999", DEPT, "魏治华", "聂鹏", "李渊", "0483-8187268", "财政拨款的行政单位"))
    write_units(d / "units.csv", rows)
    budget = d / "budget.csv"
    with open(budget, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "item", "budget"])
        w.writerows(
            [
                ["159999", "收支总计", "2100.00"],
                ["159999", "2013101", "1400"],
                ["159999", "sg_reception", "2"],
                ["150001", "收支总计", "十万"],
            ]
        )
    last = d / "last"
    last.mkdir()
    (last / "上年.xlsx").write_bytes(SAMPLE.read_bytes())
    out = d / "out"
    res = run(
        "generate",
        "--units",
        d / "units.csv",
        "--year",
        "2024",
        "--out",
        out,
        "--last-year",
        last,
        "--budget",
        budget,
        "--jobs",
        "2",
    )
    return d, out, res


def test_generate_fifty_units(generated):
    _d, out, res = generated
    assert res.exit_code == 0, res.output
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == 50
    assert "已生成 50，已跳过 0，失败 0" in res.output
    assert "预算文件第 5 行（150001）：年初预算“十万”不是数字" in res.output


def test_generated_files_in_both_readers(generated):
    _d, out, _res = generated
    for f in sorted(out.glob("*.xlsx")):  # every unit: its own name on the cover, calamine
        cover = (
            python_calamine.CalamineWorkbook.from_path(str(f)).get_sheet_by_name("封面").to_python()
        )
        code, name = f.stem.split("_", 1)
        assert [cover[3][1], cover[4][1]] == [name, code], f.name
    f = out / "150007_测试单位7.xlsx"
    ws = load_workbook(f)["封面"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, 18)}
    assert (
        values["部门名称"] == "测试单位7"
        and values["单位编码"] == "150007"
        and values["年度"] == 2024
    )
    assert values["联系电话"] == "0483-0000007"
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(f))
        .get_sheet_by_name("收入支出决算总表")
        .to_python()
    )
    assert rows[2][0] == "测试单位7"  # 编制单位 in A3 (its label is the format)
    book = read_book(f, load_profile("nmg-2023", 2024))
    assert book.problems == [] and book.year == 2024


def test_last_year_and_budget_carried(generated):
    _d, out, res = generated
    book = read_book(out / f"159999_{DEPT}.xlsx", load_profile("nmg-2023", 2024))
    notes = book.tables["NOTES"]
    assert notes.get("income_total", "prior") == Decimal("1425.67")  # last year's 本年收入合计
    assert notes.get("end_balance", "prior") == Decimal("5.91")  # → expected 年初结转和结余
    assert notes.get("grand_total", "budget") == Decimal("2100")
    assert (
        notes.get("2013101", "budget") == Decimal("1400")
        and notes.rows["2013101"].label == "行政运行"
    )
    assert book.tables["T10"].get("sangong", "budget_reception") == Decimal("2")
    assert "150001 测试单位1：已生成，上年工作簿中找不到该单位，未填上年决算" in res.output


def test_generation_summary_csv(generated):
    _d, out, _res = generated
    with open(out / "生成结果.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 50 and {r["状态"] for r in rows} == {"已生成"}


def test_existing_outputs_skipped_unless_force(generated):
    d, out, _res = generated
    res = run("generate", "--units", d / "units.csv", "--year", "2024", "--out", out)
    assert res.exit_code == 0 and "已生成 0，已跳过 50，失败 0" in res.output
    res = run("generate", "--units", d / "units.csv", "--year", "2024", "--out", out, "--force")
    assert "已生成 50，已跳过 0，失败 0" in res.output


def test_names_bad_rows_and_duplicates(tmp_path):
    rows = [
        ("1", 'A\\B/C:D*E?F"G<H>I|J', "", "", "", "", ""),
        ("2", "../../etc/passwd", "", "", "", "", ""),
        ("3", "CON", "", "", "", "", ""),
        ("3", "重复编码", "", "", "", "", ""),
        ("4", "", "", "", "", "", ""),
        ("", "同名", "", "", "", "", ""),
        ("", "同名", "", "", "", "", ""),
        ("5", "=HYPERLINK(1)", "", "", "", "", ""),
        ("6", "很长" * 60, "", "", "", "", ""),
    ]
    write_units(
        tmp_path / "u.csv",
        rows,
        header=("单位编码", "单位名称", "负责人", "编制人", "联系人", "电话", "备注列"),
    )
    out = tmp_path / "out"
    res = run("generate", "--units", tmp_path / "u.csv", "--out", out)
    assert res.exit_code == 1  # some rows failed; the others were generated
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert names == sorted(
        [
            "1_A_B_C_D_E_F_G_H_I_J.xlsx",
            "2_etc_passwd.xlsx",
            "3_CON.xlsx",
            "同名.xlsx",
            "同名-2.xlsx",
            "6_" + "很长" * 39 + ".xlsx",
        ]
    )
    assert all(p.parent == out for p in out.iterdir())
    assert "第 5 行：单位编码 3 重复" in res.output
    assert "第 6 行没有单位名称" in res.output
    assert "单位名称不能以 = + @ 开头" in res.output
    assert "未知的列“备注列”已忽略" in res.output


@pytest.mark.parametrize(
    "code,name,expected",
    [
        ("", "CON", "_CON.xlsx"),
        ("", "..", "单位.xlsx"),
        ("", "a/../b", "a_b.xlsx"),
        ("01", " 尾点. ", "01_ 尾点.xlsx"),
    ],
)
def test_safe_filename(code, name, expected):
    assert safe_filename(code, name, set()) == expected


def test_fast_writer_is_byte_identical_to_openpyxl(tmp_path):
    profile = load_profile("nmg-2023", 2024)
    pkg = TemplatePackage(profile)
    last = read_book(SAMPLE)
    units = [
        {"unit_code": "1", "unit_name": "A&B <单位> ", "head": " 前后空格 ", "nature": "事业单位"},
        {"unit_code": "2", "unit_name": DEPT, "phone": "0483-8187268"},
        {"unit_code": "3", "unit_name": "甲\x01乙_x0041_"},  # a control character, an escape
    ]
    for i, unit in enumerate(units):
        book = unit_book(
            profile,
            unit,
            last if i else None,
            {"grand_total": Decimal("12.5"), "2013101": Decimal("3")},
        )
        write_book(book, profile, tmp_path / f"slow{i}.xlsx")
        book = unit_book(
            profile,
            unit,
            last if i else None,
            {"grand_total": Decimal("12.5"), "2013101": Decimal("3")},
        )
        pkg.write(
            cell_values(book, profile), tmp_path / f"fast{i}.xlsx", page_header(book, profile)
        )
        assert (tmp_path / f"fast{i}.xlsx").read_bytes() == (
            tmp_path / f"slow{i}.xlsx"
        ).read_bytes()
    # the unit's name in every page header but the cover's, an & in it printed as it is
    wb = load_workbook(tmp_path / "fast0.xlsx")
    assert wb["收入支出决算总表"].oddHeader.right.text == "编制单位：A&&B <单位>"
    assert wb["绩效自评"].oddHeader.right.text == "编制单位：A&&B <单位>"
    assert wb["公开封面"].oddHeader.right.text is None


def test_check_folder_with_a_corrupt_file(tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / "a.xlsx").write_bytes(SAMPLE.read_bytes())
    (folder / "坏文件.xlsx").write_bytes(b"not a zip")
    (folder / "~$a.xlsx").write_bytes(b"excel lock file")
    summary = tmp_path / "summary.xlsx"
    res = run("check", folder, "--jobs", "2", "--summary", summary)
    assert res.exit_code == 2  # one file could not be read
    assert "坏文件.xlsx: 无法读取：不是有效的 .xlsx 文件" in res.output
    assert "共 28 条：错误 8，警告 7，提示 13（2 个文件）" in res.output
    wb = load_workbook(summary)
    head = [c.value for c in wb["汇总"][1]]
    rows = [
        dict(zip(head, (c.value for c in r), strict=True)) for r in wb["汇总"].iter_rows(min_row=2)
    ]
    by_file = {Path(r["文件"]).name: r for r in rows}
    a = by_file["a.xlsx"]
    assert (a["单位名称"], a["状态"], a["错误"]) == (DEPT, "有错误", 8)
    assert by_file["坏文件.xlsx"]["状态"] == "无法读取" and "zip" in by_file["坏文件.xlsx"]["原因"]
    assert wb["全部发现"].max_row == 29


def _money_cells(book):
    out = {}
    for tid, t in book.tables.items():
        for key, row in t.rows.items():
            for col, cell in row.cells.items():
                if isinstance(cell.value, Decimal):
                    out[(tid, key, col)] = cell.value
    return out


def test_merge_two_units_is_the_cell_by_cell_sum(tmp_path):
    profile = load_profile("nmg-2023")
    a = read_book(SAMPLE, profile)
    data = json.loads((ROOT / "samples" / "jcdj_2023.json").read_text(encoding="utf-8"))
    data["forms"]["COVER.unit"]["dept_name"] = "第二个单位"
    data["tables"]["T05"]["rows"].append(
        {"block": "main", "code": "2240106", "name": "安全监管", "values": {"total": "1"}}
    )
    data["forms"]["NOTES.sangong"]["domestic_batches"] = 2
    b_path = tmp_path / "b.xlsx"
    write_book(data_to_book(data, profile), profile, b_path)
    out = tmp_path / "汇总.xlsx"
    res = run("merge", SAMPLE, b_path, "-o", out)
    assert res.exit_code == 0, res.output
    assert "科目 2240106" in res.output and "只在 1 个单位中有数" in res.output
    merged = read_book(out, profile)
    b = read_book(b_path, profile)
    ma, mb, mm = _money_cells(a), _money_cells(b), _money_cells(merged)
    for key in set(ma) | set(mb):
        tid = key[0]
        if tid == "NOTES" and key[2] in ("change", "change_rate", "completion", "share"):
            continue
        assert mm.get(key) == ma.get(key, Decimal(0)) + mb.get(key, Decimal(0)), key
    assert merged.field("NOTES.sangong", "domestic_batches") == 15
    assert merged.field("COVER.unit", "unit_count") == 2
    assert [u["name"].value for u in merged.lists["COVER.units"]] == [DEPT, DEPT]
    assert merged.tables["NOTES"].get("income_total", "reason") == a.tables["NOTES"].get(
        "income_total", "reason"
    )
    assert len(merged.projects) == 10


def test_merge_refuses_mixed_years(tmp_path):
    profile = load_profile("nmg-2023")
    data = json.loads((ROOT / "samples" / "jcdj_2023.json").read_text(encoding="utf-8"))
    data["forms"]["COVER.unit"]["year"] = 2024
    other = tmp_path / "2024.xlsx"
    write_book(data_to_book(data, profile), profile, other)
    res = run("merge", SAMPLE, other, "-o", tmp_path / "x.xlsx")
    assert res.exit_code == 2 and "不能汇总不同年度的工作簿：2023、2024" in res.output
    with pytest.raises(Exception, match="不能汇总不同年度"):
        merge_books([read_book(SAMPLE, profile), read_book(other, profile)], profile)


def test_merge_result_round_trips(tmp_path):
    profile = load_profile("nmg-2023")
    merged, _notes = merge_books([read_book(SAMPLE, profile), read_book(SAMPLE, profile)], profile)
    write_book(merged, profile, tmp_path / "m.xlsx")
    again = read_book(tmp_path / "m.xlsx", profile)
    assert again.problems == []

    def rows(book):
        return {
            (r.get("key"), r.get("code")): r["values"]
            for r in book_to_data(book, profile)["tables"]["T01"]["rows"]
        }

    assert rows(again) == rows(merged)
    assert merged.tables["T01"].get("income_total", "amount") == 2 * read_book(
        SAMPLE, profile
    ).tables["T01"].get("income_total", "amount")


def _sheet_dicts(ws):
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    """A bureau's folder: the two samples (two formats), and a file that is not a workbook."""
    folder = tmp_path_factory.mktemp("bureau")
    shutil.copyfile(SAMPLE, folder / "a_jcdj.xlsx")
    shutil.copyfile(ROOT / "samples" / "mof9_2025.xlsx", folder / "b_mof9.xlsx")
    (folder / "c_broken.xlsx").write_bytes(b"not a zip")
    return folder


def _figures(path):
    from xlfin.compute import key_figures
    from xlfin.io.reader import read_detected

    book, found = read_detected(path)
    return {f.label: f for f in key_figures(book, found.profile)}


def test_summary_has_key_figures_findings_and_a_rule_by_unit_pivot(bureau, tmp_path):
    out = tmp_path / "汇总结果.xlsx"
    res = run("check", bureau, "--jobs", "2", "--summary", out)
    assert res.exit_code == 2  # the broken file
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "全部发现", "规则×单位"]
    units = {Path(r["文件"]).name: r for r in _sheet_dicts(wb["汇总"])}
    own = _figures(bureau / "a_jcdj.xlsx")
    a = units["a_jcdj.xlsx"]
    assert Decimal(str(a["收支总计（万元）"])) == own["收支总计"].final == Decimal("1430.98")
    assert Decimal(str(a["“三公”经费（万元）"])) == Decimal("0.68")
    assert Decimal(str(a["一般公共预算财政拨款支出完成年初预算%"])) == Decimal("70.15")
    assert units["b_mof9.xlsx"]["状态"] == "通过" and units["b_mof9.xlsx"]["错误"] == 0
    problems = a["主要问题"]  # errors and warnings, cut with a word where they go on
    assert problems.startswith("T961 机构运行经费政府采购资产信息表!D11 表十一授予中小企业合同金额")
    assert len(problems) == 500 and problems.endswith("……（其余见“全部发现”）")
    assert (
        units["c_broken.xlsx"]["状态"] == "无法读取"
        and units["c_broken.xlsx"]["收支总计（万元）"] is None
    )
    assert wb["汇总"]["G3"].number_format == "#,##0.00"
    found = wb["全部发现"]
    assert found.auto_filter.ref == f"A1:F{found.max_row}" and found.freeze_panes == "A2"
    assert {r["级别"] for r in _sheet_dicts(found)} == {"错误", "警告", "提示"}
    pivot = {r["规则"]: r for r in _sheet_dicts(wb["规则×单位"])}
    assert {k: v[DEPT] for k, v in pivot.items()} == {
        "N301": 2,
        "N302": 3,
        "N303": 2,
        "T961": 1,
        "合计": 8,
    }
    for ws in wb.worksheets:  # printable: one page wide, the header on every page
        assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$1"


def test_with_many_units_the_pivot_has_a_unit_a_row(bureau, tmp_path, monkeypatch):
    """Beyond PIVOT_MAX_UNIT_COLUMNS units (a province has thousands; Excel has 16,384
    columns) the error counts have a unit a row and a rule a column."""
    import xlfin.io.summary as summary

    monkeypatch.setattr(summary, "PIVOT_MAX_UNIT_COLUMNS", 0)
    monkeypatch.setattr(summary, "EXCEL_ROWS", 10)  # and more findings than a sheet holds
    out = tmp_path / "汇总结果.xlsx"
    assert run("check", bureau, "--summary", out).exit_code == 2
    wb = load_workbook(out)
    found = wb["全部发现"]
    from xlfin.io.reader import read_detected
    from xlfin.rules import run as run_rules

    total = 0
    for name in ("a_jcdj.xlsx", "b_mof9.xlsx"):
        book, detected = read_detected(bureau / name)
        total += len(run_rules(book, detected.profile).findings)
    assert found.max_row == 10  # 8 findings and the note
    assert found["A10"].value == (
        f"……另有 {total - 8} 条未列出（超过 Excel 的行数上限），全部发现请用 --format json 导出"
    )
    assert wb.sheetnames == ["汇总", "全部发现", "单位×规则"]
    rows = {r["单位"]: r for r in _sheet_dicts(wb["单位×规则"])}
    assert rows[DEPT] == {"单位": DEPT, "N301": 2, "N302": 3, "N303": 2, "T961": 1, "合计": 8}


def test_stats_gives_each_units_figures_their_totals_and_the_change(bureau, tmp_path):
    out = tmp_path / "指标.xlsx"
    res = run("stats", bureau, "-o", out, "--jobs", "2")
    assert (
        res.exit_code == 0
        and "已写入 3 个单位的指标" in res.output
        and "1 个无法读取" in res.output
    )
    ws = load_workbook(out)["指标"]
    # 26 columns: printed three pages wide at full size, the unit's code and name on each page
    assert (ws.max_column, ws.page_setup.fitToWidth, ws.print_title_cols) == (26, 3, "$A:$B")
    rows = _sheet_dicts(ws)
    assert [r["单位名称"] for r in rows] == [DEPT, "示例市群众艺术馆", None, "合计"]
    a, b = _figures(bureau / "a_jcdj.xlsx"), _figures(bureau / "b_mof9.xlsx")
    total = rows[-1]
    for label in ("收支总计", "本年收入合计", "本年支出合计", "财政拨款收支总计", "“三公”经费"):
        assert (
            Decimal(str(total[label])).quantize(Decimal("0.01")) == a[label].final + b[label].final
        )
    assert Decimal(str(rows[0]["收支总计增减"])).quantize(Decimal("0.01")) == Decimal("14.40")
    assert Decimal(str(total["收支总计增减"])).quantize(Decimal("0.01")) == Decimal(
        "14.40"
    ) + Decimal("70.53")
    g = "一般公共预算财政拨款支出"
    budgets = a[g].budget + b[g].budget
    expected = ((a[g].final + b[g].final) * 100 / budgets).quantize(Decimal("0.01"))
    assert Decimal(str(total[f"{g}完成年初预算%"])).quantize(Decimal("0.01")) == expected
    assert rows[2]["状态"] == "无法读取" and "zip" in rows[2]["原因"]


def test_a_single_file_check_does_not_import_pandas():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from xlfin.cli import main\n"
        f"sys.argv = ['xlfin', 'check', r'{SAMPLE}', '--exit-zero']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "NO-PANDAS"


def test_merge_of_300_units_is_the_cell_by_cell_sum(tmp_path):
    """300 units (the sample's figures times 1…7, three of them with their projects), merged
    by the command with two reading processes: every amount of every table is the sum of the
    units' own, the counts are summed, the units listed in file order, the projects kept."""
    profile = load_profile("nmg-2023")
    sample = json.loads((ROOT / "samples" / "jcdj_2023.json").read_text(encoding="utf-8"))
    folder = tmp_path / "units"
    folder.mkdir()
    expected: dict = {}
    pkg = None
    for i in range(300):
        data = json.loads(json.dumps(sample))
        factor = Decimal(i % 7 + 1)
        for t in data["tables"].values():
            for row in t["rows"]:
                for col, v in row["values"].items():
                    if isinstance(v, str) and v.replace(".", "", 1).lstrip("-").isdigit():
                        row["values"][col] = str(Decimal(v) * factor)
        data["forms"]["COVER.unit"]["dept_name"] = f"单位{i:03d}"
        for item in data["lists"]["COVER.units"]:
            item["name"] = f"单位{i:03d}"
        if i >= 3:
            data["projects"] = []
        book = data_to_book(data, profile)
        for key, v in _money_cells(book).items():
            expected[key] = expected.get(key, Decimal(0)) + v
        if pkg is None:
            fitted = fitted_profile(book, profile)
            pkg = TemplatePackage(fitted)
        pkg.write(cell_values(book, fitted), folder / f"{i:03d}.xlsx")
    out = tmp_path / "汇总.xlsx"
    res = run("merge", folder, "-o", out, "--jobs", "2")
    assert res.exit_code == 0, res.output
    assert "已汇总 300 个单位" in res.output
    merged = read_book(out, profile)
    got = _money_cells(merged)
    derived = ("change", "change_rate", "completion", "share")
    sums = {k: v for k, v in expected.items() if not (k[0] == "NOTES" and k[2] in derived)}
    assert len(sums) > 500
    assert {k: got.get(k) for k in sums} == sums
    assert merged.field("COVER.unit", "unit_count") == 300
    names = [u["name"].value for u in merged.lists["COVER.units"]]
    assert names == [f"单位{i:03d}" for i in range(300)]
    assert len(merged.projects) == 15
    assert merged.field("NOTES.sangong", "domestic_batches") == 300 * 13


def test_merge_in_parts_equals_the_merge_at_once():
    """merge --jobs consolidates consecutive units in each process and combines the parts in
    file order: the result is the same, whatever the parts, whichever unit gives the texts."""
    from xlfin.bulk import Consolidation

    profile = load_profile("nmg-2023")
    data = json.loads((ROOT / "samples" / "jcdj_2023.json").read_text(encoding="utf-8"))
    books = []
    for i in range(4):
        d = json.loads(json.dumps(data))
        d["forms"]["COVER.unit"]["dept_name"] = f"单位{i}"
        d["forms"]["NOTES.sangong"]["domestic_batches"] = i
        if i == 2:  # a 科目 only this unit has, and a text of its own
            d["tables"]["T05"]["rows"].append(
                {"block": "main", "code": "2240106", "name": "安全监管", "values": {"total": "1"}}
            )
            d["forms"]["OVERVIEW.overview"]["functions"] = "第三个单位的职能"
        books.append(data_to_book(d, profile))
    for main in (0, 2):
        whole = book_to_data(merge_books(books, profile, main)[0], profile)
        for cuts in ([1, 3], [2], [1, 2, 3]):
            parts, start = [], 0
            for end in [*cuts, 4]:
                part = Consolidation(profile, main - start)
                for b in books[start:end]:
                    part.add(b)
                parts.append(part)
                start = end
            total = parts[0]
            for part in parts[1:]:
                total = total.combine(part)
            assert book_to_data(total.result()[0], profile) == whole, (main, cuts)
        texts = whole["forms"]["OVERVIEW.overview"]["functions"]
        assert (texts == "第三个单位的职能") == (main == 2)


def _dies_on_b(job):
    import os

    if any(Path(p).name.startswith("b") for p in job[0]):
        os._exit(134)  # as an abort in a native library would
    return _real_chunk(job)


def test_a_dying_merge_worker_is_one_message_naming_the_files(tmp_path, monkeypatch):
    import xlfin.bulk as bulk

    folder = tmp_path / "units"
    folder.mkdir()
    for name in ("a1", "a2", "b1", "b2"):
        shutil.copyfile(SAMPLE, folder / f"{name}.xlsx")
    monkeypatch.setattr(bulk, "_consolidate_chunk", _dies_on_b)
    with pytest.raises(bulk.MergeError) as e:
        bulk.consolidate(sorted(folder.glob("*.xlsx")), None, None, 0, 2)
    assert str(e.value).startswith(
        f"处理 {folder / 'b1.xlsx'} 至 {folder / 'b1.xlsx'} 的进程意外终止"
    )


def test_a_merge_keeps_the_units_forms_on_disk_in_file_order(tmp_path):
    """consolidate() (what `merge` runs) spools the units' 绩效自评 projects instead of holding
    them: the result's projects are the units' in file order, read back as they are written,
    and the same book as the merge in memory."""
    from xlfin.bulk import ProjectSpool, consolidate

    profile = load_profile("nmg-2023")
    data = json.loads((ROOT / "samples" / "jcdj_2023.json").read_text(encoding="utf-8"))
    paths, books = [], []
    for i in range(7):
        d = json.loads(json.dumps(data))
        d["forms"]["COVER.unit"]["dept_name"] = f"单位{i}"
        d["projects"] = d["projects"][: 1 + i % 3]
        for p in d["projects"]:
            p["name"] = f"单位{i}的{p['name']}"
        books.append(data_to_book(d, profile))
        paths.append(tmp_path / f"u{i}.xlsx")
        write_book(books[-1], profile, paths[-1])
    total = consolidate(paths, None, None, 0, 1)
    assert isinstance(total.projects, ProjectSpool) and len(total.projects) == 13
    merged = total.result()[0]
    names = [p.get("name") for p in merged.projects]
    assert names == [p.get("name") for b in books for p in b.projects]
    assert names[:4] == [
        "单位0的宣传工作经费",
        "单位1的宣传工作经费",
        names[2],
        "单位2的宣传工作经费",
    ]
    assert list(merged.projects) == list(merged.projects)  # read back again, the same
    assert book_to_data(merged, profile) == book_to_data(merge_books(books, profile)[0], profile)


def test_an_existing_summary_is_refused_before_any_file_is_checked(bureau, tmp_path, monkeypatch):
    """Without --force an existing 汇总结果 is said at once, not after checking every unit
    (thousands of files, minutes of work, for nothing)."""
    import xlfin.bulk

    out = tmp_path / "汇总结果.xlsx"
    out.write_bytes(b"kept")
    monkeypatch.setattr(xlfin.bulk, "run_jobs", lambda *a, **k: pytest.fail("files were checked"))
    res = run("check", bureau, "--jobs", "2", "--summary", out)
    assert res.exit_code == 2
    assert f"输出文件已存在：{out}（如需覆盖请加 --force）" in res.output
    assert out.read_bytes() == b"kept"


def test_summary_sheets_are_streamed_with_every_value_as_typed(tmp_path):
    """The summary's rows are streamed into a sheet openpyxl set up: texts as texts (a “=”
    never a formula, control characters dropped, spaces kept, & < > as they are), money and
    rates with their formats, numpy numbers as numbers, pandas' blanks blank; openpyxl and
    python-calamine read it back, rows beyond a chunk included."""
    import numpy as np
    import pandas as pd

    import xlfin.io.summary as summary

    frame = pd.DataFrame(
        {
            "文件": ["=SUM(A1)", " 前后空格 ", "A&B <c>", "控\x07制", "", None, "末行" * 10],
            "收支总计（万元）": [
                Decimal("1430.98"),
                Decimal("-0.01"),
                None,
                Decimal("12345678901.23"),
                Decimal("0"),
                Decimal("1E+3"),
                Decimal("2"),
            ],
            "完成年初预算%": [Decimal("70.15"), None, None, None, None, None, None],
            "错误": [np.int64(3), 0, 1, 2, 3, 4, 5],
            "说明": [float("nan"), pd.NA, True, 1.5, "两\n行", "y", "z"],
            "=单位\x07": [1, 2, 3, 4, 5, 6, 7],  # a unit's name over its column of the pivot
        }
    )
    out = tmp_path / "s.xlsx"
    monkey = summary.CHUNK_ROWS
    summary.CHUNK_ROWS = 3  # rows in more than one piece
    try:
        summary._write(out, {"汇总": frame}, {"文件": 20})
    finally:
        summary.CHUNK_ROWS = monkey
    ws = load_workbook(out)["汇总"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["文件", "收支总计（万元）", "完成年初预算%", "错误", "说明", "=单位"]
    assert ws["F1"].data_type == "s"
    assert rows[1:] == [
        ["=SUM(A1)", 1430.98, 70.15, 3, None, 1],
        [" 前后空格 ", -0.01, None, 0, None, 2],
        ["A&B <c>", None, None, 1, "True", 3],
        ["控制", 12345678901.23, None, 2, 1.5, 4],
        [None, 0, None, 3, "两\n行", 5],
        [None, 1000, None, 4, "y", 6],
        ["末行" * 10, 2, None, 5, "z", 7],
    ]
    assert ws["A2"].data_type == "s" and ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].number_format == "0.00" and ws["D2"].number_format == "General"
    assert ws.auto_filter.ref == "A1:F8" and ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["A"].width == 20 and ws.max_row == 8
    # printed legibly: the header bold and wrapped, long texts wrapped in rows as tall as they
    # need (20 characters wide: 19 a line; 20 Chinese characters, 40 wide, take 3 lines)
    assert ws["B1"].font.b and ws["B1"].alignment.wrap_text
    assert ws.row_dimensions[1].height == 29  # “收支总计（万元）”: 16 wide, 10 a line
    assert ws["A2"].alignment.wrap_text and ws["A2"].alignment.vertical == "top"
    assert not ws["E2"].alignment.wrap_text and ws["B2"].alignment.vertical == "top"
    assert ws.row_dimensions[2].height is None and ws.row_dimensions[8].height == 43.5
    assert ws.row_dimensions[6].height == 29  # two lines, however short
    calamine = python_calamine.CalamineWorkbook.from_path(str(out))
    assert calamine.get_sheet_by_name("汇总").to_python()[1:] == [
        [r if r is not None else "" for r in row] for row in rows[1:]
    ]
