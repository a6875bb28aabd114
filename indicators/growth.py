"""Growth figures (S4): how a series changed over 1, 5 and 10 years, and how far it is from the
region (PSS) and the world (WLD). Pure arithmetic over `{year: Decimal}`; the indicator pages and
the period report share it.

Definitions (what the pages and downloads say in words):
- the change over n years at year t is value(t) − value(t − n), in the indicator's unit; both
  years must have a value: a missing year is no figure, never an interpolation;
- the change in % is that change / value(t − n) × 100, rounded to 2 decimals; no figure when
  value(t − n) is zero (the zero placeholders of early years);
- the gap to a reference (PSS, WLD) at year t is value(t) − reference(t): positive means above.
  No figure when the reference has no value for that very year.
- t is the series' latest year unless another is asked for.

Subtractions of published decimals are exact (no float).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SPANS = (1, 5, 10)
PERCENT_PLACES = Decimal("0.01")
_CONTEXT = decimal.Context(prec=40, rounding=decimal.ROUND_HALF_EVEN)

Values = Mapping[int, Decimal]


@dataclass(frozen=True)
class Change:
    """The change of a series over `span` years, ending at `year`."""

    span: int
    year: int
    base_year: int
    value: Decimal
    base: Decimal
    absolute: Decimal
    percent: Decimal | None  # None when the base is zero


@dataclass(frozen=True)
class Growth:
    """A series' figures at one year: its value, its changes and its gaps."""

    year: int | None
    value: Decimal | None
    changes: dict[int, Change | None] = field(default_factory=dict)
    gap_region: Decimal | None = None
    gap_world: Decimal | None = None

    def change(self, span: int) -> Change | None:
        return self.changes.get(span)


def latest_year(values: Values) -> int | None:
    return max(values) if values else None


def change(values: Values, span: int, year: int | None = None) -> Change | None:
    """The change over `span` years ending at `year` (default: the latest), or None."""
    year = latest_year(values) if year is None else year
    if year is None or year not in values or year - span not in values:
        return None
    value, base = values[year], values[year - span]
    absolute = _CONTEXT.subtract(value, base)
    percent = None
    if base != 0:
        percent = _CONTEXT.multiply(_CONTEXT.divide(absolute, base), Decimal(100)).quantize(
            PERCENT_PLACES, rounding=decimal.ROUND_HALF_EVEN)
    return Change(span=span, year=year, base_year=year - span, value=value, base=base,
                  absolute=absolute, percent=percent)


def gap(values: Values, reference: Values | None, year: int | None = None) -> Decimal | None:
    """value(year) − reference(year) (default: the series' latest year), or None."""
    year = latest_year(values) if year is None else year
    if year is None or not reference or year not in values or year not in reference:
        return None
    return _CONTEXT.subtract(values[year], reference[year])


def growth(values: Values, region: Values | None = None, world: Values | None = None,
           year: int | None = None, spans: tuple[int, ...] = SPANS) -> Growth:
    """All figures of one series at `year` (default: its latest)."""
    year = latest_year(values) if year is None else year
    if year is None or year not in values:
        return Growth(year=None, value=None, changes=dict.fromkeys(spans))
    return Growth(year=year, value=values[year],
                  changes={span: change(values, span, year) for span in spans},
                  gap_region=gap(values, region, year), gap_world=gap(values, world, year))


def median(values: list[Decimal]) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count), exact."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return _CONTEXT.divide(_CONTEXT.add(ordered[middle - 1], ordered[middle]), Decimal(2))
