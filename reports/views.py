from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from members.models import WorkingGroup
from reports import coverage as heat_map
from talanoa.access import viewer_for


def _todo(*args, **kwargs):
    raise Http404


index = new = report = edit = assess = checklist = compile_report = to_review = archive = _todo
run_file = settings_page = _todo

# --- coverage (heat map) ---
# Years the heat map answers (outside them: 404, so no crawler walks the centuries).
COVERAGE_YEARS = range(2000, 2101)


def _coverage_year(year: int) -> int:
    if year not in COVERAGE_YEARS:
        raise Http404
    return year


@require_GET
def coverage(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Objectives × quarters of a year, each cell the activity this reader may see."""
    group, viewer = get_object_or_404(WorkingGroup, slug=slug), viewer_for(request)
    year = _coverage_year(year)
    return render(request, "reports/coverage.html", {
        "group": group, "year": year, "rows": heat_map.coverage(group, year, viewer),
        "quarters": heat_map.QUARTERS, "previous": year - 1 if year - 1 in COVERAGE_YEARS
        else None, "next": year + 1 if year + 1 in COVERAGE_YEARS else None,
        "classes": heat_map.legend()})


@require_GET
def coverage_cell(request: HttpRequest, slug: str, year: int, code: str,
                  quarter: int) -> HttpResponse:
    """The records behind one cell, as far as this reader may see them."""
    group, viewer = get_object_or_404(WorkingGroup, slug=slug), viewer_for(request)
    year = _coverage_year(year)
    objective = get_object_or_404(heat_map.report_objectives(group), code=code)
    if quarter not in heat_map.QUARTERS:
        raise Http404
    first, last = heat_map.quarter_span(year, quarter)
    return render(request, "reports/coverage_cell.html", {
        "group": group, "year": year, "quarter": quarter, "objective": objective,
        "first": first, "last": last,
        "groups": heat_map.cell(group, year, objective, quarter, viewer)})
# --- end coverage ---
