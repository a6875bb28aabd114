"""Reading indicator tables (World Bank / ITU) and comparing them with the stored observations.

`read_table()` reads the bytes of a CSV or XLSX file into values keyed by (indicator code,
economy code, year), with what it could not read counted and exemplified; `compare()` sets those
values against the current observations. Neither writes anything: `indicators.operations` does.

What the files look like (see `indicators/data/wdi/README.md`):

- long layout: ``Country Name,Country Code,Year,Value`` (optionally an ``Indicator Code``);
- wide layout, the World Bank's bulk download: ``Country Name,Country Code,Indicator Name,
  Indicator Code,1960,…`` with every row ending in a comma (an empty last column);
- either one possibly preceded by a preamble (``"Data Source",…``, ``"Last Updated Date",…``)
  and, in CSV, a UTF-8 byte-order mark; or the same tables as an XLSX workbook.

Values stay as published: an empty cell or ``..`` is no data (never zero), a number keeps its
text ("123.8", "0"), anything else is reported and skipped.

A file beyond the limits of one import (`limits()`: bytes, rows, values) is refused with a
message saying so, and read no further than the limit: a 300,000-row workbook once took a
minute of reading and answered 500. A workbook's rows are counted in its unpacked XML before
openpyxl opens it (opening a sheet that declares no size makes openpyxl read all of it).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from talanoa.lib.files import CHUNK

EXAMPLES = 20  # examples kept per kind of problem: enough to see the pattern
PREAMBLE_ROWS = 30  # the header must appear within this many rows
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_VALUE_CHARS = 40  # ExactDecimalField's max_length
# Past this, a value is a mistake in the file: more than any count (people, subscriptions) or any
# economy's dollars the indicators hold, and enough to overflow the charts' and growth figures'
# arithmetic. Such a cell is reported like one that is not a number.
MAX_MAGNITUDE = Decimal(10) ** 18
MAX_CODE_CHARS = 40  # Indicator.code's
NO_DATA = {"", ".."}
# Plain decimal notation, as statistical offices publish: no thousands separators, no "1_000"
# (which Python's Decimal would accept), no "NaN" or "Infinity".
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
LONG_COLUMNS = ("country name", "country code", "year", "value")
WIDE_COLUMNS = ("country name", "country code", "indicator name", "indicator code")

# The most one import takes, each overridable in settings (INDICATOR_IMPORT_MAX_BYTES, _ROWS,
# _VALUES). Real files sit well inside: the World Bank's file of one indicator for every economy
# since 1960 is about 17,000 rows long (the bundled one 13,018 rows, 440 KB) or 266 rows of
# 17,000 values wide; the 22 Pacific economies over six decades are 1,500 rows an indicator.
# Past them a file is a whole database export: its reading alone would outlast the request
# (openpyxl reads about 10,000 rows a second), and its writing hold SQLite's only write lock
# too long (applying 25,000 new values holds it 1 to 2 s on a busy test machine).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # rows of the file, preamble and header included: what a spreadsheet numbers
MAX_VALUES = 25_000  # numbers read, duplicates included
# A row's start tag in a worksheet's XML, with or without a namespace prefix. Nothing else in a
# workbook's parts starts so ("<rowFields" does not match; text holds "<" only as "&lt;").
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?row[\s/>]")
_ROW_TAG_CHARS = 50  # the longest such tag

Key = tuple[str, str, int]  # (indicator code, economy code, year)


@dataclass
class Table:
    """What a file holds, as read: values and names, and what could not be read."""

    layout: str = ""  # "long CSV", "wide XLSX"…
    vintage: str = ""  # the preamble's "Last Updated Date", if any
    values: dict[Key, Decimal] = field(default_factory=dict)
    economy_names: dict[str, str] = field(default_factory=dict)
    indicator_names: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    values_read: int = 0
    empty_cells: int = 0
    other_indicator_rows: int = 0
    non_numeric: int = 0
    non_numeric_examples: list[dict] = field(default_factory=list)
    bad_years: int = 0
    bad_year_examples: list[dict] = field(default_factory=list)
    duplicates: int = 0
    conflicting_duplicates: int = 0
    duplicate_examples: list[dict] = field(default_factory=list)
    max_values: int = MAX_VALUES

    def add(self, key: Key, value: Decimal, row: int) -> None:
        self.values_read += 1
        if self.values_read > self.max_values:
            raise _too_large(
                _("This file holds more than %(limit)s values; an import takes at most that "
                  "many. Split it (by indicator or by years) and import the parts one by one. "
                  "Nothing was imported."), self.max_values, "too_many_values")
        if key not in self.values:
            self.values[key] = value
            return
        first = self.values[key]
        self.duplicates += 1
        if first != value:
            self.conflicting_duplicates += 1
        if len(self.duplicate_examples) < EXAMPLES:
            self.duplicate_examples.append({
                "row": row, "indicator": key[0], "economy": key[1], "year": key[2],
                "first": str(first), "second": str(value), "conflict": first != value})

    def note_non_numeric(self, row: int, column: str, text: str) -> None:
        self.non_numeric += 1
        if len(self.non_numeric_examples) < EXAMPLES:
            self.non_numeric_examples.append({"row": row, "column": column, "text": text[:60]})

    def note_bad_year(self, row: int, column: str, text: str) -> None:
        self.bad_years += 1
        if len(self.bad_year_examples) < EXAMPLES:
            self.bad_year_examples.append({"row": row, "column": column, "text": text[:60]})


def read_table(data: bytes, file_name: str, *, known_indicators: Iterable[str],
               indicator_code: str | None = None) -> Table:
    """Read a CSV or XLSX file. `indicator_code` names the indicator of a long file without an
    Indicator Code column (else a catalogue code in the file name does), and restricts a file
    with that column to one indicator. Raises ValidationError when the file cannot be read."""
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    check_size(len(data))
    _bytes, max_rows, max_values = limits()
    if data.startswith(b"PK\x03\x04"):
        table = Table(layout="XLSX", max_values=max_values)
        _check_xlsx_rows(data, max_rows)
        rows = _xlsx_rows(data, max_rows)
    else:
        table = Table(layout="CSV", max_values=max_values)
        rows = _csv_rows(data, max_rows)
    try:
        return _read_rows(rows, table, file_name, known_indicators, indicator_code)
    finally:
        rows.close()  # closes the workbook now, not when the generator is collected


def limits() -> tuple[int, int, int]:
    """The most one import takes: (bytes, rows, values); see MAX_BYTES."""
    return (getattr(settings, "INDICATOR_IMPORT_MAX_BYTES", MAX_BYTES),
            getattr(settings, "INDICATOR_IMPORT_MAX_ROWS", MAX_ROWS),
            getattr(settings, "INDICATOR_IMPORT_MAX_VALUES", MAX_VALUES))


def check_size(size: int) -> None:
    """Refuse a file larger than an import takes (the upload form asks before reading it)."""
    max_bytes = limits()[0]
    if size > max_bytes:
        megabytes = max_bytes / (1024 * 1024)
        raise ValidationError(
            _("This file is larger than %(limit)s MB; an indicator import takes at most that. "
              "Split it (by indicator or by years) and import the parts one by one."),
            params={"limit": number_format(megabytes,
                                           decimal_pos=0 if megabytes.is_integer() else 1)},
            code="file_size")


def _too_large(message: str, limit: int, code: str) -> ValidationError:
    return ValidationError(message, params={"limit": number_format(limit, force_grouping=True)},
                           code=code)


def _too_many_rows(limit: int) -> ValidationError:
    return _too_large(
        _("This file has more than %(limit)s rows; an import takes at most that many. Split it "
          "(by indicator or by years) and import the parts one by one. Nothing was imported."),
        limit, "too_many_rows")


def _check_xlsx_rows(data: bytes, limit: int) -> None:
    """Refuse a workbook with a part of more than `limit` rows before openpyxl opens it.

    Opening a sheet whose XML declares no size (openpyxl's own write-only files declare none)
    makes openpyxl parse all of it to find one: a minute for 300,000 rows. Counting row tags in
    the unpacked XML takes a few milliseconds for the limit's worth, and stops past it. Every
    part is counted, whatever its name or declared type: openpyxl finds sheets through the
    workbook's relationships, not through their names."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                with archive.open(member) as part:
                    if _row_tags(part, limit) > limit:
                        raise _too_many_rows(limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as error:  # RuntimeError: an encrypted part
        raise ValidationError(
            _("This file cannot be read as an Excel workbook (.xlsx)."), code="xlsx") from error


def _row_tags(part: io.BufferedIOBase, limit: int) -> int:
    """How many row start tags the part holds, counted up to one past `limit`."""
    count, tail = 0, b""
    while chunk := part.read(CHUNK):
        block = tail + chunk
        # A tag starts at "<" and holds no other: all before the last "<" is complete.
        cut = block.rfind(b"<")
        if cut < 0 or len(block) - cut > _ROW_TAG_CHARS:
            cut = len(block)
        count += len(_ROW_TAG.findall(block, 0, cut))
        if count > limit:
            return count
        tail = block[cut:]
    return count + len(_ROW_TAG.findall(tail))


def _read_rows(rows: Iterator[tuple[int, list[Any]]], table: Table, file_name: str,
               known_indicators: Iterable[str], indicator_code: str | None) -> Table:
    number, header = _find_header(rows, table)
    columns = [_column_name(cell) for cell in header]
    if all(name in columns for name in LONG_COLUMNS):
        table.layout = f"long {table.layout}"
        indicator_column = columns.index("indicator code") if "indicator code" in columns else None
        default = None
        if indicator_column is None:
            default = indicator_code or _indicator_in_name(file_name, known_indicators)
            if default is None:
                raise ValidationError(
                    _("Which indicator does this file hold? It has no “Indicator Code” column and "
                      "its name contains no code of the catalogue: choose the indicator."),
                    code="indicator")
        _read_long(rows, table, columns, header, indicator_column, default,
                   None if default else indicator_code)
    elif all(name in columns for name in WIDE_COLUMNS):
        table.layout = f"wide {table.layout}"
        _read_wide(rows, table, columns, header, number, indicator_code)
    else:
        raise ValidationError(
            _("Row %(row)d does not have the columns of a known layout. Expected either "
              "“Country Name, Country Code, Year, Value” (long) or “Country Name, Country Code, "
              "Indicator Name, Indicator Code” followed by years (wide)."),
            params={"row": number}, code="header")
    if not table.rows:
        raise ValidationError(_("The file has a header row but no data rows."), code="no_rows")
    return table


def _csv_rows(data: bytes, max_rows: int) -> Generator[tuple[int, list[Any]]]:
    """The rows with their line numbers, refused at the first past `max_rows`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text (byte %(position)d): save it as “CSV UTF-8” and try "
              "again."), params={"position": error.start + 1}, code="encoding") from error
    if text.lstrip().startswith("<"):
        raise ValidationError(
            _("This file is a web page (HTML or XML), not a table: download the CSV file itself."),
            code="markup")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for count, cells in enumerate(reader, start=1):
            if count > max_rows:
                raise _too_many_rows(max_rows)
            yield reader.line_num, cells
    except csv.Error as error:
        raise ValidationError(
            _("The CSV cannot be read at line %(line)d: %(error)s"),
            params={"line": reader.line_num, "error": error}, code="csv") from error


def _xlsx_rows(data: bytes, max_rows: int) -> Generator[tuple[int, list[Any]]]:
    """The first sheet's rows (or the "Data" sheet's), refused at the first past `max_rows`:
    the count before (`_check_xlsx_rows`) is of the XML's row tags, this one of the rows."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError(
            _("This file cannot be read as an Excel workbook (.xlsx)."), code="xlsx") from error
    try:
        # The World Bank's workbooks hold the table in "Data" beside sheets of metadata.
        sheet = workbook["Data"] if "Data" in workbook.sheetnames else workbook.worksheets[0]
        # Rows as long as their cells, not padded to the size the sheet declares: a declared
        # A1:XFD20000 would make every row 16,384 cells.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > max_rows:
                raise _too_many_rows(max_rows)
            yield number, list(cells)
    finally:
        workbook.close()


