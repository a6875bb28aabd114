"""Demo data of the work programme's engagement (called by `manage.py demo_data`): every
view has something to show, at every dissemination level where the view has levels.
Idempotent."""

from __future__ import annotations

from meetings.models import Meeting, MeetingTransition
from meetings.operations import invite_people
from papers.models import Paper, Tag

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

    from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
    from engagement.operations import ensure_external_bodies

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
