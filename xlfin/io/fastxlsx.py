"""Fast package writer for bulk generation: values put straight into the template's XML.

openpyxl needs about half a second to build and save one workbook; a finance bureau
generates a thousand. The template package is built once (by openpyxl); each unit's values
then replace the template's empty cells (``<c r="B3" s="13" t="n" />``) in the sheet XML,
written exactly as openpyxl writes them (inline strings, ``%.16g`` numbers), and the package
is zipped the same way. Tests prove the result is byte-identical to the openpyxl path.

A consolidated workbook (``merge``) has thousands of 绩效自评表 of one height: its template is
built with two forms, the second one's rows are the model of every later form (row numbers
moved, merged ranges, validations and page breaks repeated), and that sheet is made piece by
piece while the zip is written. Tests prove the cells, styles, merges, validations, heights
and breaks are the openpyxl path's (only the order of the merged ranges and of a validation's
ranges differs).
"""

from __future__ import annotations

import copy
import dataclasses
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.compat import safe_string
from openpyxl.xml import LXML
from openpyxl.xml.functions import tostring

from xlfin.io.apply import HEADER_SIZE, header_text
from xlfin.io.cells import clean_text
from xlfin.io.files import atomic_write, normalize_xlsx, write_package
from xlfin.io.rowfit import geometry_of, raised_rows
from xlfin.io.template import build_workbook
from xlfin.io.xlsx import _sheet_parts
from xlfin.layout import project_starts
from xlfin.model import parse_cell
from xlfin.profile import Profile
from xlfin.writes import HeaderWrite

# An empty styled cell as openpyxl writes it: "<c … />" with the standard library's writer,
# "<c …></c>" with lxml (openpyxl uses lxml when it is installed).
_EMPTY = re.compile(r'<c r="([A-Z]+[0-9]+)" s="([0-9]+)" t="n"(?: />|></c>)')


_ROW = re.compile(r'<row r="([0-9]+)"(?: ht="[^"]*" customHeight="1")?')


def _row_xml(m: re.Match, raised: dict[int, float]) -> str:
    """A row start tag with the height *raised* gives it, as openpyxl writes one."""
    row = int(m.group(1))
    if row not in raised:
        return m.group(0)
    return f'<row r="{row}" ht="{safe_string(raised[row])}" customHeight="1"'


_SLOT = "XLFINPAGEHEADERTEXT"  # where a unit's header text goes in the serialised element


def _xml_text(xml: str) -> str:
    """Serialised XML as openpyxl's workbook writer emits it (lxml: non-ASCII as references)."""
    return xml.encode("ascii", "xmlcharrefreplace").decode("ascii") if LXML else xml


class NotFast(Exception):
    """The values do not fit the template as it is (rows to add): use the openpyxl path."""


def _cell_xml(ref: str, style: str, value: object) -> str:
    """The cell as openpyxl would write it, in whichever XML mode openpyxl runs."""
    if isinstance(value, str):
        value = clean_text(value)  # as xlfin.io.cells.put does on the openpyxl path
        stripped = value.strip()
        preserve = stripped != value if LXML else (stripped and stripped != value)
        space = ' xml:space="preserve"' if preserve else ""
        text = escape(value)
        if LXML:  # openpyxl's lxml writer emits non-ASCII as character references
            text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool) or value is None:
        raise NotFast(f"unsupported value {value!r}")
    return f'<c r="{ref}" s="{style}" t="n"><v>{safe_string(value)}</v></c>'


_ROW_EL = re.compile(r'<row r="([0-9]+)"(?:[^>]*/>|.*?</row>)', re.S)
_ROW_NUMBER = re.compile(r'(<row r="|<c r="[A-Z]{1,3})([0-9]+)"')
_RANGE = re.compile(r"([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?")
_MERGES = re.compile(r'<mergeCells count="[0-9]+">(.*?)</mergeCells>', re.S)
_MERGE = re.compile(r'<mergeCell ref="([^"]+)"/>')
_SQREF = re.compile(r'(<dataValidation [^>]*?sqref=")([^"]*)(")')
_BREAKS = re.compile(r'<rowBreaks count="[0-9]+" manualBreakCount="[0-9]+">(.*?)</rowBreaks>', re.S)
_BREAK = re.compile(r'<brk id="([0-9]+)"([^>]*)/>')
_DIMENSION = re.compile(r'<dimension ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"/>')
# what may follow the rows of a sheet of forms: elements without cell references, and the
# three the repetition rewrites (anything else — a formula, a hyperlink, conditional
# formats — and the sheet is built by openpyxl instead)
_AFTER_ROWS = re.compile(
    r"<(sheetProtection|mergeCells|dataValidations|printOptions|pageMargins|pageSetup"
    r"|headerFooter|rowBreaks)\b"
)


