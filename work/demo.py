"""Demo data of the work programme (called by `manage.py demo_data`): every view has something
to show, at every dissemination level where the view has levels. Idempotent."""

from __future__ import annotations


def load(group, people: dict) -> None:
    """`people`: the demo accounts' Person rows by email (see members demo_data)."""
    plan(group, people)
    tasks(group, people)
    advisory(group, people)
    engagement(group, people)
    directory(group, people)


# --- Work plan --------------------------------------------------------------------------------
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

    from members.models import Country, Objective, Organisation
    from papers.models import Tag
    from work.models import PlanItem, Task, TaskTransition
    from work.plan_seed import seed_regional_ict_initiative

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


# --- Tasks ------------------------------------------------------------------------------------
DEMO_TASKS = [
    # (title, about: (model label, level) or None, owner organisation slug, owner email or None,
    #  due in days or None); a title carries the level of whoever may see it (the crawl test).
    ("[public] Share the cable resilience study before the Apia meeting",
     ("meetings.Meeting", "public"), "gov-fji", "member@demo.talanoa.test", -5),
    ("[members] Draft Fiji's input to the cybersecurity framework",
     ("decisions.Decision", "members"), "gov-fji", "member@demo.talanoa.test", 10),
    ("[core] Comment on the spectrum harmonisation options",
     ("papers.Paper", "core"), "gov-fji", None, -2),
    ("[members] Cost the shared incident response proposal",
     ("decisions.Proposal", "members"), "usp", "chair@demo.talanoa.test", 20),
    ("[restricted] Prepare the notes of the planning call",
     ("meetings.Meeting", "restricted"), "spc", "secretariat@demo.talanoa.test", -1),
    ("[members] Update the members' ICT focal points", None, "pita", None, 7),
    ("[members] Send Fiji's country ICT statistics", None, "gov-fji",
     "member@demo.talanoa.test", None),
]


def tasks(group, people: dict) -> None:
    """Tasks about a meeting, a decision, a paper, a proposal and none, some overdue, owned by
    the demo member (Fiji) and others."""
    import datetime

    from django.apps import apps
    from django.utils import timezone

    from members.models import Organisation
    from work.models import Task
    from work.operations import create_task

    chair = people["chair@demo.talanoa.test"].user
    today = timezone.localdate()
    for title, about, org_slug, owner, due_in in DEMO_TASKS:
        if Task.objects.filter(title=title, group=group).exists():
            continue
        item = None
        if about is not None:
            label, level = about
            item = (apps.get_model(label).objects
                    .filter(group=group, title_en__startswith=f"[{level}]").order_by("pk").first())
            if item is None:
                continue
        create_task(title, Organisation.objects.get(slug=org_slug), chair, about=item,
                    group=group, owner_person=people[owner] if owner else None,
                    due_on=today + datetime.timedelta(days=due_in) if due_in is not None
                    else None)


# --- Advisory requests ------------------------------------------------------------------------
# (title_en, title_fr, level, requester org slug or None, ministry, requester email, country,
#  urgency, days ago received, steps as (status, days after receipt), assigned org slug)
ADVISORY_DEMO = [
    ("[restricted] Tonga: advice on the national cybersecurity bill",
     "[restricted] Tonga : avis sur le projet de loi sur la cybersécurité", "restricted",
     "gov-ton", "", "tevita.fifita@example.org", "TON", "soon", 230,
     [("triaged", 1), ("assigned", 2), ("answered", 12), ("closed", 20)], "pita"),
    ("[restricted] PIFS negotiators: digital trade chapter review",
     "[restricted] Négociateurs du FIP : chapitre sur le commerce numérique", "restricted",
     "pifs", "", "litia.naivalu@example.org", "FJI", "urgent", 150,
     [("triaged", 0.5), ("assigned", 1), ("answered", 4), ("closed", 9)], "pita"),
    ("[restricted] Papua New Guinea: spectrum pricing for mobile broadband", "",
     "restricted", None, "Department of ICT, Papua New Guinea", "dict.advice@example.org",
     "PNG", "routine", 70, [("triaged", 3), ("assigned", 5), ("answered", 15)], "pita"),
    ("[restricted] Tonga: a data protection framework", "", "restricted", "gov-ton", "",
     "tevita.fifita@example.org", "TON", "urgent", 20, [("triaged", 2)], None),
    ("[restricted] French Polynesia: satellite backup for outer islands",
     "[restricted] Polynésie française : secours satellitaire des îles éloignées",
     "restricted", None, "Direction générale de l'économie numérique",
     "dgen.conseil@example.org", "PYF", "routine", 4, [], None),
    ("[members] Regional guidance on submarine cable landing permits",
     "[members] Orientations régionales sur les permis d'atterrissement de câbles", "members",
     "pifs", "", "litia.naivalu@example.org", "FJI", "routine", 110,
     [("triaged", 1), ("assigned", 2), ("answered", 21), ("closed", 30)], "pita"),
]


