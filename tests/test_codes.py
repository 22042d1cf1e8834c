from xlfin import codes


def test_functional_lookup():
    fn = codes.load("functional")
    c = fn.get("2013101")
    assert (c.name, c.level, c.parent, c.confidence) == ("行政运行", "项", "20131", "H")
    assert fn.name("20131") == "党委办公厅（室）及相关机构事务"
    assert fn.get("20131").level == "款"
    assert fn.get("201").level == "类" and fn.get("201").parent is None
    assert fn.name("2089999") == "其他社会保障和就业支出"


def test_unknown_code_is_none():
    fn = codes.load("functional")
    assert fn.get("2019999") is None
    assert fn.name("999") is None
    assert "2019999" not in fn


def test_year_awareness():
    fn = codes.load("functional")
    assert fn.get("20139", 2023) is None
    assert fn.name("20139", 2024) == "社会工作事务"
    assert fn.get("22198", 2024) is None and fn.get("22198", 2025) is not None


def test_economic_lookup_and_children():
    ec = codes.load("economic")
    assert ec.name("31204") == "费用补贴"
    assert ec.get("31204").parent == "312"
    assert [c.code for c in ec.children("303")][-2:] == ["30311", "30399"]
    assert len(ec.children("301")) == 13
    assert len(ec.children("302")) == 27
    assert len(ec.children("310")) == 16


def test_every_code_well_formed():
    for kind in ("functional", "economic"):
        cl = codes.load(kind)
        for c in cl:
            assert c.code.isdigit() and codes.level_of(kind, c.code), c
            assert c.confidence in ("C", "H", "M"), c
            if c.parent:
                assert c.parent in cl, f"{c.code} has no parent {c.parent}"


def test_classes_list():
    fn = codes.load("functional")
    assert [c.code for c in fn.classes(2023)][:3] == ["201", "202", "203"]
    assert "231" not in [c.code for c in fn.classes(2023)]