@dataclasses.dataclass(frozen=True)
class Blocks:
    """A sheet written with two identical blocks of rows (*top*… and *top* + *period*…) made
    into one of *copies* blocks: the rows above and in the first block stay, the second is
    the model of every later one, the rows below it move down."""

    top: int
    period: int
    copies: int

    def offsets(self, first: int, last: int | None = None) -> range | tuple[int, ...]:
        """How far the rows *first*…*last* of the two-block sheet go down: once each offset."""
        region = self._region(first)
        if last is not None and self._region(last) != region:
            raise NotFast(f"rows {first}…{last} cross a form's edge")
        if region == 0:
            return (0,)
        if region == 1:
            return range(0, (self.copies - 1) * self.period, self.period)
        return ((self.copies - 2) * self.period,)

    def _region(self, row: int) -> int:
        if row < self.top + self.period:
            return 0
        return 1 if row < self.top + 2 * self.period else 2

    def expand(self, xml: str) -> Expanded:
        """The worksheet XML of the two-block sheet, ready to be written with every block.
        Raises NotFast for anything in it the repetition would not move correctly."""
        start, end = xml.find("<sheetData>"), xml.find("</sheetData>")
        if start < 0 or end < 0:
            raise NotFast("no rows")
        start += len("<sheetData>")
        after = xml[end:]
        tags = set(re.findall(r"<([A-Za-z]+)\b", after[len("</sheetData>") :]))
        inner = {"mergeCell", "dataValidation", "formula1", "formula2", "brk"}
        inner |= {"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader"}
        inner |= {"firstFooter", "worksheet"}
        if any(not _AFTER_ROWS.match(f"<{t} ") and t not in inner for t in tags):
            raise NotFast(f"sheet elements {sorted(tags)}")
        head = _DIMENSION.sub(
            lambda m: (
                f'<dimension ref="{m[1]}{m[2]}:{m[3]}{int(m[4]) + self.offsets(int(m[4]))[-1]}"/>'
            ),
            xml[:start],
        )
        data = xml[start:end]
        rows = list(_ROW_EL.finditer(data))
        if sum(len(m[0]) for m in rows) != len(data) or "<f" in data:
            raise NotFast("rows the repetition does not know")
        before: list[str] = []  # rows above the second block, which stay
        model: list[str] = []  # the second block's rows
        below: list[str] = []  # rows under it, moved down
        for m in rows:
            row = int(m[1])
            if row < self.top + self.period:
                before.append(m[0])
            elif row < self.top + 2 * self.period:
                model.append(m[0])
            else:
                below.append(_moved(m[0], self.offsets(row)[0]))
        numbers: list[int] = []

        def slot(m: re.Match) -> str:
            numbers.append(int(m[2]))
            return f'{m[1]}{{{len(numbers) - 1}}}"'

        # every later block: the second one's XML with its row numbers as slots
        form = _ROW_NUMBER.sub(slot, "".join(model).replace("{", "{{").replace("}", "}}"))
        return Expanded(
            self, head + "".join(before), form, tuple(numbers), "".join(below) + self._after(after)
        )

    def sheet_xml(self, xml: str) -> str:
        """The worksheet XML of the two-block sheet, with every block there."""
        return "".join(text for text, _off in self.expand(xml).pieces())

    def _ranges(self, sqref: str) -> Iterator[str]:
        """The references of *sqref* where every block has them: each one's copies after it,
        in the order given (the first stays first: a validation's formula is relative to it)."""
        for token in sqref.split():
            m = _RANGE.fullmatch(token)
            if m is None:
                raise NotFast(f"reference {token}")
            first, last = int(m[2]), int(m[4] or m[2])
            for off in self.offsets(first, last):
                yield f"{m[1]}{first + off}" + (f":{m[3]}{last + off}" if m[3] else "")

    def _after(self, xml: str) -> str:
        def merges(m: re.Match) -> str:
            body = "".join(
                f'<mergeCell ref="{r}"/>' for ref in _MERGE.findall(m[1]) for r in self._ranges(ref)
            )
            return f'<mergeCells count="{body.count("<mergeCell ")}">{body}</mergeCells>'

        def breaks(m: re.Match) -> str:  # a break belongs to the page it starts
            brks = [
                f'<brk id="{int(b[1]) + off}"{b[2]}/>'
                for b in _BREAK.finditer(m[1])
                for off in self.offsets(int(b[1]) + 1)
            ]
            n = len(brks)
            return f'<rowBreaks count="{n}" manualBreakCount="{n}">{"".join(brks)}</rowBreaks>'

        xml = _MERGES.sub(merges, xml)
        xml = _SQREF.sub(lambda m: m[1] + " ".join(self._ranges(m[2])) + m[3], xml)
        return _BREAKS.sub(breaks, xml)


