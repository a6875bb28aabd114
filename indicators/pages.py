"""What each public page shows, built once for the HTML, the charts and the downloads, so a
download gives exactly the rows, series and years of its page (with the values as published,
where the page rounds them).

- dashboard: one indicator's latest value per PICT (tile map, ranking with growth) and the
  comparators;
- indicator: the comparators and the Pacific median by year (chart), the PICTs × years shown
  (table), growth per PICT;
- profile: for each indicator (a page of them), the economy against PSS, EAS and WLD.

"The Pacific" is the median of the PICTs' values (each PICT's latest on the dashboard, the
year's on the indicator page), with how many PICTs it is over: a median, because the PICTs
differ by four orders of magnitude in population and a mean would be Papua New Guinea's or
nobody's; not weighted, because the populations are not in the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import charts, sdmx, series
from indicators.growth import SPANS, Growth, growth, median
from indicators.models import Economy, Indicator
from indicators.series import Line, Provenance, Value, shown, shown_percent
from talanoa.lib.tables import Table

PROFILE_INDICATORS = 6  # charts on one page of a profile
PROFILE_COMPARATORS = ("PSS", "EAS", "WLD")


@dataclass
class Cell:
    text: str = ""  # rounded, localized; "" for no data
    symbols: str = ""

    @classmethod
    def of(cls, value: Value | None, decimals: int) -> Cell:
        if value is None:
            return cls()
        return cls(shown(value.value, decimals), value.symbols)


@dataclass
class GrowthCells:
    """A growth figure as the page shows it."""

    changes: list[tuple[str, str, str]]  # (span in words, absolute, percent) per span
    gap_region: str
    gap_world: str

    @classmethod
    def of(cls, figures: Growth, decimals: int) -> GrowthCells:
        changes = []
        for span in SPANS:
            change = figures.change(span)
            words = ngettext("over %(n)s year", "over %(n)s years", span) % {"n": span}
            changes.append((words, shown(change.absolute, decimals, signed=True),
                            shown_percent(change.percent)) if change else (words, "", ""))
        return cls(changes, shown(figures.gap_region, decimals, signed=True),
                   shown(figures.gap_world, decimals, signed=True))


def _growth_columns() -> list[str]:
    columns = []
    for span in SPANS:
        columns += [ngettext("Change over %(n)s year", "Change over %(n)s years", span)
                    % {"n": span},
                    ngettext("Change over %(n)s year, %%", "Change over %(n)s years, %%", span)
                    % {"n": span}]
    return columns


def _growth_values(figures: Growth) -> list:
    values = []
    for span in SPANS:
        change = figures.change(span)
        values += [change.absolute, change.percent] if change else [None, None]
    return values


def _flag_words(value: Value | None) -> str:
    words = {"break": _("break in series"), "estimate": _("estimate"),
             "jump": _("jump: more than 2× or less than ½ the year before")}
    return "; ".join(str(words[m]) for m in value.marks) if value else ""


def _label(economy: Economy) -> str:
    return str(economy.name)


def _chart_id(*parts: str) -> str:
    return "-".join(slugify(p.replace(".", "-")) for p in parts)


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _fetch_window(indicator_ids: list[int], economy_ids: list[int], years: list[int]):
    if not years:
        return {}
    return series.fetch(indicator_ids, economy_ids, years[0] - series.GROWTH_YEARS, years[-1])


@dataclass
class _Pacific:
    """One indicator for the PICTs and the comparators: the years shown, the lines fetched (by
    (indicator id, economy id)), each economy's line (by economy id, empty without data), and
    the numbers of the region (PSS) and the World."""

    picts: list[Economy]
    comparators: list[Economy]
    years: list[int]
    lines: dict
    line: dict[int, Line]
    region: dict | None
    world: dict | None


def _pacific(indicator: Indicator, first: int | None = None, last: int | None = None) -> _Pacific:
    picts, comparators = series.picts(), series.comparators()
    economy_ids = [e.pk for e in (*picts, *comparators)]
    years = series.years_shown(
        series.years_with_data([indicator.pk], economy_ids)[indicator.pk], first, last)
    lines = _fetch_window([indicator.pk], economy_ids, years)
    line = {e.pk: lines.get((indicator.pk, e.pk), Line()) for e in (*picts, *comparators)}
    by_code = {e.code: e for e in comparators}
    region = line[by_code["PSS"].pk].numbers() if "PSS" in by_code else None
    world = line[by_code["WLD"].pk].numbers() if "WLD" in by_code else None
    return _Pacific(picts, comparators, years, lines, line, region, world)


# --- Dashboard ----------------------------------------------------------------------------------

@dataclass
class RankRow:
    economy: Economy
    latest: Value | None
    figures: Growth
    rank: int | None = None
    cell: Cell = field(default_factory=Cell)
    growth: GrowthCells | None = None


@dataclass
class ComparatorRow:
    label: str
    code: str
    latest: Value | None
    year_text: str
    value: Decimal | None
    text: str
    note: str = ""


@dataclass
class Dashboard:
    indicator: Indicator
    indicators: list[Indicator]
    years: list[int]
    ranking: list[RankRow]
    comparators: list[ComparatorRow]
    provenance: Provenance | None
    tile_map: str = ""
    map_chart: charts.Chart | None = None
    tiles: list[charts.Tile] = field(default_factory=list)


def default_indicator(catalogue: list[Indicator]) -> Indicator | None:
    """The first indicator in catalogue order that has observations (else the first)."""
    return next((i for i in catalogue if i.has_data), catalogue[0] if catalogue else None)


def dashboard(indicator: Indicator, catalogue: list[Indicator]) -> Dashboard:
    pacific = _pacific(indicator)
    picts, comparators, years, lines, line, region, world = (
        pacific.picts, pacific.comparators, pacific.years, pacific.lines, pacific.line,
        pacific.region, pacific.world)
    decimals = indicator.decimals

    rows = []
    for economy in picts:
        latest = line[economy.pk].latest(years)
        figures = (growth(line[economy.pk].numbers(), region, world, latest.year) if latest
                   else growth({}))
        rows.append(RankRow(economy, latest, figures, cell=Cell.of(latest, decimals),
                            growth=GrowthCells.of(figures, decimals)))
    with_data = sorted((r for r in rows if r.latest), key=lambda r: (-r.latest.value,
                                                                     _label(r.economy)))
    for rank, row in enumerate(with_data, start=1):
        row.rank = rank
    ranking = with_data + sorted((r for r in rows if not r.latest), key=lambda r: _label(r.economy))

    latest_years = sorted({r.latest.year for r in with_data})
    pacific = median([r.latest.value for r in with_data])
    comparator_rows = [ComparatorRow(
        _("The Pacific: median of %(n)s PICTs") % {"n": len(with_data)}, "", None,
        _years_text(latest_years), pacific, shown(pacific, decimals),
        _("The median of the latest values of the PICTs with data, each of its own year."))]
    for economy in comparators:
        latest = line[economy.pk].latest(years)
        comparator_rows.append(ComparatorRow(
            _label(economy), economy.code, latest, str(latest.year) if latest else "",
            latest.value if latest else None, Cell.of(latest, decimals).text))

    provenance = series.provenances([indicator], lines)[indicator.pk] if years else None
    tiles = [charts.Tile(code=e.code, label=_label(e), column=e.tile_column, row=e.tile_row,
                         value=r.latest.value if r.latest else None,
                         year=r.latest.year if r.latest else None,
                         href=reverse("indicators:profile", args=[e.code]))
             for r in ranking for e in [r.economy] if e.tile_column is not None]
    map_chart = charts.Chart(
        title=_("%(indicator)s: latest value of each PICT") % {"indicator": indicator.name},
        description=_("A map of the 22 Pacific Island Countries and Territories as tiles, "
                      "coloured by their latest value (%(unit)s); the ranking table gives "
                      "every value.") % {"unit": indicator.unit},
        unit=str(indicator.unit), decimals=decimals, chart_id="tile-map")
    board = Dashboard(indicator, catalogue, years, ranking, comparator_rows, provenance,
                      map_chart=map_chart, tiles=tiles)
    board.tile_map = charts.tile_map(map_chart, tiles)
    return board


def dashboard_table(board: Dashboard) -> Table:
    indicator = board.indicator
    header = [_("Rank"), _("Economy"), _("Code"), _("Year"), str(indicator.name),
              *_growth_columns(), _("Gap to Pacific island small states"), _("Gap to World"),
              _("Flags"), _("Source"), _("Vintage")]
    table = Table(f"{indicator.code}-dashboard", header, sheet=indicator.code)
    for row in board.ranking:
        source, vintage = board.provenance.of(row.latest.batch_id) if row.latest else ("", "")
        table.rows.append([row.rank, _label(row.economy), row.economy.code,
                           row.latest.year if row.latest else None,
                           row.latest.value if row.latest else None,
                           *_growth_values(row.figures), row.figures.gap_region,
                           row.figures.gap_world, _flag_words(row.latest) or
                           ("" if row.latest else _("no data")), source, vintage])
    blanks = [None] * (len(SPANS) * 2 + 2)
    for row in board.comparators:
        if row.latest:
            source, vintage = board.provenance.of(row.latest.batch_id)
        else:
            source, vintage = (_("computed from the values above") if row.value is not None
                               else ""), ""
        table.rows.append([None, row.label, row.code, row.year_text, row.value, *blanks,
                           _flag_words(row.latest) or ("" if row.value is not None
                                                       else _("no data")), source, vintage])
    return table


# --- Indicator page -----------------------------------------------------------------------------

@dataclass
class TableRow:
    label: str
    code: str
    cells: list[Cell]
    href: str = ""
    values: list[Value | None] = field(default_factory=list)
    medians: list[tuple[Decimal, int] | None] = field(default_factory=list)


@dataclass
class GrowthRow:
    economy: Economy
    latest: Value | None
    cell: Cell
    growth: GrowthCells


@dataclass
class IndicatorPage:
    indicator: Indicator
    years: list[int]
    picts: list[TableRow]
    comparators: list[TableRow]
    growth: list[GrowthRow]
    provenance: Provenance | None
    chart_spec: charts.Chart
    chart_series: list[charts.Series]
    sdg_targets: list = field(default_factory=list)
    chart: str = ""


def indicator_page(indicator: Indicator, first: int | None, last: int | None) -> IndicatorPage:
    pacific = _pacific(indicator, first, last)
    picts, comparators, years, lines, line, region, world = (
        pacific.picts, pacific.comparators, pacific.years, pacific.lines, pacific.line,
        pacific.region, pacific.world)
    decimals = indicator.decimals

    pict_rows, growth_rows = [], []
    for economy in picts:
        values = [line[economy.pk].values.get(y) for y in years]
        pict_rows.append(TableRow(_label(economy), economy.code,
                                  [Cell.of(v, decimals) for v in values],
                                  reverse("indicators:profile", args=[economy.code]), values))
        latest = line[economy.pk].latest(years)
        figures = (growth(line[economy.pk].numbers(), region, world, latest.year) if latest
                   else growth({}))
        growth_rows.append(GrowthRow(economy, latest, Cell.of(latest, decimals),
                                     GrowthCells.of(figures, decimals)))
    medians = series.pacific_median({e.pk: line[e.pk] for e in picts}, years)
    median_row = TableRow(_("The Pacific (median of the PICTs with data; n)"), "",
                          [Cell(f"{shown(medians[y][0], decimals)} (n={medians[y][1]})")
                           if y in medians else Cell() for y in years],
                          medians=[medians.get(y) for y in years])
    comparator_rows = [median_row]
    chart_series = [charts.Series(
        _("The Pacific (median)"),
        tuple(charts.Point(y, medians[y][0]) for y in years if y in medians), emphasis=True)]
    for economy in comparators:
        values = [line[economy.pk].values.get(y) for y in years]
        comparator_rows.append(TableRow(_label(economy), economy.code,
                                        [Cell.of(v, decimals) for v in values], "", values))
        chart_series.append(charts.Series(_label(economy), line[economy.pk].points(years)))
    chart_spec = charts.Chart(
        title=_("%(indicator)s: the Pacific against its comparators, %(years)s") % {
            "indicator": indicator.name, "years": _years_text(years)},
        description=_("Lines of the median of the PICTs and of %(comparators)s, %(unit)s, by "
                      "year; the table below gives every value.") % {
            "comparators": ", ".join(_label(e) for e in comparators), "unit": indicator.unit},
        unit=str(indicator.unit), decimals=decimals, chart_id=_chart_id("chart", indicator.code))
    page = IndicatorPage(indicator, years, pict_rows, comparator_rows, growth_rows,
                         series.provenances([indicator], lines)[indicator.pk] if years else None,
                         chart_spec, chart_series,
                         sdg_targets=list(indicator.sdg_targets.all()))
    page.chart = charts.line_chart(chart_spec, chart_series)
    return page


def _long_header(with_indicator: bool = False) -> list[str]:
    return [*([_("Indicator code"), _("Indicator")] if with_indicator else []),
            _("Economy"), _("Code"), _("Year"), _("Value"), _("Flags"), _("Source"),
            _("Vintage")]


def indicator_table(page: IndicatorPage) -> Table:
    table = Table(f"{page.indicator.code}-{_years_text(page.years)}", _long_header(),
                  sheet=page.indicator.code)
    for row in (*page.picts, *page.comparators):
        for year, value, middle in zip(page.years, row.values or [None] * len(page.years),
                                       row.medians or [None] * len(page.years), strict=True):
            if value is not None:
                source, vintage = page.provenance.of(value.batch_id)
                table.rows.append([row.label, row.code, year, value.value, _flag_words(value),
                                   source, vintage])
            elif middle is not None:
                table.rows.append([row.label, "", year, middle[0],
                                   _("median of %(n)s PICTs") % {"n": middle[1]},
                                   _("computed from the values above"), ""])
    return table


# --- Profile ------------------------------------------------------------------------------------

@dataclass
class ProfileSection:
    indicator: Indicator
    years: list[int]
    columns: list[Economy]  # the economy first, then its comparators
    rows: list[tuple[int, list[Cell]]]  # per year shown
    has_data: bool
    latest: Value | None
    growth: GrowthCells | None
    provenance: Provenance | None
    chart_spec: charts.Chart
    chart_series: list[charts.Series]
    values: dict[tuple[int, int], Value] = field(default_factory=dict)  # (economy, year)
    chart: str = ""


@dataclass
class Profile:
    economy: Economy
    sections: list[ProfileSection]
    page: int
    pages: int


def profile(economy: Economy, first: int | None, last: int | None, page: int = 1,
            only: Indicator | None = None, draw: bool = True) -> Profile:
    """The economy against PSS, EAS and WLD for one page of the catalogue (or one indicator)."""
    catalogue = [only] if only else list(Indicator.objects.all())
    pages = max(1, -(-len(catalogue) // PROFILE_INDICATORS))
    page = min(max(page, 1), pages)
    indicators = catalogue[(page - 1) * PROFILE_INDICATORS:page * PROFILE_INDICATORS]
    others = [e for e in series.comparators()
              if e.code in PROFILE_COMPARATORS and e.pk != economy.pk]
    columns = [economy, *others]
    economy_ids = [e.pk for e in columns]
    ids = [i.pk for i in indicators]
    with_data = series.years_with_data(ids, economy_ids)
    years = {i.pk: series.years_shown(with_data[i.pk], first, last) for i in indicators}
    spans = [y for found in years.values() for y in (found[:1] + found[-1:])]
    lines = _fetch_window(ids, economy_ids, [min(spans), max(spans)] if spans else [])
    sources = series.provenances(indicators, lines) if lines else {}
    by_code = {e.code: e for e in others}
    sections = []
    for indicator in indicators:
        shown_years, decimals = years[indicator.pk], indicator.decimals
        line = {e.pk: lines.get((indicator.pk, e.pk), Line()) for e in columns}
        own = line[economy.pk]
        latest = own.latest(shown_years)
        region = line[by_code["PSS"].pk].numbers() if "PSS" in by_code else None
        world = line[by_code["WLD"].pk].numbers() if "WLD" in by_code else None
        figures = growth(own.numbers(), region, world, latest.year) if latest else None
        rows = [(y, [Cell.of(line[e.pk].values.get(y), decimals) for e in columns])
                for y in shown_years]
        chart_series = [charts.Series(_label(e), line[e.pk].points(shown_years),
                                      emphasis=e.pk == economy.pk) for e in columns]
        spec = charts.Chart(
            title=_("%(indicator)s: %(economy)s against its comparators, %(years)s") % {
                "indicator": indicator.name, "economy": _label(economy),
                "years": _years_text(shown_years) or _("no data")},
            description=_("Lines of %(economies)s, %(unit)s, by year; the table below gives "
                          "every value.") % {"economies": ", ".join(_label(e) for e in columns),
                                             "unit": indicator.unit},
            unit=str(indicator.unit), decimals=decimals,
            chart_id=_chart_id("chart", indicator.code))
        section = ProfileSection(
            indicator, shown_years, columns, rows, latest is not None, latest,
            GrowthCells.of(figures, decimals) if figures else None,
            sources.get(indicator.pk), spec, chart_series,
            values={(e.pk, y): line[e.pk].values[y] for e in columns for y in shown_years
                    if y in line[e.pk].values})
        if draw:
            section.chart = charts.line_chart(spec, chart_series)
        sections.append(section)
    return Profile(economy, sections, page, pages)


def profile_table(board: Profile) -> Table:
    table = Table(f"{board.economy.code}-profile", _long_header(with_indicator=True))
    for section in board.sections:
        for economy in section.columns:
            for year in section.years:
                value = section.values.get((economy.pk, year))
                if value is None:
                    continue
                source, vintage = section.provenance.of(value.batch_id)
                table.rows.append([section.indicator.code, str(section.indicator.name),
                                   _label(economy), economy.code, year, value.value,
                                   _flag_words(value), source, vintage])
    return table


# --- SDMX-CSV -----------------------------------------------------------------------------------
# The same observations as the CSV and XLSX downloads of the page, without the Pacific median
# (computed, not an observation of an economy).

def indicator_sdmx(page: IndicatorPage) -> list[sdmx.Row]:
    indicator = page.indicator
    return [sdmx.Row(row.code, indicator.code, value.year, value.value, indicator.unit_en,
                     value.marks)
            for row in (*page.picts, *page.comparators) if row.code
            for value in row.values if value is not None]


def profile_sdmx(board: Profile) -> list[sdmx.Row]:
    return [sdmx.Row(economy.code, section.indicator.code, year, value.value,
                     section.indicator.unit_en, value.marks)
            for section in board.sections for economy in section.columns
            for year in section.years
            if (value := section.values.get((economy.pk, year))) is not None]
