"""The regular report of ICT development (S11): indicators of the period, the Pacific against
Asia-Pacific and the world, a table per country, growth figures, charts and a narrative.

Contract (reports.tasks calls these; reports.export renders the Document):
- `step_count(report) -> int`: how many times compile_ict will call `progress`.
- `compile_ict(report, progress) -> dict`: JSON-serialisable, frozen into ReportRun.data.
- `document(report, data, language) -> reports.document.Document`.

What it computes is what the indicator pages compute (`indicators.series`, `indicators.growth`),
over the report's period instead of the last years with data:
- an economy's value "of the period" is its latest value in the period's years;
- the Pacific is the median of the PICTs' values of the period, with how many PICTs and which
  years (as the dashboard computes it), and, for the chart, the median of each year;
- changes over 1, 5 and 10 years end at that latest year (their base years may lie before the
  period: those are read too), gaps are to PSS and the World that very year;
- marks: the secretariat's flags (break, estimate) and jumps (> 2× or < ½ year on year).

The data holds every value as the exact decimal text (never a float); the document rounds them
to the indicator's decimals, in its language's format. Compiling takes a fixed number of queries
whatever the number of observations, years or economies (six: the catalogue, the PICTs, the
comparators, the observations, the flags, the batches).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from indicators import charts, series
from indicators.growth import SPANS, growth, median
from indicators.models import Economy, Indicator
from indicators.series import SYMBOLS, Line, Value, shown
from reports.document import Chart, Document, Paragraph, Section, Table
from reports.models import Report

Progress = Callable[[str], None]

CHART_COMPARATORS = ("PSS", "EAS", "WLD")  # the lines drawn against the Pacific
REGION, WORLD = "PSS", "WLD"  # the references of the gaps


def step_count(report: Report) -> int:
    """One step per indicator of the catalogue."""
    return Indicator.objects.count()


# --- Compiling ------------------------------------------------------------------------------


def compile_ict(report: Report, progress: Progress) -> dict:
    first, last = report.period_start.year, report.period_end.year
    years = list(range(first, last + 1))
    indicators = list(Indicator.objects.all())
    picts, comparators = series.picts(), series.comparators()
    economies = [*picts, *comparators]
    lines, sources = {}, {}
    if indicators and years:
        # The changes over 10 years at the period's first year need the ten years before it.
        lines = series.fetch([i.pk for i in indicators], [e.pk for e in economies],
                             first - max(SPANS), last)
        sources = series.provenances(indicators, lines)
    compiled = []
    for indicator in indicators:
        progress(f"{indicator.code} {indicator.name}")
        compiled.append(_compile_indicator(indicator, picts, comparators, lines,
                                           sources.get(indicator.pk), years))
    return {
        "kind": Report.Kind.ICT.value,
        "compiled_at": timezone.now().isoformat(),
        "period": {"start": report.period_start.isoformat(),
                   "end": report.period_end.isoformat(), "first_year": first,
                   "last_year": last},
        "summary": {"en": report.summary_en, "fr": report.summary_fr},
        "narrative": {"en": report.narrative_en, "fr": report.narrative_fr},
        "economies": {e.code: {"name_en": e.name_en, "name_fr": e.name_fr, "kind": e.kind}
                      for e in economies},
        "picts": [e.code for e in picts],
        "comparators": [e.code for e in comparators],
        "indicators": compiled,
        "countries": _country_tables(picts, compiled),
    }


def _text(number: Decimal | None) -> str | None:
    """A computed number as exact decimal text, never in exponent notation ("0E-13")."""
    return None if number is None else format(number, "f")


def _value(value: Value) -> dict:
    # str() of the stored Decimal gives back the text as published.
    return {"year": value.year, "value": str(value.value), "marks": list(value.marks)}


def _compile_indicator(indicator: Indicator, picts: list[Economy], comparators: list[Economy],
                       lines: dict, provenance: series.Provenance | None,
                       years: list[int]) -> dict:
    def line_of(economy: Economy) -> Line:
        return lines.get((indicator.pk, economy.pk), Line())

    by_code = {e.code: line_of(e) for e in comparators}
    region = by_code[REGION].numbers() if REGION in by_code else None
    world = by_code[WORLD].numbers() if WORLD in by_code else None
    pict_entries = [_compile_pict(economy, line_of(economy), region, world, years)
                    for economy in picts]
    latest = [Decimal(p["latest"]["value"]) for p in pict_entries if p["latest"]]
    medians = series.pacific_median({e.pk: line_of(e) for e in picts}, years)
    return {
        "code": indicator.code,
        "name_en": indicator.name_en, "name_fr": indicator.name_fr,
        "unit_en": indicator.unit_en, "unit_fr": indicator.unit_fr,
        "definition_en": indicator.definition_en, "definition_fr": indicator.definition_fr,
        "source": indicator.source, "licence": indicator.licence,
        "decimals": indicator.decimals,
        "vintages": list(provenance.vintages) if provenance else [],
        "sources": sorted({s for s, _v in provenance.by_batch.values() if s})
        if provenance else [],
        "pacific": {"value": _text(median(latest)), "n": len(latest),
                    "years": sorted({p["latest"]["year"] for p in pict_entries
                                     if p["latest"]})},
        "pacific_by_year": [{"year": y, "value": _text(medians[y][0]), "n": medians[y][1]}
                            for y in years if y in medians],
        "comparators": [{"code": e.code,
                         "values": [_value(v) for v in line_of(e).points(years)],
                         "latest": _value_or_none(line_of(e).latest(years))}
                        for e in comparators],
        "picts": pict_entries,
    }


def _value_or_none(value: Value | None) -> dict | None:
    return _value(value) if value else None


def _compile_pict(economy: Economy, line: Line, region: dict | None, world: dict | None,
                  years: list[int]) -> dict:
    latest = line.latest(years)
    figures = growth(line.numbers(), region, world, latest.year) if latest else growth({})
    changes = []
    for span in SPANS:
        change = figures.change(span)
        changes.append({"span": span, "base_year": change.base_year,
                        "absolute": _text(change.absolute), "percent": _text(change.percent)}
                       if change else {"span": span, "base_year": None, "absolute": None,
                                       "percent": None})
    in_period = [line.values[y] for y in years if y in line.values]
    return {
        "code": economy.code,
        "latest": _value_or_none(latest),
        "changes": changes,
        "gap_region": _text(figures.gap_region),
        "gap_world": _text(figures.gap_world),
        "values": [_value(v) for v in in_period],
        "flags": [{"year": v.year, "kind": mark} for v in in_period for mark in v.marks
                  if mark != "jump"],
        "jumps": [v.year for v in in_period if "jump" in v.marks],
    }


def _country_tables(picts: list[Economy], compiled: list[dict]) -> list[dict]:
    """Per PICT, every indicator's figures of the period (the same entries, by country)."""
    keys = ("latest", "changes", "gap_region", "gap_world", "flags", "jumps")
    tables = []
    for index, economy in enumerate(picts):
        tables.append({"code": economy.code, "rows": [
            {"indicator": entry["code"], **{k: entry["picts"][index][k] for k in keys}}
            for entry in compiled]})
    return tables


