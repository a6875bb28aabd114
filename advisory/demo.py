"""Demo data of the work programme's advisory (called by `manage.py demo_data`): every
view has something to show, at every dissemination level where the view has levels.
Idempotent."""

from __future__ import annotations

from members.models import Country, Organisation, Person

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

    from advisory.models import AdvisoryRequest, AdvisoryResponse, AdvisoryTransition
    from advisory.operations import _name_parties

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
