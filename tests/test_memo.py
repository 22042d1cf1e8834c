"""Figures shared within one check run, computed afresh outside one."""

from pathlib import Path

from rulekit import PROFILE

from xlfin.compute import comparisons
from xlfin.io.reader import read_book
from xlfin.memo import once_per_run, one_run
from xlfin.narrative.context import build_context
from xlfin.rules.engine import run

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "jcdj_2023.xlsx"


def test_once_per_book_and_format_within_a_run_and_afresh_outside():
    calls = []

    @once_per_run
    def figure(book, profile):
        calls.append((book, profile))
        return [len(calls)]

    a, b = object(), object()
    assert figure(a, "p") == [1] and figure(a, "p") == [2]  # no run: every call computes
    with one_run():
        first = figure(a, "p")
        assert figure(a, "p") is first and figure(b, "p") == [4] and figure(a, "q") == [5]
    with one_run():  # a new run computes again
        assert figure(a, "p") == [6]
        with one_run():  # a run inside a run is the same run
            assert figure(a, "p") == [6]
    assert len(calls) == 6


def test_the_narrative_changes_no_figure_a_rule_reads():
    """The narrative makes typed 变动原因 Markdown-safe in its own copies: within a run the
    comparisons the rules read keep the text as typed."""
    book = read_book(SAMPLE, PROFILE)
    book.tables["NOTES"].rows["income_total"].cells["reason"].value = "**加粗**<b>"
    with one_run():
        shared = comparisons(book, PROFILE)
        ctx = build_context(book, PROFILE)
        assert shared["income_total"].reason == "**加粗**<b>"
        assert ctx.comp["income_total"].reason != "**加粗**<b>"  # made safe in the copy
        assert comparisons(book, PROFILE) is shared


def test_a_run_finds_the_same_with_figures_shared_or_not(monkeypatch):
    import contextlib

    import xlfin.rules.engine as engine

    book = read_book(SAMPLE, PROFILE)
    book.tables["NOTES"].rows["income_total"].cells.pop("reason")  # a blank 变动原因: work for N101
    shared = run(book, PROFILE).findings
    monkeypatch.setattr(engine, "one_run", contextlib.nullcontext)
    assert run(book, PROFILE).findings == shared
    assert len(shared) == 29 and {"N101", "T301"} <= {f.id for f in shared}
