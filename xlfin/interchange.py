"""JSON interchange of a Book: exact (Decimals as strings), stable, documented in docs/json.md.

Pure core: converts between the model and plain JSON data; file access is the caller's.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from xlfin.errors import UserError
from xlfin.layout import PROJECT_FUND_COLS, PROJECT_INDICATOR_COLS, PROJECT_TEXT_KEYS
from xlfin.model import Book, Cell, Indicator, Project, Row, Table
from xlfin.profile import Profile
from xlfin.values import TOO_LARGE

FORMAT = "xlfin.book"
VERSION = 1


PROJECT_FIELDS = [
    "name",
    "department",
    "implementer",
    "goal_expected",
    "goal_actual",
    "total_weight",
    "total_score",
    *PROJECT_TEXT_KEYS,
]


class InterchangeError(UserError):
    """JSON data that does not describe a book of the profile."""

    en = "invalid xlfin JSON data"


# ---------------------------------------------------------------- the document's shape
# Checked before anything is built, so that a wrong type is one message with its JSON path,
# never a traceback. A scalar is text, a whole number, a finite number, true/false or null.
MAX_ERRORS = 10


def _scalar(v) -> bool:
    if isinstance(v, float):
        return v == v and v not in (float("inf"), float("-inf"))
    return v is None or isinstance(v, (str, int, bool))


def validate(data) -> list[str]:
    """The shape problems of a JSON document (``$.tables.T01.rows[3].values``: …), [] if none."""
    errors: list[str] = []

    def err(path: str, what: str) -> None:
        if len(errors) < MAX_ERRORS:
            errors.append(f"{path}：{what}")

    def obj(v, path: str) -> bool:
        if not isinstance(v, dict):
            err(path, "应为对象 {…}")
            return False
        return True

    def arr(v, path: str) -> bool:
        if not isinstance(v, list):
            err(path, "应为数组 […]")
            return False
        return True

    def scalars(v, path: str) -> None:
        if obj(v, path):
            for k, x in v.items():
                if not _scalar(x):
                    err(f"{path}.{k}", "应为文字、数字或 null（不能是对象、数组、NaN 或无穷大）")

    if not obj(data, "$"):
        return errors
    if data.get("format") != FORMAT:
        return [f'$.format：不是 xlfin 的 JSON 数据（缺少 "format": "{FORMAT}"）']
    for key, kind in (("version", int), ("profile", str)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            err(f"$.{key}", f"缺少或类型不对（应为{'文字' if kind is str else '整数'}）")
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        err("$.year", "应为四位数的年度")
    for key in ("forms", "lists", "tables"):
        if key in data and not obj(data[key], f"$.{key}"):
            continue
    for name, fields in (
        (data.get("forms") or {}).items() if isinstance(data.get("forms"), dict) else ()
    ):
        scalars(fields, f"$.forms.{name}")
    if isinstance(data.get("lists"), dict):
        for name, items in data["lists"].items():
            if arr(items, f"$.lists.{name}"):
                for i, item in enumerate(items):
                    scalars(item, f"$.lists.{name}[{i}]")
    if isinstance(data.get("tables"), dict):
        for tid, entry in data["tables"].items():
            path = f"$.tables.{tid}"
            if not obj(entry, path):
                continue
            for k in ("unit_name", "note"):
                if not _scalar(entry.get(k)):
                    err(f"{path}.{k}", "应为文字或 null")
            rows = entry.get("rows", [])
            if not arr(rows, f"{path}.rows"):
                continue
            for i, r in enumerate(rows):
                rp = f"{path}.rows[{i}]"
                if not obj(r, rp):
                    continue
                for k in ("block", "key", "code", "name"):
                    if k in r and not isinstance(r[k], (str, int)) or isinstance(r.get(k), bool):
                        err(f"{rp}.{k}", "应为文字")
                scalars(r.get("values", {}), f"{rp}.values")
    if "projects" in data and arr(data["projects"], "$.projects"):
        for i, proj in enumerate(data["projects"]):
            pp = f"$.projects[{i}]"
            if not obj(proj, pp):
                continue
            for k, v in proj.items():
                if k == "funds":
                    if obj(v, f"{pp}.funds"):
                        for fk, fv in v.items():
                            scalars(fv, f"{pp}.funds.{fk}")
                elif k == "indicators":
                    if arr(v, f"{pp}.indicators"):
                        for j, ind in enumerate(v):
                            scalars(ind, f"{pp}.indicators[{j}]")
                elif not _scalar(v):
                    err(f"{pp}.{k}", "应为文字、数字或 null")
    return errors


def dec_str(d: Decimal) -> str:
    """Canonical text of a Decimal: plain notation, no trailing zeros ('26.80' → '26.8')."""
    if d == 0:
        return "0"
    text = format(d.normalize(), "f")
    return text


def _out(v):
    if isinstance(v, Decimal):
        return dec_str(v)
    return v


def _cells(cells: dict[str, Cell], order: list[str] | None = None) -> dict:
    keys = list(cells)
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        keys.sort(key=lambda k: rank.get(k, len(rank)))
    return {k: _out(cells[k].value) for k in keys if not cells[k].blank}


def book_to_data(book: Book, profile: Profile) -> dict:
    """The JSON-ready dict of *book*."""
    field_order = {
        f"{s.id}.{b.key}": [f.key for f in b.fields] for s in profile.sheets for b in s.blocks
    }
    data: dict = {
        "format": FORMAT,
        "version": VERSION,
        "profile": profile.id,
        "year": book.year,
        "forms": {k: _cells(v, field_order.get(k)) for k, v in book.forms.items() if _cells(v)},
        "lists": {
            k: [_cells(item, field_order.get(k)) for item in v] for k, v in book.lists.items() if v
        },
        "tables": {},
        "projects": [],
    }
    for s in profile.sheets:
        t = book.tables.get(s.id)
        if t is None or not t.present:
            continue
        rows = []
        for r in t.rows.values():
            block = _block_of(s, r.block)
            values = _cells(r.cells, [c.key for c in block.columns] if block else None)
            if block is not None and block.type == "classified" and r.key != "total":
                rows.append({"block": r.block, "code": r.code, "name": r.label, "values": values})
            elif values:
                rows.append({"block": r.block, "key": r.key, "values": values})
        entry: dict = {"rows": rows}
        if not t.unit_name.blank:
            entry["unit_name"] = t.unit_name.value
        if not t.note.blank:
            entry["note"] = t.note.value
        data["tables"][s.id] = entry
    for p in book.projects:
        item = _cells(p.fields, PROJECT_FIELDS)
        item["funds"] = {
            k: _cells(v, list(PROJECT_FUND_COLS)) for k, v in p.funds.items() if _cells(v)
        }
        item["indicators"] = [_cells(i.cells, list(PROJECT_INDICATOR_COLS)) for i in p.indicators]
        data["projects"].append(item)
    return data


def _block_of(sheet, key: str):
    for b in sheet.blocks:
        if b.key == key:
            return b
    return None


def _in(value, fmt: str, where: str):
    if value is None:
        return None
    if fmt in ("money", "pct"):
        if isinstance(value, bool):
            raise InterchangeError(f"{where}：“{value}”不是数字")
        try:
            d = Decimal(str(value)) if not isinstance(value, float) else Decimal(repr(value))
        except InvalidOperation as e:
            raise InterchangeError(f"{where}：“{value}”不是数字") from e
        if not d.is_finite() or abs(d) >= TOO_LARGE:
            raise InterchangeError(f"{where}：“{value}”不是合理的金额（NaN、无穷大或大得不合理）")
        return d
    if fmt in ("int", "count"):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InterchangeError(f"{where}：“{value}”不是整数")
        try:
            return int(value)
        except ValueError as e:
            raise InterchangeError(f"{where}：“{value}”不是整数") from e
    return str(value)


def data_to_book(data: dict, profile: Profile) -> Book:
    """A Book from JSON data; raises InterchangeError with a Chinese message when malformed
    (the shape first, every problem with its JSON path)."""
    problems = validate(data)
    if problems:
        raise InterchangeError(
            "JSON 数据的结构不对 / malformed JSON document：" + "；".join(problems)
        )
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InterchangeError(f'不是 xlfin 的 JSON 数据（缺少 "format": "{FORMAT}"）')
    if data.get("version") != VERSION:
        raise InterchangeError(f"不支持的 JSON 版本：{data.get('version')}")
    if data.get("profile") != profile.id:
        raise InterchangeError(f"JSON 的格式为“{data.get('profile')}”，不是“{profile.id}”")
    book = Book(profile_id=profile.id, year=int(data.get("year") or profile.year))
    form_specs = {
        f"{s.id}.{b.key}": b for s in profile.sheets for b in s.blocks if b.type in ("form", "list")
    }
    for key, values in data.get("forms", {}).items():
        b = form_specs.get(key)
        if b is None or b.type != "form":
            raise InterchangeError(f"未知的填报部分：{key}")
        fields = {f.key: f for f in b.fields}
        book.forms[key] = {}
        for k, v in values.items():
            if k not in fields:
                raise InterchangeError(f"{key} 中未知的填报项：{k}")
            fmt = {"int": "int", "money": "money"}.get(fields[k].type, "text")
            book.forms[key][k] = Cell(_in(v, fmt, f"{key}.{k}"))
    for key, items in data.get("lists", {}).items():
        b = form_specs.get(key)
        if b is None or b.type != "list":
            raise InterchangeError(f"未知的列表：{key}")
        fields = {f.key: f for f in b.fields}
        out = []
        for item in items:
            cells = {}
            for k, v in item.items():
                if k not in fields:
                    raise InterchangeError(f"{key} 中未知的列：{k}")
                fmt = {"int": "int", "money": "money"}.get(fields[k].type, "text")
                cells[k] = Cell(_in(v, fmt, f"{key}.{k}"))
            out.append(cells)
        book.lists[key] = out
    for sid, entry in data.get("tables", {}).items():
        try:
            s = profile.sheet(sid)
        except KeyError as e:
            raise InterchangeError(f"未知的表：{sid}") from e
        t = Table(id=sid, sheet=s.name)
        t.unit_name = Cell(entry.get("unit_name"))
        t.note = Cell(entry.get("note"))
        for i, r in enumerate(entry.get("rows", [])):
            where = f"{sid} 第 {i + 1} 行"
            b = _block_of(s, r.get("block", ""))
            if b is None:
                raise InterchangeError(f"{where}：未知的部分“{r.get('block')}”")
            cols = {c.key: c for c in b.columns}
            if b.type == "classified" and r.get("key") != "total":
                code = str(r.get("code") or "")
                if not code:
                    raise InterchangeError(f"{where}：缺少科目编码")
                row = Row(key=code, label=r.get("name") or "", code=code, block=b.key)
            else:
                key = r.get("key")
                spec_row = None
                if key == "total" and b.type == "classified":
                    row = Row(key="total", label="合计", block=b.key)
                else:
                    spec_row = next((x for x in b.rows if x.key == key), None)
                    if spec_row is None:
                        raise InterchangeError(f"{where}：未知的行“{key}”")
                    row = Row(key=key, label=spec_row.label, code=spec_row.code, block=b.key)
            for k, v in r.get("values", {}).items():
                if k not in cols:
                    raise InterchangeError(f"{where}：未知的列“{k}”")
                fmt = cols[k].format
                if fmt == "money" and b.type == "fixed":
                    spec_row = next((x for x in b.rows if x.key == row.key), None)
                    if spec_row is not None and spec_row.unit != "万元":
                        fmt = "count"
                row.cells[k] = Cell(_in(v, fmt, f"{where}.{k}"))
            if row.key in t.rows:
                raise InterchangeError(f"{where}：行“{row.key}”重复")
            t.rows[row.key] = row
        book.tables[sid] = t
    for i, p in enumerate(data.get("projects", [])):
        where = f"绩效自评第 {i + 1} 个项目"
        proj = Project()
        for k, v in p.items():
            if k in ("funds", "indicators"):
                continue
            fmt = "money" if k in ("total_weight", "total_score") else "text"
            proj.fields[k] = Cell(_in(v, fmt, f"{where}.{k}"))
        for fk, values in p.get("funds", {}).items():
            proj.funds[fk] = {
                k: Cell(_in(v, "money", f"{where}.funds.{fk}.{k}")) for k, v in values.items()
            }
        for ind in p.get("indicators", []):
            cells = {}
            for k, v in ind.items():
                fmt = "money" if k in ("weight", "score") else "text"
                cells[k] = Cell(_in(v, fmt, f"{where}.indicators.{k}"))
            proj.indicators.append(Indicator(cells))
        book.projects.append(proj)
    return book
