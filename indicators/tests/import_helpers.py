"""Files for the import tests, built from the bundled World Bank values."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl

from indicators.catalogue import WDI_FILES

MOBILE = "IT.CEL.SETS.P2"
MOBILE_NAME = "Mobile cellular subscriptions (per 100 people)"
PREAMBLE = ('"Data Source","World Development Indicators",\r\n\r\n'
            '"Last Updated Date","2026-07-01",\r\n\r\n')


def bundled(code: str = MOBILE) -> bytes:
    return next(path for path in WDI_FILES if code in path.name).read_bytes()


def long_rows(code: str = MOBILE) -> list[list[str]]:
    """The bundled long file's rows (name, code, year, value), header excluded."""
    return list(csv.reader(io.StringIO(bundled(code).decode())))[1:]


def published(code: str = MOBILE) -> dict[tuple[str, str, int], str]:
    """The bundled values as the text a Decimal of the published text gives (the file's
    "5.22085608449826E-05" is stored "0.0000522085608449826"), by (indicator, economy, year)."""
    return {(code, economy, int(year)): str(Decimal(value))
            for _name, economy, year, value in long_rows(code) if value}


def _wide_table(code: str) -> tuple[list[int], list[tuple[str, str, dict[int, str]]]]:
    economies: dict[str, tuple[str, dict[int, str]]] = {}
    for name, economy, year, value in long_rows(code):
        economies.setdefault(economy, (name, {}))[1][int(year)] = value
    years = list(range(1960, max(y for _, ys in economies.values() for y in ys) + 1))
    return years, [(name, economy, values) for economy, (name, values) in economies.items()]


def wide_csv(code: str = MOBILE, *, preamble: bool = False, bom: bool = False,
             trailing_comma: bool = True) -> bytes:
    """The World Bank's bulk layout: every field quoted, years as columns, a trailing comma."""
    years, rows = _wide_table(code)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                     *map(str, years)])
    for name, economy, values in rows:
        writer.writerow([name, economy, MOBILE_NAME, code,
                         *(values.get(year, "") for year in years)])
    table = out.getvalue().replace("\r\n", ",\r\n") if trailing_comma else out.getvalue()
    text = (PREAMBLE if preamble else "") + table
    return ("\ufeff" if bom else "").encode() + text.encode()


def _number(text: str) -> float | int:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(text)


def _workbook(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Metadata - Countries"  # the table is found by its sheet's name
    sheet = workbook.create_sheet("Data")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def long_xlsx(code: str = MOBILE) -> bytes:
    return _workbook([["Country Name", "Country Code", "Year", "Value"],
                      *([name, economy, int(year), _number(value) if value else None]
                        for name, economy, year, value in long_rows(code))])


def wide_xlsx(code: str = MOBILE) -> bytes:
    years, rows = _wide_table(code)
    return _workbook([["Data Source", "World Development Indicators"], [],
                      ["Last Updated Date", "2026-07-01"], [],
                      ["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                       *years],
                      *([name, economy, MOBILE_NAME, code,
                         *(_number(values[y]) if values.get(y) else None for y in years)]
                        for name, economy, values in rows)])


def long_csv(rows: list[str], header: str = "Country Name,Country Code,Year,Value") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()
