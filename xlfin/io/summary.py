"""The finance bureau's workbooks: ``check DIR --summary`` and ``xlfin stats``, as pandas
DataFrames written to Excel (pandas is imported here only, never by a single-file check).

Money stays Decimal until the cell; every text is written as text (a unit name starting with
“=” is never a formula); each sheet has a frozen, filtered header and prints one page wide.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from xlfin.compute import rate
from xlfin.io.files import atomic_write

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
MONEY = "#,##0.00"
PCT = "0.00"


def _labels(outcomes) -> list[tuple[str, str]]:
    """(key, label) of every key figure, in the order the units have them."""
    seen: dict[str, str] = {}
    for o in outcomes:
        for f in o.figures:
            seen.setdefault(f.key, f.label)
    return list(seen.items())


def _figure(o, key):
    return next((f for f in o.figures if f.key == key), None)


def summary_frames(outcomes) -> dict[str, pd.DataFrame]:
    """汇总 (a row per unit), 全部发现 (a row per finding), 规则×单位 (error counts)."""
    labels = _labels(outcomes)
    completion = [
        k
        for k, _ in labels
        if any(getattr(_figure(o, k), "completion", None) is not None for o in outcomes)
    ]
    rows = []
    for o in outcomes:
        row = {"文件": o.file, "单位编码": o.key, "单位名称": o.name, "状态": o.status}
        row.update({"错误": o.errors, "警告": o.warnings})
        for key, label in labels:
            f = _figure(o, key)
            row[f"{label}（万元）"] = f.final if f else None
        for key in completion:
            f = _figure(o, key)
            row[f"{dict(labels)[key]}完成年初预算%"] = f.completion if f else None
        row["主要问题"] = "；".join(
            f"{f.id} {f.where} {f.message}" for f in o.findings if f.severity != "info"
        )[:500]
        row["原因"] = o.reason
        rows.append(row)
    units = pd.DataFrame(rows)
    found = pd.DataFrame(
        [
            {
                "文件": o.file,
                "单位名称": o.name,
                "规则": f.id,
                "级别": SEVERITY[f.severity],
                "位置": f.where,
                "说明": f.message,
            }
            for o in outcomes
            for f in o.findings
        ],
        columns=["文件", "单位名称", "规则", "级别", "位置", "说明"],
    )
    errors = found[found["级别"] == "错误"].copy()
    errors["单位"] = errors["单位名称"].where(errors["单位名称"] != "", errors["文件"])
    if errors.empty:
        pivot = pd.DataFrame({"规则": [], "合计": []})
    else:
        pivot = pd.pivot_table(
            errors,
            index="规则",
            columns="单位",
            values="位置",
            aggfunc="count",
            fill_value=0,
            margins=True,
            margins_name="合计",
        ).reset_index()
        pivot.columns.name = None
    return {"汇总": units, "全部发现": found, "规则×单位": pivot}


def stats_frame(outcomes) -> pd.DataFrame:
    """Every unit's key figures (本年, 上年, 增减) and a 合计 row of their sums."""
    labels = _labels(outcomes)
    rows = []
    totals: dict[str, list] = {}
    for o in outcomes:
        row = {"单位编码": o.key, "单位名称": o.name, "状态": o.status, "原因": o.reason}
        for key, label in labels:
            f = _figure(o, key)
            values = (f.final, f.prior, f.change) if f else (None, None, None)
            for suffix, v in zip(("", "上年", "增减"), values, strict=True):
                row[f"{label}{suffix}"] = v
                totals.setdefault(f"{label}{suffix}", []).append(v)
            if f is not None and f.completion is not None:
                row[f"{label}完成年初预算%"] = f.completion
                totals.setdefault(f"{label}年初预算", []).append(f.budget)
        rows.append(row)
    total = {"单位编码": "", "单位名称": "合计", "状态": f"{len(outcomes)} 个单位", "原因": ""}
    for column, values in totals.items():
        known = [v for v in values if v is not None]
        total[column] = sum(known, Decimal(0)) if known else None
    for _key, label in labels:
        if f"{label}年初预算" in total:
            total[f"{label}完成年初预算%"] = rate(total[f"{label}"], total.pop(f"{label}年初预算"))
    rows.append(total)
    return pd.DataFrame(rows)


def _finish(ws, money_cols: set[str], pct_cols: set[str], widths: dict[str, float]) -> None:
    """Header frozen and filtered, texts as texts, money with 2 decimals, one page wide."""
    for cells in ws.iter_rows():  # a typed text that looks like a formula stays text
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"
    header = [c.value for c in ws[1]]
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            name = header[cell.column - 1]
            if isinstance(cell.value, Decimal | int | float) and not isinstance(cell.value, bool):
                if name in money_cols:
                    cell.number_format = MONEY
                elif name in pct_cols:
                    cell.number_format = PCT
    last = get_column_letter(max(len(header), 1))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for i, name in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(str(name), 14)


def _write(path: Path, frames: dict[str, pd.DataFrame], widths: dict[str, float]) -> None:
    def save(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, df in frames.items():
                df.to_excel(writer, sheet_name=name, index=False)
                ws = writer.book[name]
                money = {c for c in df.columns if "万元" in str(c) or _money_column(df, c)}
                pct = {c for c in df.columns if "%" in str(c)}
                _finish(ws, money - pct, pct, widths)

    atomic_write(Path(path), save)


def _money_column(df: pd.DataFrame, column) -> bool:
    values = [v for v in df[column] if v is not None and not (isinstance(v, float) and pd.isna(v))]
    return bool(values) and all(isinstance(v, Decimal) for v in values)


WIDTHS = {"文件": 36, "单位名称": 36, "主要问题": 80, "原因": 40, "说明": 80, "位置": 22}


def write_summary(path: Path, outcomes) -> None:
    """汇总结果.xlsx of ``check DIR --summary``."""
    _write(path, summary_frames(outcomes), WIDTHS)


def write_stats(path: Path, outcomes) -> None:
    """指标.xlsx of ``xlfin stats``."""
    _write(path, {"指标": stats_frame(outcomes)}, WIDTHS)
