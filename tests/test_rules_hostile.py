"""S015 (values far outside the tables) and S016 (Excel error values), on workbooks made by
the hostile-input generator from the sample."""

from __future__ import annotations

import hostile
import pytest

from xlfin.io.reader import read_book
from xlfin.layout import sheet_layout
from xlfin.model import column_letter
from xlfin.profile import load_profile
from xlfin.rules import run

PROFILE = load_profile("nmg-2023")


def cell_of(table: str, block: int, row: str, col: str) -> str:
    bl = sheet_layout(PROFILE, table).blocks[block]
    return f"{column_letter(bl.value_cols[col])}{bl.row_pos[row]}"


def findings(path, rule_id):
    return [
        (f.id, f.severity, f.where, f.message)
        for f in run(read_book(path, PROFILE), PROFILE, select=[rule_id]).findings
    ]


def test_S015_good_and_bad(tmp_path):
    assert findings(hostile.SAMPLE, "S015") == []
    near = hostile.far_value(tmp_path / "near.xlsx", "BL10000")  # the last cell still read
    assert findings(near, "S015") == []
    far = hostile.far_value(tmp_path / "far.xlsx", "XFD1048576")
    assert findings(far, "S015") == [
        (
            "S015",
            "warning",
            "收入支出决算总表!XFD1048576",
            "XFD1048576单元格远在表格范围以外（第 1048576 行、第 16384 列），未读取；"
            "xlfin 只读前 10000 行、前 64 列，请删除这些内容",
        )
    ]
    # and the tables are read as before: the sample's own findings are all still there
    before = run(read_book(hostile.SAMPLE, PROFILE), PROFILE).short()
    after = [f for f in run(read_book(far, PROFILE), PROFILE).short() if f[0] != "S015"]
    assert after == before


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#N/A"])
def test_S016_good_and_bad(tmp_path, error):
    assert findings(hostile.SAMPLE, "S016") == []
    ref = cell_of("T01", 0, "gpb", "amount")
    bad = hostile.error_value(tmp_path / "e.xlsx", ref, error)
    assert findings(bad, "S016") == [
        (
            "S016",
            "error",
            f"收入支出决算总表!{ref}",
            f"单元格是错误值 {error}（公式出错或引用失效），xlfin 按空白读取；请修正公式或填入数字",
        )
    ]


def test_S017_good_and_bad(tmp_path):
    assert findings(hostile.SAMPLE, "S017") == []
    bad = hostile.with_texts(tmp_path / "y.xlsx", {("封面", "B6"): 99999})
    assert findings(bad, "S017") == [
        (
            "S017",
            "error",
            "封面!B6",
            "封面年度“99999”不是四位数的年度（应为 2000–2100 年间的决算年度）",
        )
    ]


def test_S018_a_second_copy_of_a_table(tmp_path):
    from openpyxl import load_workbook

    assert findings(hostile.SAMPLE, "S018") == []
    wb = load_workbook(hostile.SAMPLE)
    copy = wb.copy_worksheet(wb["支出决算表"])
    copy.title = "支出决算表 (2)"
    wb.save(tmp_path / "two.xlsx")
    assert findings(tmp_path / "two.xlsx", "S018") == [
        (
            "S018",
            "warning",
            "支出决算表 (2)",
            "工作表“支出决算表 (2)”与“支出决算表”是同一张表，xlfin 只读取“支出决算表”；"
            "请删除多余的一张或把数字合并到正式的表中",
        )
    ]


def test_P117_unit_line_of_every_table(tmp_path):
    assert findings(hostile.SAMPLE, "P117") == []
    other = hostile.with_texts(tmp_path / "u.xlsx", {("支出决算表", "A3"): "别的单位"})
    assert findings(other, "P117") == [
        (
            "P117",
            "warning",
            "支出决算表!A3",
            "支出决算表的编制单位“别的单位”与封面部门名称“中共阿拉善盟高新技术产业开发区工作委员会"
            "（中共阿左旗乌斯太镇委员会）基层党的建设办公室”不同",
        )
    ]


def test_S015_a_stray_entry_below_a_units_forms_is_to_be_deleted(tmp_path):
    """The sheet of 绩效自评表 is read further than the others (a consolidated workbook's may be
    long), but a stray entry far below a unit's few forms is still one to delete; one within
    the rows read is read, harmlessly."""
    far = hostile.far_value(tmp_path / "far.xlsx", "A1048576", sheet="绩效自评")
    assert findings(far, "S015") == [
        (
            "S015",
            "warning",
            "绩效自评!A1048576",
            "A1048576单元格远在表格范围以外（第 1048576 行、第 9 列），未读取；"
            "xlfin 只读前 200000 行、前 64 列，请删除这些内容",
        )
    ]
    near = hostile.far_value(tmp_path / "near.xlsx", "A150000", sheet="绩效自评")
    assert findings(near, "S015") == []
    assert len(read_book(near, PROFILE).projects) == len(
        read_book(hostile.SAMPLE, PROFILE).projects
    )
