"""Server-side SVG charts (no JavaScript): a line chart of time series and the PICTs' tile map.

Each chart is a self-contained `<svg>` (presentation attributes only: no `style` attribute or
element, no script, so it passes a strict CSP inline and renders the same downloaded as a file),
with `role="img"` (a tile map of links: `role="group"`), a `<title>` and a `<desc>` for screen
readers (`aria-labelledby`/`aria-describedby`), and stays ≤ 10 KB compressed.

Contract used by the pages (`indicators.views`); the functions return `SafeString`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


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
    # A page shows the title in its own heading; a downloaded .svg file has no page around it.
    show_title: bool = False


# Okabe–Ito, without yellow (invisible on white); the strongest contrasts first, since the
# emphasised series and the first comparators take them.
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")
# ColorBrewer YlGnBu (colour-blind safe, sequential) with its palest step dropped so the lowest
# class still stands out from white and from the grey "no data" hatch; (fill, text) pairs chosen
# for ≥ 4.5:1 text contrast.
TILE_CLASSES = (("#c7e9b4", "#000"), ("#7fcdbb", "#000"), ("#41b6c4", "#000"),
                ("#2c7fb8", "#000"), ("#253494", "#fff"))
TEXT = "#222"
MUTED = "#555"

WIDTH = 640
PLOT_HEIGHT = 200
FONT_SIZE = 13
TILE_CELL = 64
TILE_SIZE = 60
TITLE_BAND = 26
MARKS_DESCRIBED = 6  # in <desc>: past that, a count, so a screen reader is not flooded


# --- Line chart ------------------------------------------------------------------------------


def line_chart(chart: Chart, series: list[Series]) -> SafeString:
    """Time series against comparators: years on x, values on y, a legend, markers for
    breaks/estimates/jumps. An empty `series` (or all without points) draws "No data"."""
    cid = _chart_id(chart.chart_id)
    # Emphasised series first (legend order, and colours follow it, so a comparator keeps its
    # colour across a page's charts whether or not the economy has data).
    ordered = sorted(series, key=lambda s: not s.emphasis)
    runs = [_points(s) for s in ordered]
    values = [float(p.value) for points in runs for p in points]
    if not values:
        return _no_data(chart, cid)

    top = TITLE_BAND if chart.show_title else 0
    years = [p.year for points in runs for p in points]
    first_year, last_year = min(years), max(years)
    x_low, x_high = (first_year - 1, last_year + 1) if first_year == last_year else (
        first_year, last_year)
    y_ticks, y_places = _value_ticks(min(values), max(values), chart.decimals)
    y_low, y_high = y_ticks[0], y_ticks[-1]
    tick_labels = [_number(v, y_places) for v in y_ticks]

    left = max(36, round(max(_text_width(t, FONT_SIZE) for t in tick_labels)) + 12)
    right = WIDTH - 22
    plot_top = top + 30
    bottom = plot_top + PLOT_HEIGHT

    def x_of(year: float) -> float:
        return left + (year - x_low) / (x_high - x_low) * (right - left)

    def y_of(value: float) -> float:
        return bottom - (value - y_low) / (y_high - y_low) * PLOT_HEIGHT

    parts: list[str] = []
    if chart.show_title:
        parts.append(f'<text x="4" y="18" font-size="16" font-weight="bold">'
                     f'{_text(chart.title)}</text>')
    if chart.unit:
        parts.append(f'<text x="4" y="{top + 16}" fill="{MUTED}">{_text(chart.unit)}</text>')

    grid = "".join(f"M{left} {_n(y_of(v))}H{right}" for v in y_ticks[1:])
    parts.append(f'<path d="{grid}" stroke="#ddd"/>')
    parts.append(f'<g text-anchor="end" fill="{MUTED}">' + "".join(
        f'<text x="{left - 6}" y="{_n(y_of(v) + 4)}">{label}</text>'
        for v, label in zip(y_ticks, tick_labels, strict=True)) + "</g>")
    year_ticks = _year_ticks(x_low, x_high)
    marks = "".join(f"M{_n(x_of(y))} {bottom}v5" for y in year_ticks)
    parts.append(f'<path d="M{left} {bottom}H{right}{marks}" stroke="#888"/>')
    parts.append(f'<g text-anchor="middle" fill="{MUTED}">' + "".join(
        f'<text x="{_n(x_of(y))}" y="{bottom + 20}">{y}</text>' for y in year_ticks) + "</g>")

    drawn: list[str] = []
    marker_kinds: list[str] = []
    # Emphasised series drawn last, on top of the comparators.
    for index in sorted(range(len(ordered)), key=lambda i: ordered[i].emphasis):
        drawn.append(_draw_series(ordered[index], runs[index], LINE_COLOURS[
            index % len(LINE_COLOURS)], x_of, y_of, chart.decimals))
        marker_kinds += [kind for p in runs[index] for kind in p.marks]
    # Lines under dots under markers, whichever series they belong to.
    for layer in range(3):
        parts.extend(layers[layer] for layers in drawn)
    marker_kinds = list(dict.fromkeys(marker_kinds))

    entries = [(_line_swatch(LINE_COLOURS[i % len(LINE_COLOURS)], 3 if s.emphasis else 1.75)
                 if runs[i] else _no_swatch,
                 s.label if runs[i] else _("%(series)s (no data)") % {"series": s.label})
               for i, s in enumerate(ordered)]
    entries += [(lambda x, y, kind=kind: _marker(kind, x + 10, y, MUTED, ""), _mark_name(kind))
                for kind in marker_kinds]
    legend, legend_height = _flow_legend(entries, left, bottom + 34, right)
    parts.append(legend)

    summary = [_series_summary(s, points, chart.decimals) for s, points in zip(
        ordered, runs, strict=True)]
    marked = [_mark_text(kind, s.label, p, chart.decimals) + "."
              for s, points in zip(ordered, runs, strict=True)
              for p in points for kind in p.marks]
    summary += marked[:MARKS_DESCRIBED]
    if len(marked) > MARKS_DESCRIBED:
        summary.append(_("%(count)s more marked values.") % {
            "count": len(marked) - MARKS_DESCRIBED})
    height = bottom + 34 + legend_height
    return _svg(cid, chart, WIDTH, height, parts, summary)


def _draw_series(item: Series, points: list[Point], colour: str,
                 x_of: Callable[[float], float], y_of: Callable[[float], float],
                 decimals: int) -> tuple[str, str, str]:
    """The series' line (a subpath per run of consecutive years), dots for lone years, and
    its markers."""
    width = 3 if item.emphasis else 1.75
    segments = _segments(points)
    path = "".join("M" + " ".join(f"{_n(x_of(p.year))} {_n(y_of(float(p.value)))}"
                                  for p in segment)
                   for segment in segments if len(segment) > 1)
    line = (f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width}" '
            f'stroke-linejoin="round" stroke-linecap="round"/>') if path else ""
    # A lone year would vanish as a zero-length line.
    dots = "".join(f'<circle cx="{_n(x_of(s[0].year))}" cy="{_n(y_of(float(s[0].value)))}" '
                   f'r="{width + 1}" fill="{colour}"/>' for s in segments if len(s) == 1)
    markers = "".join(
        _marker(kind, x_of(p.year), y_of(float(p.value)), colour,
                f"<title>{_text(_mark_text(kind, item.label, p, decimals))}</title>")
        for p in points for kind in p.marks)
    return line, dots, markers


def _points(item: Series) -> list[Point]:
    """The series' points by year; a point without a value is a gap, like a missing year."""
    return sorted((p for p in item.points if p.value is not None), key=lambda p: p.year)


