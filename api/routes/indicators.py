"""ICT indicators: the catalogue, the economies, the observations (public statistics: every
caller reads the same), and the secretariat's imports.

Values are exact decimals as published: JSON strings, never floats (a float would turn
"101.512239575662" into whatever its binary value prints as)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import BaseModel

from api.items import LinkedOut
from api.service import (
    CURSOR_PATTERN,
    Page,
    Paging,
    caller,
    error_response,
    keyset_page,
    page_of,
    require_token,
    responses,
    viewer,
)
from indicators import operations, sdmx, series
from indicators.forms import ImportForm
from indicators.models import Economy, Flag, ImportBatch, Indicator, Observation
from papers.models import Tag
from talanoa.access import can_edit_indicators

router = Router(tags=["indicators"])
# Registered before `router` (api/urls.py): Django tries the paths in order, and
# /indicators/{code} would otherwise take /indicators/imports (and answer POST with 405).
imports_router = Router(tags=["indicator imports (secretariat)"])

# Observations are small rows (about 150 bytes of JSON): a page of up to 1,000 costs the same
# two queries as a page of 100 and lets a partner read one indicator's whole vintage (about
# 13,000 values) in 13 calls, well inside the anonymous rate limit.
MAX_OBSERVATIONS = 1000
# What a code of an indicator (IT.CEL.SETS.P2) or an economy (TON) may look like: anything else
# is no code of ours, and is never sent to the database (PostgreSQL refuses a NUL in a string).
CODE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


# --- The catalogue ------------------------------------------------------------------------------

class IndicatorOut(LinkedOut):
    id: int
    code: str
    name_en: str
    name_fr: str
    unit_en: str
    unit_fr: str
    definition_en: str
    definition_fr: str
    source: str
    licence: str
    sdg_targets: list[str] = Field(description="The SDG targets' codes, e.g. 9.c")
    decimals: int = Field(description="The decimals the pages round to; values are exact.")
    url: str

    @staticmethod
    def resolve_sdg_targets(indicator: Indicator) -> list[str]:
        return [tag.code for tag in indicator.sdg_tags]


class IndicatorPage(Page):
    results: list[IndicatorOut]


class EconomyOut(LinkedOut):
    id: int
    code: str = Field(description="The World Bank's code: ISO3, or an aggregate (PSS, WLD, …)")
    name_en: str
    name_fr: str
    kind: Literal["pict", "country", "aggregate"]
    url: str


class EconomyPage(Page):
    results: list[EconomyOut]


class EconomyFilter(Paging):
    kind: Literal["pict", "country", "aggregate"] | None = Field(
        None, description="pict: the 22 Pacific Island Countries and Territories; country: "
                          "other countries; aggregate: regions and income groups")


def _indicators():
    sdg = Tag.objects.filter(kind=Tag.Kind.SDG).order_by("order", "code")
    return Indicator.objects.prefetch_related(
        Prefetch("sdg_targets", queryset=sdg, to_attr="sdg_tags"))


@router.get("/indicators", response=responses(IndicatorPage), summary="Indicators")
def list_indicators(request: HttpRequest, paging: Query[Paging]):
    viewer(request)
    return page_of(_indicators(), paging)


@router.get("/indicators/{code}", response=responses(IndicatorOut, 404), summary="An indicator")
def get_indicator(request: HttpRequest, code: str):
    viewer(request)
    return get_object_or_404(_indicators(), code=_code(code))


@router.get("/economies", response=responses(EconomyPage),
            summary="Economies: countries, territories and aggregates")
def list_economies(request: HttpRequest, filters: Query[EconomyFilter]):
    viewer(request)
    economies = Economy.objects.all()
    if filters.kind:
        economies = economies.filter(kind=filters.kind)
    return page_of(economies, filters)


@router.get("/economies/{code}", response=responses(EconomyOut, 404), summary="An economy")
def get_economy(request: HttpRequest, code: str):
    viewer(request)
    return get_object_or_404(Economy, code=_code(code))


# --- Observations -------------------------------------------------------------------------------

class ObservationOut(BaseModel):
    """(A plain pydantic model: ninja's Schema reads each field through a getter meant for
    Django models, which cost 6 ms a page of 100.)"""

    indicator: str = Field(description="The indicator's code")
    economy: str = Field(description="The economy's code")
    year: int
    value: str = Field(
        description="The value exactly as published, as a decimal number in a string (e.g. "
                    "\"61.7257858761257\"), never a JSON number: read it with a decimal type "
                    "to keep every digit.",
        pattern=r"^-?\d+(\.\d+)?$")
    flags: list[Literal["estimate", "break"]] = Field(
        description="The secretariat's flags on this value: an estimate, a break in series.")
    batch: int = Field(description="The import that set this value")
    vintage: str = Field(description="The source's data update of that import, e.g. "
                                     "2026-07-01; empty when unknown")


class ObservationPage(Page):
    results: list[ObservationOut]


class ObservationFilter(Schema):
    indicator: list[str] = Field(
        [], description="Indicator codes: repeat the parameter or separate them with commas.")
    economy: list[str] = Field(
        [], description="Economy codes: repeat the parameter or separate them with commas.")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100,
                                description="Before year_from: no year, an empty page.")
    limit: int = Field(100, ge=1, le=MAX_OBSERVATIONS,
                       description=f"Rows a page, at most {MAX_OBSERVATIONS}: observations are "
                                   "small, so this endpoint allows more than the others' 100.")
    cursor: str | None = Field(None, pattern=CURSOR_PATTERN,
                               description="The `next` of the previous page.")


def _codes(values: list[str]) -> list[str] | None:
    """The codes asked for, upper case (those that cannot be codes match nothing), or None when
    none is asked for (`?indicator=` is no filter)."""
    parts = {part.strip() for value in values for part in value.split(",")} - {""}
    if not parts:
        return None
    return sorted({part.upper() for part in parts if CODE.fullmatch(part)})


def _code(code: str) -> str:
    if not CODE.fullmatch(code):
        raise Http404
    return code.upper()


# A page's rows as tuples, not model instances (four per row with the related ones): a page of
# 100 took 18 ms in Python, most of it building models. In the order of ORDER, then:
COLUMNS = ("indicator_id", "economy_id", "year", "indicator__code", "economy__code", "value",
           "batch_id", "batch__vintage")
Row = tuple[int, int, int, str, str, Decimal, int, str]


def _observations(filters: ObservationFilter):
    """The observations asked for: codes become ids first (a query each), so the page itself
    reads the index of (indicator, economy, year) only."""
    found = Observation.objects.all()
    if (codes := _codes(filters.indicator)) is not None:
        found = found.filter(indicator_id__in=list(
            Indicator.objects.filter(code__in=codes).values_list("pk", flat=True)))
    if (codes := _codes(filters.economy)) is not None:
        found = found.filter(economy_id__in=list(
            Economy.objects.filter(code__in=codes).values_list("pk", flat=True)))
    if filters.year_from:
        found = found.filter(year__gte=filters.year_from)
    if filters.year_to:
        found = found.filter(year__lte=filters.year_to)
    return found.values_list(*COLUMNS)


ORDER = ("indicator_id", "economy_id", "year")  # the unique constraint, and its index


Flags = dict[tuple[int, int, int], tuple[str, ...]]


def _observation_page(filters: ObservationFilter) -> tuple[list[Row], Flags, str | None]:
    """One page of observations and their flags: two queries, whatever the page's size."""
    rows, after = keyset_page(_observations(filters), limit=filters.limit,
                              cursor=filters.cursor, keys=ORDER, key_of=lambda row: row[:3],
                              max_limit=MAX_OBSERVATIONS)
    flags: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    if rows:
        for key in (Flag.objects.filter(
                indicator_id__in={row[0] for row in rows},
                economy_id__in={row[1] for row in rows},
                year__gte=min(row[2] for row in rows), year__lte=max(row[2] for row in rows))
                .order_by("kind").values_list("indicator_id", "economy_id", "year", "kind")):
            flags[key[:3]].append(key[3])
    return rows, {key: tuple(kinds) for key, kinds in flags.items()}, after


