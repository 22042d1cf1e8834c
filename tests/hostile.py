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


def with_texts(out: Path, texts: dict[tuple[str, str], object], src=SAMPLE) -> Path:
    """The workbook with cells (sheet, A1) set to *texts* as string cells, whatever they hold
    (text that looks like a formula, an ``_x0001_`` escape, a NaN written as a number)."""
    parts = _parts(src)
    for (sheet, ref), value in texts.items():
        name = sheet_part(parts, sheet)
        xml = parts[name].decode()
        if isinstance(value, str):
            esc = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            new = f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{esc}</t></is></c>'
        else:
            new = f'<c r="{ref}" t="n"><v>{value}</v></c>'
        cell = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.S)
        xml, n = cell.subn(new, xml, count=1)
        assert n == 1, (sheet, ref)
        parts[name] = xml.encode()
    return _write(parts, out)


def formula_cells(path: Path) -> int:
    """How many formula elements the workbook's sheets hold."""
    with zipfile.ZipFile(path) as z:
        return sum(
            len(re.findall(rb"<f[ >/]", z.read(n)))
            for n in z.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        )
