"""What the public indicator pages read and compute: the years shown, the observations of a few
indicators × economies × years with their marks (flags and jumps), latest values, the Pacific
median, sources and vintages, and the data stamp that keys the pages' cache.

A fixed number of queries per page whatever the data: each fetch is one query on the index of
the unique constraint (indicator, economy, year), for the economies and years shown only.
Values are compared and ordered here, in Python, never in SQL (they are text there).

Marks:
- "break", "estimate": a `Flag` the secretariat put on the value;
- "jump": computed, not stored: the value is more than twice, or less than half, the value of
  the year before (both above zero), e.g. Fiji mobile 2022 → 2023 (111.7 → 361.0).
"""

from __future__ import annotations

import decimal
import functools
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.charts import Point
from indicators.growth import median
from indicators.models import Economy, Flag, ImportBatch, ImportTransition, Indicator, Observation

MAX_YEARS = 25  # years shown by default: the last that have data
GROWTH_YEARS = 10  # years read before the first shown, for the changes over 10 years
JUMP = Decimal(2)
CACHE_SECONDS = 24 * 3600  # the stamp invalidates; this only bounds what an edit it misses costs
MARKS = ("break", "estimate", "jump")
SYMBOLS = {"break": "†", "estimate": "*", "jump": "‡"}


# --- The cache and its stamp --------------------------------------------------------------------

_GENERATION_KEY = "indicators:generation"


def data_changed() -> None:
    """Called by the importer after each apply, rollback and flag change (`ON_DATA_CHANGE`):
    renews this process's pages at once (every process's, with a shared cache such as Redis).
    The stamp below catches the change in other processes anyway."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


@functools.cache
def _stamp_sql() -> str:
    # Built once: reaching a history model through its manager costs more than the query.
    tables = [(ImportTransition, "id"), (ImportBatch, "id"), (Flag.history.model, "history_id"),
              (Indicator.history.model, "history_id"), (Economy, "id")]
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(
        f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})"
        for model, column in tables)


def data_stamp() -> str:
    """Changes whenever what the pages show may have changed, seen from any process: the last
    import step (apply, roll back), batch, flag edit (history), indicator edit (history), new
    economy. One query on primary keys. (An economy's name edited in the admin leaves no trace
    to read: pages show it within `CACHE_SECONDS`.)"""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return "-".join(str(v or 0) for v in row) + "-" + str(cache.get(_GENERATION_KEY, ""))


def cached[T](parts: Iterable[object], build: Callable[[], T]) -> T:
    """`build()`'s result for these parts, the reader's language and the data as it is now."""
    key = "|".join(str(p) for p in (*parts, get_language() or "en", data_stamp()))
    key = "indicators:page:" + hashlib.sha256(key.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


# --- Numbers in words ---------------------------------------------------------------------------

def rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP)


def shown(value: Decimal | None, decimals: int, signed: bool = False) -> str:
    """A value as the page shows it: rounded, in the reader's format (61.7, 61,7); "" for none."""
    if value is None:
        return ""
    text = formats.number_format(rounded(value, decimals), decimal_pos=decimals,
                                 use_l10n=True, force_grouping=abs(value) >= 10000)
    if signed:
        if value > 0 and rounded(value, decimals) != 0:
            return "+" + text
        if text.startswith("-"):
            return "−" + text[1:]
    return text


def shown_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return _("%(number)s%%") % {"number": shown(value, 1, signed=True)}


# --- Years --------------------------------------------------------------------------------------

def years_with_data(indicator_ids: list[int], economy_ids: list[int]) -> dict[int, list[int]]:
    """The years each indicator has a value for any of these economies, ascending (one query
    on the index: no value is read)."""
    years: dict[int, list[int]] = {i: [] for i in indicator_ids}
    rows = (Observation.objects.filter(indicator_id__in=indicator_ids, economy_id__in=economy_ids)
            .values_list("indicator_id", "year").distinct().order_by())
    for indicator_id, year in rows:
        years[indicator_id].append(year)
    for found in years.values():
        found.sort()
    return years


def years_shown(with_data: list[int], first: int | None = None,
                last: int | None = None) -> list[int]:
    """The last `MAX_YEARS` years that have data, within [first, last] when asked."""
    chosen = [y for y in with_data
              if (first is None or y >= first) and (last is None or y <= last)]
    return chosen[-MAX_YEARS:]


# --- Observations and their marks ---------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    year: int
    value: Decimal
    batch_id: int
    marks: tuple[str, ...] = ()

    @property
    def symbols(self) -> str:
        return "".join(SYMBOLS[m] for m in self.marks)


