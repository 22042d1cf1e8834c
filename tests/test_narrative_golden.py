"""Golden test: the narrative generated from samples/ against the real reference document.

Section by section, after removing whitespace; every deliberate difference is recorded in
tests/golden/differences.py with its reason. A failure shows a unified diff.
"""

import difflib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "golden"))

import differences as D  # noqa: E402
from sections import ORDINALS, normalize, part, part2_sections  # noqa: E402

from xlfin.io.reader import read_book  # noqa: E402
from xlfin.narrative import narrate  # noqa: E402
from xlfin.profile import load_profile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "000_44a4575140af8050.txt"
SAMPLE = ROOT / "samples" / "jcdj_2023.xlsx"

pytestmark = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference is not beside the checkout"
)


@pytest.fixture(scope="module")
def texts():
    profile = load_profile("nmg-2023")
    generated = narrate(read_book(SAMPLE, profile), profile, "txt")
    return REFERENCE.read_text(encoding="utf-8"), generated


def _chunks(text: str, width: int = 60) -> list[str]:
    return [text[i : i + width] + "\n" for i in range(0, len(text), width)]


def assert_same(expected: str, got: str, name: str) -> None:
    if expected != got:
        diff = "".join(
            difflib.unified_diff(
                _chunks(expected),
                _chunks(got),
                "reference (with recorded differences)",
                "generated",
            )
        )
        pytest.fail(f"section {name} differs:\n{diff}")


def apply(section: str, text: str, entries) -> str:
    for sec, old, new, _why in entries:
        if sec != section:
            continue
        assert old in text, (
            f"recorded difference not found in the reference, section {section}: {old}"
        )
        text = text.replace(old, new)
    return text


def strip_tables(text: str, start: str, end: str) -> str:
    if start not in text:
        return text
    return text[: text.index(start)] + text[text.index(end) :]


SECTIONS = ORDINALS


@pytest.mark.parametrize("section", SECTIONS)
def test_part2_section(texts, section):
    reference, generated = texts
    ref = normalize(part2_sections(reference)[section])
    gen = normalize(part2_sections(generated)[section])
    if section == "十四":
        ref = strip_tables(ref, D.TABLES_START_REF, D.TABLES_END_REF)
        gen = strip_tables(gen, D.TABLES_START_GEN, D.TABLES_END_GEN)
    assert_same(apply(section, ref, D.PART2), gen, section)


def test_part1(texts):
    reference, generated = texts
    ref = normalize(part(reference, "第一部分 部门概况", "第二部分 部门决算情况说明"))
    gen = normalize(part(generated, "第一部分 部门概况", "第二部分 部门决算情况说明"))
    for old, new, _why in D.PART1:
        assert old in ref
        ref = ref.replace(old, new)
    gen = gen.replace("|---|---|---|", "").replace("|", "")
    assert_same(ref, gen, "第一部分")


def test_part3_and_part4(texts):
    reference, generated = texts
    for start, end in (
        ("第三部分 名词解释", "第四部分"),
        ("第四部分 决算公开联系方式及信息反馈渠道", "第五部分"),
    ):
        ref = normalize(part(reference, start, end))
        gen = normalize(part(generated, start, end))
        assert_same(ref, gen, start)


def test_every_difference_has_a_reason():
    for entry in D.PART2:
        assert len(entry) == 4 and entry[3].strip(), entry
