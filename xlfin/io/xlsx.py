"""Low-level access to an .xlsx package: opening checks, values via python-calamine,
and what python-calamine cannot tell: formula cells without a cached value, error values
(#REF! …, which it reads as blank), and where the sheet's content really ends.

Hostile packages are stopped before anything is inflated: a part or a whole that would
inflate far beyond any real 决算 workbook (a zip bomb) is refused; a value far outside the
tables (XFD1048576) would make python-calamine allocate the whole rectangle, so such a sheet
is read by a small streaming reader up to the limits below and the far cells are reported.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from xlfin.errors import UserError

# What no real 决算 workbook exceeds (the sample: 15 sheets, 0.3 MB inflated; a consolidated
# workbook of 1,000 units: its sheet of 5,000 绩效自评表 inflates to 86 MB).
MAX_PART_BYTES = 160 * 1024 * 1024  # one part, inflated
MAX_TOTAL_BYTES = 320 * 1024 * 1024  # the whole package, inflated
MAX_RATIO = 200  # inflated ÷ compressed, for parts over 1 MB
MAX_ROWS = 10000  # rows read of one sheet
MAX_COLS = 64  # columns read of one sheet (BL)
# A sheet of 绩效自评表 grows with the projects (a consolidated workbook: 31 rows a form, 9
# columns): read whole up to LONG_ROWS rows while it is no wider than LONG_COLS (at most 3.2
# million cells, whatever a stray entry does).
LONG_ROWS = 200_000
LONG_COLS = 16

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_HAS_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")
_FORMULA = re.compile(rb"<f[ >/]")


class ReadError(UserError):
    """The file cannot be read as a workbook at all (exit code 2)."""

    en = "the workbook cannot be read"


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
    _bomb_checks(path)


def _bomb_checks(path: Path) -> None:
    """Refuse a package whose parts would inflate beyond any real workbook (zip bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise ReadError(f"不是有效的 .xlsx 文件：{path}（{e}） / broken zip package") from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES and ratio <= MAX_RATIO:
            raise ReadError(
                f"工作簿的 {info.filename} 解压后有 {info.file_size // (1024 * 1024)} MB，"
                f"超过 xlfin 读取的上限 {MAX_PART_BYTES // (1024 * 1024)} MB，已拒绝读取：{path}"
                "（汇总工作簿请分批汇总）"
                " / a part is larger than xlfin reads, refused"
            )
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise ReadError(
                f"工作簿的 {info.filename} 解压后有 {info.file_size // (1024 * 1024)} MB"
                f"（压缩比 {ratio:.0f}），远超任何决算工作簿，疑为压缩炸弹，已拒绝读取：{path}"
                " / a part inflates far beyond any real workbook (zip bomb), refused"
            )
    if total > MAX_TOTAL_BYTES:
        raise ReadError(
            f"工作簿解压后共有 {total // (1024 * 1024)} MB，远超任何决算工作簿，已拒绝读取：{path}"
            " / the package inflates far beyond any real workbook, refused"
        )


@dataclass
class SheetScan:
    """What the sheet XML says that python-calamine's values do not."""

    rows: int = 0  # the last row with a value
    cols: int = 0  # the last column with a value
    no_value: set[str] = field(default_factory=set)  # formula cells without a cached value
    errors: dict[str, str] = field(default_factory=dict)  # A1 → #REF! …
    outside: list[str] = field(default_factory=list)  # valued cells beyond MAX_ROWS/MAX_COLS

    @property
    def too_far(self) -> bool:
        return self.rows > MAX_ROWS or self.cols > MAX_COLS


def rows_read(scan: SheetScan | None, forms: bool = False) -> int | None:
    """How much of a sheet is read: None — all of it (python-calamine); N — its first N rows
    and MAX_COLS columns (the bounded reader). *forms*: a sheet of 绩效自评表, which may be
    long (LONG_ROWS × LONG_COLS)."""
    if scan is None or not scan.too_far:
        return None
    if forms and scan.cols <= LONG_COLS:
        return None if scan.rows <= LONG_ROWS else LONG_ROWS
    return MAX_ROWS


def load_values(
    path: Path, scans: dict[str, SheetScan] | None = None
) -> tuple[list[str], dict[str, list[list]]]:
    """Sheet names in order, and each sheet's values as rows (starting at A1). A sheet with
    values beyond MAX_ROWS × MAX_COLS is read by the streaming reader, up to those limits."""
    with LazyScans(path) if scans is None else nullcontext(scans) as scans:
        names, grids = open_values(path, scans)
        return names, {name: grids[name] for name in names}


class LazyGrids:
    """A workbook's sheet values, each read by python-calamine when first asked for (a
    sheet reaching far beyond the tables by the bounded reader): a check reads the sheets
    its format has, not the hidden 代码表 nor a sheet nobody asks for."""

    def __init__(self, path: Path, wb, scans):  # scans: a dict or LazyScans
        self.path, self.wb, self.scans, self.done = path, wb, scans, {}

    def __getitem__(self, name: str) -> list[list]:
        return self.sheet(name)

    def sheet(self, name: str, forms: bool = False) -> list[list]:
        """The values of sheet *name* (*forms*: a sheet of 绩效自评表, read long)."""
        key = (name, forms)
        if key not in self.done:
            with _read_errors(self.path):
                scan = self.scans.get(name)
                self.done[key] = sheet_values(self.path, self.wb, name, scan, forms)
        return self.done[key]


def open_values(path: Path, scans) -> tuple[list[str], LazyGrids]:
    """Sheet names in order, and their values as :class:`LazyGrids` (*scans*: the sheets'
    scans, a dict or :class:`LazyScans`). Raises ReadError for a workbook python-calamine
    cannot open (as for a sheet it cannot read, when asked)."""
    with _read_errors(path):
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        return list(wb.sheet_names), LazyGrids(path, wb, scans)


@contextmanager
def _read_errors(path: Path) -> Iterator[None]:
    """python-calamine's errors as ReadError (a password, a broken package, a broken sheet)."""
    try:
        yield
    except python_calamine.PasswordError as e:
        raise ReadError(f"工作簿设置了密码，无法读取：{path} / password-protected") from e
    except python_calamine.CalamineError as e:
        raise ReadError(f"无法读取工作簿 {path}：{e} / cannot read workbook") from e
    except ReadError:
        raise
    except Exception as e:  # calamine raises plain errors for some broken packages
        raise ReadError(f"无法读取工作簿 {path}：{e} / cannot read workbook") from e


def sheet_values(
    path: Path, wb, name: str, scan: SheetScan | None, forms: bool = False
) -> list[list]:
    """One sheet's values as rows from A1: python-calamine's, or the bounded streaming
    reader's for a sheet with values beyond what is read (:func:`rows_read`)."""
    rows = rows_read(scan, forms)
    if rows is not None:
        return _bounded_grid(path, name, rows)
    # skip_empty_area=False: rows start at A1, so list positions are cell positions
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_T_ATTR = re.compile(rb'\bt="([a-zA-Z]+)"')
_V = re.compile(rb"<v>([^<]*)</v>")
_REF_PARTS = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')


class LazyScans:
    """Each sheet's :class:`SheetScan` (its real extent, formula cells without a cached value,
    error cells), made when first asked for: a check scans the sheets its format reads, not
    the hidden 代码表 nor a sheet nobody asks for. A sheet that is not in the package (or a
    package zipfile cannot list) has no scan (None). Keeps the package open until closed."""

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, SheetScan | None] = {}
        self._zf: zipfile.ZipFile | None = None
        self._parts: dict[str, str] | None = None

    def __enter__(self) -> LazyScans:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._zf is not None:
            self._zf.close()
            self._zf = None

    def _package(self) -> dict[str, str]:
        if self._parts is None:
            self._parts = {}
            try:
                self._zf = zipfile.ZipFile(self.path)
                self._parts = _sheet_parts(self._zf)
            except (KeyError, zipfile.BadZipFile, OSError):
                self.close()
        return self._parts

    def get(self, name: str, default: SheetScan | None = None) -> SheetScan | None:
        if name not in self.done:
            part = self._package().get(name)
            scan = None
            if part is not None and self._zf is not None:
                try:
                    scan = _scan(_inflate(self._zf, part))
                except (KeyError, zipfile.BadZipFile):
                    scan = None
            self.done[name] = scan
        scan = self.done[name]
        return default if scan is None else scan


