"""The access matrix's "another group" dimension (issue 11, item 1).

The demo standings all stand in the ICT working group (and so in its taskforces). Every item page
of ROUTES, and every page or state change that names one item, is tried against the items of
another, unrelated working group (the Gender working group: neither a parent nor a child of
ICT), at the members, core and restricted levels. The expectation comes from the policy's own
rules (talanoa.access): standing is per group, so none of the ICT standings sees an item of the
Gender group above public, and the ICT chair and secretariat are not its editors: every answer is
404 (anonymous readers of a page behind a login are sent to it). A Gender representative
("theirs": of Fiji, a member organisation there) is tried too, and must see what the same policy
gives them, so a 404 here always means "hidden", never "broken sample".

The Gender group's items are copies of the ICT demo items, made once for the module in a
transaction that is rolled back at its end (so no other test sees them).
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from talanoa.access import STANDINGS, Level
from talanoa.tests.access_table import ROUTES, ItemRule, PostOnly, Rule
from talanoa.tests.module_data import module_transaction, signed_in_clients
from talanoa.tests.test_url_access import _item

pytestmark = pytest.mark.django_db

LEVELS = (Level.MEMBERS, Level.CORE, Level.RESTRICTED)
THEIRS = "theirs"  # a representative of Fiji (a member organisation) in the Gender group
OTHER = "gender"


def _copy(obj, **changes):
    """A copy of a demo row as a new row (its many-to-many relations are not copied)."""
    obj.pk = None
    obj.id = None
    obj._state.adding = True
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def _build_other_group() -> dict:
    from decisions.models import Cycle, Proposal
    from members.models import Membership, Organisation, Person, Representative, User, WorkingGroup
    group = WorkingGroup.objects.get(slug=OTHER)
    ict = WorkingGroup.objects.get(slug="ict")
    assert group.parent_id is None and ict.parent_id is None  # unrelated to ICT
    # The demo organisations are members of Gender too; only Gender's own representative of
    # Fiji stands there. The demo people represent their organisations in ICT alone.
    fiji = Organisation.objects.get(slug="gov-fji")
    for slug, kind in (("gov-fji", "member"), ("usp", "member"), ("spc", "member"),
                       ("jica", "observer"), ("picisoc", "consultative")):
        Membership.objects.get_or_create(group=group, organisation=Organisation.objects.get(
            slug=slug), defaults={"kind": kind, "start": datetime.date(2020, 1, 1)})
    user = User.objects.create_user("gender.rep@example.org")
    person = Person.objects.create(name="Gender representative of Fiji", organisation=fiji,
                                   email="gender.rep@example.org", user=user)
    Representative.objects.create(group=group, organisation=fiji, person=person,
                                  year=timezone.localdate().year,
                                  status=Representative.Status.CONFIRMED)

    cycle = _copy(Cycle.objects.get(group=ict, name_en="Regional priorities (demo)"),
                  group=group, name_en="Gender priorities (other group)")
    items: dict = {}
    for level in LEVELS:
        def other(sample, level=level, **changes):
            original = _item(sample, level)
            copy = _copy(original, group=group, level=level, **changes)
            if level == Level.RESTRICTED:  # named: Gender's representative of Fiji
                copy.restricted_people.set([person])
            return copy

        def title(sample, level=level):
            return f"[other {level}] {_item(sample, level).title_en}"[:200]

        for kind, changes in (("post", {}), ("paper", {}), ("proposal", {"cycle": cycle}),
                              ("decision", {"proposal": None}), ("plan_item", {}),
                              ("report", {"paper": None})):
            items[kind, level] = other(kind, title_en=title(kind), **changes)
        items["post", level].attachment.save("other.txt", ContentFile(b"other group file"))
        record = _copy(_item("paper", level).files.get(), paper=items["paper", level],
                       first=None)
        record.file.save("other.pdf", ContentFile(b"%PDF-1.4 file of another group's paper"))
        for kind in ("meeting", "forum meeting"):
            items[kind, level] = other("meeting", title_en=title("meeting"),
                                       uid=f"other-{uuid.uuid4()}@talanoa")
        forum = _item("forum", level)
        items["forum", level] = other("forum", meeting=items.pop(("forum meeting", level)),
                                      report_paper=None,
                                      position_en=f"[other {level}] {forum.position_en}")
    assert not Proposal.objects.filter(group=group, cycle__group=ict).exists()
    items.update(_other_records(group, items))
    return {"group": group, "items": items, "theirs": user}


def _other_records(group, items) -> dict:
    """The Gender group's records that the pages about one item name (members level)."""
    from advisory.models import AdvisoryRequest
    from advisory.tests.advisory_samples import RESTRICTED_TITLE
    from api.operations import create_subscription
    from engagement.models import GroupPosition
    from meetings import operations as meeting_operations
    from meetings.models import MeetingDocument, Minutes
    from members.models import Organisation, User
    from tasks.operations import create_task

    chair = User.objects.get(email="chair@demo.talanoa.test")
    meeting = items["meeting", Level.MEMBERS]
    document = MeetingDocument.objects.create(
        meeting=meeting, title="[other members] Background paper", size=12,
        file=ContentFile(b"[other] p.", name="background-paper.txt"))
    meeting.status = meeting.Status.HELD
    meeting.save()
    meeting_operations.write_minutes(Minutes(meeting=meeting), "# Record\n\n1. Opening", chair)
    meeting_operations.circulate_minutes(
        Minutes.objects.get(meeting=meeting), timezone.localdate() + datetime.timedelta(days=7),
        chair)
    task = create_task("[other members] Collect the Gender focal points",
                       Organisation.objects.get(slug="usp"), chair, group=group)
    subscription, __ = create_subscription(group, "https://partner.example.org/gender-hook",
                                           ["paper.published"], chair)
    from members import operations as member_operations

    year = timezone.localdate().year
    nomination_round = member_operations.open_nomination_round(
        group, year, timezone.localdate() + datetime.timedelta(days=30), None)
    assert nomination_round.letters.exists()
    return {
        "nomination_round": nomination_round,
        "meeting_document": document,
        "task": task,
        "webhook_subscription": subscription,
        "advisory": _copy(AdvisoryRequest.objects.get(title_en=RESTRICTED_TITLE), group=group,
                          title_en="[other restricted] An advisory request of another group"),
        "engagement_position": _copy(
            GroupPosition.objects.get(title_en__startswith="[members]"), group=group,
            title_en="[other members] A position of another group"),
    }


