"""A stand-in for the part of the xlwings API that xlfin's Excel adapter uses, backed by a real
workbook (openpyxl) and counting the calls, so the add-in's Python side is tested without Excel.

It behaves like Excel where that has bitten us:
* values come back as COM gives them through xlwings: numbers as floats (whole numbers too),
  blanks and error cells as None, a formula cell as its computed (cached) value, dates as
  naive datetimes, currency-formatted numbers as Decimal (VT_CY);
* ``range.value`` is a scalar for one cell and a list for one row unless ``ndim=2`` is asked;
* a protected sheet refuses what Excel refuses, with Excel's COM error 1004: values into
  locked cells, formats unless the protection allows formatting, notes while drawing objects
  are protected; a protected workbook structure refuses adding and deleting sheets;
* ``add_hyperlink`` without display text writes the address into the cell, as xlwings does.

Every call is logged as (xlwings class, member, args, kwargs) so that a contract test can
check each against the installed xlwings' own signatures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.protection import hash_password


class FakeComError(Exception):
    """Shaped like ``pywintypes.com_error``: (hresult, text, excepinfo, argerror)."""

    def __init__(self, description: str):
        super().__init__(
            -2147352567,
            "Exception occurred.",
            (0, "Microsoft Excel", description, "xlmain11.chm", 0, -2146827284),
            None,
        )


LOCKED = "您试图更改的单元格或图表位于受保护的工作表中。"  # Excel's text for error 1004


class Counter:
    def __init__(self):
        self.value_reads = defaultdict(int)
        self.value_writes = defaultdict(int)
        self.other_writes = defaultdict(int)
        self.note_lookups = defaultdict(int)
        self.calls: list[tuple[str, str, tuple, dict]] = []

    def calls_hashable(self):
        """The calls with unhashable arguments (value blocks) replaced by their type name."""

        def h(v):
            try:
                hash(v)
            except TypeError:
                return type(v).__name__
            return v

        return [
            (c, m, tuple(h(a) for a in args), {k: h(v) for k, v in kwargs.items()})
            for c, m, args, kwargs in self.calls
        ]


class FakeApp:
    def __init__(self, book):
        self.book = book
        self.alerts = []
        self.properties_used = []
        self.status_bar = None

    @contextmanager
    def properties(self, **kwargs):
        self.book.counter.calls.append(("App", "properties", (), kwargs))
        self.properties_used.append(kwargs)
        yield self

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.book.counter.calls.append(
            ("App", "alert", (prompt,), {"title": title, "buttons": buttons, "mode": mode})
        )
        self.alerts.append((prompt, title, mode))


class FakeBook:
    def __init__(self, path: Path):
        self.wb = load_workbook(path)
        self.cached = load_workbook(path, data_only=True)  # what Excel shows for formulas
        self.counter = Counter()
        self.app = FakeApp(self)
        self.name = Path(path).name
        self.api = FakeWorkbookApi(self)

    @property
    def sheets(self):
        return FakeSheets(self)

    def save(self, path):
        self.wb.save(path)


class FakeWorkbookApi:
    """Workbook.ProtectStructure / Protect / Unprotect of Excel's COM object model."""

    def __init__(self, book):
        self.book = book

    @property
    def ProtectStructure(self):
        return bool(self.book.wb.security and self.book.wb.security.lockStructure)

    @property
    def ProtectWindows(self):
        return bool(self.book.wb.security and self.book.wb.security.lockWindows)

    def Unprotect(self, Password=None):
        sec = self.book.wb.security
        if sec is None or not sec.lockStructure:
            return
        if sec.workbookPassword and hash_password(Password or "") != sec.workbookPassword:
            raise FakeComError("您所提供的密码不正确。")
        sec.lockStructure = sec.lockWindows = False
        sec.set_workbook_password(None, already_hashed=True)

    def Protect(self, Password=None, Structure=None, Windows=None):
        from openpyxl.workbook.protection import WorkbookProtection

        sec = WorkbookProtection(lockStructure=bool(Structure), lockWindows=bool(Windows))
        if Password:
            sec.workbookPassword = Password
        self.book.wb.security = sec


