"""Percentage definitions: 增减额/增减率, 完成年初预算%, 占比; zero bases, signs, half-up rounding."""

from decimal import Decimal as D

import pytest

from xlfin.compute import Comparison, change, comparisons, direction, items, q2, rate
from xlfin.io.reader import read_book
from xlfin.profile import load_profile


@pytest.mark.parametrize(
    "x,expected",
    [
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("-0.125", "-0.13"),
        ("2.675", "2.68"),
        ("1.005", "1.01"),
        ("0.124999", "0.12"),
    ],
)
def test_half_up(x, expected):
    assert q2(D(x)) == D(expected)


@pytest.mark.parametrize(
    "part,base,expected",
    [
        ("1421.25", "1425.67", "99.69"),
        ("595.08", "2026.06", "29.37"),
        ("-30.13", "35.44", "-85.02"),
        ("0.125", "100", "0.13"),  # 0.125% rounds half up
        ("0", "5", "0.00"),
        ("123456789012.34", "1", "12345678901234.00"),  # very large
        ("0.01", "1000000", "0.00"),  # very small
        ("0.01", "1999", "0.00"),
        ("0.01", "1000", "0.00"),
        ("0.01", "200", "0.01"),  # 0.005% → 0.01% (half up)
    ],
)
def test_rate(part, base, expected):
    assert rate(D(part), D(base)) == D(expected)


@pytest.mark.parametrize("base", [None, D(0), D("0.00"), D("0.004"), D("-0.001")])
def test_no_rate_on_zero_or_missing_base(base):
    assert rate(D("20.23"), base) is None


def test_change_and_direction():
    assert change(D("1430.98"), D("1416.58")) == D("14.40")
    assert change(D("5.31"), D("35.44")) == D("-30.13")
    assert change(None, D(1)) is None and change(D(1), None) is None
    assert [direction(D(x)) for x in ("1", "-0.01", "0")] == ["增加", "减少", "持平"]
    assert direction(None) == "持平"


def test_comparison_properties():
    c = Comparison(
        "x",
        "x",
        final=D("1430.98"),
        prior=D("1416.58"),
        budget=D("2026.06"),
        reason=None,
        budget_reason=None,
    )
    assert (c.change, c.change_rate) == (D("14.40"), D("1.02"))
    assert (c.budget_change, c.budget_change_rate, c.completion) == (
        D("-595.08"),
        D("-29.37"),
        D("70.63"),
    )
    zero = Comparison(
        "x", "x", final=D("20.23"), prior=D(0), budget=D(0), reason=None, budget_reason=None
    )
    assert (zero.change, zero.change_rate, zero.completion, zero.budget_change_rate) == (
        D("20.23"),
        None,
        None,
        None,
    )


@pytest.fixture(scope="module")
def sample():
    from pathlib import Path

    profile = load_profile("nmg-2023")
    book = read_book(Path(__file__).resolve().parent.parent / "samples" / "jcdj_2023.xlsx", profile)
    return book, profile


def test_sample_comparisons(sample):
    c = comparisons(*sample)
    assert (c["grand_total"].budget_change_rate, c["grand_total"].change_rate) == (
        D("-29.37"),
        D("1.02"),
    )
    assert (c["fiscal_total"].budget_change, c["fiscal_total"].change_rate) == (
        D("-604.81"),
        D("3.50"),
    )
    assert c["gpb_expense"].completion == D("70.15")
    assert (c["inc_gpb"].share, c["inc_other"].share) == (D("99.69"), D("0.31"))
    assert (c["exp_basic"].share, c["exp_project"].share) == (D("76.46"), D("23.54"))
    assert (c["sangong_total"].completion, c["sg_reception"].change_rate) == (
        D("36.56"),
        D("119.35"),
    )
    assert c["sg_abroad"].completion is None  # no budget: no rate
    assert c["operating_cost"].change_rate == D("41.78")
    assert c["begin_balance"].change_rate == D("-85.02")


def test_sample_items(sample):
    got = {i.code: i for i in items(*sample)}
    assert got["2013699"].completion == D("424.89")
    assert got["2013201"].completion == D("5.51")
    assert got["2080801"].completion is None and got["2080801"].final == D("20.23")
    assert got["201"].budget_change == D("-538.58")
    assert got["210"].budget_change == D("27.91")
    assert [i.code for i in items(*sample)][:3] == ["201", "2012399", "2013101"]