def _find_header(rows: Iterator[tuple[int, list[Any]]], table: Table) -> tuple[int, list[Any]]:
    """Skip the preamble up to the row starting with "Country Name", taking its vintage."""
    for number, cells in rows:
        first = _column_name(cells[0]) if cells else ""
        if first == "country name":
            return number, cells
        if first == "last updated date" and len(cells) > 1 and cells[1] is not None:
            vintage = cells[1]
            if isinstance(vintage, datetime.datetime | datetime.date):
                vintage = vintage.strftime("%Y-%m-%d")
            table.vintage = str(vintage).strip()[:40]
        if number >= PREAMBLE_ROWS:
            break
    raise ValidationError(
        _("No header row starting with “Country Name” was found in the first %(rows)d rows: "
          "this is not a World Bank or ITU indicator table."),
        params={"rows": PREAMBLE_ROWS}, code="header")


def _column_name(cell: Any) -> str:
    return " ".join(str(cell if cell is not None else "").split()).casefold()


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _indicator_in_name(file_name: str, known: Iterable[str]) -> str | None:
    """The longest catalogue code in the file name (wdi_IT.CEL.SETS.P2_data.csv,
    API_IT.CEL.SETS.P2_DS2_en_csv_v2_123.csv), ignoring case."""
    name = file_name.casefold()
    found = [code for code in known if code.casefold() in name]
    return max(found, key=len) if found else None


