"""indicators.series: jumps, the years shown, numbers as the pages show them."""

from decimal import Decimal as D

from django.utils import translation

from indicators.series import MAX_YEARS, jump_years, shown, shown_percent, years_shown


def test_a_jump_is_more_than_twice_or_less_than_half_the_year_before():
    values = {2021: D("108.158405429846"), 2022: D("111.749120643187"),
              2023: D("361.048644963723"), 2024: D("574.152332512188")}
    assert jump_years(values) == {2023}  # Fiji mobile; 2024 is 1.6×
    assert jump_years({2022: D("49.2"), 2023: D("24.5")}) == {2023}  # below half
    assert jump_years({2022: D("49.2"), 2023: D("24.6")}) == set()  # exactly half: not below
    assert jump_years({1999: D("0"), 2000: D("3.1")}) == set()  # from a zero placeholder
    assert jump_years({2000: D("1"), 2002: D("9")}) == set()  # not consecutive years


def test_the_years_shown_are_the_last_with_data_within_the_range_asked():
    with_data = list(range(1960, 2026))
    assert years_shown(with_data) == list(range(2026 - MAX_YEARS, 2026))
    assert years_shown(with_data, 2010, 2015) == list(range(2010, 2016))
    assert years_shown(with_data, None, 1970) == list(range(1960, 1971))
    assert years_shown([2001, 2005, 2020], 2002) == [2005, 2020]  # years without data: none
    assert years_shown([]) == []


def test_numbers_are_rounded_not_cut_and_localized():
    assert shown(D("61.7257858761257"), 1) == "61.7"
    assert shown(D("0.05"), 1) == "0.1"  # rounded half up (number_format alone would cut)
    assert shown(D("99.96"), 1) == "100.0"
    assert shown(None, 1) == ""
    assert shown(D("-40.66"), 1, signed=True) == "−40.7"
    assert shown(D("0.7455981806095"), 1, signed=True) == "+0.7"
    assert shown(D("0.01"), 1, signed=True) == "0.0"  # no sign on what shows as zero
    assert shown_percent(D("1.23")) == "+1.2%"
    with translation.override("fr"):
        assert shown(D("61.7257858761257"), 1) == "61,7"
        assert shown(D("12345.678"), 1).replace("\u202f", " ").replace("\xa0", " ") == \
            "12 345,7"
