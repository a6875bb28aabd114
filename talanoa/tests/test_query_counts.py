"""Every page costs the same number of queries whatever the amount of data (BUDGETS.md).

Every page of PAGES is measured on the demo data, then many more rows of everything are added
once for the module (`bench.synthetic.grow`: posts at every level, organisations, memberships,
people, representatives, including more of the member's own), and each case measures its page
again and expects the same count: no N+1, whatever the lists hold.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from bench.synthetic import TEST_GROWTH, grow
from portal.models import Post
from talanoa.access import STANDINGS
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db

PAGES = [
    ("anonymous", "/"),
    ("member", "/me/"),
    ("observer", "/me/"),
    ("anonymous", "/posts/"),
    ("member", "/posts/"),
    ("secretariat", "/posts/"),
    ("anonymous", "/posts/?kind=news"),
    ("anonymous", "/directory/"),
    ("member", "/directory/"),
    ("anonymous", "/directory/?kind=member"),
    ("anonymous", "/directory/?kind=member&after=1"),
    ("anonymous", "/governance/"),
    ("anonymous", "/groups/ict/"),
    ("secretariat", "/groups/ict/"),
    ("anonymous", "/groups/ict/?page=2"),
    ("member", "/groups/ict/representatives/"),
    ("secretariat", "/groups/ict/representatives/"),
    ("member", "/groups/ict/representatives/?page=2"),
    ("anonymous", "/posts/{public}/"),
    ("member", "/posts/{core}/"),
    ("member", "/posts/{restricted to Fiji}/"),
    ("secretariat", "/posts/{restricted}/"),
    ("anonymous", "/search/?q=cable"),
    ("member", "/search/?q=cable"),
    ("anonymous", "/calendar/"),
    ("member", "/calendar/"),
    ("member", "/calendar/upcoming/"),
    ("member", "/calendar/{this year}/"),
    ("anonymous", "/calendar/feed.ics"),
    ("member", "/meetings/{meeting public}/"),
    ("member", "/meetings/{meeting members}/"),
    ("chair", "/meetings/{meeting members}/"),
    ("anonymous", "/meetings/{meeting public}/meeting.ics"),
    ("anonymous", "/work/"),
    ("member", "/work/"),
    ("anonymous", "/work/matrix/"),
    ("member", "/work/matrix/"),
    ("member", "/work/matrix/?country=FJI"),
    ("member", "/tasks/mine/"),
    ("member", "/tasks/organisation/"),
    ("member", "/tasks/"),
    ("secretariat", "/tasks/"),
    ("anonymous", "/reports/"),
    ("member", "/reports/"),
    ("member", "/reports/{report annual}/"),
    ("secretariat", "/reports/{report annual}/"),
]


def _post(name: str, people) -> int:
    if name == "this year":
        import datetime

        return datetime.date.today().year
    if name.startswith("meeting "):
        from meetings.models import Meeting

        return Meeting.objects.get(title_en__startswith=f"[{name.removeprefix('meeting ')}]").pk
    if name == "report annual":
        from reports.demo import ANNUAL_TITLE
        from reports.models import Report

        return Report.objects.get(title_en=ANNUAL_TITLE[0]).pk
    if name == "restricted to Fiji":
        post = Post.objects.create(group_id=people["member"].person.organisation.memberships
                                   .first().group_id, level=Post.Level.RESTRICTED,
                                   title_en="Named: Fiji")
        post.restricted_organisations.add(people["member"].person.organisation)
        post.restricted_people.add(people["observer"].person)
        return post.pk
    return Post.objects.get(title_en__startswith=f"[{name}]").pk


def _a_former_representative(people) -> None:
    import datetime

    from members.models import Representative

    current = Representative.objects.filter(person=people["observer"].person).first()
    current.pk = None
    current.year -= 3
    current.ended_on = datetime.date(current.year, 12, 31)
    current.save()


def _address(path: str, people) -> str:
    if "{" in path:
        name = path.split("{")[1].split("}")[0]
        path = path.replace("{" + name + "}", str(_post(name, people)))
    return path


@dataclass
class Grown:
    clients: dict[str, Client]
    addresses: dict[str, str]  # each case's path, its sample filled in
    before: dict[tuple[str, str], int]  # each case's queries on the demo data
    added: dict[str, int]  # the rows grow() added


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    """Every case measured on the demo data, then the data grown once for the module (in a
    transaction rolled back at its end)."""
    from conftest import DEMO
    from members.models import User

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            # The register's earlier years: a list of past representatives from the start.
            _a_former_representative(people)
            clients = signed_in_clients(STANDINGS, people)
            addresses = {path: _address(path, people) for _, path in PAGES}
            before = {(standing, path): count_queries(clients[standing], addresses[path])
                      for standing, path in PAGES}
            added = grow(TEST_GROWTH,
                         representing=[people["member"].person, people["observer"].person])
        yield Grown(clients, addresses, before, added)


@pytest.mark.parametrize(("standing", "path"), PAGES)
def test_queries_stay_constant_as_data_grows(grown, standing, path):
    assert grown.added["posts"] == TEST_GROWTH.posts
    before = grown.before[standing, path]
    after = count_queries(grown.clients[standing], grown.addresses[path])
    assert after == before, f"{standing} {path}: {before} queries, then {after} with more data"


def test_a_deep_page_costs_what_the_first_costs(grown):
    member = grown.clients["member"]
    first = count_queries(member, "/posts/")
    page = member.get("/posts/").context["page"]
    for _ in range(3):
        page = member.get(f"/posts/?before={page.older}").context["page"]
    assert count_queries(member, f"/posts/?before={page.older}") == first
    assert count_queries(member, f"/posts/?after={page.newer}") == first


def test_grown_lists_are_longer_than_a_page(grown):
    """The growth is big enough to matter: full pages, everywhere the tests look."""
    member, anonymous = grown.clients["member"], grown.clients["anonymous"]
    first = member.get("/posts/").context["page"]
    assert len(first) == 20 and first.older
    assert member.get(f"/posts/?before={first.older}").context["page"].older
    assert len(member.get("/me/").context["representations"]) > 2
    assert len(member.get("/me/").context["shared"]) == 10
    directory = anonymous.get("/directory/").context["sections"]
    assert sum(len(section.rows) for section in directory) > 40
    assert anonymous.get("/search/?q=cable").context["results"].count > 20


def test_the_group_page_and_the_register_show_a_page_of_a_long_list(grown, monkeypatch):
    from members import views
    from portal import views as portal_views

    # The test's group is smaller than a real one: smaller pages.
    monkeypatch.setattr(portal_views, "GROUP_ORGANISATIONS_PAGE", 25)
    monkeypatch.setattr(views, "REGISTER_PAGE", 20)
    anonymous, member = grown.clients["anonymous"], grown.clients["member"]
    memberships = anonymous.get("/groups/ict/").context["memberships"]
    assert len(memberships) == 25 and memberships.has_next()
    last = anonymous.get(f"/groups/ict/?page={memberships.paginator.num_pages}")
    assert not last.context["memberships"].has_next()
    assert f"?page={memberships.paginator.num_pages - 1}" in last.content.decode()
    register = member.get("/groups/ict/representatives/").context
    assert register["page"].paginator.count > len(register["page"]) == 20
    assert register["current"] and not register["past"]  # the current ones come first
    last = member.get(
        f"/groups/ict/representatives/?page={register['page'].paginator.num_pages}").context
    assert last["past"] and not last["current"]
