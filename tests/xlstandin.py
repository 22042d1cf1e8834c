"""A stand-in for the part of the xlwings API that xlfin's Excel adapter uses, backed by a real
workbook (openpyxl) and counting the calls, so the add-in's Python side is tested without Excel.

Values come back as COM gives them: numbers as floats (whole numbers too), blanks as None.
"""

from __future__ import annotations

import re
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter


class Counter:
    def __init__(self):
        self.value_reads = defaultdict(int)
        self.value_writes = defaultdict(int)
        self.other_writes = defaultdict(int)
        self.note_lookups = defaultdict(int)


class FakeApp:
    def __init__(self):
        self.alerts = []
        self.properties_used = []
        self.status_bar = None

    @contextmanager
    def properties(self, **kwargs):
        self.properties_used.append(kwargs)
        yield self

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, mode))


class FakeBook:
    def __init__(self, path: Path):
        self.wb = load_workbook(path)
        self.app = FakeApp()
        self.name = Path(path).name
        self.counter = Counter()

    @property
    def sheets(self):
        return FakeSheets(self)

    def save(self, path):
        self.wb.save(path)


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
        index = None
        if after is not None:
            index = self.book.wb.worksheets.index(after.ws) + 1
        elif before is not None:
            index = self.book.wb.worksheets.index(before.ws)
        ws = self.book.wb.create_sheet(name, index)
        return FakeSheet(self.book, ws)


class FakeSheet:
    def __init__(self, book, ws):
        self.book, self.ws = book, ws

    @property
    def name(self):
        return self.ws.title

    @property
    def used_range(self):
        return FakeRange(self, (1, 1), (self.ws.max_row, self.ws.max_column))

    def range(self, first, second=None):
        return FakeRange.parse(self, first, second)

    def delete(self):
        self.book.counter.other_writes[self.name] += 1
        self.book.wb.remove(self.ws)


REF = re.compile(r"^([A-Z]+)(\d+)$")


def _cell(ref):
    m = REF.match(ref)
    return int(m.group(2)), column_index_from_string(m.group(1))


class FakeRange:
    def __init__(self, sheet, top_left, bottom_right):
        self.sheet, self.tl, self.br = sheet, top_left, bottom_right

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

    def options(self, **kwargs):
        return self

    @property
    def last_cell(self):
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

    @property
    def value(self):
        self.counter.value_reads[self.sheet.name] += 1
        out = []
        for r in range(self.tl[0], self.br[0] + 1):
            row = []
            for c in range(self.tl[1], self.br[1] + 1):
                v = self.sheet.ws.cell(r, c).value
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    v = float(v)
                if v == "":
                    v = None
                row.append(v)
            out.append(row)
        return out

    @value.setter
    def value(self, data):
        self.counter.value_writes[self.sheet.name] += 1
        if not isinstance(data, list):
            data = [[data]]
        elif data and not isinstance(data[0], list):
            data = [data]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet.ws.cell(self.tl[0] + i, self.tl[1] + j).value = v

    @property
    def number_format(self):
        return self.sheet.ws.cell(*self.tl).number_format

    @number_format.setter
    def number_format(self, fmt):
        self.counter.other_writes[self.sheet.name] += 1
        for cell in self._cells():
            cell.number_format = fmt

    @property
    def color(self):
        fill = self.sheet.ws.cell(*self.tl).fill
        return fill.fgColor.rgb if fill.fill_type else None

    @color.setter
    def color(self, rgb):
        self.counter.other_writes[self.sheet.name] += 1
        for cell in self._cells():
            if rgb is None:
                cell.fill = PatternFill(fill_type=None)
            else:
                cell.fill = PatternFill("solid", fgColor="{:02X}{:02X}{:02X}".format(*rgb))

    @property
    def note(self):
        self.counter.note_lookups[self.sheet.name] += 1
        cell = self.sheet.ws.cell(*self.tl)
        return FakeNote(self, cell) if cell.comment else None

    def add_note(self, text):
        self.counter.other_writes[self.sheet.name] += 1
        cell = self.sheet.ws.cell(*self.tl)
        if cell.comment:
            raise ValueError("This cell already has a note")
        cell.comment = Comment(text, "xlfin", width=360, height=120)

    def add_hyperlink(self, address, text_to_display=None, screen_tip=None):
        self.counter.other_writes[self.sheet.name] += 1
        cell = self.sheet.ws.cell(*self.tl)
        cell.hyperlink = address
        if text_to_display is not None:
            cell.value = text_to_display

    @property
    def column_width(self):
        return self.sheet.ws.column_dimensions[get_column_letter(self.tl[1])].width

    @column_width.setter
    def column_width(self, width):
        self.counter.other_writes[self.sheet.name] += 1
        dim = self.sheet.ws.column_dimensions[get_column_letter(self.tl[1])]
        dim.width = width
        dim.hidden = width == 0

    @property
    def rows(self):
        return FakeRows(self)

    @property
    def wrap_text(self):
        return self.sheet.ws.cell(*self.tl).alignment.wrap_text

    @wrap_text.setter
    def wrap_text(self, value):
        self.counter.other_writes[self.sheet.name] += 1
        for cell in self._cells():
            cell.alignment = Alignment(wrap_text=value, vertical="top")


class FakeRows:
    def __init__(self, rng):
        self.rng = rng

    def autofit(self):
        self.rng.counter.other_writes[self.rng.sheet.name] += 1


class FakeNote:
    def __init__(self, rng, cell):
        self.rng, self.cell = rng, cell

    @property
    def text(self):
        return self.cell.comment.text

    @text.setter
    def text(self, value):
        self.rng.counter.other_writes[self.rng.sheet.name] += 1
        self.cell.comment = Comment(value, "xlfin", width=360, height=120)

    def delete(self):
        self.rng.counter.other_writes[self.rng.sheet.name] += 1
        self.cell.comment = None