@router.get("/observations", response=responses(ObservationPage),
            summary="Observations: the values of indicators by economy and year")
def list_observations(request: HttpRequest, filters: Query[ObservationFilter]):
    """Filtered by indicator, economy and years; in the order of indicator, economy and year
    (stable: values imported later never shift a page already read). Each value is a string
    holding the exact decimal number as published."""
    viewer(request)

    def build() -> dict[str, Any]:
        rows, flags, after = _observation_page(filters)
        results = []
        for indicator_id, economy_id, year, indicator, economy, value, batch, vintage in rows:
            results.append({
                "indicator": indicator, "economy": economy, "year": year,
                "value": format(value, "f"),  # "f": never an exponent ("1E-7"), every digit
                "flags": list(flags.get((indicator_id, economy_id, year), ())),
                "batch": batch, "vintage": vintage})
        return {"results": results, "next": after}

    # Public statistics, the same for every caller: kept like the indicator pages, until the
    # data stamp changes (an import applied or rolled back, a flag edited).
    return series.cached(("api-observations", request.get_full_path()), build)


@router.get("/observations.sdmx.csv", response=responses(None),
            summary="Observations as SDMX-CSV",
            openapi_extra={"responses": {200: {
                "description": "SDMX-CSV 1.0 (see the description); the next page's address "
                               "in the `Link` header (rel=\"next\"), none on the last page.",
                "content": {sdmx.MEDIA_TYPE.split(";")[0]: {"schema": {"type": "string"}}}}}})