def _segments(points: list[Point]) -> list[list[Point]]:
    """Runs of consecutive years: a missing year breaks the line."""
    segments: list[list[Point]] = []
    for point in points:
        if segments and point.year == segments[-1][-1].year + 1:
            segments[-1].append(point)
        else:
            segments.append([point])
    return segments


def _value_ticks(low: float, high: float, decimals: int) -> tuple[list[float], int]:
    """About five nice ticks covering the values (from 0 when none is negative), and the
    decimal places their labels need: the step's, never more than the indicator's."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    finest = 10.0 ** -max(decimals, 0)
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    step = max(step, finest)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = [round(k * step, 10) for k in range(first, last + 1)]
    places = max(0, -Decimal(repr(step)).normalize().as_tuple().exponent)
    return ticks, min(places, max(decimals, 0))


def _year_ticks(low: int, high: int) -> list[int]:
    """Years at a round step, at most nine labels across the width."""
    span = max(high - low, 1)
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= 8), 100)
    return list(range(-(-low // step) * step, high + 1, step))


def _mark_name(kind: str) -> str:
    if kind == "break":
        return _("Break in series")
    if kind == "estimate":
        return _("Estimate")
    if kind == "jump":
        return _("Jump (more than 2× year on year)")
    return kind


def _mark_text(kind: str, label: str, point: Point, decimals: int) -> str:
    return _("%(mark)s, %(year)s (%(series)s: %(value)s)") % {
        "mark": _mark_name(kind), "year": point.year, "series": label,
        "value": _number(point.value, decimals)}


def _marker(kind: str, x: float, y: float, colour: str, title: str) -> str:
    """A shape per kind of mark, so it reads without colour: diamond, circle, triangle."""
    paint = f'fill="#fff" stroke="{colour}" stroke-width="1.5"'
    if kind == "break":
        return f'<path d="M{_n(x)} {_n(y - 6)}l6 6-6 6-6-6z" {paint}>{title}</path>'
    if kind == "estimate":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5" {paint}>{title}</circle>'
    if kind == "jump":
        return f'<path d="M{_n(x)} {_n(y - 7)}l6 10.5h-12z" {paint}>{title}</path>'
    return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" {paint}>{title}</rect>'


Swatch = Callable[[float, float], str]  # draws a legend's key at (x, y)


def _line_swatch(colour: str, width: float) -> Swatch:
    return lambda x, y: (f'<path d="M{_n(x)} {_n(y)}h20" stroke="{colour}" '
                         f'stroke-width="{width}"/>')


def _no_swatch(x: float, y: float) -> str:
    """A series with nothing drawn gets no colour in the legend, only its name."""
    return ""


def _flow_legend(entries: list[tuple[Swatch, str]], left: float, top: float,
                 right: float) -> tuple[str, int]:
    """Entries (a swatch drawn at x, y and a label) left to right, wrapping to new rows."""
    row_height = 20
    x, y, rows = left, top, 1
    drawn = []
    for swatch, label in entries:
        width = 26 + _text_width(label, FONT_SIZE)
        if x > left and x + width > right:
            x, y, rows = left, y + row_height, rows + 1
        drawn.append(swatch(x, y - 4) + f'<text x="{_n(x + 26)}" y="{y}">{_text(label)}</text>')
        x += width + 18
    return "".join(drawn), rows * row_height


def _series_summary(item: Series, points: list[Point], decimals: int) -> str:
    if not points:
        return _("%(series)s: no data.") % {"series": item.label}
    first, last = points[0], points[-1]
    if first.year == last.year:
        return _("%(series)s: %(value)s in %(year)s.") % {
            "series": item.label, "value": _number(first.value, decimals), "year": first.year}
    return _("%(series)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s.") % {
        "series": item.label, "first": _number(first.value, decimals),
        "first_year": first.year, "last": _number(last.value, decimals),
        "last_year": last.year}


# --- Tile map --------------------------------------------------------------------------------


def tile_map(chart: Chart, tiles: list[Tile]) -> SafeString:
    """The PICTs on a grid, coloured by value in a few classes (legend included); tiles without
    a value are drawn hatched/grey and labelled "no data". Each tile links to `href`."""
    cid = _chart_id(chart.chart_id)
    if not tiles:
        return _no_data(chart, cid)
    top = TITLE_BAND if chart.show_title else 0
    classes = _classes([_decimal(t.value) for t in tiles if t.value is not None])
    missing = any(t.value is None for t in tiles)
    no_data = _("no data")

    legend_rows = len(_used_classes(classes)) + missing
    legend_width, legend_height = 200, 24 + legend_rows * 22
    grid_width = (max(t.column for t in tiles) + 1) * TILE_CELL
    grid_height = (max(t.row for t in tiles) + 1) * TILE_CELL
    # The legend goes in the grid's top-right corner when no tile sits there (the Pacific's
    # north-east is open sea), else to the right of the grid.
    width = max(WIDTH, grid_width)
    corner_free = not any(t.column * TILE_CELL + TILE_SIZE > width - legend_width
                          and t.row * TILE_CELL < legend_height for t in tiles)
    if not corner_free:
        width = grid_width + legend_width
    height = top + max(grid_height, legend_height)

    parts: list[str] = []
    if missing:
        parts.append(
            f'<defs><pattern id="{cid}-nd" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/>'
            f'<path d="M0 0V6" stroke="#c4c4c4" stroke-width="2.5"/></pattern></defs>')
    if chart.show_title:
        parts.append(f'<text x="4" y="18" font-size="16" font-weight="bold">'
                     f'{_text(chart.title)}</text>')

    parts.append('<g text-anchor="middle">' + "".join(
        _draw_tile(tile, top, classes, cid, chart.decimals) for tile in tiles) + "</g>")

    legend_x = width - legend_width + 8
    legend = [f'<text x="{legend_x}" y="{top + 16}" fill="{MUTED}">{_text(chart.unit)}</text>'
              if chart.unit else ""]
    entries = [(fill, label) for (fill, _ink), label in zip(
        [TILE_CLASSES[c] for c in _used_classes(classes)], _class_labels(classes, chart.decimals),
        strict=True)]
    if missing:
        entries.append((f"url(#{cid}-nd)", no_data))
    for row, (fill, label) in enumerate(entries):
        y = top + 26 + row * 22
        stroke = ' stroke="#999"' if fill.startswith("url") else ""
        legend.append(f'<rect x="{legend_x}" y="{y}" width="16" height="16" fill="{fill}"'
                      f'{stroke}/><text x="{legend_x + 24}" y="{y + 13}">{_text(label)}</text>')
    parts.append("".join(legend))

    return _svg(cid, chart, width, height, parts, _tiles_summary(tiles, chart.decimals),
                has_links=any(_safe_href(t.href) for t in tiles))


def _draw_tile(tile: Tile, top: int, classes: _Classes | None, cid: str,
               decimals: int) -> str:
    """A square with the code and the rounded value, its <title> for pointer users, linked to
    the profile; no data is hatched grey and says so, so it never passes for a zero."""
    x, y = tile.column * TILE_CELL + 2, top + tile.row * TILE_CELL + 2
    centre = _n(x + TILE_SIZE / 2)
    if tile.value is None:
        fill, ink, border, value_size = f"url(#{cid}-nd)", "#333", ' stroke="#999"', 10
        shown = detail = _("no data")
    else:
        (fill, ink), border, value_size = TILE_CLASSES[_class_of(tile.value, classes)], "", 12
        shown = _number(tile.value, decimals)
        detail = f"{shown} ({tile.year})" if tile.year is not None else shown
    body = (f"<title>{_text(f'{tile.label}: {detail}')}</title>"
            f'<rect x="{x}" y="{y}" width="{TILE_SIZE}" height="{TILE_SIZE}" rx="3" '
            f'fill="{fill}"{border}/>'
            f'<g fill="{ink}"><text x="{centre}" y="{y + 26}" font-weight="bold">'
            f"{_text(tile.code)}</text>"
            f'<text x="{centre}" y="{y + 45}" font-size="{value_size}"'
            f"{_squeeze(shown, value_size)}>{_text(shown)}</text></g>")
    href = _safe_href(tile.href)
    return f'<a href="{escape(href)}">{body}</a>' if href else f"<g>{body}</g>"


@dataclass(frozen=True)
class _Classes:
    """Up to five classes holding about as many tiles each (quantiles), so that one outlier
    (Fiji's mobile subscriptions after a break in series) does not squash every other island
    into one colour. Equal values always share a class."""

    of_value: dict[Decimal, int]  # value -> class index (into TILE_CLASSES)
    ranges: dict[int, tuple[Decimal, Decimal]]  # class index -> lowest and highest value


def _classes(values: list[Decimal]) -> _Classes | None:
    if not values:
        return None
    ordered = sorted(values)
    count, size = len(ordered), len(TILE_CLASSES)
    first_rank: dict[Decimal, int] = {}
    for rank, value in enumerate(ordered):
        first_rank.setdefault(value, rank)
    if len(first_rank) == 1:  # one value everywhere: a middle colour, not an extreme
        of_value = dict.fromkeys(first_rank, size // 2)
    else:
        of_value = {value: rank * size // count for value, rank in first_rank.items()}
    ranges: dict[int, tuple[Decimal, Decimal]] = {}
    for value in ordered:
        index = of_value[value]
        low, _high = ranges.get(index, (value, value))
        ranges[index] = (low, value)
    return _Classes(of_value, dict(sorted(ranges.items())))


def _used_classes(classes: _Classes | None) -> list[int]:
    return [] if classes is None else list(classes.ranges)


def _class_of(value: Decimal, classes: _Classes | None) -> int:
    assert classes is not None
    return classes.of_value[_decimal(value)]


def _class_labels(classes: _Classes | None, decimals: int) -> list[str]:
    """"lowest – highest" value of each class (one value: itself); more decimals when rounding
    would make two different bounds look the same."""
    if classes is None:
        return []
    bounds = sorted({b for pair in classes.ranges.values() for b in pair})
    places = max(decimals, 0)
    while places < 4 and len({_number(b, places) for b in bounds}) < len(bounds):
        places += 1
    return [_number(low, places) if low == high
            else f"{_number(low, places)} – {_number(high, places)}"
            for low, high in classes.ranges.values()]


def _tiles_summary(tiles: list[Tile], decimals: int) -> list[str]:
    valued = [t for t in tiles if t.value is not None]
    summary = []
    if valued:
        highest = max(valued, key=lambda t: t.value)
        lowest = min(valued, key=lambda t: t.value)
        summary.append(_("Highest: %(tile)s.") % {"tile": _tile_text(highest, decimals)})
        if lowest is not highest:
            summary.append(_("Lowest: %(tile)s.") % {"tile": _tile_text(lowest, decimals)})
    missing = [t.label for t in tiles if t.value is None]
    if missing:
        summary.append(_("No data: %(places)s.") % {"places": ", ".join(missing)})
    return summary


def _tile_text(tile: Tile, decimals: int) -> str:
    shown = _number(tile.value, decimals)
    return f"{tile.label}, {shown} ({tile.year})" if tile.year is not None else (
        f"{tile.label}, {shown}")


def _safe_href(href: str) -> str:
    """Site paths and web addresses only: no `javascript:`, `data:`, or `//host` that would
    leave the site while looking like a path."""
    href = href.strip()
    if re.match(r"/(?![/\\])", href) or re.match(r"https?://", href, re.IGNORECASE):
        return href
    return ""


def _squeeze(text: str, size: int) -> str:
    """Long text ("pas de données") squeezed to the tile's width rather than overflowing."""
    room = TILE_SIZE - 6
    if _text_width(text, size) <= room:
        return ""
    return f' textLength="{room}" lengthAdjust="spacingAndGlyphs"'


# --- Shared ----------------------------------------------------------------------------------


def _svg(cid: str, chart: Chart, width: int, height: float, parts: Iterable[str],
         summary: list[str], has_links: bool = False) -> SafeString:
    description = " ".join(t for t in [chart.description.strip(), *summary] if t)
    # A picture is one image to a screen reader; a map whose tiles are links is a group of them
    # (inside role="img" the links would be reachable by keyboard yet unnamed).
    role = (f'role="group" aria-labelledby="{cid}-t" aria-describedby="{cid}-d"' if has_links
            else f'role="img" aria-labelledby="{cid}-t {cid}-d"')
    # Safe: every text and attribute value above went through _text() or escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_n(height)}" '
        f'{role} font-family="sans-serif" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{cid}-t">{_text(chart.title)}</title>'
        f'<desc id="{cid}-d">{_text(description)}</desc>' + "".join(parts) + "</svg>")


