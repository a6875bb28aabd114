"""Synthetic data, in bulk: the benchmark's large dataset and the tests' "the data grew" step.

`grow(Sizes(...))` adds working groups (sub-groups, up to `Sizes.groups` in all), organisations
(with memberships, some ended), people (some with accounts), representatives across the years,
and posts at every dissemination level over the years (some archived, the restricted ones naming
organisations and people) to whatever is already in the database. It expects the starter data
(`load_starter_data`) and works with or without the demo data; when the demo member's
organisation (Fiji's government) exists, some restricted posts name it, so the demo member's
pages grow too. It can be called repeatedly: names continue from what is already there. Rows are
written with `bulk_create` (and their history rows with simple_history's bulk helper), so 20,000
posts take seconds; bulk inserts send no signals, so what is findable is indexed for search with
`portal.search.index_many`.

Later issues add their own models here (meetings, documents, …), following the same pattern.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from members.models import (
    Country,
    Membership,
    Organisation,
    Person,
    Representative,
    User,
    WorkingGroup,
)
from portal.models import Post
from portal.search import index_many

# Bump when what `grow` creates changes: the benchmark rebuilds its database then.
DATA_VERSION = 10


@dataclass(frozen=True)
class Sizes:
    posts: int
    organisations: int
    people: int
    representatives: int
    meetings: int = 0
    papers: int = 0
    decisions: int = 0
    tasks: int = 0
    initiatives: int = 0  # each with 3 outcomes, 9 activities and 18 milestones
    years: int = 10
    observations: int = 0  # indicators' values: synthetic indicators × every economy × years
    observation_years: int = 60
    groups: int = 0  # working groups in all: synthetic sub-groups are added up to this number

    def scaled(self, factor: float) -> Sizes:
        return Sizes(posts=round(self.posts * factor),
                     organisations=round(self.organisations * factor),
                     people=round(self.people * factor),
                     representatives=round(self.representatives * factor),
                     meetings=round(self.meetings * factor),
                     papers=round(self.papers * factor),
                     decisions=round(self.decisions * factor),
                     tasks=round(self.tasks * factor),
                     initiatives=round(self.initiatives * factor), years=self.years,
                     observations=round(self.observations * factor),
                     observation_years=self.observation_years,
                     groups=self.groups)  # the structure stays: only the activity scales

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# Ten years of a busy working group and its neighbours.
BENCH = Sizes(posts=20_000, organisations=1_500, people=5_000, representatives=5_000,
              meetings=3_000, papers=20_000, decisions=5_000, tasks=50_000,
              initiatives=200, observations=1_000_000, groups=20)
# Enough for a test to see an N+1 (every list gets longer than a page), small enough to be fast.
TEST_GROWTH = Sizes(posts=240, organisations=40, people=60, representatives=150, meetings=120,
                    papers=120, decisions=60, tasks=600,
                    initiatives=4, observations=600, observation_years=5)

_WORDS = (
    "regional ICT initiative submarine cable connectivity broadband spectrum policy cyber "
    "security digital economy e-government data protection satellite resilience disaster "
    "telecommunications regulator capacity building 2050 strategy Blue Pacific ministers "
    "meeting agenda report review framework partnership statistics open data identity "
    "payments mobile coverage outer islands school health climate early warning "
    "interoperability platform procurement standards"
)
_MOTS = (
    "initiative régionale câble sous-marin connectivité haut débit politique sécurité économie "
    "numérique administration données satellite résilience catastrophe régulateur stratégie "
    "ministres réunion rapport cadre partenariat statistiques identité paiements îles école"
)
WORDS, MOTS = tuple(_WORDS.split()), tuple(_MOTS.split())
BATCH = 2000


def _text(rng: random.Random, words: tuple[str, ...] | list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def _paragraphs(rng: random.Random, words, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        sentence = _text(rng, words, rng.randint(8, 18))
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return "\n\n".join(" ".join(out[i:i + 3]) for i in range(0, len(out), 3))


@transaction.atomic
def grow(sizes: Sizes = TEST_GROWTH, seed: int = 1,
         representing: Iterable[Person] = ()) -> dict[str, int]:
    """Add `sizes` worth of rows to the database; return how many of each were added.

    Each person in `representing` (e.g. the demo member) also gets a confirmed representation,
    for this year, of their organisation in every current group, so their own pages grow too.
    """
    rng = random.Random(seed)
    representing = list(representing)
    now = timezone.now()
    today = timezone.localdate()
    this_year = today.year
    first_year = this_year - sizes.years + 1
    home = WorkingGroup.objects.get(slug=settings.DEFAULT_GROUP_SLUG)
    added_groups = _groups(rng, sizes.groups, home)
    groups = list(WorkingGroup.objects.current())
    # The home group and the groups under it get most of the activity, as in real life.
    weighted_groups = ([home] * max(5, len(groups))
                       + [g for g in groups if g.parent_id == home.pk] * 2 + groups)
    countries = list(Country.objects.all()) or [None]
    start = Organisation.objects.count()  # names continue from what is there

    # Organisations and their memberships (about one in five has ended).
    kinds = [k for k in Organisation.Kind.values if k != Organisation.Kind.GOVERNMENT]
    orgs = []
    for i in range(start, start + sizes.organisations):
        country = rng.choice(countries)
        language = "fr" if country is not None and country.speaks_french() else "en"
        orgs.append(Organisation(
            slug=f"syn-org-{i}", acronym=f"SYN{i}",
            name_en=f"Synthetic {rng.choice(WORDS)} organisation {i}",
            name_fr=f"Organisation synthétique {rng.choice(MOTS)} {i}" if i % 3 else "",
            kind=kinds[i % len(kinds)], country=country, language=language,
            head_name=f"Head {i}", head_title="Director",
            head_email=f"head{i}@syn.example.org",
            description_en=_paragraphs(rng, WORDS, 3), created_at=now))
    orgs = bulk_create_with_history(orgs, Organisation, batch_size=BATCH)
    if orgs and orgs[0].pk is None:  # databases that return no primary keys
        orgs = list(Organisation.objects.filter(slug__startswith="syn-org-")
                    .order_by("-pk")[:len(orgs)])
    memberships = []
    for n, org in enumerate(orgs):
        chosen = {home.pk: home} if n % 3 == 0 else {}
        for g in rng.sample(groups, k=min(len(groups), rng.randint(1, 2))):
            chosen[g.pk] = g
        for group in chosen.values():
            started = datetime.date(rng.randint(first_year - 3, this_year), rng.randint(1, 12), 1)
            ended = None
            if rng.random() < 0.2:
                ended = min(today - datetime.timedelta(days=1),
                            started + datetime.timedelta(days=rng.randint(200, 2500)))
                if ended < started:
                    ended = started
            memberships.append(Membership(
                group=group, organisation=org, start=started, end=ended,
                kind=rng.choice(Membership.Kind.values)))
    bulk_create_with_history(memberships, Membership, batch_size=BATCH)
    index_many(orgs)

    # People, one in five with an account.
    all_orgs = orgs + list(Organisation.objects.exclude(slug__startswith="syn-org-")
                           .filter(archived_at__isnull=True))
    first_person = Person.objects.count()
    users = [User(email=f"syn-person-{i}@syn.example.org", password="!synthetic",
                  first_name="Syn", last_name=str(i))
             for i in range(first_person, first_person + sizes.people) if i % 5 == 0]
    users = {u.email: u for u in User.objects.bulk_create(users, batch_size=BATCH)}
    if users and next(iter(users.values())).pk is None:
        users = {u.email: u for u in User.objects.filter(email__in=list(users))}
    people = []
    for i in range(first_person, first_person + sizes.people):
        email = f"syn-person-{i}@syn.example.org"
        people.append(Person(
            name=f"{rng.choice(['Ana', 'Sione', 'Mele', 'Tevita', 'Losa', 'Jean', 'Marie'])} "
                 f"Synthetic {i}",
            position=_text(rng, WORDS, 3).title(), email=email,
            organisation=rng.choice(all_orgs), user=users.get(email),
            language=rng.choice(["en", "fr"]), created_at=now))
    people = bulk_create_with_history(people, Person, batch_size=BATCH)
    if people and people[0].pk is None:
        people = list(Person.objects.filter(email__endswith="@syn.example.org")
                      .order_by("-pk")[:len(people)])

    # Representatives across the years: older years confirmed, this year's round under way.
    reps = []
    statuses = Representative.Status.values
    for _ in range(sizes.representatives):
        person = rng.choice(people) if people else None
        if person is None:
            break
        year = rng.randint(first_year, this_year)
        status = (Representative.Status.CONFIRMED if year < this_year or rng.random() < 0.6
                  else rng.choice(statuses))
        reps.append(Representative(
            group=rng.choice(weighted_groups), organisation=person.organisation, person=person,
            year=year, status=status,
            role=(Representative.Role.ALTERNATE if rng.random() < 0.25
                  else Representative.Role.REPRESENTATIVE),
            ended_on=(datetime.date(year, 12, 31) if year < this_year - 1 and rng.random() < 0.3
                      else None)))
    for person in representing:
        if person.organisation_id is None:
            continue
        already = set(Representative.objects.filter(person=person, year=this_year)
                      .values_list("group_id", flat=True))
        reps += [Representative(group=g, organisation_id=person.organisation_id, person=person,
                                year=this_year, status=Representative.Status.CONFIRMED)
                 for g in groups if g.pk not in already]
    bulk_create_with_history(reps, Representative, batch_size=BATCH)

    # Posts at every level over the years; about one in twenty archived.
    levels = Post.Level.values
    post_kinds = Post.Kind.values
    span = datetime.timedelta(days=365 * sizes.years)
    posts = []
    for i in range(sizes.posts):
        published = now - span * rng.random()
        title = _text(rng, WORDS, rng.randint(4, 9))
        posts.append(Post(
            group=rng.choice(weighted_groups), level=levels[i % len(levels)],
            kind=post_kinds[i % len(post_kinds)],
            title_en=f"{title[0].upper()}{title[1:]} ({i})",
            title_fr=f"{_text(rng, MOTS, 5).capitalize()} ({i})" if i % 4 == 0 else "",
            body_en=_paragraphs(rng, WORDS, rng.randint(3, 12)),
            body_fr=_paragraphs(rng, MOTS, 3) if i % 4 == 0 else "",
            published_at=published, created_at=published,
            archived_at=(min(now, published + datetime.timedelta(days=30))
                         if rng.random() < 0.05 else None)))
    posts = bulk_create_with_history(posts, Post, batch_size=BATCH)
    if posts and posts[0].pk is None:
        posts = list(Post.objects.order_by("-pk")[:len(posts)])
    index_many(posts)

    # The restricted posts name organisations and people; some name the demo member's own.
    fiji = Organisation.objects.filter(slug="gov-fji").first()
    named_orgs, named_people = [], []
    org_link = Post.restricted_organisations.through
    people_link = Post.restricted_people.through
    for n, post in enumerate(p for p in posts if p.level == Post.Level.RESTRICTED):
        picked = {o.pk for o in rng.sample(all_orgs, k=min(len(all_orgs), rng.randint(1, 3)))}
        if fiji is not None and n % 3 == 0:
            picked.add(fiji.pk)
        named_orgs += [org_link(post_id=post.pk, organisation_id=pk) for pk in picked]
        if people:
            named_people += [people_link(post_id=post.pk, person_id=p.pk)
                             for p in {p.pk: p for p in rng.sample(people, k=min(
                                 len(people), rng.randint(1, 2)))}.values()]
    org_link.objects.bulk_create(named_orgs, batch_size=BATCH)
    people_link.objects.bulk_create(named_people, batch_size=BATCH)
    meetings = _meetings(rng, sizes, weighted_groups, all_orgs, people, posts, representing)
    papers = _papers(rng, sizes, weighted_groups, all_orgs, people, fiji)
    decisions = _decisions(rng, sizes, weighted_groups, all_orgs, people, fiji, representing)
    plan_items = _plan(rng, sizes, weighted_groups, all_orgs, people)
    tasks = _tasks(rng, sizes, weighted_groups, all_orgs, people, fiji, representing)
    observations = _observations(rng, sizes)
    return {"groups": added_groups, "organisations": len(orgs),
            "memberships": len(memberships), "users": len(users), "people": len(people),
            "representatives": len(reps), "posts": len(posts),
            "named": len(named_orgs) + len(named_people), "meetings": meetings,
            "papers": papers, "decisions": decisions,
            "plan items": plan_items, "tasks": tasks, "observations": observations}


def _groups(rng: random.Random, total: int, home: WorkingGroup) -> int:
    """Sub-working groups and taskforces until there are `total` groups: two in three under the
    home group (the CROP ICT Working Group), the others under the other CROP working groups."""
    missing = total - WorkingGroup.objects.count()
    if missing <= 0:
        return 0
    others = list(WorkingGroup.objects.filter(parent__isnull=True).exclude(pk=home.pk)) or [home]
    start = WorkingGroup.objects.filter(slug__startswith="syn-group-").count()
    today = timezone.localdate()
    rows = []
    for n in range(start, start + missing):
        parent = home if n % 3 != 2 else others[(n // 3) % len(others)]
        kind = (WorkingGroup.Kind.SUB_WORKING_GROUP if n % 2 == 0
                else WorkingGroup.Kind.TASKFORCE)
        topic = " ".join(rng.sample(WORDS, k=2))
        rows.append(WorkingGroup(
            slug=f"syn-group-{n}", acronym=f"SYN WG {n}", kind=kind, parent=parent,
            name_en=f"Synthetic {topic} {kind.label.lower()} {n}",
            name_fr=f"Groupe synthétique {rng.choice(MOTS)} {n}",
            description_en=_paragraphs(rng, WORDS, 3),
            established=today - datetime.timedelta(days=rng.randint(30, 3650))))
    bulk_create_with_history(rows, WorkingGroup, batch_size=BATCH)
    return len(rows)


ZONES = ("Pacific/Fiji", "Pacific/Apia", "Pacific/Auckland", "Pacific/Rarotonga",
         "Pacific/Port_Moresby", "Pacific/Noumea", "Pacific/Tongatapu", "Pacific/Honolulu")


def _meetings(rng: random.Random, sizes: Sizes, groups, orgs, people, posts,
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
        title = _text(rng, WORDS, rng.randint(3, 7))
        rows.append(Meeting(
            group=rng.choice(groups), level=levels[i % len(levels)], kind=kinds[i % len(kinds)],
            title_en=f"{title[0].upper()}{title[1:]} meeting ({i})",
            title_fr=f"Réunion {_text(rng, MOTS, 4)} ({i})" if i % 3 == 0 else "",
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
                title_en=_text(rng, WORDS, rng.randint(3, 8)).capitalize(),
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


def _papers(rng: random.Random, sizes: Sizes, groups, orgs, people, fiji) -> int:
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
        title = _text(rng, WORDS, rng.randint(4, 9))
        published = status == Paper.Status.PUBLISHED
        rows.append(Paper(
            group=rng.choice(groups), level=level, kind=kinds[i % len(kinds)],
            title_en=f"{title[0].upper()}{title[1:]} ({i})",
            title_fr=f"Document {_text(rng, MOTS, 5)} ({i})" if i % 3 == 0 else "",
            summary_en=_paragraphs(rng, WORDS, 2), body_en=_paragraphs(rng, WORDS, 12),
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
                sha256="0" * 64, text=_paragraphs(rng, WORDS, 40)))
        if paper.review_round:
            positions += [Position(paper=paper, review_round=1, organisation=org,
                                   stance=rng.choice(Position.Stance.values), note="")
                          for org in rng.sample(members, k=min(len(members), 3))]
    for model, objs in ((tag_link, links), (country_link, places), (org_link, named_orgs),
                        (people_link, named_people), (PaperFile, files), (Position, positions)):
        model.objects.bulk_create(objs, batch_size=BATCH, ignore_conflicts=model is Position)
    index_many(rows)  # after the files: their text is part of each paper's document
    return len(rows)



def _decisions(rng: random.Random, sizes: Sizes, groups, orgs, people, fiji,
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
    from work.models import Task

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
        title = _text(rng, WORDS, rng.randint(4, 9))
        rows.append(Decision(
            group=rng.choice(groups), level=levels[i % len(levels)],
            sitting=sittings[i % len(sittings)], reference=f"paragraph {i % 80 + 1}",
            decided_on=sittings[i % len(sittings)].starts_on,
            title_en=f"{title[0].upper()}{title[1:]} ({i})",
            title_fr=f"Décision {_text(rng, MOTS, 5)} ({i})" if i % 3 == 0 else "",
            text_en=_paragraphs(rng, WORDS, 3), concerns_ict=i % 5 != 0,
            ict_reason=_text(rng, WORDS, 12), analysis_en=_paragraphs(rng, WORDS, 6),
            advice_en=_paragraphs(rng, WORDS, 3), status=status, review_on=review,
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
        options += [DecisionOption(decision=decision, order=k, title_en=_text(rng, WORDS, 5),
                                   text_en=_paragraphs(rng, WORDS, 2), recommended=k == 0)
                    for k in range(rng.randint(1, 3))]
        transitions.append(DecisionTransition(decision=decision,
                                              to_status=Decision.Status.NOT_STARTED))
        if decision.status != Decision.Status.NOT_STARTED:
            transitions.append(DecisionTransition(
                decision=decision, from_status=Decision.Status.NOT_STARTED,
                to_status=decision.status, reason=_text(rng, WORDS, 8)))
        positions += [DecisionPosition(decision=decision, organisation=org,
                                       stance=rng.choice(DecisionPosition.Stance.values))
                      for org in rng.sample(members, k=min(len(members), 2))]
        if owners and n % 2 == 0:
            owner = owners[n % len(owners)]
            actions.append(Task(
                decision=decision, group_id=decision.group_id,
                title=_text(rng, WORDS, 6).capitalize(),
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


def _tasks(rng: random.Random, sizes: Sizes, groups, orgs, people, fiji,
           representing: Iterable[Person]) -> int:
    """The group's task register over the years: tasks about meetings, papers, decisions or
    nothing, at every status, one in four open ones overdue; the organisations of the people in
    `representing` (Fiji's government for the demo member) own one in fifty and those people
    one in two hundred, so "my tasks" and "my organisation's tasks" grow with the register."""
    from decisions.models import Decision
    from meetings.models import Meeting
    from papers.models import Paper
    from work.models import PlanItem, Task, TaskTransition

    if not sizes.tasks:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    about = {
        "meeting": list(Meeting.objects.values_list("pk", "group_id")[:5000]),
        "paper": list(Paper.objects.values_list("pk", "group_id")[:5000]),
        "decision": list(Decision.objects.values_list("pk", "group_id")[:5000]),
        "plan_item": list(PlanItem.objects.values_list("pk", "group_id")[:5000]),
    }
    kinds = [kind for kind, rows in about.items() if rows] + [None]
    representing = [p for p in representing if p.organisation_id]
    statuses = Task.Status.values
    span = 365 * sizes.years
    tasks = []
    for n in range(sizes.tasks):
        kind = kinds[n % len(kinds)]
        values = {}
        if kind is None:
            group_id = rng.choice(groups).pk
        else:
            pk, group_id = rng.choice(about[kind])
            values[f"{kind}_id"] = pk
        owner = rng.choice(people) if people and n % 3 else None
        owner_org = owner.organisation_id if owner is not None else rng.choice(orgs).pk
        if representing and n % 50 == 0:
            mine = representing[n % len(representing)]
            owner_org, owner = mine.organisation_id, (mine if n % 200 == 0 else None)
        created = now - datetime.timedelta(days=rng.randint(0, span))
        due = created.date() + datetime.timedelta(days=rng.randint(14, 180))
        status = rng.choice(statuses)
        if due < today and rng.random() < 0.75:
            status = rng.choice([Task.Status.DONE, Task.Status.DROPPED])
        tasks.append(Task(group_id=group_id, title=_text(rng, WORDS, 6).capitalize() + f" ({n})",
                          owner_organisation_id=owner_org, owner_person=owner,
                          due_on=due if n % 10 else None, status=status, created_at=created,
                          **values))
    tasks = Task.objects.bulk_create(tasks, batch_size=BATCH)
    if tasks and tasks[0].pk is not None:
        TaskTransition.objects.bulk_create(
            (TaskTransition(task=t, to_status=t.status, at=t.created_at) for t in tasks),
            batch_size=BATCH)
    return len(tasks)


def _plan(rng: random.Random, sizes: Sizes, groups, orgs, people) -> int:
    """Initiatives of the work plan, each with outcomes, activities and milestones led by
    organisations with partners, in ICT areas and countries, at every level (mostly public);
    milestones over the years, most of the past ones done, some late."""
    from members.models import Objective
    from papers.models import Tag
    from work.models import PlanItem

    if not sizes.initiatives:
        return 0
    today = timezone.localdate()
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA).values_list("pk", flat=True))
    countries = list(Country.objects.values_list("pk", flat=True))
    objectives = list(Objective.objects.values_list("pk", flat=True))
    levels = [PlanItem.Level.PUBLIC] * 6 + [PlanItem.Level.MEMBERS, PlanItem.Level.CORE]
    span = 365 * sizes.years

    def item(kind, parent, n, due):
        return PlanItem(
            group_id=parent.group_id if parent else rng.choice(groups).pk,
            level=parent.level if parent else rng.choice(levels), kind=kind, parent=parent,
            initiative_id=parent.initiative_id if parent else None,
            title_en=f"{_text(rng, WORDS, 5).capitalize()} ({kind} {n})",
            lead_organisation_id=rng.choice(orgs).pk,
            owner_person=rng.choice(people) if people and rng.random() < 0.5 else None,
            due_on=due, starts_on=due - datetime.timedelta(days=rng.randint(30, 400)),
            done_on=(due if kind == PlanItem.Kind.MILESTONE and due < today
                     and rng.random() < 0.9 else None), order=n % 10)

    created = []
    layer = [item(PlanItem.Kind.INITIATIVE, None, n,
                  today + datetime.timedelta(days=rng.randint(-span, 700)))
             for n in range(sizes.initiatives)]
    layer = PlanItem.objects.bulk_create(layer, batch_size=BATCH)
    PlanItem.objects.filter(pk__in=[i.pk for i in layer]).update(initiative=F("pk"))
    for i in layer:
        i.initiative_id = i.pk
    created += layer
    for kind, per in ((PlanItem.Kind.OUTCOME, 3), (PlanItem.Kind.ACTIVITY, 3),
                      (PlanItem.Kind.MILESTONE, 2)):
        layer = PlanItem.objects.bulk_create(
            [item(kind, parent, n, parent.due_on - datetime.timedelta(days=rng.randint(0, 300)))
             for parent in layer for n in range(per)], batch_size=BATCH)
        created += layer
    links = {"areas": [], "countries": [], "partners": [], "objectives": []}
    for plan_item in created:
        for name, pool, k in (("areas", areas, 2), ("countries", countries, 2),
                              ("partners", [o.pk for o in orgs[:200]], 2),
                              ("objectives", objectives, 1)):
            if plan_item.kind == PlanItem.Kind.MILESTONE and name != "areas":
                continue
            through = getattr(PlanItem, name).through
            target = through._meta.get_field(
                {"areas": "tag", "countries": "country", "partners": "organisation",
                 "objectives": "objective"}[name]).attname
            links[name] += [through(planitem_id=plan_item.pk, **{target: pk})
                            for pk in rng.sample(pool, k=min(k, len(pool)))]
    for name, rows in links.items():
        getattr(PlanItem, name).through.objects.bulk_create(rows, batch_size=BATCH,
                                                              ignore_conflicts=True)
    return len(created)


def _observations(rng: random.Random, sizes: Sizes) -> int:
    """Indicators' values, in one applied import batch: first the catalogue's own indicators for
    the PICTs and the comparators, in the years where they have no value yet (so the pages are
    full before any import; imported values stay as they are), then synthetic indicators
    ("SYN.IND.001", "Synthetic indicator 1", …) × every economy × `observation_years` years
    until `observations` rows. Each series is a random walk with a jump now and then."""
    import math

    from indicators.models import Economy, ImportBatch, ImportTransition, Indicator, Observation

    if not sizes.observations:
        return 0
    last = timezone.localdate().year - 1
    years = range(last - sizes.observation_years + 1, last + 1)
    economies = list(Economy.objects.values_list("pk", "kind", "comparator_order"))
    focus = [pk for pk, kind, order in economies if kind == Economy.Kind.PICT or order]
    batch = ImportBatch.objects.create(
        status=ImportBatch.Status.APPLIED, file_name="synthetic.csv",
        sha256=f"{rng.getrandbits(256):064x}", layout="synthetic",
        source="Synthetic data (benchmark)",
        vintage=timezone.localdate().isoformat(), applied_at=timezone.now())
    ImportTransition.objects.create(batch=batch, from_status=ImportBatch.Status.PREVIEWED,
                                    to_status=ImportBatch.Status.APPLIED, reason="synthetic data")

    def series(indicator_id: int, economy_ids: list[int]) -> list[Observation]:
        rows = []
        for economy_id in economy_ids:
            level = rng.uniform(1, 120)
            for year in years:
                level *= rng.uniform(2.2, 2.6) if rng.random() < 0.01 else rng.uniform(0.92, 1.12)
                rows.append(Observation(indicator_id=indicator_id, economy_id=economy_id,
                                        year=year, value=f"{level:.6f}", batch=batch))
        return rows

    written = 0
    for indicator_id in Indicator.objects.exclude(code__startswith="SYN.").values_list(
            "pk", flat=True):
        rows = series(indicator_id, focus)
        Observation.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        written += len(rows)
    per_indicator = len(economies) * len(years)
    start = Indicator.objects.filter(code__startswith="SYN.").count()
    count = max(1, math.ceil(max(0, sizes.observations - written) / max(per_indicator, 1)))
    indicators = bulk_create_with_history([
        Indicator(code=f"SYN.IND.{n:03d}", name_en=f"Synthetic indicator {n}",
                  name_fr=f"Indicateur synthétique {n}", unit_en="per 100 people",
                  unit_fr="pour 100 personnes", source="Synthetic data", licence="CC0",
                  order=100 + n) for n in range(start + 1, start + count + 1)],
        Indicator, batch_size=BATCH)
    if indicators and indicators[0].pk is None:
        indicators = list(Indicator.objects.filter(code__startswith="SYN.").order_by("-pk")[:count])
    all_economies = [pk for pk, _kind, _order in economies]
    for indicator in indicators:
        rows = series(indicator.pk, all_economies)
        Observation.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written
