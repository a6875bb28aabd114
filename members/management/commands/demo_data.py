import hashlib
import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from advisory import demo as advisory_demo
from directory import demo as directory_demo
from engagement import demo as engagement_demo
from members.models import Membership, Organisation, Person, Representative, User, WorkingGroup
from plan import demo as plan_demo
from portal.models import Post
from reports import demo as reports_demo
from tasks import demo as tasks_demo

DEMO_ACCOUNTS = [
    # (email, name, organisation slug, role, membership standing of the organisation)
    ("chair@demo.talanoa.test", "Dr Mele Taufa (demo chair)", "usp", "chair", None),
    ("secretariat@demo.talanoa.test", "Sione Latu (demo secretariat)", "spc", "secretariat", None),
    ("member@demo.talanoa.test", "Ana Raikadroka (demo member)", "gov-fji", "representative",
     None),
    ("observer@demo.talanoa.test", "Kenji Sato (demo observer)", "jica", "representative", None),
    ("consultative@demo.talanoa.test", "Losa Tuilagi (demo consultative)", "picisoc",
     "representative", "consultative"),
    ("outsider@demo.talanoa.test", "Pat Outsider (demo outsider)", None, None, None),
]

DEMO_PEOPLE = [
    ("Tevita Fifita", "gov-ton", "Director of ICT, Ministry of MEIDECC"),
    ("Marie-Laure Teriitahi", "gov-pyf", "Direction générale de l'économie numérique"),
    ("Jean-Pierre Wamytan", "gov-ncl", "Direction du numérique"),
    ("Litia Naivalu", "pifs", "Adviser, Digital Economy"),
    ("Rahul Prasad", "pita", "Policy manager"),
    ("Grace Kaetavara", "gov-png", "Department of Information and Communications Technology"),
]

POSTS = [
    ("public", "[public] Regional ICT Initiative: progress update",
     "[public] Initiative régionale sur les TIC : point d'avancement",
     "The working group reviewed progress on the Regional ICT Initiative endorsed in 2015."),
    ("members", "[members] Draft agenda for the next working group meeting",
     "[members] Projet d'ordre du jour de la prochaine réunion",
     "For representatives of member, observer and consultative organisations."),
    ("core", "[core] Position of member organisations on the submarine cable proposal",
     "[core] Position des membres sur la proposition de câble sous-marin",
     "For member organisations only."),
    ("restricted", "[restricted] Ministerial advisory request: confidential draft",
     "[restricted] Demande de conseil ministérielle : projet confidentiel",
     "Named recipients only: the chair and the secretariat."),
]


MEETINGS = [
    # (level, days from now, zone, title_en, title_fr)
    ("public", 21, "Pacific/Apia", "[public] CROP ICT Working Group meeting, Apia",
     "[public] Réunion du groupe de travail TIC du CROP, Apia"),
    ("members", 35, "Pacific/Fiji", "[members] Taskforce call on submarine cable resilience",
     "[members] Appel du groupe spécial sur la résilience des câbles sous-marins"),
    ("core", 42, "Pacific/Fiji", "[core] Members' caucus before the ICT Ministers' Meeting",
     "[core] Concertation des membres avant la réunion des ministres des TIC"),
    ("restricted", 49, "Pacific/Fiji", "[restricted] Chair and secretariat planning call",
     "[restricted] Appel de préparation de la présidence et du secrétariat"),
]

PAPERS = [
    # (level, title_en, title_fr, summary, a word only its file contains)
    ("public", "[public] Policy brief: affordable broadband for the Pacific",
     "[public] Note d'orientation : un haut débit abordable pour le Pacifique",
     "Options for regional action on the price of international bandwidth.", "publicannexword"),
    ("members", "[members] Draft paper on regional cybersecurity cooperation",
     "[members] Projet de document sur la coopération régionale en cybersécurité",
     "For representatives of member, observer and consultative organisations.",
     "membersannexword"),
    ("core", "[core] Members' position on spectrum harmonisation",
     "[core] Position des membres sur l'harmonisation du spectre",
     "For member organisations only.", "coreannexword"),
    ("restricted", "[restricted] Confidential brief on a ministerial advisory request",
     "[restricted] Note confidentielle sur une demande de conseil ministérielle",
     "Named recipients only.", "restrictedannexword"),
]

