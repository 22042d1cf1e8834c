"""The narrative as a Word document (python-docx): headings, paragraphs, tables, bold terms.

Takes the Markdown-flavoured text of :func:`xlfin.narrative.narrate` ('#' headings, blank-line
paragraphs, '|' tables, '**' bold) so the words are exactly those of the .md/.txt output.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from xlfin.io.files import atomic_write

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _font(style, name: str, size: float, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _runs(paragraph, text: str) -> None:
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos : m.start()])
        paragraph.add_run(m.group(1)).bold = True
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


def build_document(markdown: str):
    """A python-docx Document of the narrative text."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin = section.bottom_margin = Cm(2.5)
    _font(doc.styles["Normal"], BODY_FONT, 14)
    for level, size in ((1, 16), (2, 15), (3, 14)):
        style = doc.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, size, bold=True)
        style.font.color.rgb = None
    first = True
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = block.strip().splitlines()
        if not lines:
            continue
        head = re.match(r"^(#+) (.*)$", lines[0])
        if head and len(lines) == 1:
            level = min(len(head.group(1)), 3)
            if first:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(head.group(2))
                run.bold, run.font.size = True, Pt(20)
                run.font.name = HEADING_FONT
                run._element.rPr.rFonts.set(qn("w:eastAsia"), HEADING_FONT)
            else:
                doc.add_heading(head.group(2), level=level)
            first = False
            continue
        first = False
        if lines[0].startswith("|"):
            rows = [
                [c.strip() for c in ln.strip().strip("|").split("|")]
                for ln in lines
                if not set(ln) <= set("|-: ")
            ]
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    table.cell(i, j).text = value
                    for run in table.cell(i, j).paragraphs[0].runs:
                        run.font.size = Pt(10.5)  # 五号: tables of eight columns stay legible
                        run.bold = i == 0
            continue
        for line in lines if lines[0].startswith("- ") else [" ".join(lines)]:
            text = line[2:] if line.startswith("- ") else line
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(28)
            _runs(p, text)
    return doc


def write_docx(markdown: str, path: Path) -> None:
    """Write the narrative to *path* as .docx, atomically."""
    doc = build_document(markdown)
    atomic_write(Path(path), lambda tmp: doc.save(str(tmp)))
