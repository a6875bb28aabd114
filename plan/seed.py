"""Starter data of the work plan: the Regional ICT Initiative endorsed by Pacific Islands Forum
Leaders in Port Moresby in September 2015 (one of their five priority initiatives; S2), broken
down into outcomes, activities and milestones, led by CROP agencies with partners.

`seed_regional_ict_initiative(group)` is idempotent: it adds what is missing and never changes
what the secretariat has since edited (items are found by their English title and parent)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from members.models import Country, Objective, Organisation
from papers.models import Tag
from papers.vocabulary import ICT_AREAS
from talanoa.lib.reasons import with_reason

D = datetime.date

# (kind, title_en, title_fr, lead, partners, areas, countries, objectives, starts, due, done,
#  description_en, children)
INITIATIVE = (
    "initiative", "Regional ICT Initiative (Forum Leaders, 2015)",
    "Initiative régionale sur les TIC (dirigeants du Forum, 2015)",
    "pifs", ["spc", "usp", "itu", "world-bank", "adb"],
    ["connectivity", "cybersecurity", "policy-regulation"], [], ["S2", "S6"],
    D(2015, 9, 10), None, None,
    "Endorsed by Pacific Islands Forum Leaders in Port Moresby in September 2015, when ICT became "
    "one of the five regional priority initiatives of the Framework for Pacific Regionalism. The "
    "working group follows its implementation **with a sense of urgency** (S2) and coordinates "
    "the regional dimension of the plans of its members (S6).",
    [
        ("outcome", "Affordable and resilient connectivity for every country and territory",
         "Une connectivité abordable et résiliente pour chaque pays et territoire",
         "spc", ["world-bank", "adb", "pita"], ["connectivity", "submarine-cables"], [],
         ["S2", "S6"], D(2015, 9, 10), None, None,
         "Submarine cables reach most countries; the outcome is a second, independent route and "
         "affordable wholesale prices.",
         [
             ("activity", "Regional planning and financing of submarine cables",
              "Planification et financement régionaux des câbles sous-marins",
              "spc", ["world-bank", "adb"], ["submarine-cables"], [], ["S6"],
              D(2016, 1, 1), D(2030, 12, 31), None, "", [
                  ("milestone", "Regional inventory of submarine cables and landing stations",
                   "Inventaire régional des câbles sous-marins et stations d'atterrissement",
                   "spc", [], ["submarine-cables"], [], ["S4"], None, D(2017, 6, 30),
                   D(2017, 6, 30), "", []),
                  ("milestone", "A second cable route for each country served by one cable",
                   "Une seconde route de câble pour chaque pays desservi par un seul câble",
                   "spc", ["world-bank", "adb"], ["submarine-cables"], [], ["S2"], None,
                   D(2030, 12, 31), None, "", []),
              ]),
             ("activity", "Open access and affordable wholesale broadband",
              "Accès ouvert et haut débit de gros abordable",
              "pita", ["itu"], ["connectivity", "policy-regulation"], [], ["S5"],
              D(2016, 1, 1), None, None, "", [
                  ("milestone", "Regional benchmark of wholesale broadband prices",
                   "Comparaison régionale des prix de gros du haut débit",
                   "pita", ["itu"], ["connectivity"], [], ["S4"], None, D(2018, 12, 31),
                   D(2019, 3, 15), "", []),
                  ("milestone", "Updated benchmark of wholesale broadband prices",
                   "Comparaison actualisée des prix de gros du haut débit",
                   "pita", ["itu"], ["connectivity"], [], ["S4"], None, D(2027, 12, 31), None,
                   "", []),
              ]),
         ]),
        ("outcome", "Trusted and secure cyberspace", "Un cyberespace sûr et de confiance",
         "pifs", ["australia", "new-zealand", "itu"], ["cybersecurity"], [], ["S2", "S8"],
         D(2016, 1, 1), None, None, "", [
             ("activity", "National computer emergency response teams and regional cooperation",
              "Équipes nationales d'intervention d'urgence informatique et coopération régionale",
              "pifs", ["australia", "new-zealand"], ["cybersecurity"], [], ["S2"],
              D(2016, 1, 1), None, None, "", [
                  ("milestone", "Regional cybersecurity needs assessment",
                   "Évaluation régionale des besoins en cybersécurité",
                   "pifs", ["itu"], ["cybersecurity"], [], ["S4"], None, D(2019, 6, 30),
                   D(2019, 8, 1), "", []),
                  ("milestone", "A response team or focal point in every member country",
                   "Une équipe d'intervention ou un point focal dans chaque pays membre",
                   "pifs", ["australia", "new-zealand"], ["cybersecurity"], [], ["S2"], None,
                   D(2028, 6, 30), None, "", []),
              ]),
         ]),
        ("outcome", "Enabling ICT policy and regulation",
         "Des politiques et une réglementation des TIC favorables",
         "usp", ["itu", "world-bank"], ["policy-regulation", "spectrum"], [], ["S2", "S10"],
         D(2016, 1, 1), None, None, "", [
             ("activity", "A regional regulatory resource centre for national regulators",
              "Un centre régional de ressources réglementaires pour les régulateurs nationaux",
              "usp", ["world-bank", "itu"], ["policy-regulation"], [], ["S9"],
              D(2016, 1, 1), None, None, "", [
                  ("milestone", "Regulatory resource centre established",
                   "Centre de ressources réglementaires établi",
                   "usp", ["world-bank"], ["policy-regulation"], [], ["S9"], None,
                   D(2016, 12, 31), D(2016, 11, 1), "", []),
                  ("milestone", "Model framework for spectrum management",
                   "Cadre type de gestion du spectre",
                   "usp", ["itu"], ["spectrum"], [], ["S10"], None, D(2027, 12, 31), None, "",
                   []),
              ]),
         ]),
        ("outcome", "Digital skills and capacity", "Compétences et capacités numériques",
         "usp", ["spc"], ["skills"], [], ["S2", "S5"], D(2016, 1, 1), None, None, "", [
             ("milestone", "Regional ICT skills curriculum for the public service",
              "Programme régional de compétences numériques pour la fonction publique",
              "usp", ["spc"], ["skills"], [], ["S5"], None, D(2027, 9, 30), None, "", []),
         ]),
        ("outcome", "Digital government and data", "Administration numérique et données",
         "spc", ["pifs", "adb"], ["digital-government", "data-statistics"], [], ["S2", "S6"],
         D(2016, 1, 1), None, None, "", [
             ("milestone", "Digital government readiness assessments in member countries",
              "Évaluations de la maturité de l'administration numérique dans les pays membres",
              "spc", ["adb"], ["digital-government"], [], ["S9"], None, D(2028, 6, 30), None,
              "", []),
         ]),
    ],
)


@transaction.atomic
def seed_regional_ict_initiative(group) -> None:
    """Add the Regional ICT Initiative 2015 and its breakdown to `group`'s work plan."""

    for order, (code, en, fr) in enumerate(ICT_AREAS):  # the areas the plan is tagged with
        Tag.objects.get_or_create(kind=Tag.Kind.AREA, code=code,
                                  defaults={"name_en": en, "name_fr": fr, "order": order})
    lookups = {
        "org": {o.slug: o for o in Organisation.objects.all()},
        "area": {t.code: t for t in Tag.objects.filter(kind=Tag.Kind.AREA)},
        "country": {c.iso3: c for c in Country.objects.all()},
        "objective": {o.code: o for o in Objective.objects.filter(group=group)},
    }
    _seed(group, INITIATIVE, None, 0, lookups)


def _seed(group, row, parent, order, lookups) -> None:
    from plan.models import PlanItem

    (kind, title_en, title_fr, lead, partners, areas, countries, objectives, starts, due, done,
     description, children) = row
    item = PlanItem.objects.filter(group=group, parent=parent, title_en=title_en).first()
    if item is None:
        item = PlanItem(group=group, parent=parent, kind=kind, title_en=title_en,
                        title_fr=title_fr, description_en=description,
                        lead_organisation=lookups["org"][lead], starts_on=starts, due_on=due,
                        done_on=done, order=order, level=PlanItem.Level.PUBLIC)
        with_reason(item, gettext_noop("Starter data")).save()
        item.partners.set([lookups["org"][s] for s in partners if s in lookups["org"]])
        item.areas.set([lookups["area"][c] for c in areas])
        item.countries.set([lookups["country"][c] for c in countries])
        item.objectives.set([lookups["objective"][c] for c in objectives
                             if c in lookups["objective"]])
    for child_order, child in enumerate(children):
        _seed(group, child, item, child_order, lookups)