def _no_data(chart: Chart, cid: str) -> SafeString:
    text = _("No data")
    top = TITLE_BAND if chart.show_title else 0
    parts = [f'<text x="4" y="18" font-size="16" font-weight="bold">{_text(chart.title)}</text>'
             if chart.show_title else "",
             f'<rect x="1" y="{top + 1}" width="{WIDTH - 2}" height="118" fill="#f4f4f4" '
             f'stroke="#ddd"/><text x="{WIDTH // 2}" y="{top + 66}" text-anchor="middle" '
             f'font-size="16" fill="{MUTED}">{_text(text)}</text>']
    return _svg(cid, chart, WIDTH, top + 120, parts, [text + "."])


def _chart_id(chart_id: str) -> str:
    """chart_id made safe as an XML id and in aria-labelledby (a space would split it)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", chart_id) or "chart"
    return cleaned if cleaned[0].isalpha() else "c" + cleaned


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(text: object) -> str:
    """Escaped for XML; control characters dropped (they would make the file unparseable)."""
    return escape(_CONTROL.sub("", str(text)))


def _number(value: Decimal | float | int, decimals: int) -> str:
    """Rounded half up (number_format alone truncates: 0.96 would read 0.9), in the reader's
    language (French: decimal comma)."""
    places = max(decimals, 0)
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return number_format(rounded, places, use_l10n=True)


def _decimal(value: Decimal | float | int | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _n(x: float) -> str:
    """A coordinate with one decimal at most: "12", "12.5"."""
    text = f"{x:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _text_width(text: str, size: float) -> float:
    """Rough width of sans-serif text (no font metrics on the server)."""
    return len(text) * size * 0.56