@dataclass
class Line:
    """One indicator for one economy: its values by year (those fetched)."""

    values: dict[int, Value] = field(default_factory=dict)

    def numbers(self, years: Iterable[int] | None = None) -> dict[int, Decimal]:
        if years is None:
            return {y: v.value for y, v in self.values.items()}
        return {y: self.values[y].value for y in years if y in self.values}

    def latest(self, years: Iterable[int] | None = None) -> Value | None:
        present = [y for y in (self.values if years is None else years) if y in self.values]
        return self.values[max(present)] if present else None

    def points(self, years: Iterable[int]) -> tuple[Point, ...]:
        return tuple(Point(year=y, value=self.values[y].value, marks=self.values[y].marks)
                     for y in years if y in self.values)


def jump_years(values: dict[int, Decimal]) -> set[int]:
    """Years whose value is more than twice, or less than half, the year before's."""
    jumps = set()
    for year, value in values.items():
        before = values.get(year - 1)
        if before is not None and before > 0 and value > 0 and (
                value > before * JUMP or value * JUMP < before):
            jumps.add(year)
    return jumps


def fetch(indicator_ids: list[int], economy_ids: list[int], first: int,
          last: int) -> dict[tuple[int, int], Line]:
    """The values of these indicators × economies from `first` to `last`, with their marks
    (two queries). A jump at `first` needs the year before: read it too."""
    found: dict[tuple[int, int], dict[int, tuple[Decimal, int]]] = defaultdict(dict)
    rows = (Observation.objects.filter(indicator_id__in=indicator_ids, economy_id__in=economy_ids,
                                       year__gte=first - 1, year__lte=last)
            .values_list("indicator_id", "economy_id", "year", "value", "batch_id").order_by())
    for indicator_id, economy_id, year, value, batch_id in rows:
        found[indicator_id, economy_id][year] = (value, batch_id)
    flags: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for indicator_id, economy_id, year, kind in (
            Flag.objects.filter(indicator_id__in=indicator_ids, economy_id__in=economy_ids,
                                year__gte=first, year__lte=last)
            .values_list("indicator_id", "economy_id", "year", "kind").order_by()):
        flags[indicator_id, economy_id, year].append(kind)
    lines: dict[tuple[int, int], Line] = defaultdict(Line)
    for (indicator_id, economy_id), values in found.items():
        jumps = jump_years({y: v for y, (v, _b) in values.items()})
        line = lines[indicator_id, economy_id]
        for year in sorted(values):
            if year < first:
                continue
            value, batch_id = values[year]
            kinds = set(flags.get((indicator_id, economy_id, year), ()))
            if year in jumps:
                kinds.add("jump")
            line.values[year] = Value(year, value, batch_id,
                                      tuple(m for m in MARKS if m in kinds))
    return lines


@dataclass(frozen=True)
class Provenance:
    """Where shown values come from: the indicator's source and licence, the batches' vintages."""

    source: str
    licence: str
    vintages: tuple[str, ...]
    by_batch: dict[int, tuple[str, str]]  # batch id → (source, vintage)

    def of(self, batch_id: int) -> tuple[str, str]:
        return self.by_batch.get(batch_id, (self.source, ""))


def provenances(indicators: list[Indicator],
                lines: dict[tuple[int, int], Line]) -> dict[int, Provenance]:
    """`provenance` for several indicators in one query."""
    batch_ids = {v.batch_id for line in lines.values() for v in line.values.values()}
    rows = {pk: (source, vintage) for pk, source, vintage in
            ImportBatch.objects.filter(pk__in=batch_ids).values_list("pk", "source", "vintage")
            } if batch_ids else {}
    result = {}
    for indicator in indicators:
        used = {v.batch_id for (i, _e), line in lines.items() if i == indicator.pk
                for v in line.values.values()}
        by_batch = {pk: (rows[pk][0] or indicator.source, rows[pk][1]) for pk in used
                    if pk in rows}
        result[indicator.pk] = Provenance(
            indicator.source, indicator.licence,
            tuple(sorted({v for _s, v in by_batch.values() if v})), by_batch)
    return result


# --- The catalogue ------------------------------------------------------------------------------

def indicators_with_data() -> list[Indicator]:
    """Every indicator in catalogue order, each with `has_data` (one query)."""
    from django.db.models import Exists, OuterRef

    return list(Indicator.objects.annotate(
        has_data=Exists(Observation.objects.filter(indicator=OuterRef("pk")))))


def comparators() -> list[Economy]:
    return list(Economy.objects.filter(comparator_order__gt=0).order_by("comparator_order"))


def picts() -> list[Economy]:
    return list(Economy.objects.filter(kind=Economy.Kind.PICT))


def pacific_median(lines: dict[int, Line], years: Iterable[int]) -> dict[int, tuple[Decimal, int]]:
    """Per year, the median of the PICTs' values that year and how many PICTs it is over."""
    result = {}
    for year in years:
        values = [line.values[year].value for line in lines.values() if year in line.values]
        if values:
            result[year] = (median(values), len(values))
    return result