@dataclasses.dataclass(frozen=True)
class Expanded:
    """A sheet of repeated blocks as pieces of XML made one after another while it is written:
    what stays, each later block, and what moves below them."""

    blocks: Blocks
    head: str  # the sheet's start and the rows that stay
    form: str  # the second block's rows, row numbers as str.format slots
    numbers: tuple[int, ...]  # the row number of each slot in the two-block sheet
    tail: str  # the rows below the blocks (moved), the end of the rows and what follows

    def pieces(self) -> Iterator[tuple[str, int]]:
        """(XML, how far its rows moved from the two-block sheet's), in order."""
        b = self.blocks
        yield self.head, 0
        for off in b.offsets(b.top + b.period):
            yield self.form.format(*[n + off for n in self.numbers]), off
        yield self.tail, b.offsets(b.top + 2 * b.period)[0]


def _row_at(xml: str, at: int) -> int:
    """The number of the row whose start tag is at *at* of *xml*."""
    start = at + len('<row r="')
    return int(xml[start : xml.index('"', start)])


def _moved(row_xml: str, off: int) -> str:
    return _ROW_NUMBER.sub(lambda m: f'{m[1]}{int(m[2]) + off}"', row_xml)


def _names_rows_of(workbook_xml: str, sheet: str) -> bool:
    """Whether a defined name of the workbook (a print area, print titles) names *sheet*."""
    names = re.search(r"<definedNames>(.*?)</definedNames>", workbook_xml, re.S)
    if names is None:
        return False
    quoted = escape(sheet).encode("ascii", "xmlcharrefreplace").decode("ascii")
    return any(f"{s}!" in names[1] for s in (quoted, f"'{quoted}'", sheet, f"'{sheet}'"))


