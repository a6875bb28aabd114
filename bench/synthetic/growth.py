"""`grow`: the directory (working groups, organisations, people, representatives) and posts,
then every other kind of record, added to what the database holds."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bench.synthetic.observations import add_observations
from bench.synthetic.records import add_decisions, add_meetings, add_papers
from bench.synthetic.sizes import BATCH, TEST_GROWTH, Sizes
from bench.synthetic.words import MOTS, WORDS, random_paragraphs, random_words
from bench.synthetic.work_plan import add_plan, add_tasks
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
    added_groups = _add_groups(rng, sizes.groups, home)
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
            description_en=random_paragraphs(rng, WORDS, 3), created_at=now))
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
            position=random_words(rng, WORDS, 3).title(), email=email,
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
        title = random_words(rng, WORDS, rng.randint(4, 9))
        posts.append(Post(
            group=rng.choice(weighted_groups), level=levels[i % len(levels)],
            kind=post_kinds[i % len(post_kinds)],
            title_en=f"{title[0].upper()}{title[1:]} ({i})",
            title_fr=f"{random_words(rng, MOTS, 5).capitalize()} ({i})" if i % 4 == 0 else "",
            body_en=random_paragraphs(rng, WORDS, rng.randint(3, 12)),
            body_fr=random_paragraphs(rng, MOTS, 3) if i % 4 == 0 else "",
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
    meetings = add_meetings(rng, sizes, weighted_groups, all_orgs, people, posts, representing)
    papers = add_papers(rng, sizes, weighted_groups, all_orgs, people, fiji)
    decisions = add_decisions(rng, sizes, weighted_groups, all_orgs, people, fiji, representing)
    plan_items = add_plan(rng, sizes, weighted_groups, all_orgs, people)
    tasks = add_tasks(rng, sizes, weighted_groups, all_orgs, people, fiji, representing)
    observations = add_observations(rng, sizes)
    return {"groups": added_groups, "organisations": len(orgs),
            "memberships": len(memberships), "users": len(users), "people": len(people),
            "representatives": len(reps), "posts": len(posts),
            "named": len(named_orgs) + len(named_people), "meetings": meetings,
            "papers": papers, "decisions": decisions,
            "plan items": plan_items, "tasks": tasks, "observations": observations}


def _add_groups(rng: random.Random, total: int, home: WorkingGroup) -> int:
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
            description_en=random_paragraphs(rng, WORDS, 3),
            established=today - datetime.timedelta(days=rng.randint(30, 3650))))
    bulk_create_with_history(rows, WorkingGroup, batch_size=BATCH)
    return len(rows)

