import pytest

from xlfin.profile import ProfileError, available, check_profile, cn_ordinal, load_profile

TABLE_TITLES = [
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算明细表",
    "一般公共预算财政拨款项目支出决算明细表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款支出决算表",
    "财政拨款“三公”经费支出决算表",
    "机构运行经费支出、国有资产占用情况及政府采购支出信息表",
]


def test_available():
    assert "nmg-2023" in available()


def test_self_consistent(profile):
    assert check_profile(profile) == []


def test_eleven_tables_in_order(profile):
    tables = profile.tables
    assert [t.id for t in tables] == [f"T{i:02d}" for i in range(1, 12)]
    assert [t.title for t in tables] == TABLE_TITLES
    assert [t.code for t in tables] == [f"公开{i:02d}表" for i in range(1, 12)]


def test_sheet_names(profile):
    names = [s.name for s in profile.sheets]
    assert len(set(names)) == len(names)
    assert all(len(n) <= 31 for n in names)
    assert [s.id for s in profile.sheets if s.kind != "table"] == [
        "FRONT",
        "COVER",
        "OVERVIEW",
        "NOTES",
        "PERF",
    ]


def test_class_rows_are_numbered(profile):
    block = profile.sheet("T01").block("expense")
    labels = [r.label for r in block.rows]
    assert labels[0] == "一、一般公共服务支出"
    assert labels[7] == "八、社会保障和就业支出"
    assert labels[23] == "二十四、抗疫特别国债安排的支出"
    total = block.row("expense_total")
    assert total.sum == profile.classes


def test_economic_rows(profile):
    personnel = profile.sheet("T06").block("personnel")
    assert [r.key for r in personnel.rows[:3]] == ["301", "30101", "30102"]
    assert personnel.row("personnel_total").sum == ("301", "303")
    t07 = profile.sheet("T07")
    keys = {r.key for b in t07.blocks for r in b.rows}
    assert {"312", "31204", "30305", "30309", "30399"} <= keys


def test_check_profile_finds_problems(profile):
    import dataclasses

    t01 = profile.sheet("T01")
    bad_block = dataclasses.replace(
        t01.blocks[0],
        rows=t01.blocks[0].rows
        + (dataclasses.replace(t01.blocks[0].rows[8], key="x", sum=("nope",)),),
    )
    bad_sheet = dataclasses.replace(t01, name="x" * 32, blocks=(bad_block,) + t01.blocks[1:])
    bad = dataclasses.replace(profile, sheets=(bad_sheet,) + profile.sheets[1:] + (bad_sheet,))
    problems = check_profile(bad)
    assert "duplicate sheet id: ['T01']" in problems
    assert f"T01: sheet name longer than 31 characters: {'x' * 32}" in problems
    assert "T01.x: sum part nope missing" in problems


def test_unknown_profile_and_year():
    with pytest.raises(ProfileError, match="未知的格式"):
        load_profile("nope")
    with pytest.raises(ProfileError, match="不适用于 2019 年度"):
        load_profile("nmg-2023", 2019)


@pytest.mark.parametrize(
    "n,text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (24, "二十四"), (99, "九十九")]
)
def test_cn_ordinal(n, text):
    assert cn_ordinal(n) == text


def test_parsed_formats_are_cached_and_a_damaged_entry_is_rebuilt(tmp_path, monkeypatch):
    """A shipped format is parsed once and kept in the cache folder (a check starts in a
    fifth of a second); an entry that cannot be read is rebuilt, never trusted."""
    import pickle

    from xlfin import detect
    from xlfin import profile as P

    monkeypatch.setenv("XLFIN_CACHE_DIR", str(tmp_path))
    fresh = P.profile_from_raw(P._raw_profile("nmg-2024"), 2025)
    assert P._shipped("nmg-2024", 2025) == fresh
    (entry,) = (tmp_path / "profiles").glob("nmg-2024-2025-*.pickle")
    assert pickle.loads(entry.read_bytes()) == fresh
    entry.write_bytes(b"not a pickle")
    assert P._shipped("nmg-2024", 2025) == fresh
    assert pickle.loads(entry.read_bytes()) == fresh  # written again
    sigs = detect.signatures()
    (stored,) = (tmp_path / "profiles").glob("signatures-*.pickle")
    assert pickle.loads(stored.read_bytes()) == sigs
    assert {(s.id, s.years) for s in sigs} >= {("nmg-2023", (2023, 2024)), ("mof9", (2023,))}