class TemplatePackage:
    """The profile's template as zip entries, ready to be filled many times."""

    def __init__(self, profile: Profile):
        self._build(profile)

    @classmethod
    def for_book(cls, fitted: Profile) -> TemplatePackage:
        """The template of *fitted* (a profile fitted to one book), its sheet of 绩效自评表
        built with two forms by openpyxl and the others repeated in its XML: a consolidated
        workbook of thousands of forms is written at the speed of its bytes, in a fraction of
        the memory an openpyxl workbook of it takes. Raises NotFast for a sheet the repetition
        cannot be sure of (the caller then builds it with openpyxl)."""
        spec = next((s for s in fitted.sheets if s.kind == "projects"), None)
        if spec is None or spec.projects <= 2:
            return cls(fitted)
        starts = project_starts(spec)
        period = starts[1] - starts[0]
        if any(b - a != period for a, b in zip(starts, starts[1:], strict=False)):
            raise NotFast("forms of different heights")
        two = dataclasses.replace(
            fitted,
            sheets=tuple(
                dataclasses.replace(s, projects=2) if s is spec else s for s in fitted.sheets
            ),
        )
        pkg = cls(two)
        blocks = Blocks(top=starts[0] - 2, period=period, copies=spec.projects)
        part = pkg.parts[spec.name]
        pkg.expanded[spec.name] = blocks.expand(pkg.items[pkg.index[part]][1].decode("utf-8"))
        if _names_rows_of(pkg.items[pkg.index["xl/workbook.xml"]][1].decode("utf-8"), spec.name):
            raise NotFast("a defined name points into the sheet of forms")
        return pkg

    def _build(self, profile: Profile) -> None:
        buf = io.BytesIO()
        wb = build_workbook(profile)
        # what decides row heights, for values with long wrapped texts (as write_book fits them)
        self.geometry = {ws.title: geometry_of(ws) for ws in wb.worksheets}
        self.header_footer = {ws.title: ws.HeaderFooter for ws in wb.worksheets}
        self._headers: dict[str, tuple[str, str, str]] = {}
        self.expanded: dict[str, Expanded] = {}  # sheets of repeated blocks, made as written
        wb.save(buf)
        fd, name = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            Path(name).write_bytes(buf.getvalue())
            normalize_xlsx(Path(name))
            with zipfile.ZipFile(name) as z:
                self.items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
                self.parts = _sheet_parts(z)
        finally:
            os.unlink(name)
        self.index = {name: i for i, (name, _data) in enumerate(self.items)}

    def render(
        self,
        values: list[tuple[str, str, object]],
        header: HeaderWrite | None = None,
        forms: Iterator[list[tuple[str, object]]] | None = None,
    ) -> list[tuple[str, bytes | Iterator[bytes]]]:
        """The package entries with *values* ((sheet, A1, value)) written in, and the page
        *header* set on the sheets it names (as :func:`xlfin.io.apply.set_page_header`). A
        sheet of repeated blocks is a stream of pieces, made while it is written; *forms*
        gives its blocks' values one block after another ((A1, value) of each), as needed."""
        by_sheet: dict[str, dict[str, object]] = {sheet: {} for sheet in self.expanded}
        for sheet, ref, value in values:
            by_sheet.setdefault(sheet, {})[ref] = value
        if header is not None:
            for sheet in header.sheets:
                by_sheet.setdefault(sheet, {})
        items: list = list(self.items)
        for sheet, cells in by_sheet.items():
            part = self.parts.get(sheet)
            if part is None:
                raise NotFast(f"no sheet {sheet}")
            i = self.index[part]
            head = header if header is not None and sheet in header.sheets else None
            if sheet in self.expanded:
                items[i] = (part, self._stream(sheet, cells, head, forms))
            else:
                xml = self._fill(sheet, items[i][1].decode("utf-8"), cells, head)
                items[i] = (part, xml.encode("utf-8"))
        return items

    def _fill(self, sheet: str, xml: str, cells: dict, header, moved: int = 0) -> str:
        """*xml* with *cells* (A1 → value) written into its empty cells, the rows their
        wrapped texts need raised (the geometry is the template's, *moved* rows up) and the
        page *header*."""
        done: set[str] = set()

        def repl(m: re.Match) -> str:
            ref = m.group(1)
            if ref in cells:
                done.add(ref)
                return _cell_xml(ref, m.group(2), cells[ref])
            return m.group(0)

        xml = _EMPTY.sub(repl, xml) if cells else xml
        if len(done) != len(cells):
            raise NotFast(f"{sheet}: cells not in the template: {sorted(set(cells) - done)[:5]}")
        raised = raised_rows(  # of the texts as written (clean_text, as put does)
            self.geometry[sheet],
            (
                (row - moved, col, clean_text(v))
                for row, col, v in (
                    (*parse_cell(ref), v) for ref, v in cells.items() if isinstance(v, str)
                )
            ),
        )
        if raised:
            raised = {row + moved: h for row, h in raised.items()}
            xml = _ROW.sub(lambda m: _row_xml(m, raised), xml)
        if header is not None:
            xml = self._with_header(sheet, xml, header)
        return xml

    def _stream(self, sheet: str, cells: dict, header, forms=None) -> Iterator[bytes]:
        """The sheet of repeated blocks, piece by piece, each with its cells written in (the
        piece of a block with the next of *forms*, when given)."""
        rows: dict[int, list] = {}
        for ref, v in cells.items():
            row, col = parse_cell(ref)
            rows.setdefault(row, []).append((ref, v))
        expanded = self.expanded[sheet]
        forms = iter(forms or ())
        for text, moved in expanded.pieces():
            mine: dict = {}  # the cells of the rows this piece holds
            first, last = text.find('<row r="'), text.rfind('<row r="')
            if first >= 0:
                for r in range(_row_at(text, first), _row_at(text, last) + 1):
                    mine.update(rows.pop(r, ()))
            if text is not expanded.tail:  # a piece with a block: the head has the first
                mine.update(next(forms, ()))
            own = header if text is expanded.tail else None
            yield self._fill(sheet, text, mine, own, moved).encode("utf-8")
        if rows or next(forms, None) is not None:
            raise NotFast(f"{sheet}: cells not in the template: rows {sorted(rows)[:5]}")

    def _header_parts(self, sheet: str) -> tuple[str, str, str]:
        """The sheet's headerFooter element as openpyxl writes it, and the same element with a
        header set, split where the header's text goes (made once a sheet)."""
        parts = self._headers.get(sheet)
        if parts is None:
            hf = self.header_footer[sheet]
            old = _xml_text(tostring(hf.to_tree()).decode("utf-8"))
            new = copy.deepcopy(hf)
            new.oddHeader.right.text = _SLOT
            new.oddHeader.right.size = HEADER_SIZE
            before, after = _xml_text(tostring(new.to_tree()).decode("utf-8")).split(_SLOT)
            parts = self._headers[sheet] = (old, before, after)
        return parts

    def _with_header(self, sheet: str, xml: str, header: HeaderWrite) -> str:
        """*xml* with its headerFooter element as openpyxl writes it once the header is set
        (the text escaped as its XML writer escapes it: & < > and, with lxml, non-ASCII)."""
        old, before, after = self._header_parts(sheet)
        if old not in xml:
            raise NotFast(f"{sheet}: no page header element")
        text = _xml_text(escape(header_text(header.text)))
        return xml.replace(old, before + text + after, 1)

    def write(
        self,
        values: list[tuple[str, str, object]],
        path: Path,
        header: HeaderWrite | None = None,
        forms: Iterator[list[tuple[str, object]]] | None = None,
    ) -> None:
        """Write a filled copy of the template to *path* atomically (*forms*: as :meth:`render`)."""
        items = self.render(values, header, forms)
        atomic_write(Path(path), lambda tmp: write_package(tmp, items))
