"""Growth figures on a hand-made series (pure arithmetic, no database)."""

from decimal import Decimal as D

from indicators.growth import change, gap, growth, median

SERIES = {2010: D("10"), 2015: D("20"), 2019: D("40"), 2020: D("50"), 2024: D("0"),
          2025: D("5")}


def test_change_over_1_5_and_10_years():
    one = change(SERIES, 1, 2020)
    assert (one.base_year, one.absolute, one.percent) == (2019, D("10"), D("25.00"))
    five = change(SERIES, 5, 2020)
    assert (five.base, five.absolute, five.percent) == (D("20"), D("30"), D("150.00"))
    ten = change(SERIES, 10, 2020)
    assert (ten.absolute, ten.percent) == (D("40"), D("400.00"))


def test_a_missing_year_gives_no_figure():
    assert change(SERIES, 1, 2015) is None  # no 2014
    assert change(SERIES, 10, 2019) is None  # no 2009
    assert change(SERIES, 5, 2025).absolute == D("-45")  # 2020 is there
    assert change(SERIES, 1, 2021) is None  # no value in 2021 itself


def test_the_latest_year_is_the_default():
    assert change(SERIES, 1).absolute == D("5")  # 2025 − 2024


def test_a_zero_base_gives_no_percent():
    one = change(SERIES, 1, 2025)
    assert one.absolute == D("5") and one.percent is None


def test_decreases_are_negative_and_exact():
    values = {2000: D("101.512239575662"), 2001: D("61.7257858761257")}
    result = change(values, 1)
    assert result.absolute == D("-39.7864536995363")
    assert result.percent == D("-39.19")


def test_gap_to_the_region_and_the_world_at_the_same_year():
    assert gap(SERIES, {2025: D("7.5")}) == D("-2.5")
    assert gap(SERIES, {2024: D("7.5")}) is None  # the reference lacks 2025
    assert gap(SERIES, None) is None


def test_growth_gathers_every_figure():
    figures = growth(SERIES, region={2020: D("45")}, world={2020: D("60")}, year=2020)
    assert figures.value == D("50") and figures.year == 2020
    assert [figures.change(n).absolute for n in (1, 5, 10)] == [D("10"), D("30"), D("40")]
    assert (figures.gap_region, figures.gap_world) == (D("5"), D("-10"))
    empty = growth({})
    assert empty.value is None and empty.change(1) is None and empty.gap_region is None


def test_median():
    assert median([]) is None
    assert median([D("3"), D("1"), D("2")]) == D("2")
    assert median([D("4"), D("1"), D("2"), D("3")]) == D("2.5")