@pytest.fixture(scope="module")
def other_group(django_db_setup, django_db_blocker):
    """The Gender group's items, in a transaction kept open for the module and rolled back."""
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            data = _build_other_group()
        yield data


@pytest.fixture(scope="module")
def clients(other_group, django_db_blocker):
    """A client per standing, signed in once for the module (in its transaction)."""
    from conftest import DEMO
    from members.models import User

    with django_db_blocker.unblock():
        people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
        people[THEIRS] = other_group["theirs"]
        return signed_in_clients((*STANDINGS, THEIRS), people)


def _expected_item(standing: str, level: str) -> int:
    """What the policy gives each standing for an item of the Gender group."""
    # Gender's representative of a member organisation, named on its restricted items.
    return 200 if standing == THEIRS else 404


def _item_kind(sample: str) -> str:
    for kind in ("post", "meeting", "paper", "proposal", "decision", "plan_item", "forum",
                 "report"):
        if sample.startswith(kind):
            return kind
    raise KeyError(sample)


def _item_url(name: str, rule: ItemRule, item) -> str:
    kwargs = {"pk": item.pk}
    if rule.sample == "paper_file":
        kwargs["file_pk"] = item.files.get().pk
    if rule.sample == "report_file":
        from reports.tests.samples import sample_report_file

        kwargs = sample_report_file(item)
    return reverse(name, kwargs=kwargs)


# Gender's representative at the members level (their core and restricted items are tried
# through the API below, where a 200 costs less than rendering a page or a PDF).
ITEM_CHECKS = [(name, standing, level)
               for name, rule in ROUTES.items() if isinstance(rule, ItemRule)
               for level in LEVELS
               for standing in (*STANDINGS, THEIRS) if standing != THEIRS or level == "members"]


@pytest.mark.access_matrix
@pytest.mark.parametrize(("name", "standing", "level"), ITEM_CHECKS)
def test_item_of_another_group(clients, other_group, name, standing, level):
    rule = ROUTES[name]
    item = other_group["items"][_item_kind(rule.sample), level]
    url = _item_url(name, rule, item)
    response = clients[standing].get(url)
    assert response.status_code == _expected_item(standing, level), (url, standing)


def _members(kind, **more):
    return (kind, Level.MEMBERS), lambda item: {"pk": item.pk, **more}


def _record(key):
    return key, lambda item: {"pk": item.pk}


def _post_history(restore=False):
    def kwargs(post):
        result = {"label": "portal.post", "pk": post.pk}
        if restore:
            result["history_id"] = post.history.earliest().history_id
        return result

    return ("post", Level.MEMBERS), kwargs


