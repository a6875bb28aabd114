"""Observations as SDMX-CSV, the table format statistical offices exchange (SDMX 2.1's
SDMX-CSV 1.0: one row per observation, the dataflow first, then the dimensions, the value and
the attributes, by their ids).

    DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS
    TALANOA:ICT_INDICATORS(1.0),A,TON,IT.CEL.SETS.P2,2022,61.7257858761257,per 100 people,A

- DATAFLOW: Talanoa's own, `TALANOA:ICT_INDICATORS(1.0)` (setting `SDMX_DATAFLOW`), not the
  World Bank's `WB:WDI(1.0)`: the rows are what Talanoa publishes (World Bank and ITU files,
  with the secretariat's flags), and WB's data structure has other dimensions (its SERIES,
  not INDICATOR), so claiming its dataflow would mislead a reader who looks it up.
- FREQ is `A` (annual): every SDMX data structure has it, and every value here is a year's.
- REF_AREA: the World Bank's economy code (ISO3, or an aggregate such as PSS, WLD);
  INDICATOR: the source's code; TIME_PERIOD: the year.
- OBS_VALUE: the value exactly as published (never through a float).
- UNIT_MEASURE: the indicator's unit in English, as the catalogue words it (no SDMX code list
  is kept for units); OBS_STATUS from SDMX's CL_OBS_STATUS: `B` a break in series, `E` an
  estimate (the secretariat's flags; a break wins when both), `A` otherwise. The jumps the
  pages mark are computed, not a status of the value: they are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse

from talanoa.lib.tables import Table, csv_response

DEFAULT_DATAFLOW = "TALANOA:ICT_INDICATORS(1.0)"
HEADER = ["DATAFLOW", "FREQ", "REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE",
          "UNIT_MEASURE", "OBS_STATUS"]
MEDIA_TYPE = "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8"
FILE_FORMAT = "sdmx.csv"  # the downloads' "extension": /indicators/TON.sdmx.csv


@dataclass(frozen=True)
class Row:
    economy: str
    indicator: str
    year: int
    value: Decimal
    unit: str
    marks: tuple[str, ...] = ()


def dataflow() -> str:
    return getattr(settings, "SDMX_DATAFLOW", DEFAULT_DATAFLOW)


def obs_status(marks: Iterable[str]) -> str:
    marks = set(marks)
    return "B" if "break" in marks else "E" if "estimate" in marks else "A"


def table(name: str, rows: Iterable[Row]) -> Table:
    flow = dataflow()
    return Table(name, HEADER, [[flow, "A", row.economy, row.indicator, row.year, row.value,
                                 row.unit, obs_status(row.marks)] for row in rows])


def response(name: str, rows: Iterable[Row]) -> HttpResponse:
    """An SDMX-CSV download: a CSV file (`name`.csv) with SDMX-CSV's media type."""
    answer = csv_response(table(name, rows))
    answer["Content-Type"] = MEDIA_TYPE
    return answer
