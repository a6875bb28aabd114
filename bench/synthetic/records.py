"""The secretariat's records over the years: meetings with their agendas and invitees, papers
with their files and positions, decisions of the bodies' sittings with their follow-up."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.utils import timezone

from bench.synthetic.sizes import BATCH, Sizes
from bench.synthetic.words import MOTS, WORDS, random_paragraphs, random_words
from members.models import Country, Person
from portal.models import Post
from portal.search import index_many

ZONES = ("Pacific/Fiji", "Pacific/Apia", "Pacific/Auckland", "Pacific/Rarotonga",
         "Pacific/Port_Moresby", "Pacific/Noumea", "Pacific/Tongatapu", "Pacific/Honolulu")


def add_meetings(rng: random.Random, sizes: Sizes, groups, orgs, people, posts,
                 representing: Iterable[Person]) -> int:
    """Meetings over the years and the next one, each with an agenda (some items linked to
    posts) and invitees (always the people in `representing`, so their pages grow)."""
    from django.contrib.contenttypes.models import ContentType

    from meetings.models import AgendaItem, Invitee, Meeting

    if not sizes.meetings:
        return 0
    now = timezone.now()
    span = datetime.timedelta(days=365 * sizes.years)
    levels, kinds = Meeting.Level.values, Meeting.Kind.values
    rows = []
    for i in range(sizes.meetings):
        # One in eleven is ahead of us; the rest over the past years.
        if i % 11 == 0:
            start = now + datetime.timedelta(days=365) * rng.random()
        else:
            start = now - span * rng.random()
        start = start.replace(minute=0, second=0, microsecond=0)
        status = (Meeting.Status.CONVENED if start > now else rng.choice(
            [Meeting.Status.HELD, Meeting.Status.MINUTES_ADOPTED, Meeting.Status.CANCELLED]))
        title = random_words(rng, WORDS, rng.randint(3, 7))
        rows.append(Meeting(
            group=rng.choice(groups), level=levels[i % len(levels)], kind=kinds[i % len(kinds)],
            title_en=f"{title[0].upper()}{title[1:]} meeting ({i})",
            title_fr=f"Réunion {random_words(rng, MOTS, 4)} ({i})" if i % 3 == 0 else "",
            starts_at=start, ends_at=start + datetime.timedelta(hours=rng.choice([2, 6, 30])),
            time_zone=rng.choice(ZONES), status=status, city="Suva" if i % 2 else "",
            mode=Meeting.Mode.IN_PERSON if i % 2 else Meeting.Mode.ONLINE,
            online_url="" if i % 2 else f"https://meet.example.org/{i}",
            created_at=start - datetime.timedelta(days=30)))
    rows = Meeting.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:
        rows = list(Meeting.objects.order_by("-pk")[:len(rows)])
    index_many(rows)
    post_type = ContentType.objects.get_for_model(Post)
    agenda, invitees = [], []
    guests = list(representing)
    for meeting in rows:
        for order in range(rng.randint(2, 6)):
            linked = rng.choice(posts) if posts and order == 1 else None
            agenda.append(AgendaItem(
                meeting=meeting, order=order + 1,
                title_en=random_words(rng, WORDS, rng.randint(3, 8)).capitalize(),
                presenter=rng.choice(orgs) if orgs else None,
                minutes_allocated=rng.choice([10, 15, 30, 45]),
                item_type=post_type if linked else None, item_id=linked.pk if linked else None))
        chosen = {p.pk: p for p in rng.sample(people, k=min(len(people), 6))} if people else {}
        chosen |= {p.pk: p for p in guests}
        invitees += [Invitee(meeting=meeting, person_id=pk,
                             organisation_id=person.organisation_id,
                             response=rng.choice(Invitee.Response.values))
                     for pk, person in chosen.items()]
    AgendaItem.objects.bulk_create(agenda, batch_size=BATCH)
    Invitee.objects.bulk_create(invitees, batch_size=BATCH)
    return len(rows)


def add_papers(rng: random.Random, sizes: Sizes, groups, orgs, people, fiji) -> int:
    """Papers over the years at every level and stage, most published, each tagged, some with
    a file whose extracted text search reads; the restricted ones name organisations (Fiji's
    government in one of three, so the demo member's pages grow) and people."""
    from members.models import Body
    from papers.models import Paper, PaperFile, PaperKind, Position, Tag

    if not sizes.papers:
        return 0
    now = timezone.now()
    span = datetime.timedelta(days=365 * sizes.years)
    kinds, tags = list(PaperKind.objects.all()), list(Tag.objects.all())
    bodies = list(Body.objects.all())
    countries = list(Country.objects.filter(is_pict=True))
    levels, statuses = Paper.Level.values, Paper.Status.values
    rows = []
    for i in range(sizes.papers):
        created = now - span * rng.random()
        status = Paper.Status.PUBLISHED if i % 4 else statuses[(i // 4) % len(statuses)]
        level = levels[i % len(levels)]
        if status == Paper.Status.PUBLISHED and i % 8 == 1:
            level = Paper.Level.PUBLIC
        title = random_words(rng, WORDS, rng.randint(4, 9))
        published = status == Paper.Status.PUBLISHED
        rows.append(Paper(
            group=rng.choice(groups), level=level, kind=kinds[i % len(kinds)],
            title_en=f"{title[0].upper()}{title[1:]} ({i})",
            title_fr=f"Document {random_words(rng, MOTS, 5)} ({i})" if i % 3 == 0 else "",
            summary_en=random_paragraphs(rng, WORDS, 2), body_en=random_paragraphs(rng, WORDS, 12),
            lead_organisation=rng.choice(orgs), status=status,
            review_round=1 if status != Paper.Status.DRAFT else 0,
            review_until=(created + datetime.timedelta(days=21)).date(),
            submitted_to=rng.choice(bodies) if status in (
                Paper.Status.SUBMITTED, Paper.Status.DECIDED, Paper.Status.PUBLISHED) else None,
            outcome=Paper.Outcome.ENDORSED if status in (Paper.Status.DECIDED,
                                                         Paper.Status.PUBLISHED) else "",
            published_at=min(created + datetime.timedelta(days=60), now) if published else None,
            created_at=created))
    rows = Paper.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:
        rows = list(Paper.objects.order_by("-pk")[:len(rows)])
    tag_link, country_link = Paper.tags.through, Paper.countries.through
    org_link = Paper.restricted_organisations.through
    people_link = Paper.restricted_people.through
    links, places, named_orgs, named_people, files, positions = [], [], [], [], [], []
    members = [o for o in orgs if not o.slug.startswith("syn-org-")] or orgs
    for n, paper in enumerate(rows):
        links += [tag_link(paper_id=paper.pk, tag_id=t.pk) for t in rng.sample(tags, k=3)]
        places += [country_link(paper_id=paper.pk, country_id=c.pk)
                   for c in rng.sample(countries, k=2)]
        if paper.level == Paper.Level.RESTRICTED:
            picked = {paper.lead_organisation_id}
            if fiji is not None and n % 3 == 0:
                picked.add(fiji.pk)
            named_orgs += [org_link(paper_id=paper.pk, organisation_id=pk) for pk in picked]
            if people:
                named_people.append(people_link(paper_id=paper.pk,
                                                person_id=rng.choice(people).pk))
        if n % 5 == 0:
            files.append(PaperFile(
                paper=paper, title="Full paper", file=f"papers/synthetic/{paper.pk}.pdf",
                original_name="paper.pdf", file_type="pdf", size=rng.randint(10**5, 10**6),
                sha256="0" * 64, text=random_paragraphs(rng, WORDS, 40)))
        if paper.review_round:
            positions += [Position(paper=paper, review_round=1, organisation=org,
                                   stance=rng.choice(Position.Stance.values), note="")
                          for org in rng.sample(members, k=min(len(members), 3))]
    for model, objs in ((tag_link, links), (country_link, places), (org_link, named_orgs),
                        (people_link, named_people), (PaperFile, files), (Position, positions)):
        model.objects.bulk_create(objs, batch_size=BATCH, ignore_conflicts=model is Position)
    index_many(rows)  # after the files: their text is part of each paper's document
    return len(rows)


def add_decisions(rng: random.Random, sizes: Sizes, groups, orgs, people, fiji,
                  representing: Iterable[Person]) -> int:
    """Sittings of the bodies over the years (one for six decisions) and their decisions at
    every level and status, each with options, status changes, positions and follow-up
    actions (some owned by the people in `representing`, so their home grows); one in three
    open decisions has its review overdue; the restricted ones name organisations (Fiji's
    government in one of three) and people."""
    from decisions.models import (
        Decision,
        DecisionOption,
        DecisionPosition,
        DecisionTransition,
        Sitting,
    )
    from members.models import Body
    from tasks.models import Task

    if not sizes.decisions:
        return 0
    now = timezone.now()
    today = timezone.localdate()
    bodies = list(Body.objects.all())
    sittings = Sitting.objects.bulk_create([
        Sitting(body=bodies[i % len(bodies)],
                title_en=f"{bodies[i % len(bodies)].name_en} ({i})",
                starts_on=today - datetime.timedelta(days=rng.randint(1, 365 * sizes.years)),
                place=rng.choice(["Suva", "Apia", "Honiara", "Nuku'alofa", "Port Vila"]),
                outcome_url=f"https://example.org/communique/{i}", created_at=now)
        for i in range(max(1, sizes.decisions // 6))], batch_size=BATCH)
    if sittings and sittings[0].pk is None:
        sittings = list(Sitting.objects.order_by("-pk")[:len(sittings)])
    levels, statuses = Decision.Level.values, Decision.Status.values
    rows = []
    for i in range(sizes.decisions):
        status = statuses[i % len(statuses)]
        review = today + datetime.timedelta(days=rng.randint(-200, 200))
        title = random_words(rng, WORDS, rng.randint(4, 9))
        rows.append(Decision(
            group=rng.choice(groups), level=levels[i % len(levels)],
            sitting=sittings[i % len(sittings)], reference=f"paragraph {i % 80 + 1}",
            decided_on=sittings[i % len(sittings)].starts_on,
            title_en=f"{title[0].upper()}{title[1:]} ({i})",
            title_fr=f"Décision {random_words(rng, MOTS, 5)} ({i})" if i % 3 == 0 else "",
            text_en=random_paragraphs(rng, WORDS, 3), concerns_ict=i % 5 != 0,
            ict_reason=random_words(rng, WORDS, 12), analysis_en=random_paragraphs(rng, WORDS, 6),
            advice_en=random_paragraphs(rng, WORDS, 3), status=status, review_on=review,
            indicator_codes="IT.NET.USER.ZS IT.CEL.SETS.P2" if i % 4 == 0 else "",
            created_at=now - datetime.timedelta(days=rng.randint(0, 365 * sizes.years))))
    rows = Decision.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:
        rows = list(Decision.objects.order_by("-pk")[:len(rows)])
    org_link = Decision.restricted_organisations.through
    people_link = Decision.restricted_people.through
    # The people in `representing` own one in three, so their home's list grows.
    owners = [p for p in representing if p.organisation_id] * 10 + [
        p for p in people[:20] if p.organisation_id]
    members = [o for o in orgs if not o.slug.startswith("syn-org-")] or orgs
    options, transitions, positions, actions, named_orgs, named_people = [], [], [], [], [], []
    for n, decision in enumerate(rows):
        options += [DecisionOption(decision=decision, order=k, title_en=random_words(rng, WORDS, 5),
                                   text_en=random_paragraphs(rng, WORDS, 2), recommended=k == 0)
                    for k in range(rng.randint(1, 3))]
        transitions.append(DecisionTransition(decision=decision,
                                              to_status=Decision.Status.NOT_STARTED))
        if decision.status != Decision.Status.NOT_STARTED:
            transitions.append(DecisionTransition(
                decision=decision, from_status=Decision.Status.NOT_STARTED,
                to_status=decision.status, reason=random_words(rng, WORDS, 8)))
        positions += [DecisionPosition(decision=decision, organisation=org,
                                       stance=rng.choice(DecisionPosition.Stance.values))
                      for org in rng.sample(members, k=min(len(members), 2))]
        if owners and n % 2 == 0:
            owner = owners[n % len(owners)]
            actions.append(Task(
                decision=decision, group_id=decision.group_id,
                title=random_words(rng, WORDS, 6).capitalize(),
                owner_organisation_id=owner.organisation_id, owner_person=owner,
                due_on=today + datetime.timedelta(days=rng.randint(-60, 120)),
                status=rng.choice(Task.Status.values)))
        if decision.level == Decision.Level.RESTRICTED:
            picked = {rng.choice(orgs).pk}
            if fiji is not None and n % 3 == 0:
                picked.add(fiji.pk)
            named_orgs += [org_link(decision_id=decision.pk, organisation_id=pk)
                           for pk in picked]
            if people:
                named_people.append(people_link(decision_id=decision.pk,
                                                person_id=rng.choice(people).pk))
    for model, objs in ((DecisionOption, options), (DecisionTransition, transitions),
                        (DecisionPosition, positions), (Task, actions),
                        (org_link, named_orgs), (people_link, named_people)):
        model.objects.bulk_create(objs, batch_size=BATCH,
                                  ignore_conflicts=model is DecisionPosition)
    index_many(rows)
    return len(rows)

