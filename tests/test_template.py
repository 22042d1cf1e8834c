"""The built template: structure, styles, protection, and the copy kept in templates/."""

from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook

from xlfin.layout import sheet_layout
from xlfin.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent


def test_sheets_in_profile_order_in_both_readers(built_template, profile):
    names = [s.name for s in profile.sheets] + ["代码表"]  # the hidden 科目 list, last
    assert load_workbook(built_template).sheetnames == names
    assert load_workbook(built_template)["代码表"].sheet_state == "hidden"
    assert python_calamine.CalamineWorkbook.from_path(built_template).sheet_names == names


def test_every_text_comes_from_the_profile(built_template, profile):
    """Each non-empty cell is a static of the layout, at its position, and nothing else."""
    wb = python_calamine.CalamineWorkbook.from_path(built_template)
    for s in profile.sheets:
        lay = sheet_layout(profile, s.id)
        expected = {(st.row, st.col): st.text for st in lay.statics}
        rows = wb.get_sheet_by_name(s.name).to_python(skip_empty_area=False)
        found = {
            (r + 1, c + 1): str(v)
            for r, row in enumerate(rows)
            for c, v in enumerate(row)
            if v not in ("", None)
        }
        assert found == expected, s.id


def test_table_headers(built_template):
    ws = load_workbook(built_template)["收入支出决算总表"]
    assert ws["A1"].value == "收入支出决算总表"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["F2"].value == "公开01表"
    assert (ws["A3"].value, ws["F3"].value) == (None, "金额单位：万元")  # the name goes in A3
    assert ws["A3"].number_format == '"编制单位："@' and "A3:E3" in {
        str(r) for r in ws.merged_cells.ranges
    }
    assert [ws["A5"].value, ws["B5"].value, ws["C5"].value] == ["项目", "行次", "决算数"]
    assert ws["A6"].value == "栏次" and ws["C6"].value == "1" and ws["F6"].value == "2"
    assert ws["A7"].value == "一、一般公共预算财政拨款收入"
    assert ws["D7"].value == "一、一般公共服务支出"
    # the totals line up on both sides
    row = {ws.cell(r, 1).value: r for r in range(7, 40)}
    assert ws.cell(row["本年收入合计"], 4).value == "本年支出合计"
    assert ws.cell(row["总计"], 4).value == "总计"


def test_multilevel_headers_t10(built_template):
    ws = load_workbook(built_template)["财政拨款三公经费支出决算表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["B4"].value == "预算数" and "B4:G4" in merged
    assert ws["D5"].value == "公务用车购置及运行维护费" and "D5:F5" in merged
    assert ws["B5"].value == "合计" and "B5:B6" in merged
    assert [ws.cell(6, c).value for c in (4, 5, 6)] == [
        "小计",
        "公务用车购置费",
        "公务用车运行维护费",
    ]
    assert [ws.cell(7, c).value for c in range(2, 14)] == [str(i) for i in range(1, 13)]


def test_formats_protection_validation(built_template, profile):
    wb = load_workbook(built_template)
    ws = wb["收入决算表"]
    lay = sheet_layout(profile, "T02")
    money = [sl for sl in lay.slots if sl.format == "money"]
    codes = [sl for sl in lay.slots if sl.format == "code"]
    assert all(ws.cell(sl.row, sl.col).number_format == "#,##0.00" for sl in money)
    assert all(ws.cell(sl.row, sl.col).number_format == "@" for sl in codes)
    assert ws.protection.sheet is True and ws.protection.password is None
    assert ws.cell(money[5].row, money[5].col).protection.locked is False
    assert ws["A1"].protection.locked is True
    dv = ws.data_validations.dataValidation
    money_dv = next(d for d in dv if d.type == "custom")  # a number with at most 2 decimals
    assert "万元" in money_dv.error and "最多两位小数" in money_dv.prompt
    first = str(money_dv.sqref).split()[0]
    assert money_dv.formula1 == f"AND(ISNUMBER({first}),ROUND({first},2)={first})"
    assert ws.freeze_panes == "C7"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.column_dimensions["B"].width >= 10


def test_computed_cells_are_locked(built_template, profile):
    ws = load_workbook(built_template)["说明数据"]
    lay = sheet_layout(profile, "NOTES")
    computed = [sl for sl in lay.slots if sl.role == "computed"]
    assert computed
    assert all(ws.cell(sl.row, sl.col).protection.locked for sl in computed)
    pct = [sl for sl in computed if sl.format == "pct"]
    assert all(ws.cell(sl.row, sl.col).number_format == "0.00%" for sl in pct)


COMMITTED = ["mof9_2023", "mof9_2024", "nmg-2023_2023", "nmg-2024_2024", "sh-2024_2024"]


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_template_is_current(name, tmp_path):
    """templates/ holds exactly what the builder produces now (every part, XML canonicalised):
    one file per profile (its years share the rows and titles; the year is typed on 封面)."""
    from pkgcompare import differing_parts

    from xlfin.io.template import write_template

    pid, year = name.rsplit("_", 1)
    built = tmp_path / f"{name}.xlsx"
    write_template(load_profile(pid, int(year)), built)
    committed = ROOT / "templates" / f"{name}.xlsx"
    assert differing_parts(committed, built) == [], (
        f"templates/ is stale: run `xlfin template --profile {pid} --year {year} "
        f"-o templates/{name}.xlsx --force`"
    )
    assert sorted(p.stem for p in (ROOT / "templates").glob("*.xlsx")) == COMMITTED


def test_build_is_reproducible(tmp_path):
    from xlfin.io.template import write_template

    p = load_profile("nmg-2023")
    write_template(p, tmp_path / "a.xlsx")
    write_template(p, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_copied_project_blocks_equal_styled_ones(monkeypatch):
    """The 绩效自评 sheet styles its first form and copies it to the others (a merged workbook
    has thousands): the copies are the cells, styles, merges, heights, validations and page
    breaks that styling every form gives."""
    import dataclasses

    import xlfin.io.template as T

    base = load_profile("nmg-2023", 2023)
    profile = dataclasses.replace(
        base,
        sheets=tuple(
            dataclasses.replace(s, projects=7, indicator_rows=12) if s.id == "PERF" else s
            for s in base.sheets
        ),
    )

    def snapshot():
        ws = T.build_workbook(profile)[profile.sheet("PERF").name]
        return (
            {k: (c.value, tuple(c._style), type(c).__name__) for k, c in ws._cells.items()},
            {str(m) for m in ws.merged_cells.ranges},
            sorted((d.type, str(d.sqref)) for d in ws.data_validations.dataValidation),
            {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            [b.id for b in ws.row_breaks.brk],
        )

    copied = snapshot()
    monkeypatch.setattr(T, "_repeats", lambda layout: (0, 0))  # style every form
    styled = snapshot()
    assert copied == styled
    assert len(copied[0]) > 1500 and len(copied[1]) > 90 and len(copied[4]) == 6
