"""Reading an official 政府收支分类科目 list (.xlsx or .csv) as finance bureaus hand it out.

The layouts differ: one code column (科目编码 | 科目名称), or the code split over 类 | 款 | 项
columns (201 | 01 | 01, or 201 | 20101 | 2010101), under a title and header rows. The header
row is found by its labels; every row below with a code of 3, 5 or 7 digits (支出功能分类) or 3
and 5 digits (经济分类) and a name is kept. Nothing else of the file is read.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from xlfin.errors import UserError
from xlfin.io.xlsx import ReadError, load_values, open_checks
from xlfin.values import decode_text, nfkc

CODE_HEADER = re.compile(r"(科目)?(编码|代码)")
NAME_HEADER = re.compile(r"(科目)?名称")
DIGITS = re.compile(r"^\d+$")
HEADER_ROWS = 30  # the header is within the first rows


class CodeListError(UserError):
    """The file holds no recognisable code list (message for the user)."""

    en = "no code list found in the file"


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return nfkc(str(v)).strip()


def _rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() == ".csv":
        text = decode_text(path.read_bytes())
        if text is None:
            raise CodeListError(f"无法识别 {path} 的文字编码（应为 UTF-8 或 GBK）")
        return [[_text(c) for c in row] for row in csv.reader(io.StringIO(text))]
    open_checks(path)
    names, grids = load_values(path)
    out: list[list[str]] = []
    for name in names:  # every sheet, one after the other
        out.extend([_text(c) for c in row] for row in grids[name])
    return out


def read_code_list(path: str | Path) -> list[tuple[str, str]]:
    """(code, name) of every subject in the file, in file order, codes as digit strings."""
    path = Path(path)
    try:
        rows = _rows(path)
    except ReadError as e:
        raise CodeListError(str(e)) from None
    except OSError as e:
        raise CodeListError(f"无法读取 {path}：{e.strerror or e}") from None
    out: dict[str, str] = {}
    i = 0
    while i < len(rows):
        header = rows[i]
        code_col = next((j for j, v in enumerate(header) if CODE_HEADER.fullmatch(v)), None)
        split = [next((j for j, v in enumerate(header) if v == x), None) for x in "类款项"]
        name_col = next((j for j, v in enumerate(header) if NAME_HEADER.fullmatch(v)), None)
        if name_col is None or (code_col is None and None in split):
            i += 1
            continue
        # a header: read the rows below it up to the next header
        parent = {3: "", 5: ""}
        for row in rows[i + 1 :]:
            i += 1
            cells = row + [""] * (max(name_col, code_col or 0, *(x or 0 for x in split)) + 1)
            name = cells[name_col]
            if NAME_HEADER.fullmatch(name):
                break  # the next table's header
            if code_col is not None:
                code = cells[code_col].replace(" ", "")
            else:
                code = _joined([cells[j] for j in split], parent)
            if not code or not DIGITS.match(code) or len(code) not in (3, 5, 7) or not name:
                continue
            if len(code) in parent:
                parent[len(code)] = code
            out.setdefault(code, name)
        i += 1
    if not out:
        raise CodeListError(
            f"{path} 中找不到科目表：需要“科目编码”（或“类、款、项”）和“科目名称”两列的表头"
        )
    return list(out.items())


def _joined(parts: list[str], parent: dict[int, str]) -> str:
    """The full code from split 类 | 款 | 项 cells (each either its own digits or the full code)."""
    lei, kuan, xiang = (p.replace(" ", "") for p in parts)
    if xiang:
        if len(xiang) == 7:
            return xiang
        base = kuan if len(kuan) == 5 else (lei + kuan if lei and kuan else parent[5])
        return base + xiang if base else ""
    if kuan:
        if len(kuan) == 5:
            return kuan
        base = lei or parent[3]
        return base + kuan if base else ""
    return lei