def _row_indicator(table: Table, number: int, code: str, only: str | None) -> str | None:
    """The indicator code of a data row, counted as read; None for a row of another indicator
    than the one asked for (counted apart). A missing or overlong code stops the reading."""
    indicator = code.upper()
    if not indicator or len(indicator) > MAX_CODE_CHARS:
        raise ValidationError(
            _("Row %(row)d has no valid Indicator Code (“%(code)s”)."),
            params={"row": number, "code": indicator}, code="indicator_code")
    if only and indicator != only:
        table.other_indicator_rows += 1
        return None
    table.rows += 1
    return indicator


def _read_long(rows, table: Table, columns: list[str], header: list[Any],
               indicator_column: int | None, default: str | None, only: str | None) -> None:
    name_at, code_at = columns.index("country name"), columns.index("country code")
    year_at, value_at = columns.index("year"), columns.index("value")
    value_label, year_label = _text(header[value_at]), _text(header[year_at])
    for number, cells in rows:
        cells = list(cells) + [None] * (len(columns) - len(cells))
        economy = _text(cells[code_at]).upper()
        value_text = cells[value_at]
        if not economy and _is_empty(value_text):
            continue  # a blank line or a footnote
        indicator = _row_indicator(table, number, default or _text(cells[indicator_column]),
                                   only)
        if indicator is None:
            continue
        table.economy_names.setdefault(economy, _text(cells[name_at]))
        if _is_empty(value_text):
            table.empty_cells += 1
            continue
        value = _value(value_text)
        if value is None:
            table.note_non_numeric(number, value_label, _text(value_text))
            continue
        year = _year(cells[year_at])
        if year is None:
            table.note_bad_year(number, year_label, _text(cells[year_at]))
            continue
        table.add((indicator, economy, year), value, number)