def _inflate(zf: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of part *name*: a deflated part inflated in one call (zipfile's reader works
    in small chunks, a third slower for a sheet), its CRC checked as zipfile does; anything
    else (stored, encrypted, another method) through zipfile."""
    info = zf.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or zf.fp is None:
        return zf.read(name)
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header: {name}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    try:  # never more than the size the package states (+1 to tell when there is more)
        data = zlib.decompressobj(-15).decompress(fp.read(info.compress_size), info.file_size + 1)
    except zlib.error as e:
        raise zipfile.BadZipFile(f"{name}: {e}") from None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
    return data


# Cheap signs that a sheet may reach beyond the limits: a row number of 5 digits or more, a
# column from BM (65) on, or a cell whose first attribute is not r= (then nothing is assumed).
_FAR_ROW = re.compile(rb'<row r="[0-9]{5,}"')
# a cell whose column is BM or beyond, or whose first attribute is not r= (one pass for both)
_SUSPECT_CELL = re.compile(rb'<c (?!r="(?:[A-Z]|A[A-Z]|B[A-L])[0-9])')


def _scan(data: bytes) -> SheetScan:
    has_formula = _FORMULA.search(data) is not None
    if not has_formula and b't="e"' not in data and _within_limits(data):
        return SheetScan()  # the common case: nothing to find, nothing far away
    return _full_scan(data, has_formula)


def _within_limits(data: bytes) -> bool:
    """No sign of a cell beyond MAX_ROWS × MAX_COLS (empty cells count: an upper bound)."""
    return not (_FAR_ROW.search(data) or _SUSPECT_CELL.search(data))


def _full_scan(data: bytes, has_formula: bool) -> SheetScan:
    scan = SheetScan()
    for m in _CELL.finditer(data):
        body = m.group(2) or b""
        valued = _HAS_VALUE.search(body)
        if not valued and not (has_formula and _FORMULA.search(body)):
            continue
        ref = _REF_PARTS.search(m.group(1))
        if not ref:
            continue
        col, row = _col_number(ref.group(1)), int(ref.group(2))
        a1 = (ref.group(1) + ref.group(2)).decode()
        if has_formula and _FORMULA.search(body) and not valued:
            scan.no_value.add(a1)
        if not valued:
            continue
        scan.rows, scan.cols = max(scan.rows, row), max(scan.cols, col)
        if row > MAX_ROWS or col > MAX_COLS:
            if len(scan.outside) < 20:
                scan.outside.append(a1)
            if row > LONG_ROWS or col > MAX_COLS:  # read in no case (a long sheet of forms)
                continue
        t = _T_ATTR.search(m.group(1))
        if t and t.group(1) == b"e":
            v = _V.search(body)
            scan.errors[a1] = _xml_unescape(v.group(1).decode()) if v else "#错误"
    return scan


def _bounded_grid(path: Path, name: str, max_rows: int = MAX_ROWS) -> list[list]:
    """The values of sheet *name* within *max_rows* × MAX_COLS, read by streaming the sheet
    XML (numbers as floats, strings, booleans; error cells blank, as python-calamine gives
    them)."""
    import xml.etree.ElementTree as ET

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as zf:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            with zf.open("xl/sharedStrings.xml") as fh:
                for _ev, el in ET.iterparse(fh):
                    if el.tag == ns + "si":
                        shared.append("".join(t.text or "" for t in el.iter(ns + "t")))
                        el.clear()
        part = _sheet_parts(zf)[name]
        cells: dict[tuple[int, int], object] = {}
        with zf.open(part) as fh:
            for _ev, el in ET.iterparse(fh):
                if el.tag != ns + "c":
                    if el.tag == ns + "row":
                        el.clear()
                    continue
                m = _REF_PARTS.search(f'r="{el.get("r", "")}"'.encode())
                if m:
                    col, row = _col_number(m.group(1)), int(m.group(2))
                    if row <= max_rows and col <= MAX_COLS:
                        cells[(row, col)] = _cell_value(el, ns, shared)
                el.clear()
    if not cells:
        return []
    nrows = max(r for r, _ in cells)
    ncols = max(c for _, c in cells)
    grid = [[""] * ncols for _ in range(nrows)]
    for (r, c), v in cells.items():
        grid[r - 1][c - 1] = v
    return grid


def _cell_value(el, ns: str, shared: list[str]) -> object:
    t = el.get("t", "n")
    if t == "inlineStr":
        return "".join(x.text or "" for x in el.iter(ns + "t"))
    v = el.find(ns + "v")
    if v is None or v.text is None:
        return ""
    if t == "s":
        i = int(v.text) if v.text.isdigit() else -1
        return shared[i] if 0 <= i < len(shared) else ""
    if t in ("str", "d"):
        return v.text
    if t == "b":
        return v.text == "1"
    if t == "e":
        return ""
    try:
        return float(v.text)
    except ValueError:
        return ""


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
