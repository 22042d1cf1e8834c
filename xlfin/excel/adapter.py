"""The xlwings adapter: read the open workbook into a Book, apply cell writes back.

Every COM call costs milliseconds, so each sheet is read with one ``range.value`` call and
each block of writes (a run of adjacent cells in a row) with one call, with screen updating
and calculation switched off around the writes. COM values are normalised here: numbers
come as floats (whole numbers too), blanks and error cells as None, dates as datetimes,
currency as Decimal.

Excel refuses writes into locked cells of a protected sheet (error 1004), and formats and
notes too unless the protection allows them; openpyxl ignores protection. So every write
runs with the protection of the sheets it touches lifted and then restored exactly as it was
(options and password; the password from the user config's ``SHEET_PASSWORD``), the
workbook structure likewise when sheets are added or removed.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from decimal import Decimal

from xlfin.io.cells import clean_text
from xlfin.io.reader import read_grids
from xlfin.marks import RESULT_SHEET, STATE_COL
from xlfin.model import Book, column_letter, parse_cell
from xlfin.profile import Profile
from xlfin.writes import KEEP, CellWrite, SheetWrite, Write


def normalize(value: object) -> object:
    """A COM value as the reader expects it."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def to_com(value: object) -> object:
    """A Python value as Excel takes it (Decimal → float; Excel stores doubles anyway). Text
    stays text: Excel parses a value written through COM as if typed, so text that starts like
    a formula (= + - @) gets the apostrophe prefix Excel uses for literal text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        value = clean_text(value)
        if value[:1] in ("=", "+", "-", "@"):
            return "'" + value
    return value


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16))


class _LazySheets(Mapping):
    """Sheet values fetched on first use, one ``range.value`` call per sheet."""

    def __init__(self, book):
        self.book = book
        self.names = [s.name for s in book.sheets]
        self.cache: dict[str, list[list]] = {}

    def __getitem__(self, name: str) -> list[list]:
        if name not in self.cache:
            self.cache[name] = read_sheet(self.book.sheets[name])
        return self.cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def read_sheet(sheet) -> list[list]:
    """All values of *sheet* from A1 to its last used cell, in one call."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1:
        v = sheet.range("A1").options(ndim=2).value
    else:
        v = sheet.range("A1", last).options(ndim=2).value
    rows = v or []
    return [[normalize(x) for x in row] for row in rows]


class ProtectionError(Exception):
    """A protection xlfin cannot lift (a password it was not given): message for the user."""


# The options of Worksheet.Protect after Contents, in the order Excel's COM takes them, with
# the Protection property that reports each (Excel's object model).
_ALLOW = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingColumns",
    "AllowInsertingRows",
    "AllowInsertingHyperlinks",
    "AllowDeletingColumns",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
    "AllowUsingPivotTables",
)


def com_message(error: BaseException) -> str:
    """The readable part of a COM error (``pywintypes.com_error`` carries Excel's own text in
    its third argument); the error's text otherwise."""
    args = getattr(error, "args", ())
    if len(args) >= 3 and isinstance(args[2], tuple) and len(args[2]) >= 3 and args[2][2]:
        return str(args[2][2]).strip()
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return args[1]
    return str(error)


class _WinSheetProtection:
    """A worksheet's protection through Excel's COM object model (Windows)."""

    def __init__(self, api):
        self.api = api

    def state(self) -> dict | None:
        if not self.api.ProtectContents and not self.api.ProtectDrawingObjects:
            return None
        p = self.api.Protection
        state = {name: bool(getattr(p, name)) for name in _ALLOW}
        state["DrawingObjects"] = bool(self.api.ProtectDrawingObjects)
        state["Contents"] = bool(self.api.ProtectContents)
        state["Scenarios"] = bool(self.api.ProtectScenarios)
        state["UserInterfaceOnly"] = bool(self.api.ProtectionMode)
        return state

    def unprotect(self, password: str) -> None:
        self.api.Unprotect(Password=password)

    def protect(self, password: str, state: dict) -> None:
        self.api.Protect(Password=password, **state)