def advisory(group, people: dict) -> None:
    """Requests over the last quarters at every stage, none naming a demo account below the
    chair and secretariat (so each "[restricted]" title stays theirs in the crawl)."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from members.models import Country, Organisation, Person
    from work.models import AdvisoryRequest, AdvisoryResponse, AdvisoryTransition
    from work.operations import _name_parties

    secretariat = people["secretariat@demo.talanoa.test"].user
    now = timezone.now()
    for (title_en, title_fr, level, org_slug, ministry, email, iso3, urgency, ago, steps,
         assigned_slug) in ADVISORY_DEMO:
        if AdvisoryRequest.objects.filter(title_en=title_en, group=group).exists():
            continue
        received = now - datetime.timedelta(days=ago)
        person = Person.objects.filter(email=email).first()
        advisory = AdvisoryRequest.objects.create(
            group=group, level=level, title_en=title_en, title_fr=title_fr,
            organisation=Organisation.objects.filter(slug=org_slug).first() if org_slug else None,
            ministry=ministry, requester_email=email, requester_person=person,
            requester_name=person.name if person else "Demo ministry contact",
            language="fr" if iso3 == "PYF" else "en",
            country=Country.objects.get(iso3=iso3), urgency=urgency, received_at=received,
            wanted_by=(received + datetime.timedelta(days=30)).date(),
            channel=AdvisoryRequest.Channel.MEMBER if person else AdvisoryRequest.Channel.MINISTRY,
            details="What the ministry needs, by when, and the background (demo).")
        AdvisoryTransition.objects.create(advisory=advisory, to_status="received", at=received)
        previous = "received"
        for status, after in steps:
            at = received + datetime.timedelta(days=after)
            AdvisoryTransition.objects.create(advisory=advisory, from_status=previous,
                                              to_status=status, at=at, by=secretariat)
            previous = status
            if status == "assigned":
                advisory.assigned_organisation = Organisation.objects.get(slug=assigned_slug)
                advisory.assigned_person = Person.objects.filter(
                    organisation=advisory.assigned_organisation).first()
            elif status == "answered":
                advisory.first_response_at = at
                response = AdvisoryResponse(
                    advisory=advisory, at=at, by=secretariat,
                    by_organisation=advisory.assigned_organisation,
                    text="Our advice, with the options and their costs (demo).")
                response.file.save("advice-note.txt",
                                   ContentFile(f"{title_en}: advice note (demo).".encode()),
                                   save=False)
                response.save()
            elif status == "closed":
                advisory.closed_at = at
        advisory.status = previous
        advisory.save()
        _name_parties(advisory)


# --- Engagement -------------------------------------------------------------------------------
# (body, kind, days from today to the deadline, title)
DEMO_PROCESSES = [
    ("itu", "study_group", 40, "ITU-D Study Group 1, Question 5/1: telecommunications for rural "
     "and remote areas (demo)"),
    ("icann", "consultation", 12, "ICANN public comment: draft registration data policy (demo)"),
    ("apt", "conference", 75, "APT preparations for the World Radiocommunication Conference "
     "(demo)"),
    ("ietf", "process", -60, "IETF last call: IPv6 deployment guidance for small networks "
     "(demo)"),
    ("w3c", "consultation", -20, "W3C call for review: accessibility guidelines (demo)"),
    ("apnic", "policy_development", 25, "APNIC policy proposal on IPv4 transfers (demo)"),
]

# (level, process index, title)
DEMO_POSITIONS = [
    ("public", 3, "[public] Pacific comments on IPv6 deployment guidance"),
    ("members", 1, "[members] Draft Pacific comments on registration data"),
    ("core", 0, "[core] Member organisations' contribution to Question 5/1"),
    ("restricted", 2, "[restricted] Negotiating brief for WRC preparations"),
]

# (level, body, days from today to the start, days long, zone, city, title, with report)
DEMO_FORUMS = [
    ("public", "igf", 100, 4, "Asia/Riyadh", "Riyadh", "Internet Governance Forum (demo) [public]",
     False),
    ("members", "aprigf", -45, 3, "Asia/Taipei", "Taipei",
     "Asia Pacific Regional IGF (demo) [members]", True),
    ("core", "itu", 120, 5, "Asia/Bangkok", "Bangkok",
     "ITU Asia-Pacific Regional Preparatory Meeting (demo) [core]", False),
    ("restricted", "pita", -90, 3, "Pacific/Port_Moresby", "Port Moresby",
     "PITA Annual General Meeting (demo) [restricted]", False),
]


def engagement(group, people: dict) -> None:
    """External bodies, processes with past and future deadlines, a position at each level, and
    a forum participation at each level (upcoming and past; on the calendar as external forums;
    the past members-level one with a report back). Nobody is emailed."""
    import datetime
    import zoneinfo

    from django.utils import timezone

    from meetings.models import Meeting, MeetingTransition
    from meetings.operations import invite_people
    from papers.models import Paper, Tag
    from work.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
    from work.operations import ensure_external_bodies

    ensure_external_bodies()
    today = timezone.localdate()
    bodies = {b.slug: b for b in ExternalBody.objects.all()}
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA).order_by("order")[:3])
    secretariat = people["secretariat@demo.talanoa.test"]
    named = [people["chair@demo.talanoa.test"], secretariat]
    processes = []
    for slug, kind, days, title in DEMO_PROCESSES:
        deadline = today + datetime.timedelta(days=days)
        process, created = EngagementProcess.objects.get_or_create(
            title_en=title, defaults={
                "body": bodies[slug], "kind": kind, "deadline": deadline,
                "opens_on": deadline - datetime.timedelta(days=60),
                "url": bodies[slug].website,
                "description_en": "Followed by the group for the Pacific's interests."})
        if created:
            process.areas.set(areas)
        processes.append(process)
    for level, index, title in DEMO_POSITIONS:
        if GroupPosition.objects.filter(title_en=title, group=group).exists():
            continue
        position = GroupPosition.objects.create(
            group=group, level=level, process=processes[index], title_en=title,
            text_en=f"{title}: the Pacific asks for **affordable** and resilient connectivity.",
            paper=Paper.objects.filter(title_en__startswith=f"[{level}]", group=group).first(),
            submitted_on=today - datetime.timedelta(days=5) if index == 3 else None,
            created_by=secretariat.user)
        if level == "restricted":
            position.restricted_people.set(named)
    delegates = [people["secretariat@demo.talanoa.test"], people["member@demo.talanoa.test"]]
    for level, slug, days, length, zone, city, title, with_report in DEMO_FORUMS:
        if ForumParticipation.objects.filter(meeting__title_en=title).exists():
            continue
        start = datetime.datetime.combine(today + datetime.timedelta(days=days),
                                          datetime.time(9), zoneinfo.ZoneInfo(zone))
        past = days < 0
        # On the calendar as convened (held for a past one), as the meetings demo does; no
        # notice is queued (a demo emails no one).
        meeting = Meeting.objects.create(
            group=group, level=level, kind=Meeting.Kind.FORUM, title_en=title, time_zone=zone,
            starts_at=start, ends_at=start + datetime.timedelta(days=length - 1, hours=8),
            city=city, status=Meeting.Status.HELD if past else Meeting.Status.CONVENED,
            announced_at=timezone.now())
        MeetingTransition.objects.create(meeting=meeting, to_status=Meeting.Status.CONVENED)
        if past:
            MeetingTransition.objects.create(meeting=meeting, from_status="convened",
                                             to_status=Meeting.Status.HELD)
        participation = ForumParticipation.objects.create(
            group=group, level=level, meeting=meeting, body=bodies[slug],
            position_en=f"[{level}] The Pacific position: resilient, affordable connectivity for "
                        "every island.",
            report_paper=Paper.objects.filter(title_en__startswith=f"[{level}]",
                                              group=group).first() if with_report else None,
            created_by=secretariat.user)
        participation.delegates.set(delegates)
        if level == "restricted":
            participation.restricted_people.set(named)
            meeting.restricted_people.set(named)
        invite_people(meeting, delegates, announce=False)


# --- Directory and "take part" ----------------------------------------------------------------
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

    from members.models import Organisation, Person
    from papers.models import Tag
    from work.models import EngagementLogEntry, FocalPoint, OrganisationProfile

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

    from members.models import Organisation
    from work.models import JoinRequest, JoinRequestTransition

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
