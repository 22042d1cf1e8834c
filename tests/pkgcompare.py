"""Compare two .xlsx packages part by part, with XML parts in canonical form (C14N 2.0).

openpyxl writes the same workbook with different bytes depending on whether lxml is installed
(self-closing tags, character references); canonical XML is the same either way.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize


def parts(path: Path) -> dict[str, object]:
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith((".xml", ".rels")):
                out[name] = canonicalize(xml_data=data.decode("utf-8"))
            else:
                out[name] = data
    return out


def differing_parts(a: Path, b: Path) -> list[str]:
    """Names of the parts that differ (or exist in only one package)."""
    pa, pb = parts(a), parts(b)
    return sorted(n for n in set(pa) | set(pb) if pa.get(n) != pb.get(n))