# The samples of ROUTES that are one item of the ICT group (or the group itself): the Gender
# group's item the same page is tried on (of the members level), and the page's address for it.
OTHER_KWARGS = {
    "group": (None, None),
    "post_public": _members("post"),
    "meeting_public": _members("meeting"),
    "meeting_doc_members": ("meeting_document",
                            lambda document: {"pk": document.meeting_id, "doc_pk": document.pk}),
    "minutes_public": _members("meeting"),
    "minutes_circulated": _members("meeting"),
    "minutes_adopted": _members("meeting"),
    "minutes_circulated_r1": _members("meeting", number=1),
    "paper_public": _members("paper"),
    "paper_members": _members("paper"),
    "paper_file_members": (("paper", Level.MEMBERS),
                           lambda paper: {"pk": paper.pk, "file_pk": paper.files.get().pk}),
    "proposal_members": _members("proposal"),
    "decision_members": _members("decision"),
    "plan_members": _members("plan_item"),
    "forum_members": _members("forum"),
    "report_members": _members("report"),
    "report_objective": _members("report", code="G6"),
    "history_post": _post_history(),
    "history_restore": _post_history(restore=True),
    "task_members": _record("task"),
    "advisory_restricted": _record("advisory"),
    "engagement_position_members": _record("engagement_position"),
    "webhook_subscription": _record("webhook_subscription"),
}


def _page_rows():
    from talanoa.tests.access_table import EVERYONE

    for name, rule in ROUTES.items():
        if not isinstance(rule, (Rule, PostOnly)) or rule.sample not in OTHER_KWARGS:
            continue
        if isinstance(rule, Rule) and rule.sample == "group" and rule.audience == EVERYONE:
            continue  # a group's public page
        yield name


PAGE_CHECKS = [(name, standing) for name in _page_rows() for standing in STANDINGS]


def _row(item) -> dict:
    return type(item)._default_manager.filter(pk=item.pk).values().get()


@pytest.mark.access_matrix
@pytest.mark.parametrize(("name", "standing"), PAGE_CHECKS)
def test_page_about_an_item_of_another_group(clients, other_group, name, standing):
    """Edit pages, state changes, files and histories of the Gender group's items: 404 to
    every ICT standing (its chair and secretariat are not Gender's editors); anonymous readers
    of a page behind a login are sent to it first. A refused change leaves the item as it was."""
    rule = ROUTES[name]
    key, kwargs = OTHER_KWARGS[rule.sample]
    if key is None:
        item, kwargs = other_group["group"], {"slug": other_group["group"].slug}
    else:
        item = other_group["items"][key]
        kwargs = kwargs(item)
    url = reverse(name, kwargs=kwargs)
    login_first = standing == "anonymous" and rule.login_required
    if isinstance(rule, PostOnly):
        before = _row(item)
        response = clients[standing].post(url)
        assert _row(item) == before
    else:
        response = clients[standing].get(url)
    if login_first:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    else:
        assert response.status_code == 404, (url, standing, response.status_code)


# --- The API, with each standing's own personal token ----------------------------------------

API_DETAILS = {  # endpoint: (kind of item, the address's keys)
    "api:get_meeting": "meeting", "api:get_paper": "paper", "api:get_paper_file": "paper",
    "api:get_decision": "decision", "api:get_proposal": "proposal",
}
API_LISTS = ("api:list_meetings", "api:list_papers", "api:list_decisions", "api:list_proposals")


@pytest.fixture(scope="module")
def api_clients(other_group, django_db_blocker):
    """A client per standing carrying that person's own API token (none for anonymous)."""
    from django.test import Client

    from api.operations import create_token
    from conftest import DEMO
    from members.models import User

    result = {"anonymous": Client()}
    with django_db_blocker.unblock():
        for standing in (*STANDINGS[1:], THEIRS):
            user = (other_group["theirs"] if standing == THEIRS
                    else User.objects.get(email=DEMO[standing]))
            __, secret = create_token(user, "Other group checks")
            result[standing] = Client(headers={"Authorization": f"Bearer {secret}"})
    return result


def _api_url(name: str, item) -> str:
    key = name.removeprefix("api:get_").removesuffix("_file") + "_id"
    kwargs = {key: item.pk}
    if name == "api:get_paper_file":
        kwargs["file_id"] = item.files.get().pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.access_matrix
@pytest.mark.parametrize(("name", "standing", "level"), [
    (name, standing, level) for name in API_DETAILS for standing in (*STANDINGS, THEIRS)
    for level in LEVELS])