DECISIONS = [
    # (level, reference, title_en, title_fr): decisions of the demo Leaders' sitting
    ("public", "paragraph 42", "[public] Leaders endorse the Regional ICT Initiative review",
     "[public] Les dirigeants approuvent l'examen de l'initiative régionale sur les TIC"),
    ("members", "paragraph 43", "[members] Follow-up on a regional cybersecurity framework",
     "[members] Suite donnée à un cadre régional de cybersécurité"),
    ("core", "paragraph 44", "[core] Members' assessment of cable landing costs",
     "[core] Évaluation par les membres des coûts d'atterrissement des câbles"),
    ("restricted", "paragraph 45", "[restricted] Confidential advice on a spectrum request",
     "[restricted] Avis confidentiel sur une demande de spectre"),
]

PROPOSALS = [
    # (level, title_en, title_fr, problem): proposals of the demo prioritisation cycle
    ("public", "[public] A regional submarine cable repair vessel",
     "[public] Un navire régional de réparation des câbles sous-marins",
     "A cable cut leaves an island offline for weeks while a repair ship comes from afar."),
    ("members", "[members] Shared cybersecurity incident response for small islands",
     "[members] Réponse partagée aux incidents de cybersécurité pour les petites îles",
     "Small administrations cannot each keep an incident response team."),
    ("core", "[core] Members' proposal on pooled satellite capacity",
     "[core] Proposition des membres sur la mise en commun de capacité satellitaire",
     "Outer islands pay the highest prices for satellite bandwidth."),
    ("restricted", "[restricted] Confidential proposal on a regional spectrum authority",
     "[restricted] Proposition confidentielle d'autorité régionale du spectre",
     "Named organisations and people only."),
]


def _pdf(text: str) -> bytes:
    import weasyprint
    from django.utils.html import escape, linebreaks

    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=f"<body>{linebreaks(escape(text))}</body>",
                           url_fetcher=fetcher).write_pdf()