def observations_sdmx(request: HttpRequest, filters: Query[ObservationFilter]):
    """The same observations, filters and pages as `/api/observations`, as SDMX-CSV: columns
    DATAFLOW (`TALANOA:ICT_INDICATORS(1.0)`), FREQ (`A`), REF_AREA, INDICATOR, TIME_PERIOD,
    OBS_VALUE (exact, as published), UNIT_MEASURE (the unit in English) and OBS_STATUS
    (`B` break, `E` estimate, `A` normal). The cursor of the next page is in the `Link`
    header's address."""
    viewer(request)
    rows, flags, after = _observation_page(filters)
    units = dict(Indicator.objects.filter(pk__in={row[0] for row in rows})
                 .values_list("pk", "unit_en")) if rows else {}
    answer = sdmx.response("observations.sdmx", [
        sdmx.Row(economy, indicator, year, value, units[indicator_id],
                 flags.get((indicator_id, economy_id, year), ()))
        for indicator_id, economy_id, year, indicator, economy, value, _b, _v in rows])
    if after:
        query = request.GET.copy()
        query["cursor"] = after
        answer["Link"] = f'<{request.build_absolute_uri("?" + query.urlencode())}>; rel="next"'
    return answer


# --- Imports (the secretariat) ------------------------------------------------------------------

class UnknownEconomy(Schema):
    code: str
    name: str
    values: int
    addable: bool


class ImportReport(Schema):
    """The validation report, as the upload page shows it."""

    layout: str
    indicators: list[str]
    rows: int = Field(description="Rows read")
    values: int = Field(description="Values read")
    new: int
    changed: int
    unchanged: int
    empty_cells: int
    unknown_economies: list[UnknownEconomy]
    unknown_economy_values: int
    non_numeric: int
    bad_years: int
    duplicates: int
    conflicting_duplicates: int = Field(
        description="Different values for the same indicator, economy and year: the batch "
                    "cannot be applied")
    new_indicators: list[dict[str, str]]
    already_applied: int | None = Field(
        None, description="An applied import of the very same file, if any")
    examples: dict[str, list[dict[str, Any]]] = Field(
        description="A few examples of each: new, changed, non_numeric, bad_year, duplicate")

    @staticmethod
    def resolve_examples(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        return {kind: report.get(f"{kind}_examples", [])
                for kind in ("new", "changed", "non_numeric", "bad_year", "duplicate")}


class ImportOut(Schema):
    id: int
    status: Literal["previewed", "applied", "discarded", "rolled_back"]
    file_name: str
    layout: str
    source: str
    vintage: str
    report: ImportReport


# The upload page's form reads the request itself (ImportForm, as on /indicators/imports/), after
# the token is checked: a caller who may not import learns 401 or 403, never what the form
# thinks of the file. The body is documented here rather than declared as parameters.
IMPORT_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A World Bank / ITU table, CSV or XLSX, long or wide"},
        "indicator": {"type": "string", "pattern": CODE.pattern,
                      "description": "Only for a long file whose name does not contain the "
                                     "indicator's code"},
        "source": {"type": "string", "maxLength": 300},
        "vintage": {"type": "string", "maxLength": 40,
                    "description": "The source's data update; by default the file's"},
        "add_unknown_economies": {"type": "boolean", "default": False}}}}}}


