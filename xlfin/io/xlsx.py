"""Low-level access to an .xlsx package: opening checks, values via python-calamine,
and formula cells without a cached value (which python-calamine cannot tell from blanks).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import python_calamine

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_HAS_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")
_FORMULA = re.compile(rb"<f[ >/]")


class ReadError(Exception):
    """The file cannot be read as a workbook at all (exit code 2)."""


def open_checks(path: Path) -> None:
    """Raise ReadError with a clear message for files that are not a readable .xlsx."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"文件不存在：{path} / file not found")
    if path.is_dir():
        raise ReadError(f"这是一个文件夹，不是工作簿：{path} / is a directory")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(f"文件为空：{path} / empty file")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == OLE_MAGIC:
            data = head + fh.read()
            if ENCRYPTED_MARK in data:
                raise ReadError(
                    f"工作簿设置了打开密码，无法读取：{path}；请在 Excel 中取消密码后另存。"
                    " / password-protected workbook"
                )
            raise ReadError(
                f"这是旧版 .xls 文件，无法读取：{path}；请在 Excel 中另存为 .xlsx。"
                " / legacy .xls is not supported, save as .xlsx"
            )
    if not zipfile.is_zipfile(path):
        raise ReadError(f"不是有效的 .xlsx 文件（不是 zip 包）：{path} / not an .xlsx (zip) file")


def load_values(path: Path) -> tuple[list[str], dict[str, list[list]]]:
    """Sheet names in order, and each sheet's values as rows (starting at A1)."""
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        grids = {}
        for name in names:
            sheet = wb.get_sheet_by_name(name)
            # skip_empty_area=False: rows start at A1, so list positions are cell positions
            grids[name] = sheet.to_python(skip_empty_area=False)
        return names, grids
    except python_calamine.PasswordError as e:
        raise ReadError(f"工作簿设置了密码，无法读取：{path} / password-protected") from e
    except python_calamine.CalamineError as e:
        raise ReadError(f"无法读取工作簿 {path}：{e} / cannot read workbook") from e
    except Exception as e:  # calamine raises plain errors for some broken packages
        raise ReadError(f"无法读取工作簿 {path}：{e} / cannot read workbook") from e


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path, from workbook.xml and its relationships."""
    targets = {}
    for tag in _REL_TAG.findall(zf.read("xl/_rels/workbook.xml.rels")):
        attrs = dict(_ATTR.findall(tag))
        targets[attrs.get(b"Id")] = attrs.get(b"Target", b"").decode()
    out = {}
    for tag in _SHEET_TAG.findall(zf.read("xl/workbook.xml")):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}
        rid = next((v for k, v in _ATTR.findall(tag) if k.endswith(b":id")), None)
        target = targets.get(rid, "").lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        name = attrs.get(b"name", b"").decode()
        out[_xml_unescape(name)] = target
    return out


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def formulas_without_value(path: Path) -> dict[str, set[str]]:
    """For each sheet, the A1 addresses of formula cells that carry no cached value."""
    out: dict[str, set[str]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, part in _sheet_parts(zf).items():
                try:
                    data = zf.read(part)
                except KeyError:
                    continue
                if not _FORMULA.search(data):
                    continue
                missing = set()
                for m in _CELL.finditer(data):
                    body = m.group(2) or b""
                    if _FORMULA.search(body) and not _HAS_VALUE.search(body):
                        ref = _REF.search(m.group(1))
                        if ref:
                            missing.add(ref.group(1).decode())
                if missing:
                    out[name] = missing
    except (KeyError, zipfile.BadZipFile):
        return out
    return out
