"""Any table as a download: CSV (UTF-8, a header row) or XLSX (openpyxl, write-only).

A table is a header and rows of cells; a cell is text, a number (`int`, `Decimal`) or None
(an empty cell, never zero). Numbers go out as published: a `Decimal` is written with its own
digits in CSV, and as a numeric XLSX cell only when a float holds it exactly (the float reads
back as the same decimal); otherwise as text, so no digit is lost.

Text may come from imported files or from people (names of economies, organisations): a
spreadsheet must never run it as a formula, so text cells are neutralised (`csv_safe`) and, in
XLSX, also typed as strings.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse

Cell = str | int | Decimal | None

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_safe(value) -> str:
    """A spreadsheet must not run a cell as a formula: = + - @ (and tab, CR) at the start are
    neutralised with a leading quote."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@dataclass
class Table:
    """What a page shows, as rows; `name` is the download's file name without its extension."""

    name: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    sheet: str = "Data"


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int: say it in words
        return csv_safe(str(value))
    if isinstance(value, int | Decimal):
        return str(value)  # a number, even negative, is not a formula
    return csv_safe(value)


def safe_file_name(name: str) -> str:
    """ASCII letters, digits, dots and dashes: fine in a Content-Disposition header anywhere."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", name).strip("-.") or "table"


def _attachment(response: HttpResponse, file_name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in table.header])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{safe_file_name(table.name)}.csv")


def exact_float(value: Decimal) -> float | None:
    """The float that reads back as exactly `value`, or None (too many digits)."""
    if not value.is_finite():
        return None
    number = float(value)
    return number if Decimal(repr(number)) == value else None


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=safe_file_name(table.sheet)[:31])

    def cell(value: Cell):
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if isinstance(value, Decimal):
            number = exact_float(value)
            if number is not None:
                return number
            value = str(value)
        text = WriteOnlyCell(sheet, value=csv_safe(value))
        text.data_type = "s"  # never a formula, whatever it starts with
        return text

    sheet.append([cell(h) for h in table.header])
    for row in table.rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    return _attachment(response, f"{safe_file_name(table.name)}.xlsx")


def table_response(table: Table, fmt: str) -> HttpResponse:
    """`fmt` is "csv" or "xlsx" (the URL converter allows nothing else)."""
    return xlsx_response(table) if fmt == "xlsx" else csv_response(table)
