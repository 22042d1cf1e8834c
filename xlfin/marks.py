"""Turning a validation report into workbook marks: a 校验结果 sheet and highlighted cells.

Each marked cell's original fill is recorded in a hidden column of 校验结果, so that the next
run (or a clean one) can put every cell back exactly as it was before marking.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from xlfin.model import column_letter
from xlfin.profile import Profile
from xlfin.rules.engine import RANK, Finding, Report
from xlfin.writes import CellWrite, SheetWrite, Write

RESULT_SHEET = "校验结果"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
HEADER = ["序号", "规则", "级别", "位置", "说明", "原状态"]
ROLE_FILLS = {"total": "F2F2F2", "computed": "E2EFDA"}  # as xlfin.io.template paints them
STATE_COL = 6
HEADER_ROW = 3  # 校验结果: row 1 the title, row 2 the summary, row 3 the header


def template_fills(
    profile: Profile, cells: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str | None]:
    """The fill each cell has in the profile's template (totals grey, computed cells green, the
    rest none): what a cell goes back to when its mark is removed. Known without reading the
    workbook, so the Excel add-in needs no per-cell colour reads."""
    from xlfin.layout import sheet_layout

    by_sheet: dict[str, dict[str, str]] = {}
    for s in profile.sheets:
        fills = {}
        for sl in sheet_layout(profile, s.id).slots:
            if sl.role in ROLE_FILLS:
                fills[f"{column_letter(sl.col)}{sl.row}"] = ROLE_FILLS[sl.role]
        by_sheet[s.name] = fills
    return {(sheet, cell): by_sheet.get(sheet, {}).get(cell) for sheet, cell in cells}


def _state(cell: str, fill: str | None) -> str:
    return f"{cell}|{fill or ''}"


def restore_writes(previous_states: list[str]) -> list[CellWrite]:
    """Writes that undo earlier marks, from the 原状态 column of an existing 校验结果 sheet
    (entries ``Sheet!A1|RRGGBB``; an empty colour means no fill)."""
    out = []
    for entry in previous_states:
        parsed = _state_entry(entry)
        if parsed is not None:  # an edited or damaged entry is dropped, never trusted
            out.append(CellWrite(*parsed[:2], fill=parsed[2], comment=""))
    return out


_STATE = re.compile(r"^(.+)!([A-Z]{1,3})([1-9][0-9]{0,6})\|([0-9A-Fa-f]{6})?$")


def _state_entry(entry: str) -> tuple[str, str, str] | None:
    """(sheet, A1, RRGGBB or "") of a 原状态 entry ``Sheet!A1|RRGGBB``, or None when it is
    not one (a cell beyond XFD1048576, a colour that is not six hex digits …)."""
    m = _STATE.match(entry.strip()) if isinstance(entry, str) else None
    if m is None:
        return None
    sheet, col, row, fill = m.groups()
    if len(col) == 3 and col > "XFD" or int(row) > 1048576:
        return None
    return sheet.strip("'"), f"{col}{row}", (fill or "").upper()


def mark_writes(
    report: Report,
    previous_states: list[str],
    current_fill: dict[tuple[str, str], str | None],
) -> list[Write]:
    """All writes for one marking run.

    *previous_states*: the 原状态 entries of an existing 校验结果 sheet ([] if none).
    *current_fill*: the present fill of each cell a finding points at ((sheet, cell) → RRGGBB or None),
    so that its original state can be recorded (cells marked before keep their recorded state).
    A report with no error or warning removes the 校验结果 sheet and all marks.
    """
    writes: list[Write] = list(restore_writes(previous_states))
    recorded = {}
    for entry in previous_states:
        parsed = _state_entry(entry)
        if parsed is not None:
            recorded[f"{parsed[0]}!{parsed[1]}"] = parsed[2] or None
    marked = [f for f in report.findings if f.severity in FILLS and f.sheet and f.cell]
    if not report.findings:
        writes.append(SheetWrite(RESULT_SHEET, delete=True))
        return writes
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in marked:
        by_cell[(f.sheet, f.cell)].append(f)
    states = []
    for (sheet, cell), findings in by_cell.items():
        key = f"{sheet}!{cell}"
        original = recorded[key] if key in recorded else current_fill.get((sheet, cell))
        states.append(_state(key, original))
        worst = "error" if any(f.severity == "error" for f in findings) else "warning"
        text = "\n".join(f"{f.id} {SEVERITY_CN[f.severity]}：{f.message}" for f in findings)
        writes.append(CellWrite(sheet, cell, fill=FILLS[worst], comment=text))
    c = report.counts()
    summary = (
        f"共 {len(report.findings)} 条：错误 {c['error']} 条，警告 {c['warning']} 条，"
        f"提示 {c['info']} 条。点击“位置”可跳到单元格；错误、警告所在单元格已标色并加批注。"
    )
    rows: list[list[object]] = [["xlfin 校验结果"], [summary], HEADER]
    top = HEADER_ROW  # the rows above the findings: title, summary, header
    links = {}
    # errors first, then warnings, then info; the sheet order within each
    ranked = sorted(report.findings, key=lambda f: RANK.get(f.severity, len(RANK)))
    for i, f in enumerate(ranked, 1):
        state = ""
        rows.append([i, f.id, SEVERITY_CN[f.severity], f.where, f.message, state])
        if f.sheet and f.cell:
            links[(top + i, 4)] = f"'{f.sheet}'!{f.cell}"
    for j, state in enumerate(states):
        if top + j < len(rows):
            rows[top + j][STATE_COL - 1] = state
        else:
            rows.append(["", "", "", "", "", state])
    writes.append(
        SheetWrite(
            RESULT_SHEET,
            rows=rows,
            widths={1: 6, 2: 8, 3: 6, 4: 36, 5: 90, 6: 30},
            links=links,
            hidden_cols=(STATE_COL,),
            header_row=HEADER_ROW,
            activate=True,
        )
    )
    return writes