def test_api_item_of_another_group(api_clients, other_group, name, standing, level):
    url = _api_url(name, other_group["items"][API_DETAILS[name], level])
    response = api_clients[standing].get(url)
    assert response.status_code == _expected_item(standing, level), (url, standing)


@pytest.mark.access_matrix
@pytest.mark.parametrize(("name", "standing"), [
    (name, standing) for name in API_LISTS for standing in (*STANDINGS, THEIRS)])
def test_api_list_of_another_group(api_clients, other_group, name, standing):
    """The group's list holds none of its items above public for ICT's standings, and every
    one of them for its own representative (named on the restricted ones)."""
    kind = name.removeprefix("api:list_").removesuffix("s")
    response = api_clients[standing].get(reverse(name), {"group": OTHER, "limit": 100})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    ours = {other_group["items"][kind, level].pk for level in LEVELS}
    assert ids & ours == (ours if standing == THEIRS else set()), standing



# --- Lists, searches, feeds and downloads: the Gender group's items appear on none of them ---

def _list_pages():
    """Every page of ROUTES that is not about one item (lists, searches, feeds, calendars,
    dashboards, forms; each on its ICT sample), and the CSV download of each list."""
    for name, rule in ROUTES.items():
        if isinstance(rule, Rule) and (rule.sample is None or rule.sample not in OTHER_KWARGS):
            yield name


LIST_STANDINGS = ("member", "secretariat")  # ICT's broadest reader and a member's own paths


def _other_traces(data) -> list[str]:
    """What of the Gender group's would show on a page: its items' titles (all start with
    "[other "), and links to the history of its records. (Not its representative's name:
    people are a directory shared by every group, offered in every form that names people.)"""
    traces = ["[other "]
    for letter in data["items"]["nomination_round"].letters.all():
        traces.append(reverse("history:object", kwargs={"label": "members.nominationletter",
                                                        "pk": letter.pk}))
    traces.append(reverse("history:object", kwargs={"label": "members.nominationround",
                                                    "pk": data["items"]["nomination_round"].pk}))
    return traces


@pytest.mark.access_matrix
@pytest.mark.parametrize(("name", "standing"), [
    (name, standing) for name in _list_pages() for standing in LIST_STANDINGS
    if standing in ROUTES[name].audience])  # (the others get 404 or the login page)
def test_list_shows_nothing_of_another_group(clients, other_group, name, standing, settings,
                                             tmp_path):
    from talanoa.tests.test_url_access import _sample_kwargs

    settings.MEDIA_ROOT = tmp_path
    url = reverse(name, kwargs=_sample_kwargs(ROUTES[name].sample))
    response = clients[standing].get(url, {"q": "other"} if name == "portal:search" else {})
    if response.status_code != 200 or response.streaming:
        return
    pages = [response.content.decode(errors="replace")]
    if "format=csv" in pages[0]:
        download = clients[standing].get(url, {"format": "csv"})
        assert download.status_code == 200
        pages.append(download.content.decode(errors="replace"))
    found = [trace for trace in _other_traces(other_group) for page in pages if trace in page]
    assert not found, (url, standing, found)


def test_lists_show_the_other_group_to_its_own_representative(clients, other_group):
    """The traces looked for above are there for Gender's representative (the check can fail)."""
    for name in ("portal:posts", "papers:in_progress", "tasks:tasks"):
        page = clients[THEIRS].get(reverse(name)).content.decode()
        assert "[other members]" in page, name


@pytest.mark.access_matrix
@pytest.mark.parametrize("standing", ["chair", "secretariat"])
def test_the_audit_log_does_not_name_another_groups_items(clients, other_group, standing):
    """Gender's representative downloads Gender's restricted files: the audit log (every
    group's editors read it) records it, and shows ICT's editors who and when, never which
    item (its title, its file) nor a link to its history."""
    items = other_group["items"]
    paper, post = items["paper", Level.RESTRICTED], items["post", Level.RESTRICTED]
    for url in (reverse("papers:file", kwargs={"pk": paper.pk, "file_pk": paper.files.get().pk}),
                reverse("portal:post_file", kwargs={"pk": post.pk})):
        response = clients[THEIRS].get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
    page = clients[standing].get(reverse("audit:events")).content.decode()
    assert "gender.rep@example.org" in page  # the downloads are there
    for trace in (*_other_traces(other_group), "other.pdf", "other.txt",
                  reverse("history:object", kwargs={"label": "papers.paper", "pk": paper.pk})):
        assert trace not in page, trace