class _MacSheetProtection:
    """The same through Excel's AppleScript dictionary (macOS, via appscript). Not run on a
    real Mac by the tests: the names follow Excel's dictionary."""

    def __init__(self, api):
        self.api = api

    def state(self) -> dict | None:
        if not self.api.protect_contents.get() and not self.api.protect_drawing_objects.get():
            return None
        p = self.api.protection
        state = {name: bool(getattr(p, _snake(name)).get()) for name in _ALLOW}
        state["DrawingObjects"] = bool(self.api.protect_drawing_objects.get())
        state["Contents"] = bool(self.api.protect_contents.get())
        state["Scenarios"] = bool(self.api.protect_scenarios.get())
        state["UserInterfaceOnly"] = bool(self.api.protection_mode.get())
        return state

    def unprotect(self, password: str) -> None:
        self.api.unprotect(password=password)

    def protect(self, password: str, state: dict) -> None:
        self.api.protect_worksheet(password=password, **{_snake(k): v for k, v in state.items()})


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def _sheet_protection(sheet):
    return (_MacSheetProtection if sys.platform == "darwin" else _WinSheetProtection)(sheet.api)


@contextmanager
def _lifted(guard, label: str, password: str | None):
    """Lift *guard*'s protection for the block, then restore it with the same options."""
    state = guard.state()
    if state is None:
        yield
        return
    used = None
    for attempt in ("", password) if password else ("",):
        try:
            guard.unprotect(attempt)
        except Exception:  # Excel: wrong password (error 1004)
            continue
        used = attempt
        break
    if used is None:
        raise ProtectionError(
            f"{label}设有保护密码，xlfin 无法写入。请在 xlfin.conf 中加一行 "
            '"SHEET_PASSWORD","密码"（与工作表保护密码相同），或先在“审阅 → 撤销工作表保护”中撤销保护，再点击按钮。'
            if not password
            else f"{label}的保护密码与 xlfin.conf 中的 SHEET_PASSWORD 不同，xlfin 无法写入。"
            "请改正 SHEET_PASSWORD，或先撤销保护，再点击按钮。"
        )
    try:
        yield
    finally:
        guard.protect(used, state)


class _WinBookProtection:
    def __init__(self, api):
        self.api = api

    def state(self) -> dict | None:
        if not self.api.ProtectStructure:
            return None
        return {"Structure": True, "Windows": bool(self.api.ProtectWindows)}

    def unprotect(self, password: str) -> None:
        self.api.Unprotect(Password=password)

    def protect(self, password: str, state: dict) -> None:
        self.api.Protect(Password=password, **state)


class _MacBookProtection:
    def __init__(self, api):
        self.api = api

    def state(self) -> dict | None:
        if not self.api.protect_structure.get():
            return None
        return {"structure": True, "windows": bool(self.api.protect_windows.get())}

    def unprotect(self, password: str) -> None:
        self.api.unprotect(password=password)

    def protect(self, password: str, state: dict) -> None:
        self.api.protect_workbook(password=password, **state)


