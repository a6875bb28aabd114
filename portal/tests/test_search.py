"""The one search: full text over every registered kind, ranked, with escaped highlighted excerpts,
and the access policy applied before anything is ranked or counted (on SQLite and PostgreSQL)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bench.synthetic import TEST_GROWTH, grow
from meetings.models import Meeting
from members.models import Organisation
from portal import operations, search
from portal.models import Post, SearchEntry
from talanoa.access import LEVEL_AUDIENCE, STANDINGS, build_viewer
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _find(people, standing: str, query: str, **kwargs) -> search.Results:
    viewer = build_viewer(None if standing == "anonymous" else people[standing])
    return search.search(query, viewer, **kwargs)


def _titles(results: search.Results) -> list[str]:
    return [str(hit.title) for hit in results.hits]


@pytest.fixture
def post(group):
    def make(title: str, body: str = "", level: str = "public", **fields) -> Post:
        return Post.objects.create(group=group, level=level, title_en=title, body_en=body,
                                   **fields)

    return make


# --- Access before counting ------------------------------------------------------------------

@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("level", ["public", "members", "core", "restricted"])
def test_demo_items_are_found_by_their_audience_only(client_for, standing, level):
    content = client_for(standing).get(reverse("portal:search"), {"q": level}).content
    assert (f"[{level}]".encode() in content) is (standing in LEVEL_AUDIENCE[level])


@pytest.mark.parametrize(("level", "finders"), [
    ("members", {"consultative", "observer", "member", "chair", "secretariat"}),
    ("core", {"member", "chair", "secretariat"}),
    # named: the observer (a person) and the member's organisation (Fiji)
    ("restricted", {"observer", "member", "chair", "secretariat"}),
])
@pytest.mark.parametrize("kind", ["post", "meeting"])
def test_a_hidden_item_is_no_title_snippet_count_or_facet(client_for, people, group, post,
                                                          level, finders, kind):
    if kind == "post":
        item = post("Quokkafjord briefing", "The quokkafjord text.", level=level)
    else:
        start = timezone.now() + datetime.timedelta(days=9)
        item = Meeting.objects.create(group=group, level=level, title_en="Quokkafjord call",
                                      description_en="About quokkafjord.", starts_at=start,
                                      ends_at=start + datetime.timedelta(hours=2))
    if level == "restricted":
        item.restricted_people.add(people["observer"].person)
        item.restricted_organisations.add(people["member"].person.organisation)
    post("Quokkafjord public note")  # always found: counts must not include the hidden one
    for standing in STANDINGS:
        results = _find(people, standing, "quokkafjord")
        sees = standing in finders
        assert results.total == (2 if sees else 1), standing
        assert {f.key: f.count for f in results.facets} == (
            {"post": 2} if sees and kind == "post" else
            {"post": 1, "meeting": 1} if sees else {"post": 1}), standing
        content = client_for(standing).get("/search/", {"q": "quokkafjord"}).content.decode()
        assert ("Quokkafjord briefing" in content or "Quokkafjord call" in content) is sees
        assert ("1 result" in content) is not sees
        only_kind = _find(people, standing, "quokkafjord", kind=kind)
        assert only_kind.count == (1 if sees else 0) + (1 if kind == "post" else 0)


def test_archived_items_are_not_found_even_by_editors(people, post):
    item = post("Archived wombatquill note")
    assert _find(people, "secretariat", "wombatquill").total == 1
    operations.archive_post(item)
    for standing in ("anonymous", "member", "secretariat"):
        assert _find(people, standing, "wombatquill").total == 0
    operations.unarchive_post(item)
    assert _find(people, "anonymous", "wombatquill").total == 1


def test_a_meeting_request_is_not_found_until_convened(people, group):
    from meetings import operations as meeting_operations

    start = timezone.now() + datetime.timedelta(days=20)
    requester = people["member"].person
    meeting = Meeting.objects.create(
        group=group, level="restricted", requested_level="public", requested_by=requester,
        status=Meeting.Status.REQUESTED, title_en="Request about platypusgrove",
        starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    meeting.restricted_people.add(requester)
    assert not SearchEntry.objects.filter(object_id=meeting.pk, url=meeting.get_absolute_url())
    for standing in ("member", "chair"):
        assert _find(people, standing, "platypusgrove").total == 0
    meeting.level = "public"
    meeting_operations.convene_meeting(meeting, people["chair"])
    assert _find(people, "anonymous", "platypusgrove").total == 1


def test_organisations_and_groups_are_found_by_everyone(client_for):
    content = client_for("anonymous").get(reverse("portal:search"), {"q": "Tonga"}).content
    assert b"Government of Tonga" in content
    results = search.search("ICT working group", build_viewer(None))
    assert "workinggroup" in {f.key for f in results.facets}


# --- Matching and ranking ----------------------------------------------------------------------

def test_a_title_match_ranks_above_a_text_only_match(people, post):
    post("Notes", "Marsupial " * 30 + "and other words. " * 20)
    post("Marsupial survey", "A short text.")
    post("Other", "One mention of a marsupial among many other words. " * 3)
    assert _titles(_find(people, "anonymous", "marsupial"))[0] == "Marsupial survey"


def test_all_words_must_match_and_phrases_keep_their_order(people, post):
    post("Kelpforest cable plan")
    post("Kelpforest satellite plan")
    post("Plan for the cable of kelpforest")
    assert _find(people, "anonymous", "kelpforest cable").total == 2
    assert _titles(_find(people, "anonymous", '"kelpforest cable"')) == ["Kelpforest cable plan"]


@pytest.mark.parametrize(("stored", "typed"), [
    ("connectivité régionale", "connectivite"),
    ("connectivite regionale", "connectivité"),
    ("Réunion des ministres", "reunion"),
    ("ÉCONOMIE NUMÉRIQUE", "économie numérique"),
])
def test_accents_and_case_do_not_matter(people, post, stored, typed):
    post(f"Kiwiberry {stored}")
    assert _titles(_find(people, "anonymous", f"kiwiberry {typed}")) == [f"Kiwiberry {stored}"]


def test_plain_words_match_in_english_and_french(people, group):
    Post.objects.create(group=group, level="public", title_en="Regional broadband review",
                        title_fr="Examen régional du haut débit",
                        body_en="The ministers met.", body_fr="Les ministres se sont réunis.")
    for query in ("broadband", "review", "examen", "débit", "ministres", "ministers",
                  "reviews"):
        assert _find(people, "anonymous", query).total >= 1, query


def test_a_french_reader_sees_the_french_title(client, group):
    Post.objects.create(group=group, level="public", title_en="Okapi review",
                        title_fr="Examen okapi")
    content = client.get("/search/?q=okapi", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Examen okapi" in content


# --- Excerpts ----------------------------------------------------------------------------------

def test_excerpts_are_escaped_and_matches_marked(client_for, post):
    post('<script>alert("x")</script> Numbat', "Before <b>bold</b> the numbat \ue000 went & came.")
    content = client_for("anonymous").get("/search/", {"q": "numbat"}).content.decode()
    assert "<script>alert" not in content and "&lt;script&gt;" in content
    # Escaped on SQLite; PostgreSQL's ts_headline drops what its parser takes for tags.
    assert "<b>" not in content and "bold" in content
    assert "the <mark>numbat</mark>" in content
    assert "\ue000" not in content
    assert "&amp; came" in content


def test_markdown_syntax_stays_out_of_excerpts(people, post):
    post("Dugong", "# Heading\n\nSome **strong dugong** words and a [link](https://x.example).")
    excerpt = _find(people, "anonymous", "dugong").hits[0].excerpt
    assert "**" not in excerpt and "https://x.example" not in excerpt
    assert "strong <mark>dugong</mark>" in excerpt


@pytest.mark.parametrize("query", [
    '"', "'", "*", "-", "--", "NEAR(a b)", "a NEAR b", "cable OR", "OR", "AND", "NOT", "NOT cable",
    '"unclosed cable', "cable*", "^cable", "title_en:cable", "{title_en}: cable", "(((", ")",
    "cable -satellite", "+cable", "%", "_", "\\", "😀 cable", "a" * 200,
    " ".join(["cable"] * 60), "' OR 1=1 --", "<script>", "\ue000cable\ue001", "ca\u0301ble",
])
def test_no_query_is_a_server_error(client_for, query):
    for standing in ("anonymous", "member"):
        response = client_for(standing).get("/search/", {"q": query[:200]})
        assert response.status_code == 200, query
        response = client_for(standing).get("/search/", {"q": query[:200], "kind": "post",
                                                         "page": "3"})
        assert response.status_code == 200, query


@pytest.mark.parametrize(("params", "status"), [
    ({"q": "cable", "kind": "nonsense"}, 200), ({"q": "cable", "page": "-1"}, 200),
    ({"q": "cable", "page": "99999999999999999999"}, 200), ({"q": "cable", "page": "x"}, 200),
    ({"q": "x" * 500}, 200), ({"q": "cable\x00"}, 200),
])
def test_odd_parameters_are_not_errors(client_for, params, status):
    assert client_for("anonymous").get("/search/", params).status_code == status


def test_it_refuses_an_overlong_query_clearly(client_for):
    response = client_for("anonymous").get(reverse("portal:search"), {"q": "x" * 500})
    assert response.status_code == 200
    assert b"at most 200 characters" in response.content


def test_signs_alone_are_explained(client_for):
    content = client_for("anonymous").get("/search/", {"q": "[*]"}).content
    assert b"Type words to search for" in content


# --- Keeping the index current ----------------------------------------------------------------

def test_the_index_follows_edits_and_deletes(people, post):
    item = post("Echidna plan", "First text.")
    item.title_en = "Bilby plan"
    item.body_en = "Second text."
    item.save()
    assert _find(people, "anonymous", "echidna").total == 0
    assert _find(people, "anonymous", "bilby").total == 1
    assert _find(people, "anonymous", "first").total == 0 or "Bilby plan" not in _titles(
        _find(people, "anonymous", "first"))
    pk = item.pk
    item.delete()
    assert not SearchEntry.objects.filter(object_id=pk, url=f"/posts/{pk}/").exists()
    assert _find(people, "anonymous", "bilby").total == 0


def test_index_object_picks_up_text_that_changed_elsewhere(people, post):
    item = post("Wallaby note")
    Post.objects.filter(pk=item.pk).update(body_en="Now about quollhaven.")  # no signal
    assert _find(people, "anonymous", "quollhaven").total == 0
    item.refresh_from_db()
    search.index_object(item)
    assert _find(people, "anonymous", "quollhaven").total == 1


def test_index_many_indexes_bulk_created_rows(people, group):
    posts = Post.objects.bulk_create([Post(group=group, level="public", title_en=f"Cassowary {n}")
                                      for n in range(30)])
    assert _find(people, "anonymous", "cassowary").total == 0
    assert search.index_many(posts) == 30
    assert _find(people, "anonymous", "cassowary").total == 30


def test_the_rebuild_command_restores_the_index(people, post):
    post("Pademelon report")
    expected = _find(people, "member", "meeting").total
    SearchEntry.objects.all().delete()
    assert _find(people, "anonymous", "pademelon").total == 0
    call_command("rebuild_search_index", verbosity=0)
    assert _find(people, "anonymous", "pademelon").total == 1
    assert _find(people, "member", "meeting").total == expected
    findable = (Post.objects.count() + Organisation.objects.count()
                + Meeting.objects.filter(status__in=Meeting.SCHEDULED).count())
    assert SearchEntry.objects.count() >= findable


def test_unindexed_models_are_indexed_after_migrate(people, post):
    post("Bandicoot review")
    SearchEntry.objects.filter(content_type__model="post").delete()
    search.index_unindexed_models()
    assert _find(people, "anonymous", "bandicoot").total == 1


# --- Paging and cost ---------------------------------------------------------------------------

def test_pages_hold_every_result_once_up_to_the_cap(people, group):
    posts = Post.objects.bulk_create([
        Post(group=group, level="public", title_en=f"Tuatara {n}", body_en="tuatara " * (n % 7))
        for n in range(search.PER_PAGE * search.MAX_PAGES + 5)])
    search.index_many(posts)
    first = _find(people, "anonymous", "tuatara")
    assert first.count == len(posts) and first.pages == search.MAX_PAGES and first.truncated
    seen = []
    for page in range(1, search.MAX_PAGES + 2):
        seen += _titles(_find(people, "anonymous", "tuatara", page=page))
    # the page after the last shows the last page again
    assert len(set(seen)) == search.PER_PAGE * search.MAX_PAGES


def test_facet_and_page_links_keep_the_query(client_for, people, group):
    posts = Post.objects.bulk_create([Post(group=group, level="public", title_en=f"Kakapo {n}")
                                      for n in range(25)])
    search.index_many(posts)
    content = client_for("anonymous").get("/search/", {"q": "kakapo &"}).content.decode()
    assert 'href="?q=kakapo%20%26&amp;kind=post"' in content
    assert 'href="?q=kakapo%20%26&amp;page=2"' in content


@pytest.mark.parametrize("standing", ["anonymous", "member", "secretariat"])
@pytest.mark.parametrize("path", ["/search/?q=cable", "/search/?q=cable&kind=meeting&page=2",
                                  "/search/?q=submarine+cable"])
def test_search_costs_the_same_as_data_grows(client_for, people, standing, path):
    client = client_for(standing)
    before = count_queries(client, path)
    grow(TEST_GROWTH, representing=[people["member"].person])
    assert count_queries(client, path) == before
    assert len(client.get("/search/?q=cable").context["results"].hits) == search.PER_PAGE


def test_a_model_outside_the_policy_must_say_who_finds_it():
    from members.models import Person

    with pytest.raises(TypeError, match="visible="):
        search.register(Person, document=lambda person: None)
    assert Person not in {s.model for s in search.registered()}


def test_every_findable_kind_is_registered():
    from members.models import WorkingGroup

    assert {s.model for s in search.registered()} >= {Post, Meeting, Organisation, WorkingGroup}


# --- Bounded cost: the most recent matches are ranked -------------------------------------------

def test_a_common_word_ranks_the_most_recent_matches_and_says_there_are_more(
        client_for, people, group, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 5)
    posts = Post.objects.bulk_create([Post(group=group, level="public", title_en=f"Wallaby {n}")
                                      for n in range(8)])
    search.index_many(posts)  # entries written in this order: the last five are the newest
    results = _find(people, "anonymous", "wallaby")
    assert results.more and results.total == 5
    assert [f.more for f in results.facets] == [True]
    assert sorted(_titles(results)) == [f"Wallaby {n}" for n in range(3, 8)]
    content = client_for("anonymous").get("/search/", {"q": "wallaby"}).content.decode()
    assert "More than 5 results: the best of the most recent 5 are shown" in content
    assert "All (5+)" in content


def test_below_the_cap_counts_are_exact_and_nothing_says_more(client_for, people, post,
                                                               monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 5)
    for n in range(5):
        post(f"Numbat {n}")
    results = _find(people, "anonymous", "numbat")
    assert not results.more and results.total == 5 and not results.facets[0].more
    assert "More than" not in client_for("anonymous").get(
        "/search/", {"q": "numbat"}).content.decode()


def test_a_chosen_kind_ranks_its_own_most_recent_matches(people, group, post, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 5)
    start = timezone.now() + datetime.timedelta(days=9)
    meeting = Meeting.objects.create(group=group, level="public", title_en="Dingo call",
                                     starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    for n in range(6):  # newer than the meeting: the all-kinds ranking does not reach it
        post(f"Dingo {n}")
    everything = _find(people, "anonymous", "dingo")
    assert everything.more and {f.key for f in everything.facets} == {"post"}
    meetings = _find(people, "anonymous", "dingo", kind="meeting")
    assert meetings.count == 1 and _titles(meetings) == ["Dingo call"]
    assert meetings.hits[0].url == meeting.get_absolute_url()
    assert {f.key: (f.count, f.more) for f in meetings.facets}["meeting"] == (1, False)


def test_a_rebuild_numbers_entries_oldest_first_across_kinds(people, group, post):
    now = timezone.now()
    newest = post("Possum new", published_at=now)
    oldest = post("Possum old", published_at=now - datetime.timedelta(days=900))
    middle = Meeting.objects.create(group=group, level="public", title_en="Possum meeting",
                                    starts_at=now - datetime.timedelta(days=400),
                                    ends_at=now - datetime.timedelta(days=400, hours=-1))
    search.rebuild()
    ids = {SearchEntry.objects.get(url=item.get_absolute_url()).id: item
           for item in (newest, oldest, middle)}
    assert [ids[i] for i in sorted(ids)] == [oldest, middle, newest]
    assert _find(people, "anonymous", "possum").total == 3


def test_the_access_sql_is_reused_per_viewer_but_never_across_viewers(people, post):
    post("Koala members note", level="members")
    post("Koala public note")
    for _ in range(2):  # the second round reads every viewer's SQL from the cache
        assert _find(people, "anonymous", "koala").total == 1
        assert _find(people, "member", "koala").total == 2
        assert _find(people, "outsider", "koala").total == 1