class Command(BaseCommand):
    help = "Add demo people, the six demo accounts and one item at each dissemination level."

    @transaction.atomic
    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "talanoa-demo")
        group = WorkingGroup.objects.get(slug=settings.DEFAULT_GROUP_SLUG)
        year = timezone.localdate().year
        picisoc, _ = Organisation.objects.get_or_create(
            slug="picisoc", defaults={
                "acronym": "PICISOC", "kind": Organisation.Kind.CIVIL_SOCIETY,
                "name_en": "Pacific Islands Chapter of the Internet Society",
                "name_fr": "Section des îles du Pacifique de l'Internet Society"})
        if not Membership.objects.filter(group=group, organisation=picisoc).exists():
            Membership.objects.create(group=group, organisation=picisoc,
                                      kind=Membership.Kind.CONSULTATIVE,
                                      note="Invited by the chair (R3)")
        people = {}
        for email, name, org_slug, role, _standing in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first() or User.objects.create_user(email)
            user.set_password(password)
            user.save()
            org = Organisation.objects.get(slug=org_slug) if org_slug else None
            person, _ = Person.objects.update_or_create(
                email=email, defaults={"name": name, "organisation": org, "user": user})
            people[email] = person
            if org and role:
                Representative.objects.get_or_create(
                    group=group, organisation=org, person=person, year=year,
                    defaults={"role": role, "status": Representative.Status.CONFIRMED})
        for name, org_slug, position in DEMO_PEOPLE:
            org = Organisation.objects.get(slug=org_slug)
            email = name.lower().replace(" ", ".").replace("'", "") + "@example.org"
            person, _ = Person.objects.get_or_create(
                email=email, defaults={"name": name, "organisation": org, "position": position,
                                       "language": org.language})
            Representative.objects.get_or_create(
                group=group, organisation=org, person=person, year=year,
                defaults={"status": Representative.Status.CONFIRMED})
        named = [people["chair@demo.talanoa.test"], people["secretariat@demo.talanoa.test"]]
        for level, title_en, title_fr, body in POSTS:
            post, created = Post.objects.get_or_create(
                title_en=title_en, group=group,
                defaults={"title_fr": title_fr, "body_en": body, "level": level,
                          "kind": Post.Kind.DOCUMENT if level != "public" else Post.Kind.NEWS})
            if created and level == "restricted":
                post.restricted_people.set(named)
        self._meetings(group, named)
        self._papers(group, named)
        self._decisions(group, named)
        self._proposals(group, named, people["secretariat@demo.talanoa.test"].user)
        # The work programme: every view has something to show, at every level.
        plan_demo.plan(group, people)
        tasks_demo.tasks(group, people)
        advisory_demo.advisory(group, people)
        engagement_demo.engagement(group, people)
        directory_demo.directory(group, people)
        reports_demo.load(group, people)
        self.stdout.write(self.style.SUCCESS(
            "Demo data ready. Accounts (password from DEMO_PASSWORD, default talanoa-demo): "
            + ", ".join(a[0] for a in DEMO_ACCOUNTS)))

    def _papers(self, group, named) -> None:
        """One paper at each level; the public one is published. Each has a PDF whose text
        carries a word found nowhere else, so search can be checked against the policy."""
        from django.core.files.base import ContentFile

        from papers.models import Paper, PaperFile, PaperKind, PaperTransition
        from portal.search import index_object

        brief = PaperKind.objects.get(slug="policy-brief")
        lead = Organisation.objects.get(slug="spc")
        for level, title_en, title_fr, summary, word in PAPERS:
            if Paper.objects.filter(title_en=title_en, group=group).exists():
                continue
            paper = Paper.objects.create(
                group=group, level=level, kind=brief, title_en=title_en, title_fr=title_fr,
                summary_en=summary, lead_organisation=lead,
                status=Paper.Status.PUBLISHED if level == "public" else Paper.Status.DRAFT,
                published_at=timezone.now() if level == "public" else None)
            PaperTransition.objects.create(paper=paper, to_status=paper.status)
            if level == "restricted":
                paper.restricted_people.set(named)
                paper.restricted_organisations.set([lead])
            content = _pdf(f"{title_en}\n\nAnnex: {word}.")
            record = PaperFile(paper=paper, title="Full paper", original_name="paper.pdf",
                               file_type="pdf", size=len(content),
                               sha256=hashlib.sha256(content).hexdigest(), text=f"Annex: {word}")
            record.file.save("paper.pdf", ContentFile(content), save=False)
            record.save()
            index_object(paper)  # the file's text is part of what search finds

    def _decisions(self, group, named) -> None:
        """A Forum Leaders' sitting and one decision of it at each level; the public one is
        advised by the public paper."""
        import datetime

        from decisions.models import Decision, DecisionTransition, Sitting
        from members.models import Body
        from papers.models import Paper

        leaders = Body.objects.get(slug="forum-leaders")
        sitting, _ = Sitting.objects.get_or_create(
            body=leaders, title_en="Pacific Islands Forum Leaders Meeting (demo)",
            defaults={"title_fr": "Réunion des dirigeants du Forum des Îles du Pacifique (démo)",
                      "starts_on": timezone.localdate() - datetime.timedelta(days=90),
                      "place": "Honiara", "outcome_url": "https://forumsec.org/"})
        for level, reference, title_en, title_fr in DECISIONS:
            if Decision.objects.filter(title_en=title_en, group=group).exists():
                continue
            paper = Paper.objects.filter(title_en__startswith=f"[{level}]", group=group).first()
            decision = Decision.objects.create(
                group=group, level=level, sitting=sitting, reference=reference,
                title_en=title_en, title_fr=title_fr, concerns_ict=True,
                text_en="Leaders noted the importance of affordable and resilient connectivity.",
                ict_reason="It sets the region's priorities for connectivity.",
                analysis_en="The group assessed what CROP agencies can do together.",
                advice_paper=paper, review_on=timezone.localdate() + datetime.timedelta(days=90))
            DecisionTransition.objects.create(decision=decision, to_status=decision.status)
            if level == "restricted":
                decision.restricted_people.set(named)

    def _proposals(self, group, named, by) -> None:
        """A prioritisation cycle open now, with one submitted proposal at each level (the
        restricted one names SPC and the chair and secretariat), some scores and a position:
        the demo member's home then lists proposals awaiting Fiji's scores."""
        import datetime

        from decisions import operations
        from decisions.models import Cycle, Proposal, ProposalTransition
        from talanoa.lib.reasons import with_reason

        today = timezone.localdate()
        cycle = Cycle.objects.filter(group=group, name_en="Regional priorities (demo)").first()
        if cycle is None:
            cycle = operations.create_cycle(Cycle(
                group=group, name_en="Regional priorities (demo)",
                name_fr="Priorités régionales (démo)",
                opens_on=today - datetime.timedelta(days=10),
                closes_on=today + datetime.timedelta(days=20),
                scoring_until=today + datetime.timedelta(days=40),
                notes_en="Answer each criterion briefly; members score from 1 to 5."), by)
        criteria = list(cycle.criteria.all())
        lead = Organisation.objects.get(slug="spc")
        rahul = Person.objects.get(email="rahul.prasad@example.org")  # PITA
        tevita = Person.objects.get(email="tevita.fifita@example.org")  # Tonga
        for level, title_en, title_fr, problem in PROPOSALS:
            if Proposal.objects.filter(title_en=title_en, group=group).exists():
                continue
            proposal = Proposal(cycle=cycle, group=group, level=level, title_en=title_en,
                                title_fr=title_fr, lead_organisation=lead, problem=problem,
                                initiative="Pool what no member can afford alone.",
                                public_good="Every member country benefits on equal terms.")
            operations.create_proposal(proposal, by, {c.pk: f"{c.title_en}: see the problem."
                                                       for c in criteria})
            if level == "restricted":
                proposal.restricted_people.set(named)
                proposal.restricted_organisations.set([lead])
            # Submitted as the papers are published here: the step recorded without queueing
            # notices (a demo emails no one, and tests run the queue they fill themselves).
            proposal.status, proposal.submitted_at = Proposal.Status.SUBMITTED, timezone.now()
            proposal.version += 1
            with_reason(proposal, operations.PROPOSAL_SUBMITTED).save()
            ProposalTransition.objects.create(proposal=proposal, from_status="draft",
                                              to_status=proposal.status, by=by)
            if level in ("public", "members"):
                operations.record_scores(proposal, rahul.organisation,
                                         {c.pk: (4, "") for c in criteria}, rahul)
                operations.record_proposal_position(proposal, tevita.organisation, "support",
                                                    "", tevita)

    def _meetings(self, group, named) -> None:
        import datetime
        import zoneinfo

        from meetings.models import Meeting
        from meetings.operations import invite_group

        today = timezone.localdate()
        for level, days, zone, title_en, title_fr in MEETINGS:
            day = today + datetime.timedelta(days=days)
            start = datetime.datetime.combine(day, datetime.time(9), zoneinfo.ZoneInfo(zone))
            online = level != "public"
            meeting, created = Meeting.objects.get_or_create(
                title_en=title_en, group=group,
                defaults={"title_fr": title_fr, "level": level, "time_zone": zone,
                          "starts_at": start, "ends_at": start + datetime.timedelta(hours=7),
                          "mode": Meeting.Mode.ONLINE if online else Meeting.Mode.IN_PERSON,
                          "online_url": "https://meet.example.org/ict-" + level if online else "",
                          "city": "" if online else "Apia", "status": Meeting.Status.CONVENED})
            if created:
                if level == "restricted":
                    meeting.restricted_people.set(named)
                invite_group(meeting)