# --- The document ---------------------------------------------------------------------------


def document(report: Report, data: dict, language: str) -> Document:
    with translation.override(language):
        return _Writer(report, data, language).document()


# Named in the document's language: "(in French)", "(en anglais)".
_LANGUAGE_NAMES = {"en": gettext_noop("English"), "fr": gettext_noop("French")}


class _Writer:
    """The document in the active language, from the frozen data alone (and the report's
    title, status and address)."""

    def __init__(self, report: Report, data: dict, language: str):
        self.report, self.data, self.language = report, data, language
        self.economies = data["economies"]

    # Words ---------------------------------------------------------------------------------

    def text(self, entry: dict, field: str) -> str:
        """`<field>_<language>`, else the other language's, marked as such."""
        own = entry.get(f"{field}_{self.language}") or ""
        if own:
            return own
        for other in ("en", "fr"):
            text = entry.get(f"{field}_{other}") or ""
            if text:
                return "{} ({})".format(text, _("in %(language)s") % {
                    "language": _(_LANGUAGE_NAMES[other])})
        return ""

    def economy(self, code: str) -> str:
        return self.text(self.economies[code], "name")

    def sort_key(self, code: str) -> str:
        # Alphabetical as a reader expects it: "Îles Cook" with the I's, "États" with the E's.
        name = unicodedata.normalize("NFKD", self.economy(code))
        return "".join(c for c in name if not unicodedata.combining(c)).casefold()

    def period_text(self) -> str:
        period = self.data["period"]
        start, end = (datetime.date.fromisoformat(period[k]) for k in ("start", "end"))
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            first, last = start.year, end.year
            return str(first) if first == last else f"{first}–{last}"
        return "{} – {}".format(formats.date_format(start, "j F Y"),
                                formats.date_format(end, "j F Y"))

    # The whole -----------------------------------------------------------------------------

    def document(self) -> Document:
        report = self.report
        made = parse_datetime(self.data.get("compiled_at", ""))
        group = str(report.group.name)
        sections = [
            self.written(_("Summary"), "summary", self.data["summary"]),
            self.written(_("Narrative"), "narrative", self.data["narrative"]),
            *(self.indicator(entry) for entry in self.data["indicators"]),
            Section(_("Country tables"), 1, "country-tables", [Paragraph(
                _("For each Pacific Island Country and Territory, every indicator's latest "
                  "value in the period, its year, its changes and its gaps."), style="note")]),
            *(self.country(table) for table in sorted(
                self.data["countries"], key=lambda t: self.sort_key(t["code"]))),
        ]
        return Document(
            language=self.language,
            title=str(report.title),
            subtitle=f"{group} — {self.period_text()}",
            letterhead=group,
            status=(report.paper.get_status_display() if report.paper_id else _("Draft")),
            made_at=formats.date_format(timezone.localtime(made), "DATETIME_FORMAT")
            if made else "",
            address=settings.SITE_URL + report.get_absolute_url(),
            sections=sections,
        )

    def written(self, heading: str, anchor: str, texts: dict) -> Section:
        """A part a person writes (Markdown), or a reminder that it is still to be written."""
        own = texts.get(self.language) or ""
        if own.strip():
            return Section(heading, 1, anchor, [Paragraph(own, markdown=True)])
        other = next((lang for lang in ("en", "fr") if (texts.get(lang) or "").strip()), None)
        if other:
            return Section(heading, 1, anchor, [
                Paragraph(_("Not yet translated; shown in %(language)s") % {
                    "language": _(_LANGUAGE_NAMES[other])}, style="note"),
                Paragraph(texts[other], markdown=True)])
        return Section(heading, 1, anchor,
                       [Paragraph(_("The secretariat has not written this part yet."),
                                  style="todo")])

    # One indicator -------------------------------------------------------------------------

    def number(self, text: str | None, entry: dict, signed: bool = False) -> str:
        return "" if text is None else shown(Decimal(text), entry["decimals"], signed)

    def value_cell(self, value: dict | None, entry: dict) -> str:
        if value is None:
            return _("no data")
        symbols = "".join(SYMBOLS[m] for m in value["marks"])
        return self.number(value["value"], entry) + (f" {symbols}" if symbols else "")

    def indicator(self, entry: dict) -> Section:
        anchor = indicator_anchor(entry["code"])
        blocks: list = []
        definition = self.text(entry, "definition")
        if definition:
            blocks.append(Paragraph(definition))
        blocks.append(Paragraph(self.provenance(entry), style="note"))
        has_data = any(p["latest"] for p in entry["picts"]) or any(
            c["values"] for c in entry["comparators"])
        if not has_data:
            blocks.append(Paragraph(_("No data for this indicator in the period."),
                                    style="flag"))
            return Section(self.text(entry, "name"), 1, anchor, blocks)
        blocks += self.comparison(entry)
        blocks.append(self.ranking(entry))
        return Section(self.text(entry, "name"), 1, anchor, blocks)

    def provenance(self, entry: dict) -> str:
        """Code, unit, source, licence and vintage in one note."""
        parts = [f"{_('Code:')} {entry['code']}."]
        unit = self.text(entry, "unit")
        if unit:
            parts.append(f"{_('Unit:')} {unit}.")
        sources = entry["sources"] or ([entry["source"]] if entry["source"] else [])
        if sources:
            parts.append(f"{_('Source:')} {'; '.join(sources)}.")
        if entry["licence"]:
            parts.append(f"{_('Licence:')} {entry['licence']}.")
        parts.append(f"{_('Vintage:')} "
                     f"{', '.join(entry['vintages']) or _('not recorded')}.")
        return " ".join(parts)

    def comparison(self, entry: dict) -> list:
        """The Pacific against PSS, EAS and the World by year: a chart and its table, and the
        Pacific of the period in words."""
        by_code = {c["code"]: c for c in entry["comparators"]}
        shown_comparators = [by_code[code] for code in CHART_COMPARATORS if code in by_code]
        medians = {m["year"]: m for m in entry["pacific_by_year"]}
        values = {c["code"]: {v["year"]: v for v in c["values"]} for c in shown_comparators}
        years = sorted({*medians, *(y for found in values.values() for y in found)})
        unit = self.text(entry, "unit")
        names = [self.economy(c["code"]) for c in shown_comparators]
        pacific_label = _("The Pacific (median)")
        chart_series = [charts.Series(pacific_label, tuple(
            charts.Point(y, Decimal(medians[y]["value"])) for y in years if y in medians),
            emphasis=True)]
        chart_series += [charts.Series(name, tuple(
            charts.Point(y, Decimal(v["value"]), tuple(v["marks"]))
            for y, v in sorted(values[c["code"]].items())))
            for c, name in zip(shown_comparators, names, strict=True)]
        name = self.text(entry, "name")
        title = _("%(indicator)s: the Pacific against its comparators, %(years)s") % {
            "indicator": name, "years": self.period_text()}
        description = " ".join([
            _("Lines of the median of the PICTs and of %(comparators)s, %(unit)s, by year; "
              "the table below gives every value.") % {"comparators": ", ".join(names),
                                                       "unit": unit},
            self.last_year_in_words(entry, years, medians, values, names)])
        spec = charts.Chart(title=title, description=description, unit=unit,
                            decimals=entry["decimals"],
                            chart_id="chart-" + indicator_anchor(entry["code"]))
        svg = str(charts.line_chart(spec, chart_series))
        rows = []
        for year in years:
            middle = medians.get(year)
            rows.append([str(year), self.number(middle["value"], entry) if middle
                         else _("no data"), str(middle["n"]) if middle else "0",
                         *(self.value_cell(values[c["code"]].get(year), entry)
                           for c in shown_comparators)])
        table = Table(
            caption=title,
            header=[_("Year"), pacific_label, _("PICTs with data"), *names],
            rows=rows, numeric=[False, *([True] * (2 + len(names)))],
            note=self.marks_note())
        pacific = entry["pacific"]
        if pacific["value"] is None:
            words = _("No PICT has a value in the period.")
        else:
            words = ngettext(
                "The Pacific in the period: %(value)s %(unit)s, the median of the latest value "
                "of %(n)s PICT (%(years)s).",
                "The Pacific in the period: %(value)s %(unit)s, the median of the latest values "
                "of %(n)s PICTs (%(years)s).", pacific["n"]) % {
                "value": self.number(pacific["value"], entry), "unit": unit,
                "n": pacific["n"], "years": _years_text(pacific["years"])}
        return [Chart(title=title, svg=svg, description=description), table, Paragraph(words)]

    def last_year_in_words(self, entry: dict, years: list[int], medians: dict, values: dict,
                           names: list[str]) -> str:
        if not years:
            return ""
        year = years[-1]
        parts = []
        if year in medians:
            parts.append(_("the Pacific %(value)s") % {
                "value": self.number(medians[year]["value"], entry)})
        for found, name in zip(values.values(), names, strict=True):
            if year in found:
                parts.append(f"{name} {self.number(found[year]['value'], entry)}")
        return _("In %(year)s: %(values)s.") % {"year": year, "values": "; ".join(parts)}

    def marks_note(self) -> str:
        return _("† break in series; * estimate; ‡ jump: more than 2× or less than ½ the year "
                 "before. Values rounded; the data gives them as published.")

    def growth_header(self) -> list[str]:
        return [*(ngettext("Change over %(n)s year", "Change over %(n)s years", span)
                  % {"n": span} for span in SPANS),
                _("Gap to Pacific island small states"), _("Gap to World")]

    def growth_cells(self, row: dict, entry: dict) -> list[str]:
        return [*(self.number(change["absolute"], entry, signed=True)
                  for change in row["changes"]),
                self.number(row["gap_region"], entry, signed=True),
                self.number(row["gap_world"], entry, signed=True)]

    def flags_in_words(self, row: dict) -> str:
        marks = [(f["year"], SYMBOLS[f["kind"]]) for f in row["flags"]]
        marks += [(year, SYMBOLS["jump"]) for year in row["jumps"]]
        return ", ".join(f"{symbol} {year}" for year, symbol in sorted(marks))

    def ranking(self, entry: dict) -> Table:
        """The PICTs from the highest value of the period to the lowest, then those with none."""
        with_data = sorted((p for p in entry["picts"] if p["latest"]), key=lambda p: (
            -Decimal(p["latest"]["value"]), self.sort_key(p["code"])))
        without = sorted((p for p in entry["picts"] if not p["latest"]),
                         key=lambda p: self.sort_key(p["code"]))
        rows, links = [], {}
        for index, pict in enumerate([*with_data, *without]):
            latest = pict["latest"]
            if latest:
                rows.append([str(index + 1), self.economy(pict["code"]), str(latest["year"]),
                             self.value_cell(latest, entry), *self.growth_cells(pict, entry),
                             self.flags_in_words(pict)])
            else:
                rows.append(["", self.economy(pict["code"]), "", _("no data"),
                             *[""] * (len(SPANS) + 2), ""])
            links[index, 1] = f"#{country_anchor(pict['code'])}"
        header = [_("Rank"), _("Economy"), _("Year"), _("Value"), *self.growth_header(),
                  _("Flags in the period")]
        return Table(
            caption=_("%(indicator)s: the PICTs ranked by their latest value in %(period)s") % {
                "indicator": self.text(entry, "name"), "period": self.period_text()},
            header=header, rows=rows,
            numeric=[True, False, True, True, *([True] * (len(SPANS) + 2)), False],
            links=links, note=self.ranking_note(entry))

    def ranking_note(self, entry: dict) -> str:
        return " ".join([
            _("Each PICT's latest value in the period, with its year. Changes end at that year "
              "(the year they start from may lie before the period); a gap is the difference "
              "from the value of Pacific island small states or the World that same year. Both "
              "are in the indicator's unit (%(unit)s). An empty cell: one of the two values is "
              "missing.") % {"unit": self.text(entry, "unit")},
            self.marks_note()])

    # One country ---------------------------------------------------------------------------

    def country(self, table: dict) -> Section:
        entries = {e["code"]: e for e in self.data["indicators"]}
        rows, links = [], {}
        for index, row in enumerate(table["rows"]):
            entry = entries[row["indicator"]]
            unit = self.text(entry, "unit")
            label = self.text(entry, "name") + (f" ({unit})" if unit else "")
            latest = row["latest"]
            rows.append([label, self.value_cell(latest, entry),
                         str(latest["year"]) if latest else "",
                         *(self.growth_cells(row, entry) if latest
                           else [""] * (len(SPANS) + 2))])
            links[index, 0] = f"#{indicator_anchor(entry['code'])}"
        name = self.economy(table["code"])
        return Section(name, 2, country_anchor(table["code"]), [Table(
            caption=_("%(economy)s: the indicators in %(period)s") % {
                "economy": name, "period": self.period_text()},
            header=[_("Indicator"), _("Value"), _("Year"), *self.growth_header()],
            rows=rows, numeric=[False, True, True, *([True] * (len(SPANS) + 2))],
            links=links,
            note=" ".join([_("Each indicator's latest value in the period, with its year. "
                             "Changes and gaps are in the indicator's unit. An empty cell: one "
                             "of the two values is missing."), self.marks_note()]))])


def indicator_anchor(code: str) -> str:
    return "indicator-" + code.replace(".", "-")


def country_anchor(code: str) -> str:
    return f"country-{code}"


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
