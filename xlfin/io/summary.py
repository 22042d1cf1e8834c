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
from xlfin.layout import EXCEL_ROWS

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
    # column by column, repeated texts as categories: 10,000 units' findings stay small
    columns: dict[str, list] = {k: [] for k in ("文件", "单位名称", "规则", "级别", "位置", "说明")}
    for o in outcomes:
        for f in o.findings:
            columns["文件"].append(o.file)
            columns["单位名称"].append(o.name)
            columns["规则"].append(f.id)
            columns["级别"].append(SEVERITY[f.severity])
            columns["位置"].append(f.where)
            columns["说明"].append(f.message)
    found = pd.DataFrame(
        {
            k: pd.Categorical(v) if k in ("文件", "单位名称", "规则", "级别") else v
            for k, v in columns.items()
        }
    )
    del columns
    errors = found[found["级别"] == "错误"].astype(object)
    if len(found) > EXCEL_ROWS - 2:  # the sheet holds what Excel can show, and says so
        cut = len(found) - (EXCEL_ROWS - 2)
        found = pd.concat(
            [
                found.iloc[: EXCEL_ROWS - 2],
                pd.DataFrame(
                    [
                        {
                            "文件": f"……另有 {cut} 条未列出（超过 Excel 的行数上限），全部发现请用 --format json 导出"
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    errors["单位"] = errors["单位名称"].where(errors["单位名称"] != "", errors["文件"])
    # a rule a row and a unit a column, while the units fit a printed page's width and
    # Excel's columns; beyond, a unit a row and a rule a column (rules are few)
    wide = errors["单位"].nunique() > PIVOT_MAX_UNIT_COLUMNS
    rows, cols = ("单位", "规则") if wide else ("规则", "单位")
    if errors.empty:
        pivot = pd.DataFrame({rows: [], "合计": []})
    else:
        pivot = pd.pivot_table(
            errors,
            index=rows,
            columns=cols,
            values="位置",
            aggfunc="count",
            fill_value=0,
            margins=True,
            margins_name="合计",
        ).reset_index()
        pivot.columns.name = None
    return {"汇总": units, "全部发现": found, f"{rows}×{cols}": pivot}


PIVOT_MAX_UNIT_COLUMNS = 100


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


def _write(path: Path, frames: dict[str, pd.DataFrame], widths: dict[str, float]) -> None:
    """The frames as sheets, streamed row by row (openpyxl's write-only mode: the findings of
    10,000 units take the memory of one row, not of a workbook held whole): header frozen and
    filtered, texts as texts (a typed “=…” is never a formula), money with 2 decimals, one
    page wide."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    def save(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        for name, df in frames.items():
            ws = wb.create_sheet(name)
            header = [str(c) for c in df.columns]
            money = {c for c in header if "万元" in c or _money_column(df, c)}
            pct = {c for c in header if "%" in c}
            formats = [PCT if c in pct else MONEY if c in money else None for c in header]
            last = get_column_letter(max(len(header), 1))
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{last}{len(df) + 1}"
            ws.print_title_rows = "1:1"
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = "9"  # A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            for i, c in enumerate(header, 1):
                ws.column_dimensions[get_column_letter(i)].width = widths.get(c, 14)
            ws.append([_text_cell(ws, c) for c in header])
            for values in df.itertuples(index=False, name=None):
                row = []
                for v, fmt in zip(values, formats, strict=True):
                    v = _plain(v)
                    if isinstance(v, str):
                        row.append(_text_cell(ws, v))
                    elif fmt and isinstance(v, Decimal | int | float) and not isinstance(v, bool):
                        cell = WriteOnlyCell(ws, v)
                        cell.number_format = fmt
                        row.append(cell)
                    else:
                        row.append(v)
                ws.append(row)
        wb.save(tmp)

    atomic_write(Path(path), save)


def _text_cell(ws, text: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, text)
    cell.data_type = "s"  # as typed, never a formula
    return cell


def _plain(v):
    """A frame's value as a cell value: pandas' missing values (NaN, None, NaT) are blank,
    numpy numbers plain Python numbers."""
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item") and not isinstance(v, Decimal):
        return v.item()
    return v


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
