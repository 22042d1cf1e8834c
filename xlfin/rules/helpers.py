"""Shared building blocks of the T and X rules: sums over rows, columns and 类/款/项 trees."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlfin.model import Row, Source, Table, column_letter
from xlfin.rules.engine import CURRENT_PROFILE, Context, Finding, compare, fmt

ZERO = Decimal(0)


def amount(t: Table | None, key: str, col: str) -> Decimal | None:
    if t is None:
        return None
    v = t.get(key, col)
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Decimal(v)
    return v if isinstance(v, Decimal) else None


def where(t: Table | None, key: str, col: str, profile=None) -> Source | None:
    """Address of a cell; for a fixed row the book does not hold, its place in the template."""
    if t is None:
        return None
    src = t.where(key, col)
    if src is not None:
        return src
    row = t.rows.get(key)
    if row is not None and row.source is not None:
        return row.source
    from xlfin.layout import sheet_layout

    prof = profile or CURRENT_PROFILE.get()
    try:
        lay = sheet_layout(prof, t.id)
    except KeyError:
        return None
    for bl in lay.blocks:
        if key in bl.row_pos and col in bl.value_cols:
            return Source(t.sheet, column_letter(bl.value_cols[col]) + str(bl.row_pos[key]))
    return None


def present(ctx: Context, table_id: str) -> Table | None:
    t = ctx.book.tables.get(table_id)
    return t if t is not None and t.present else None


def label(ctx: Context, table_id: str, key: str) -> str:
    found = ctx.profile.sheet(table_id).find_row(key)
    if found:
        return found[1].label
    t = ctx.book.tables.get(table_id)
    row = t.rows.get(key) if t else None
    if row is not None:
        return f"{row.code or ''} {row.label}".strip()
    return key


def column_label(ctx: Context, table_id: str, key: str, col: str) -> str:
    sheet = ctx.profile.sheet(table_id)
    t = ctx.book.tables.get(table_id)
    block = None
    found = sheet.find_row(key)
    if found:
        block = found[0]
    elif t is not None and key in t.rows:
        block = next((b for b in sheet.blocks if b.key == t.rows[key].block), None)
    if block is None:
        return col
    for c in block.columns:
        if c.key == col:
            return "/".join((*c.path, c.label))
    return col


def sum_rows(
    ctx: Context,
    rule_id: str,
    table_id: str,
    total_key: str,
    parts: list[str],
    columns: list[str],
    what: str,
) -> Iterator[Finding]:
    """total row = Σ part rows, in each of *columns*."""
    t = present(ctx, table_id)
    if t is None or total_key not in t.rows and all(p not in t.rows for p in parts):
        return
    for col in columns:
        values = [amount(t, p, col) for p in parts]
        total = amount(t, total_key, col)
        if total is None and all(v is None for v in values):
            continue
        expected = sum((v for v in values if v is not None), ZERO)
        if (ZERO if total is None else total) == expected:
            continue  # agrees: nothing to say (the common case, without compare's closures)
        yield from compare(
            rule_id,
            "error",
            total,
            expected,
            len(parts),
            where(t, total_key, col),
            lambda total=total, expected=expected: (
                f"{what}：{label(ctx, table_id, total_key)} {fmt(total)} ≠ 各项之和 {fmt(expected)}"
            ),
            lambda col=col: [where(t, p, col) for p in parts],
        )


def sum_columns(
    ctx: Context,
    rule_id: str,
    table_id: str,
    total_col: str,
    part_cols: list[str],
    rows: list[Row] | None,
    what: str,
) -> Iterator[Finding]:
    """total column = Σ part columns, on each row."""
    t = present(ctx, table_id)
    if t is None:
        return
    for row in rows if rows is not None else list(t.rows.values()):
        values = [
            row.amount(c) if not isinstance(row.get(c), int) else Decimal(row.get(c))
            for c in part_cols
        ]
        total = row.amount(total_col)
        if total is None and all(v is None for v in values):
            continue
        expected = sum((v for v in values if v is not None), ZERO)
        if (ZERO if total is None else total) == expected:
            continue
        yield from compare(
            rule_id,
            "error",
            total,
            expected,
            len(part_cols),
            row.where(total_col) or row.source,
            lambda row=row, total=total, expected=expected: (
                f"{what}：{label(ctx, table_id, row.key)} {fmt(total)} ≠ {fmt(expected)}"
            ),
            lambda row=row: [row.where(c) for c in part_cols],
        )


def tree(
    ctx: Context, rule_id: str, table_id: str, block: str, columns: list[str], what: str
) -> Iterator[Finding]:
    """类/款/项 hierarchy: 合计 = Σ类, 类 = Σ款, 款 = Σ项, for each column."""
    t = present(ctx, table_id)
    if t is None:
        return
    rows = [r for r in t.rows.values() if r.block == block]
    coded = [r for r in rows if r.code]
    by_parent: dict[str, list[Row]] = {}
    for r in coded:
        if len(r.code) in (5, 7):
            by_parent.setdefault(r.code[:-2], []).append(r)
    checks: list[tuple[Row, list[Row], str]] = []
    total = next((r for r in rows if r.key == "total"), None)
    classes = [r for r in coded if len(r.code) == 3]
    if total is not None and classes:
        checks.append((total, classes, "合计 = Σ类"))
    for r in coded:
        children = by_parent.get(r.code)
        if children:
            level = "类 = Σ款" if len(r.code) == 3 else "款 = Σ项"
            checks.append((r, children, level))
    for parent, children, level in checks:
        for col in columns:
            values = [c.amount(col) for c in children]
            got = parent.amount(col)
            if got is None and all(v is None for v in values):
                continue
            expected = sum((v for v in values if v is not None), ZERO)
            if (ZERO if got is None else got) == expected:
                continue
            yield from compare(
                rule_id,
                "error",
                got,
                expected,
                len(children),
                parent.where(col) or parent.source,
                lambda parent=parent, col=col, got=got, expected=expected, level=level: (
                    f"{what}（{level}）："
                    f"{'合计' if parent.key == 'total' else f'{parent.code} {parent.label}'.strip()} "
                    f"{column_label(ctx, table_id, parent.key, col)} {fmt(got)} ≠ {fmt(expected)}"
                ),
                lambda children=children, col=col: [c.where(col) for c in children],
            )