class XwBook:
    """An open xlwings Book seen through xlfin: read it, apply writes, talk to the user."""

    def __init__(self, book, password: str | None = None):
        self.book = book
        self.password = password

    @contextmanager
    def unprotected(self, sheet_names, structure: bool = False):
        """Lift the protection of the named sheets (and of the workbook structure if
        *structure*) for the block; everything is restored as it was, also after an error.
        Raises ProtectionError before anything is written when a password is missing."""
        with ExitStack() as stack:
            if structure:
                cls = _MacBookProtection if sys.platform == "darwin" else _WinBookProtection
                stack.enter_context(_lifted(cls(self.book.api), "工作簿结构", self.password))
            present = {s.name for s in self.book.sheets}
            for name in sheet_names:
                if name in present:
                    sheet = self.book.sheets[name]
                    stack.enter_context(
                        _lifted(_sheet_protection(sheet), f"工作表“{name}”", self.password)
                    )
            yield

    @property
    def sheets(self) -> _LazySheets:
        """The workbook's values, each sheet fetched once (shared by detect and read)."""
        if getattr(self, "_sheets", None) is None:
            self._sheets = _LazySheets(self.book)
        return self._sheets

    def detect(self):
        """The format and year of the open workbook (:func:`xlfin.detect.detect`)."""
        from xlfin.detect import detect

        return detect(self.sheets.names, self.sheets)

    def read(self, profile: Profile) -> Book:
        sheets = self.sheets
        return read_grids(sheets.names, sheets, profile, path=self.book.name)

    def previous_marks(self) -> list[str]:
        """The 原状态 column of an existing 校验结果 sheet (one read)."""
        if RESULT_SHEET not in [s.name for s in self.book.sheets]:
            return []
        rows = read_sheet(self.book.sheets[RESULT_SHEET])
        out = []
        for row in rows:  # entries are recognised by their form (title and header are not)
            if len(row) >= STATE_COL and isinstance(row[STATE_COL - 1], str) and row[STATE_COL - 1]:
                out.append(row[STATE_COL - 1])
        return out

    def apply(self, writes: list[Write]) -> None:
        """Apply writes: values in row blocks, one call each; formats, fills, notes per cell;
        with the protection of every sheet written lifted and restored around them."""
        app = self.book.app
        names = {s.name for s in self.book.sheets}  # a sheet the workbook lacks (公开封面 of an
        # older workbook) is skipped, as the file writer does
        writes = [w for w in writes if not (isinstance(w, CellWrite) and w.sheet not in names)]
        touched = list(dict.fromkeys(w.sheet for w in writes if isinstance(w, CellWrite)))
        structure = any(isinstance(w, SheetWrite) for w in writes)
        with (
            self.unprotected(touched, structure),
            app.properties(screen_updating=False, calculation="manual"),
        ):
            self._apply(writes)

    def activate(self, name: str) -> None:
        """Show the sheet *name* (after 校验: the 校验结果 sheet)."""
        if name in [s.name for s in self.book.sheets]:
            self.book.sheets[name].activate()

    def _apply(self, writes: list[Write]) -> None:
        for w in writes:
            if isinstance(w, SheetWrite):
                self._sheet(w)
        cells = [w for w in writes if isinstance(w, CellWrite)]
        for sheet_name, row, start, run in _value_blocks(cells):
            sheet = self.book.sheets[sheet_name]
            end = start + len(run) - 1
            rng = sheet.range(f"{column_letter(start)}{row}:{column_letter(end)}{row}")
            rng.value = [[to_com(w.value) for w in run]]
            # number formats: one call per stretch of adjacent cells with the same format
            i = 0
            while i < len(run):
                j = i
                while j + 1 < len(run) and run[j + 1].number_format == run[i].number_format:
                    j += 1
                if run[i].number_format:
                    a, b = column_letter(start + i), column_letter(start + j)
                    sheet.range(f"{a}{row}:{b}{row}").number_format = run[i].number_format
                i = j + 1
        for w in cells:
            if w.fill is None and w.comment is None and not w.link:
                continue
            rng = self.book.sheets[w.sheet].range(w.cell)
            if w.fill is not None:
                rng.color = _rgb(w.fill) if w.fill else None
            if w.comment:
                try:  # no lookup first: a new mark is the common case
                    rng.add_note(w.comment)
                except ValueError:
                    rng.note.text = w.comment
            elif w.comment is not None:
                note = rng.note
                if note is not None:
                    note.delete()
            if w.link:
                # xlwings shows the address when no text is given: keep the cell's text
                text = w.value if w.value is not KEEP else rng.value
                rng.add_hyperlink(f"#{w.link}", "" if text is None else str(text))

    def _sheet(self, w: SheetWrite) -> None:
        names = [s.name for s in self.book.sheets]
        if w.name in names:
            self.book.sheets[w.name].delete()
        if w.delete:
            return
        sheet = self.book.sheets.add(name=w.name, after=self.book.sheets[len(self.book.sheets) - 1])
        if not w.rows:
            return
        width = max(len(r) for r in w.rows)
        rows = [[to_com(v) for v in r] + [None] * (width - len(r)) for r in w.rows]
        sheet.range("A1").value = rows
        for (r, c), target in w.links.items():
            sheet.range(f"{column_letter(c)}{r}").add_hyperlink(
                f"#{target}", str(rows[r - 1][c - 1])
            )
        for col, width_ in w.widths.items():
            letter = column_letter(col)
            sheet.range(f"{letter}:{letter}").column_width = 0 if col in w.hidden_cols else width_
        if w.wrap:
            block = sheet.range("A1", f"{column_letter(width)}{len(rows)}")
            block.wrap_text = True
            block.rows.autofit()  # Excel measures the text itself: one call, no per-row heights

    def alert(self, message: str, title: str = "xlfin", mode: str | None = None) -> None:
        self.book.app.alert(message, title=title, mode=mode)


def _value_blocks(cells: list[CellWrite]):
    """(sheet, row, first column, writes) for each run of adjacent value writes in one row."""

    by_row: dict[tuple[str, int], dict[int, CellWrite]] = {}
    for w in cells:
        if w.value is KEEP:
            continue
        row, col = parse_cell(w.cell)
        by_row.setdefault((w.sheet, row), {})[col] = w
    for (sheet, row), cols in by_row.items():
        ordered = sorted(cols)
        run: list[CellWrite] = []
        start = prev = None
        for col in ordered:
            if prev is not None and col == prev + 1:
                run.append(cols[col])
            else:
                if run:
                    yield sheet, row, start, run
                run, start = [cols[col]], col
            prev = col
        if run:
            yield sheet, row, start, run
