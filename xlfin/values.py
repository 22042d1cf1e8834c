"""Turning what accountants type into values: amounts, counts, codes and labels.

Accepts numbers typed as text ("1,234.56", " 12.3 ", full-width "１２.３"), dashes for zero,
codes typed as numbers; never raises on bad content: returns a reason instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

ZERO_MARKS = {"-", "—", "－", "–", "——", "--", "―"}
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）])"
)
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def from_float(x: float) -> Decimal:
    """A spreadsheet double as Excel shows it: 15 significant digits, no binary noise."""
    if math.isnan(x) or math.isinf(x):
        raise ValueError(x)
    if x.is_integer() and abs(x) < 1e15:
        return Decimal(int(x))
    text = repr(x)
    if len(text) <= 15 and "e" not in text:  # short repr: exactly what was typed
        return Decimal(text)
    return Decimal(format(x, ".15g"))


TOO_LARGE = Decimal("1E15")  # 万元: no budget comes near; beyond it arithmetic loses precision


def parse_amount(raw: object) -> tuple[Decimal | None, str | None]:
    """(value, None) for a number or blank; (None, reason) for anything else, an absurdly
    large number included (it would break the 2-decimal arithmetic)."""
    value, why = _parse_amount(raw)
    if value is not None and abs(value) >= TOO_LARGE:
        return None, "数值大得不合理（1 千万亿 万元以上），请核对单位和数字"
    return value, why


def _parse_amount(raw: object) -> tuple[Decimal | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, "逻辑值"
    if isinstance(raw, int):
        return Decimal(raw), None
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            return None, "非数值"
        return from_float(raw), None
    if isinstance(raw, Decimal):
        return raw, None
    if not isinstance(raw, str):
        return None, f"不是数字（{type(raw).__name__}）"
    text = _SPACES.sub("", nfkc(raw))
    if text == "":
        return None, None
    if text in ZERO_MARKS or raw.strip() in ZERO_MARKS:
        return Decimal(0), None
    text = text.replace(",", "")
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        try:
            return Decimal(text), None
        except InvalidOperation:  # pragma: no cover - the pattern excludes it
            pass
    return None, "不是数字"


def parse_int(raw: object) -> tuple[int | None, str | None]:
    """A whole count (人次, 辆, 个); a fractional or non-numeric value gives a reason."""
    value, why = parse_amount(raw)
    if why or value is None:
        return None, why
    if value != value.to_integral_value():
        return None, "不是整数"
    return int(value), None


def parse_text(raw: object) -> str | None:
    """Text as typed; numbers typed into text cells come back without '.0'."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if raw == int(raw):
            return str(int(raw))
        return format(raw, ".15g")
    if isinstance(raw, str):
        text = raw.strip()
        return text or None
    return str(raw)


def norm_code(raw: object) -> str | None:
    """A 科目编码 as a digit string: 2013101.0 → '2013101', ' 201 31 01 ' → '2013101'."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw == int(raw):
        raw = int(raw)
    text = _SPACES.sub("", nfkc(str(raw)))
    return text or None


def norm_label(text: object) -> str:
    """A label reduced for matching: NFKC, no spaces or quotes."""
    if text is None:
        return ""
    return _norm_label(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=65536)
def _norm_label(text: str) -> str:
    return _SPACES.sub("", nfkc(text)).translate(_QUOTES)


def strip_ordinal(label: str) -> str:
    """Drop a leading 一、/ 1. / （一） numbering from a normalised label."""
    return _ORDINAL.sub("", label)


_NARROW = re.compile("[\x00-\u2e80]+")


def display_width(text: str) -> int:
    """Width of *text* in Excel character units: a CJK character (above U+2E80) counts as two."""
    return len(text) + len(_NARROW.sub("", text))


def decode_text(data: bytes, encodings=("utf-8-sig", "gb18030")) -> str | None:
    """*data* decoded with the first of *encodings* that fits (UTF-8, then the Chinese
    Windows code page, for files typed by people); None when none does."""
    for enc in encodings:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return None