def _read_wide(rows, table: Table, columns: list[str], header: list[Any], header_row: int,
               only: str | None) -> None:
    name_at, code_at = columns.index("country name"), columns.index("country code")
    indicator_name_at = columns.index("indicator name")
    indicator_at = columns.index("indicator code")
    fixed = {name_at, code_at, indicator_name_at, indicator_at}
    year_columns: list[tuple[int, int, str]] = []  # (position, year, header text)
    for position, cell in enumerate(header):
        label = _text(cell)
        if position in fixed or not label:  # WB files end every row with an empty column
            continue
        year = _year(cell)
        if year is None:
            table.note_bad_year(header_row, label, label)
        else:
            year_columns.append((position, year, label))
    for number, cells in rows:
        cells = list(cells) + [None] * (len(header) - len(cells))
        economy = _text(cells[code_at]).upper()
        if not economy and all(_is_empty(cells[p]) for p, _year_, _label in year_columns):
            continue
        indicator = _row_indicator(table, number, _text(cells[indicator_at]), only)
        if indicator is None:
            continue
        table.economy_names.setdefault(economy, _text(cells[name_at]))
        table.indicator_names.setdefault(indicator, _text(cells[indicator_name_at]))
        for position, year, label in year_columns:
            cell = cells[position]
            if _is_empty(cell):
                table.empty_cells += 1
                continue
            value = _value(cell)
            if value is None:
                table.note_non_numeric(number, label, _text(cell))
                continue
            table.add((indicator, economy, year), value, number)


def _is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() in NO_DATA)


def _value(cell: Any) -> Decimal | None:
    """The number as published, or None when the cell holds something else."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return _plausible(Decimal(cell))
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            return None
        # A spreadsheet keeps no difference between 5 and 5.0; repr() gives the shortest text
        # that reads back as the same double, which for published figures is what was published.
        return _plausible(Decimal(int(cell)) if cell.is_integer() else Decimal(repr(cell)))
    if not isinstance(cell, str):
        return None  # a date or time in a spreadsheet
    text = cell.strip()
    if not NUMBER.fullmatch(text):
        return None
    value = Decimal(text)
    return _plausible(value) if len(str(value)) <= MAX_VALUE_CHARS else None


def _plausible(value: Decimal) -> Decimal | None:
    return value if abs(value) < MAX_MAGNITUDE else None


def _year(cell: Any) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int):
        year = cell
    else:
        text = _text(cell)
        if not text.isdigit() or not text.isascii():
            return None
        year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


@dataclass
class Diff:
    """The table against the current observations."""

    new: list[Key] = field(default_factory=list)
    changed: list[Key] = field(default_factory=list)
    unchanged: int = 0
    unknown_economies: dict[str, int] = field(default_factory=dict)  # code → values skipped


def compare(table: Table, current: dict[Key, Decimal], economies: Iterable[str]) -> Diff:
    """Which values of the table are new, changed or unchanged against `current` (values by
    the same keys), skipping those of economies not in `economies`. Equal numbers are
    unchanged whatever their text ("1.0" and "1")."""
    known = set(economies)
    diff = Diff()
    for key, value in table.values.items():
        if key[1] not in known:
            diff.unknown_economies[key[1]] = diff.unknown_economies.get(key[1], 0) + 1
            continue
        before = current.get(key)
        if before is None:
            diff.new.append(key)
        elif before != value:
            diff.changed.append(key)
        else:
            diff.unchanged += 1
    # An economy whose rows are all empty is still unknown: say so, with no values.
    for code in table.economy_names:
        if code not in known and code not in diff.unknown_economies:
            diff.unknown_economies[code] = 0
    return diff
