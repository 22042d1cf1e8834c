"""The ribbon's actions: each wraps the book, calls the same core as the CLI, applies the
resulting cell writes and says what happened (``xlfin.excel.run`` dispatches to them)."""

from __future__ import annotations

from xlfin.compute import fill_writes
from xlfin.excel.adapter import XwBook
from xlfin.marks import RESULT_SHEET, mark_writes, template_fills
from xlfin.narrative import narrative_sheet
from xlfin.narrative.render import narrate_checked
from xlfin.rules import run as run_rules
from xlfin.rules.engine import Report

HELP = (
    "决算公开工具 xlfin\n\n"
    "校验：检查表内、表间勾稽关系和说明数据，结果写入“校验结果”表，问题单元格标色并加批注。\n"
    "计算百分比：把增减额、增减率、完成预算%、占比及说明中的其他比率写入“说明数据”，执行率写入“绩效自评”。\n"
    "生成说明：生成部门决算情况说明，写入“情况说明”表。\n"
    "清除标记：去掉标色、批注和“校验结果”表。\n\n"
    "命令行用法与说明见 xlfin 的 README。"
)


def validate(xb: XwBook) -> str:
    profile = xb.detect().profile
    report = run_rules(xb.read(profile), profile)
    cells = [(f.sheet, f.cell) for f in report.findings if f.sheet and f.cell]
    xb.apply(mark_writes(report, xb.previous_marks(), template_fills(profile, cells)))
    xb.activate(RESULT_SHEET)
    c = report.counts()
    if not report.findings:
        return "校验通过，没有发现问题。"
    return f"校验完成：错误 {c['error']} 个，警告 {c['warning']} 个，提示 {c['info']} 个，详见“校验结果”表。"


def fill(xb: XwBook) -> str:
    profile = xb.detect().profile
    writes = fill_writes(xb.read(profile), profile)
    xb.apply(writes)
    return f"已计算并写入 {len(writes)} 个单元格（说明数据、绩效自评）。"


def narrate_action(xb: XwBook) -> str:
    profile = xb.detect().profile
    book = xb.read(profile)
    findings = run_rules(book, profile).findings
    traced, marked = narrate_checked(book, profile, findings)
    xb.apply([narrative_sheet(traced)])
    errors = [f for f in findings if f.severity == "error"]
    tail = f"工作簿还有 {len(errors)} 个错误，说明中 {marked} 处相关数字已标出。" if errors else ""
    return "已生成“情况说明”工作表。" + tail


def clear(xb: XwBook) -> str:
    xb.apply(mark_writes(Report([]), xb.previous_marks(), {}))
    return "已清除标记。"


def help_action(xb: XwBook) -> str:
    return HELP


ACTIONS = {
    "validate": validate,
    "fill": fill,
    "narrate": narrate_action,
    "clear": clear,
    "help": help_action,
}
