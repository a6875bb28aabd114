"""Server-side SVG charts (no JavaScript): a line chart of time series and the PICTs' tile map.

Each chart is a self-contained `<svg>` (presentation attributes only: no `style` attribute or
element, no script, so it passes a strict CSP inline and renders the same downloaded as a file),
with `role="img"`, a `<title>` and a `<desc>` for screen readers (`aria-labelledby`), and stays
≤ 10 KB compressed.

Contract used by the pages (`indicators.views`); the functions return `SafeString`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Point:
    year: int
    value: Decimal
    marks: tuple[str, ...] = ()  # "break", "estimate", "jump": drawn as a marker with a label


@dataclass(frozen=True)
class Series:
    label: str  # e.g. "Tonga", "World"
    points: tuple[Point, ...]  # sorted by year; missing years are gaps in the line
    emphasis: bool = False  # the economy the page is about: drawn thicker, first in the legend


@dataclass(frozen=True)
class Tile:
    code: str  # ISO3, shown on the tile
    label: str  # full name, for the tile's <title>
    column: int
    row: int
    value: Decimal | None  # None: "no data", drawn as such (never as zero)
    year: int | None = None
    href: str = ""  # the country's profile


@dataclass(frozen=True)
class Chart:
    """What a chart says in words: its title and a description for screen readers."""

    title: str
    description: str
    unit: str = ""
    decimals: int = 1
    chart_id: str = "chart"  # unique on the page: ids of <title> and <desc> derive from it
    extra: dict = field(default_factory=dict)


def line_chart(chart: Chart, series: list[Series]) -> SafeString:
    """Time series against comparators: years on x, values on y, a legend, markers for
    breaks/estimates/jumps. An empty `series` (or all without points) draws "No data"."""
    return _placeholder(chart)


def tile_map(chart: Chart, tiles: list[Tile]) -> SafeString:
    """The PICTs on a grid, coloured by value in a few classes (legend included); tiles without
    a value are drawn hatched/grey and labelled "no data". Each tile links to `href`."""
    return _placeholder(chart)


def _placeholder(chart: Chart) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img" '
        'aria-labelledby="{0}-t {0}-d"><title id="{0}-t">{1}</title>'
        '<desc id="{0}-d">{2}</desc></svg>', chart.chart_id, chart.title, chart.description)
