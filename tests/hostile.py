"""Generators of hostile and broken workbooks, made from the committed sample at test time
(no large binary file is committed): a value far away, an error value, a zip bomb, text that
looks like a formula. Each returns the path it wrote."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write(parts: dict[str, bytes], out: Path, compress=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(out, "w", compress) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    return out


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The part name of the sheet called *sheet*."""
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', wb).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    t = (target.group(1) or target.group(2)).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def far_value(
    out: Path, ref: str = "XFD1048576", sheet: str = "收入支出决算总表", src=SAMPLE
) -> Path:
    """One number at *ref* (far outside any table) on *sheet*."""
    parts = _parts(src)
    name = sheet_part(parts, sheet)
    row = re.match(r"[A-Z]+([0-9]+)", ref).group(1)
    xml = parts[name].decode()
    xml = xml.replace(
        "</sheetData>", f'<row r="{row}"><c r="{ref}" t="n"><v>7</v></c></row></sheetData>', 1
    )
    parts[name] = xml.encode()
    return _write(parts, out)


def error_value(
    out: Path, ref: str, error: str = "#REF!", sheet: str = "收入支出决算总表", src=SAMPLE
) -> Path:
    """The cell *ref* of *sheet* turned into the Excel error value *error*."""
    parts = _parts(src)
    name = sheet_part(parts, sheet)
    xml = parts[name].decode()
    cell = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.S)
    new = f'<c r="{ref}" t="e"><v>{error}</v></c>'
    xml, n = cell.subn(new, xml, count=1)
    assert n == 1, ref
    parts[name] = xml.encode()
    return _write(parts, out)


def zip_bomb(out: Path, megabytes: int = 80, src=SAMPLE) -> Path:
    """The sample with an extra part that inflates to *megabytes* of zeros (compresses ~1000×)."""
    parts = _parts(src)
    parts["xl/media/image1.bin"] = bytes(megabytes * 1024 * 1024)
    return _write(parts, out)
