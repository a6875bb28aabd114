"""Demo data of the work programme's directory (called by `manage.py demo_data`): every
view has something to show, at every dissemination level where the view has levels.
Idempotent."""

from __future__ import annotations

from members.models import Organisation, Person
from papers.models import Tag

DEMO_AREAS = {
    "spc": ["connectivity", "cybersecurity", "data-statistics"],
    "usp": ["skills", "digital-inclusion"],
    "pita": ["connectivity", "submarine-cables", "spectrum"],
    "gov-fji": ["digital-government", "policy-regulation", "cybersecurity"],
    "itu": ["spectrum", "policy-regulation", "emergency-telecoms"],
    "picisoc": ["digital-inclusion", "policy-regulation"],
}
# (organisation, person's email, area or None, what for)
DEMO_FOCAL_POINTS = [
    ("spc", "secretariat@demo.talanoa.test", "connectivity", "Regional connectivity programme"),
    ("gov-fji", "member@demo.talanoa.test", "digital-government", "Digital Fiji programme"),
    ("pita", "rahul.prasad@example.org", "submarine-cables", "Cable projects and landing"),
    ("pifs", "litia.naivalu@example.org", None, "Digital economy and trade"),
    ("usp", "chair@demo.talanoa.test", "skills", "Digital skills courses"),
]
# (organisation, level, days ago, kind, summary)
DEMO_LOG = [
    ("pita", "public", 40, "workshop",
     "[public] Joint workshop on submarine cable resilience at the PITA AGM."),
    ("pita", "members", 20, "meeting",
     "[members] Met PITA's policy team on spectrum pricing; they will share their survey."),
    ("pita", "core", 12, "call",
     "[core] Call on members' concerns with the draft regional cable agreement."),
    ("pita", "restricted", 5, "letter",
     "[restricted] Letter to PITA on a member's confidential cable outage report."),
    ("gov-fji", "members", 30, "meeting",
     "[members] Digital Fiji briefing for the working group's cybersecurity taskforce."),
    ("spc", "public", 60, "other",
     "[public] SPC hosted the regional ICT statistics consultation."),
]


def directory(group, people: dict) -> None:
    import datetime

    from django.utils import timezone

    from directory.models import EngagementLogEntry, FocalPoint, OrganisationProfile

    areas = {t.code: t for t in Tag.objects.filter(kind=Tag.Kind.AREA)}
    organisations = {o.slug: o for o in Organisation.objects.filter(
        slug__in={*DEMO_AREAS, *(row[0] for row in DEMO_FOCAL_POINTS)})}
    for slug, codes in DEMO_AREAS.items():
        if slug in organisations:
            profile, _ = OrganisationProfile.objects.get_or_create(
                organisation=organisations[slug])
            profile.areas.add(*(areas[c] for c in codes if c in areas))
    for slug, email, area, role in DEMO_FOCAL_POINTS:
        person = Person.objects.filter(email=email).first()
        if person is None or slug not in organisations:
            continue
        FocalPoint.objects.get_or_create(
            organisation=organisations[slug], person=person,
            defaults={"area": areas.get(area), "role": role})
    secretariat = people.get("secretariat@demo.talanoa.test")
    today = timezone.localdate()
    for slug, level, days, kind, summary in DEMO_LOG:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        entry, created = EngagementLogEntry.objects.get_or_create(
            organisation=organisation, summary=summary,
            defaults={"group": group, "level": level, "kind": kind, "by": secretariat,
                      "date": today - datetime.timedelta(days=days)})
        if created and level == "restricted":
            entry.restricted_organisations.set([organisation])
    _demo_join_requests(group, areas, secretariat)


# (email, organisation, acronym, kind, standing, status, contribution)
DEMO_JOIN_REQUESTS = [
    ("info@pacificdigitalskills.example.org", "Pacific Digital Skills Network", "PDSN",
     "civil_society", "observer", "awaiting_email",
     "Digital skills trainers in twelve countries; course materials in English and French."),
    ("office@tongacable.example.org", "Tonga Cable Limited", "TCL", "private", "consultative",
     "received", "Operating experience of the Tonga cable and its repair after the 2022 "
     "eruption."),
    ("secretariat@pita.example.org", "Pacific Islands Telecommunications Association", "PITA",
     "private", "observer", "received",
     "Our members' view on regional connectivity projects."),
    ("contact@picisoc.example.org", "Pacific Islands Chapter of the Internet Society",
     "PICISOC", "civil_society", "consultative", "approved",
     "Community networks and Internet governance expertise."),
    ("sales@quickcloud.example.com", "QuickCloud Hosting", "", "private", "observer",
     "declined", "We would like to present our hosting offers to governments."),
]


def _demo_join_requests(group, areas: dict, secretariat) -> None:
    """One request at each status; the approved one is the demo's consultative PICISOC."""
    from django.utils import timezone

    from directory.models import JoinRequest, JoinRequestTransition

    steps = {"awaiting_email": ["awaiting_email"], "received": ["awaiting_email", "received"],
             "approved": ["awaiting_email", "received", "approved"],
             "declined": ["awaiting_email", "received", "declined"]}
    for email, name, acronym, kind, standing, status, contribution in DEMO_JOIN_REQUESTS:
        if JoinRequest.objects.filter(email=email).exists():
            continue
        now = timezone.now()
        request = JoinRequest.objects.create(
            group=group, email=email, organisation_name=name, acronym=acronym, kind=kind,
            standing=standing, status=status, contribution=contribution,
            contact_name=f"Demo contact of {acronym or name}", position="Director",
            confirmed_at=now if status != "awaiting_email" else None,
            decided_at=now if status in ("approved", "declined") else None,
            approved_as=standing if status == "approved" else "",
            organisation=(Organisation.objects.filter(slug="picisoc").first()
                          if status == "approved" else None),
            decline_reason=("The group's participants are public bodies and organisations "
                            "of the region; commercial offers are not in its scope."
                            if status == "declined" else ""))
        request.areas.set([a for code, a in areas.items()
                           if code in ("connectivity", "skills", "digital-inclusion")][:2])
        previous = ""
        for step in steps[status]:
            JoinRequestTransition.objects.create(
                join_request=request, from_status=previous, to_status=step,
                by=secretariat.user if secretariat and step in ("approved", "declined")
                else None,
                reason=request.decline_reason if step == "declined" else "")
            previous = step