def _secretariat(request: HttpRequest) -> None:
    """A personal token of a secretariat member: the upload page's rule."""
    if not can_edit_indicators(require_token(request)):
        raise HttpError(403, "Only the secretariat imports indicators.")


def _conflict(error: ValidationError) -> HttpError:
    return HttpError(409, " ".join(error.messages))


@imports_router.post("/indicators/imports", response=responses(ImportOut, 400, 403, status=201),
                     summary="Preview an import of a World Bank / ITU file (CSV or XLSX)",
                     openapi_extra={"requestBody": IMPORT_BODY})
def create_import(request: HttpRequest):
    """Reads the file and answers its validation report; nothing is written to the
    observations until the batch is applied (`…/apply`)."""
    _secretariat(request)
    code = request.POST.get("indicator", "")
    if code and not CODE.fullmatch(code):  # never sent to the database (a NUL, say)
        return error_response(request, 400, "bad_request", "The file or its details are not "
                              "valid.", [{"location": ["form", "indicator"],
                                          "message": "This is not an indicator's code."}])
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    upload = data["file"]  # its name made safe by the form, as on the upload page
    try:
        batch = operations.preview_import(
            upload.read(), upload.name, user=caller(request).token.user,
            indicator_code=data["indicator"].code if data["indicator"] else None,
            source=data["source"], vintage=data["vintage"],
            add_unknown_economies=data["add_unknown_economies"])
    except ValidationError as error:
        return error_response(request, 400, "bad_request", " ".join(error.messages))
    return Status(201, _import_out(batch))


def _form_errors(request: HttpRequest, form: ImportForm) -> HttpResponse:
    errors = [{"location": ["form", field], "message": message}
              for field, messages in form.errors.items() for message in messages]
    return error_response(request, 400, "bad_request", "The file or its details are not valid.",
                          errors)


def _import_out(batch: ImportBatch) -> dict[str, Any]:
    return {"id": batch.pk, "status": batch.status, "file_name": batch.file_name,
            "layout": batch.layout, "source": batch.source, "vintage": batch.vintage,
            "report": batch.report}


@imports_router.post("/indicators/imports/{batch_id}/apply",
             response=responses(ImportOut, 403, 404, 409), summary="Apply a previewed import")
def apply_import(request: HttpRequest, batch_id: int):
    """Writes the file's new and changed values, computed against the data as it is now (the
    report is computed again). 409 when the batch is not a preview, or the file gives
    different values for the same key."""
    _secretariat(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    try:
        batch = operations.apply_import(batch, caller(request).token.user)
    except ValidationError as error:
        raise _conflict(error) from error
    return _import_out(batch)


@imports_router.post("/indicators/imports/{batch_id}/rollback",
             response=responses(ImportOut, 403, 404, 409), summary="Roll back an applied import")
def rollback_import(request: HttpRequest, batch_id: int):
    """Puts back the values the import replaced and deletes those it added. 409 when the batch
    is not applied, or a later import changed some of the same values (roll that back
    first)."""
    _secretariat(request)
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    try:
        batch = operations.rollback_import(batch, caller(request).token.user)
    except ValidationError as error:
        raise _conflict(error) from error
    return _import_out(batch)