class FakeSheets:
    def __init__(self, book):
        self.book = book

    def __iter__(self):
        return iter([FakeSheet(self.book, ws) for ws in self.book.wb.worksheets])

    def __len__(self):
        return len(self.book.wb.worksheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return FakeSheet(self.book, self.book.wb.worksheets[key])
        return FakeSheet(self.book, self.book.wb[key])

    def add(self, name=None, before=None, after=None):
        self.book.counter.calls.append(
            ("Sheets", "add", (), {"name": name, "before": before, "after": after})
        )
        if self.book.api.ProtectStructure:
            raise FakeComError("工作簿受保护，无法更改。")
        index = None
        if after is not None:
            index = self.book.wb.worksheets.index(after.ws) + 1
        elif before is not None:
            index = self.book.wb.worksheets.index(before.ws)
        ws = self.book.wb.create_sheet(name, index)
        return FakeSheet(self.book, ws)


# Worksheet.Protection.AllowX ↔ the OOXML sheetProtection attribute that forbids X.
ALLOW_ATTR = {
    "AllowFormattingCells": "formatCells",
    "AllowFormattingColumns": "formatColumns",
    "AllowFormattingRows": "formatRows",
    "AllowInsertingColumns": "insertColumns",
    "AllowInsertingRows": "insertRows",
    "AllowInsertingHyperlinks": "insertHyperlinks",
    "AllowDeletingColumns": "deleteColumns",
    "AllowDeletingRows": "deleteRows",
    "AllowSorting": "sort",
    "AllowFiltering": "autoFilter",
    "AllowUsingPivotTables": "pivotTables",
}


class FakeProtection:
    def __init__(self, ws):
        self.ws = ws

    def __getattr__(self, name):
        if name in ALLOW_ATTR:
            return not getattr(self.ws.protection, ALLOW_ATTR[name])
        raise AttributeError(name)


class FakeWorksheetApi:
    """Worksheet protection members of Excel's COM object model, over openpyxl's."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.ws = sheet.ws

    @property
    def ProtectContents(self):
        return bool(self.ws.protection.sheet)

    @property
    def ProtectDrawingObjects(self):
        return bool(self.ws.protection.sheet and self.ws.protection.objects)

    @property
    def ProtectScenarios(self):
        return bool(self.ws.protection.sheet and self.ws.protection.scenarios)

    @property
    def ProtectionMode(self):
        return bool(getattr(self.ws, "_ui_only", False))

    @property
    def Protection(self):
        return FakeProtection(self.ws)

    def Unprotect(self, Password=None):
        p = self.ws.protection
        if not p.sheet:
            return
        if p.password and hash_password(Password or "") != p.password:
            raise FakeComError(
                "您所提供的密码不正确。请确认 CAPS LOCK 键已关闭并使用正确的大小写。"
            )
        p.set_password(None, already_hashed=True)  # (openpyxl's set_password re-enables)
        p.sheet = False
        self.sheet.book.counter.calls.append(("Worksheet.api", "Unprotect", (), {}))

    def Protect(
        self,
        Password=None,
        DrawingObjects=True,
        Contents=True,
        Scenarios=True,
        UserInterfaceOnly=False,
        **allow,
    ):
        p = self.ws.protection
        p.set_password(Password or None, already_hashed=not Password)
        p.sheet = bool(Contents)
        p.objects = bool(DrawingObjects)
        p.scenarios = bool(Scenarios)
        for name, attr in ALLOW_ATTR.items():
            setattr(p, attr, not allow.get(name, False))
        self.ws._ui_only = bool(UserInterfaceOnly)
        self.sheet.book.counter.calls.append(("Worksheet.api", "Protect", (), {}))


class FakeSheet:
    def __init__(self, book, ws):
        self.book, self.ws = book, ws

    @property
    def name(self):
        return self.ws.title

    @property
    def api(self):
        return FakeWorksheetApi(self)

    @property
    def used_range(self):
        self.book.counter.calls.append(("Sheet", "used_range", (), {}))
        return FakeRange(self, (1, 1), (self.ws.max_row, self.ws.max_column))

    def range(self, first, second=None):
        self.book.counter.calls.append(("Sheet", "range", (first, second), {}))
        return FakeRange.parse(self, first, second)

    def activate(self):
        self.book.counter.calls.append(("Sheet", "activate", (), {}))
        self.book.wb.active = self.book.wb.worksheets.index(self.ws)

    def delete(self):
        self.book.counter.calls.append(("Sheet", "delete", (), {}))
        if self.book.api.ProtectStructure:
            raise FakeComError("工作簿受保护，无法更改。")
        self.book.counter.other_writes[self.name] += 1
        self.book.wb.remove(self.ws)

    # protection as Excel enforces it
    def refuse_unless(self, allowed: bool, cells=()) -> None:
        p = self.ws.protection
        if not p.sheet or allowed:
            return
        if cells and not any(c.protection.locked for c in cells):
            return
        raise FakeComError(LOCKED)


REF = re.compile(r"^([A-Z]+)(\d+)$")
ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
CURRENCY = re.compile(r"[¥$€£]|\[\$")


def _cell(ref):
    m = REF.match(ref)
    return int(m.group(2)), column_index_from_string(m.group(1))


class FakeRange:
    def __init__(self, sheet, top_left, bottom_right, ndim=None):
        self.sheet, self.tl, self.br, self.ndim = sheet, top_left, bottom_right, ndim

    @classmethod
    def parse(cls, sheet, first, second=None):
        if isinstance(second, FakeRange):
            return cls(sheet, _cell(first), second.br)
        if second is not None:
            return cls(sheet, _cell(first), _cell(second))
        if ":" in first:
            a, b = first.split(":")
            if a.isalpha():  # whole columns "F:F"
                return cls(
                    sheet, (1, column_index_from_string(a)), (1048576, column_index_from_string(b))
                )
            return cls(sheet, _cell(a), _cell(b))
        return cls(sheet, _cell(first), _cell(first))

    @property
    def counter(self):
        return self.sheet.book.counter

    def _log(self, member, *args, **kwargs):
        self.counter.calls.append(("Range", member, args, kwargs))

    def options(self, convert=None, **kwargs):
        self._log("options", convert, **kwargs)
        return FakeRange(self.sheet, self.tl, self.br, kwargs.get("ndim", self.ndim))

    @property
    def last_cell(self):
        self._log("last_cell")
        return FakeRange(self.sheet, self.br, self.br)

    @property
    def row(self):
        return self.tl[0]

    @property
    def column(self):
        return self.tl[1]

    def _cells(self):
        for r in range(self.tl[0], self.br[0] + 1):
            for c in range(self.tl[1], self.br[1] + 1):
                yield self.sheet.ws.cell(r, c)

    def _com_value(self, r, c):
        cell = self.sheet.ws.cell(r, c)
        v = cell.value
        if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
            v = self.sheet.book.cached[self.sheet.name].cell(r, c).value  # the computed value
        if cell.data_type == "e" or v in ERRORS:
            return None  # error cells: None (xlwings' err_to_str=False)
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            if CURRENCY.search(cell.number_format or ""):
                return Decimal(repr(float(v))).quantize(Decimal("0.0001"))  # VT_CY
            return float(v)
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return dt.datetime(v.year, v.month, v.day)
        if v == "":
            return None
        return v

    @property
    def value(self):
        self._log("value")
        self.counter.value_reads[self.sheet.name] += 1
        out = [
            [self._com_value(r, c) for c in range(self.tl[1], self.br[1] + 1)]
            for r in range(self.tl[0], self.br[0] + 1)
        ]
        if self.ndim == 2:
            return out
        if len(out) == 1 and len(out[0]) == 1:
            return out[0][0]
        if len(out) == 1:
            return out[0]
        if all(len(r) == 1 for r in out):
            return [r[0] for r in out]
        return out

    @value.setter
    def value(self, data):
        self._log("value=", data)
        self.counter.value_writes[self.sheet.name] += 1
        if not isinstance(data, list):
            data = [[data]]
        elif data and not isinstance(data[0], list):
            data = [data]
        targets = [
            self.sheet.ws.cell(self.tl[0] + i, self.tl[1] + j)
            for i, row in enumerate(data)
            for j, _ in enumerate(row)
        ]
        self.sheet.refuse_unless(False, targets)
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet.ws.cell(self.tl[0] + i, self.tl[1] + j).value = v

    @property
    def number_format(self):
        return self.sheet.ws.cell(*self.tl).number_format

    @number_format.setter
    def number_format(self, fmt):
        self._log("number_format=", fmt)
        self.sheet.refuse_unless(not self.sheet.ws.protection.formatCells)
        self.counter.other_writes[self.sheet.name] += 1
        for cell in self._cells():
            cell.number_format = fmt

    @property
    def color(self):
        fill = self.sheet.ws.cell(*self.tl).fill
        return fill.fgColor.rgb if fill.fill_type else None

    @color.setter
    def color(self, rgb):
        self._log("color=", rgb)
        self.sheet.refuse_unless(not self.sheet.ws.protection.formatCells)
        self.counter.other_writes[self.sheet.name] += 1
        for cell in self._cells():
            if rgb is None:
                cell.fill = PatternFill(fill_type=None)
            else:
                cell.fill = PatternFill("solid", fgColor="{:02X}{:02X}{:02X}".format(*rgb))

    @property
    def note(self):
        self._log("note")
        self.counter.note_lookups[self.sheet.name] += 1
        cell = self.sheet.ws.cell(*self.tl)
        return FakeNote(self, cell) if cell.comment else None

    def add_note(self, text):
        self._log("add_note", text)
        self.sheet.refuse_unless(not self.sheet.ws.protection.objects)
        self.counter.other_writes[self.sheet.name] += 1
        cell = self.sheet.ws.cell(*self.tl)
        if cell.comment:
            raise ValueError("This cell already has a note")
        cell.comment = Comment(text, "xlfin", width=360, height=120)

    def add_hyperlink(self, address, text_to_display=None, screen_tip=None):
        self._log("add_hyperlink", address, text_to_display, screen_tip)
        cell = self.sheet.ws.cell(*self.tl)
        self.sheet.refuse_unless(not self.sheet.ws.protection.insertHyperlinks, [cell])
        self.counter.other_writes[self.sheet.name] += 1
        if text_to_display is None:  # xlwings' default: the address is the text
            text_to_display = address
        cell.hyperlink = address
        cell.value = text_to_display

    @property
    def column_width(self):
        return self.sheet.ws.column_dimensions[get_column_letter(self.tl[1])].width

    @column_width.setter
    def column_width(self, width):
        self._log("column_width=", width)
        self.sheet.refuse_unless(not self.sheet.ws.protection.formatColumns)
        self.counter.other_writes[self.sheet.name] += 1
        dim = self.sheet.ws.column_dimensions[get_column_letter(self.tl[1])]
        dim.width = width
        dim.hidden = width == 0

    @property
    def rows(self):
        self._log("rows")
        return FakeRows(self)

    @property
    def wrap_text(self):
        return self.sheet.ws.cell(*self.tl).alignment.wrap_text

    @wrap_text.setter
    def wrap_text(self, value):
        self._log("wrap_text=", value)
        self.sheet.refuse_unless(not self.sheet.ws.protection.formatCells)
        self.counter.other_writes[self.sheet.name] += 1
        for cell in self._cells():
            cell.alignment = Alignment(wrap_text=value, vertical="top")


class FakeRows:
    def __init__(self, rng):
        self.rng = rng

    def autofit(self):
        self.rng.counter.calls.append(("RangeRows", "autofit", (), {}))
        self.rng.sheet.refuse_unless(not self.rng.sheet.ws.protection.formatRows)
        self.rng.counter.other_writes[self.rng.sheet.name] += 1


class FakeNote:
    def __init__(self, rng, cell):
        self.rng, self.cell = rng, cell

    @property
    def text(self):
        return self.cell.comment.text

    @text.setter
    def text(self, value):
        self.rng.counter.calls.append(("Note", "text=", (value,), {}))
        self.rng.sheet.refuse_unless(not self.rng.sheet.ws.protection.objects)
        self.rng.counter.other_writes[self.rng.sheet.name] += 1
        self.cell.comment = Comment(value, "xlfin", width=360, height=120)

    def delete(self):
        self.rng.counter.calls.append(("Note", "delete", (), {}))
        self.rng.sheet.refuse_unless(not self.rng.sheet.ws.protection.objects)
        self.rng.counter.other_writes[self.rng.sheet.name] += 1
        self.cell.comment = None
