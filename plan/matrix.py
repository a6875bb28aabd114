"""Who does what (S6, S12): organisations × ICT areas, from the work plan items and the tasks
about them that one viewer may see.

A cell counts the items an organisation leads (L) and is a partner in (P) in an area, and the
tasks (T) it owns about items in that area. Gaps are areas no one leads; overlaps are areas two
or more organisations lead in the same country. With a country, only items naming that country
count (an item for the whole region names no country).

A fixed number of queries whatever the data: each count is one grouped query in the database
(each (item, area) pair is one row, so plain counts are exact).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from members.models import Country, Organisation
from papers.models import Tag
from talanoa.access import Viewer, visible
from tasks.models import Task


@dataclass
class Cell:
    lead: int = 0
    partner: int = 0
    tasks: int = 0

    def __bool__(self) -> bool:
        return bool(self.lead or self.partner or self.tasks)

    def text(self) -> str:
        """"L2 P1 T3": what the page and the CSV show (empty parts left out)."""
        parts = [f"L{self.lead}" if self.lead else "", f"P{self.partner}" if self.partner else "",
                 f"T{self.tasks}" if self.tasks else ""]
        return " ".join(p for p in parts if p)


@dataclass
class Overlap:
    area: Tag
    country: Country
    organisations: list[Organisation]


@dataclass
class Row:
    organisation: Organisation
    cells: list[tuple[Tag, Cell]]


@dataclass
class Matrix:
    areas: list[Tag]
    rows: list[Row] = field(default_factory=list)
    gaps: list[Tag] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    country: Country | None = None
    total_rows: int = 0  # organisations with anything to show, all pages
    overlap_count: int = 0  # all of them, shown or not

    @property
    def gap_ids(self) -> set[int]:
        return {t.pk for t in self.gaps}

    def overlaps_of(self, organisation: Organisation) -> list[Overlap]:
        return [o for o in self.overlaps if organisation in o.organisations]


def live_items(viewer: Viewer, country: Country | None = None):
    from plan.models import PlanItem

    items = visible(PlanItem.objects.filter(archived_at__isnull=True), viewer)
    if country is not None:
        items = items.filter(countries=country)
    return items


def build_matrix(viewer: Viewer, country: Country | None = None, rows: slice = slice(None),
                 overlaps: int | None = None) -> Matrix:
    """The matrix with the organisations of `rows` (alphabetical; all by default) and the first
    `overlaps` overlaps (all by default): a page shows a slice, the CSV everything."""
    from plan.models import PlanItem

    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA))
    matrix = Matrix(areas=areas, country=country)
    items = live_items(viewer, country)
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for org_id, area_id, n in (items.filter(areas__isnull=False)
                               .values_list("lead_organisation_id", "areas")
                               .annotate(n=Count("pk")).order_by()):
        cells[org_id, area_id].lead = n
    for org_id, area_id, n in (items.filter(areas__isnull=False, partners__isnull=False)
                               .values_list("partners", "areas")
                               .annotate(n=Count("pk")).order_by()):
        cells[org_id, area_id].partner = n
    # Tasks about an item the viewer sees (a task is read by whoever reads its item). IN, not
    # a correlated EXISTS: the visible items are gathered once, not once per task.
    for org_id, area_id, n in (Task.objects.filter(plan_item__areas__isnull=False,
                                                   plan_item_id__in=items.values("pk"))
                               .exclude(status=Task.Status.DROPPED)
                               .values_list("owner_organisation_id", "plan_item__areas")
                               .annotate(n=Count("pk")).order_by()):
        cells[org_id, area_id].tasks = n
    # Who leads what where: (area, country, lead) once each, for the overlaps.
    where = ({"areas__isnull": False, "countries": country} if country is not None
             else {"areas__isnull": False, "countries__isnull": False})
    leading = (PlanItem.objects.filter(pk__in=items.values("pk"), **where)
               .values_list("areas", "countries", "lead_organisation_id").distinct().order_by())
    leaders: dict[tuple[int, int], set[int]] = defaultdict(set)
    for area_id, country_id, org_id in leading:
        leaders[area_id, country_id].add(org_id)
    overlapping = {key: ids for key, ids in leaders.items() if len(ids) > 1}

    org_ids = {org_id for org_id, _area in cells} | {i for ids in overlapping.values()
                                                     for i in ids}
    # Names for sorting, then full rows only for the organisations shown.
    names = sorted(Organisation.objects.filter(pk__in=org_ids).values_list("acronym",
                                                                            "name_en", "pk"),
                   key=lambda row: ((row[0] or row[1]).lower(), row[2]))
    matrix.total_rows = len(names)
    overlapping_items = sorted(overlapping.items())
    if overlaps is not None:
        overlapping_items = overlapping_items[:overlaps]
    shown = {pk for _a, _s, pk in names[rows]} | {i for _key, ids in overlapping_items
                                                   for i in ids}
    organisations = Organisation.objects.in_bulk(shown)
    countries = {c.pk: c for c in Country.objects.filter(
        pk__in={country_id for (_area, country_id), _ids in overlapping_items})}
    by_id = {t.pk: t for t in areas}
    for _acronym, _slug, pk in names[rows]:
        matrix.rows.append(Row(organisations[pk], [(area, cells.get((pk, area.pk), Cell()))
                                                   for area in areas]))
    led = {area_id for (org_id, area_id), cell in cells.items() if cell.lead}
    matrix.gaps = [area for area in areas if area.pk not in led]
    matrix.overlap_count = len(overlapping)
    matrix.overlaps = sorted(
        (Overlap(by_id[area_id], countries[country_id],
                 sorted((organisations[i] for i in ids), key=lambda o: o.short.lower()))
         for (area_id, country_id), ids in overlapping_items if area_id in by_id),
        key=lambda o: (o.area.order, o.area.code, o.country.name_en))
    return matrix
