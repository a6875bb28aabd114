"""Demo data of the work programme's plan (called by `manage.py demo_data`): every
view has something to show, at every dissemination level where the view has levels.
Idempotent."""

from __future__ import annotations

from members.models import Country, Objective, Organisation
from papers.models import Tag
from tasks.models import Task, TaskTransition

# (level, kind, parent title, title, lead, partners, areas, countries, due in days, owner email)
DEMO_PLAN = [
    ("public", "initiative", None, "[public] Pacific digital resilience programme (demo)", "spc",
     ["itu"], ["connectivity", "cybersecurity"], [], 900, None),
    ("public", "outcome", "[public] Pacific digital resilience programme (demo)",
     "[public] Secure and resilient networks in Fiji (demo)", "gov-fji", ["spc"],
     ["cybersecurity"], ["FJI"], 400, "member@demo.talanoa.test"),
    # Two organisations lead cybersecurity in Fiji: the matrix's seeded overlap.
    ("public", "activity", "[public] Secure and resilient networks in Fiji (demo)",
     "[public] Cable landing station security review (demo)", "gov-fji", [],
     ["cybersecurity"], ["FJI"], 200, "member@demo.talanoa.test"),
    ("public", "activity", "[public] Secure and resilient networks in Fiji (demo)",
     "[public] Incident response training for Fiji (demo)", "australia", ["new-zealand"],
     ["cybersecurity"], ["FJI"], 300, None),
    ("public", "milestone", "[public] Cable landing station security review (demo)",
     "[public] Landing station audit report (demo)", "gov-fji", [], ["cybersecurity"], ["FJI"],
     -10, "member@demo.talanoa.test"),  # late
    ("public", "milestone", "[public] Incident response training for Fiji (demo)",
     "[public] First national incident response exercise (demo)", "australia", [],
     ["cybersecurity"], ["FJI"], 12, None),  # at risk
    ("members", "outcome", "[public] Pacific digital resilience programme (demo)",
     "[members] Shared purchase of international bandwidth (demo)", "pita", ["pipso"],
     ["connectivity"], ["TON", "WSM"], 500, None),
    ("members", "milestone", "[members] Shared purchase of international bandwidth (demo)",
     "[members] Joint tender published (demo)", "pita", [], ["connectivity"], ["TON"], 90,
     None),
    ("core", "outcome", "[public] Pacific digital resilience programme (demo)",
     "[core] Regional cyber incident protocol (demo)", "pifs", [], ["cybersecurity"], [], 365,
     None),
    ("core", "milestone", "[core] Regional cyber incident protocol (demo)",
     "[core] Protocol agreed by member organisations (demo)", "pifs", [], ["cybersecurity"],
     [], 200, None),
    # Led by FFA, which leads nothing else: only who may see it finds FFA in the matrix.
    ("restricted", "outcome", "[public] Pacific digital resilience programme (demo)",
     "[restricted] Emergency telecommunications for fisheries patrols (demo)", "ffa", [],
     ["emergency-telecoms"], ["SLB"], 365, None),
    ("restricted", "milestone",
     "[restricted] Emergency telecommunications for fisheries patrols (demo)",
     "[restricted] Satellite terminals on patrol vessels (demo)", "ffa", [],
     ["emergency-telecoms"], ["SLB"], 150, None),
]
# (item title, task title, owner organisation, due in days)
DEMO_PLAN_TASKS = [
    ("[public] Landing station audit report (demo)",
     "[public] Send the audit checklist to the landing station operators (demo)", "gov-fji", -3),
    ("[public] Incident response training for Fiji (demo)",
     "[public] Book the trainers for the exercise (demo)", "australia", 7),
    ("[members] Joint tender published (demo)",
     "[members] Collect bandwidth needs from operators (demo)", "pita", 30),
]
# No item leads this ICT area: the matrix's seeded gap.
DEMO_GAP_AREA = "e-commerce"


def plan(group, people: dict) -> None:
    """The Regional ICT Initiative (starter data) plus a demo initiative with items at each
    level, a late milestone and one at risk, an overlap (cybersecurity in Fiji) and a gap."""
    import datetime

    from django.utils import timezone

    from plan.models import PlanItem
    from plan.seed import seed_regional_ict_initiative

    seed_regional_ict_initiative(group)
    today = timezone.localdate()
    named = [people["chair@demo.talanoa.test"], people["secretariat@demo.talanoa.test"]]
    s6 = Objective.objects.filter(group=group, code__in=["S2", "S6"])
    items: dict[str, PlanItem] = {}
    for order, (level, kind, parent, title, lead, partners, areas, countries, due,
                owner) in enumerate(DEMO_PLAN):
        item = PlanItem.objects.filter(group=group, title_en=title).first()
        if item is None:
            item = PlanItem.objects.create(
                group=group, level=level, kind=kind, parent=items.get(parent), title_en=title,
                description_en="Demo data: *not* a real plan.",
                lead_organisation=Organisation.objects.get(slug=lead),
                owner_person=people.get(owner) if owner else None, order=order,
                starts_on=today - datetime.timedelta(days=60),
                due_on=today + datetime.timedelta(days=due))
            item.partners.set(Organisation.objects.filter(slug__in=partners))
            item.areas.set(Tag.objects.filter(kind=Tag.Kind.AREA, code__in=areas))
            item.countries.set(Country.objects.filter(iso3__in=countries))
            item.objectives.set(s6)
            if level == "restricted":
                item.restricted_people.set(named)
        items[title] = item
    for item_title, title, owner, due in DEMO_PLAN_TASKS:
        if not Task.objects.filter(plan_item=items[item_title], title=title).exists():
            task = Task.objects.create(
                plan_item=items[item_title], title=title,
                owner_organisation=Organisation.objects.get(slug=owner),
                due_on=today + datetime.timedelta(days=due))
            TaskTransition.objects.create(task=task, to_status=task.status)
