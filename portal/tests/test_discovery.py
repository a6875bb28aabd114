"""Feeds and discovery (issue 9): the Atom feeds, sitemap.xml, robots.txt and link previews.

Every check runs on the demo data with an item at each dissemination level ("[public] …",
"[members] …", …), made comparable first: every demo post is news, every demo paper published,
and an archived public item of each kind is added. Whatever a feed or the sitemap shows must be
exactly what the policy lets an anonymous reader see.
"""

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bench.synthetic import TEST_GROWTH, grow
from decisions.models import Decision
from meetings.models import Meeting, new_uid
from papers.models import Paper
from portal import discovery
from portal.models import Post
from reports.models import Report
from reports.tests.samples import sample_report
from talanoa.access import LEVEL_AUDIENCE, Level

pytestmark = pytest.mark.django_db
HIDDEN_LEVELS = [level for level in Level.values if "anonymous" not in LEVEL_AUDIENCE[level]]
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ARCHIVED = "[archived public]"


@pytest.fixture
def world(group):
    """The demo items made comparable across levels, plus archived public ones."""
    Post.objects.filter(title_en__regex=r"^\[").update(kind=Post.Kind.NEWS)
    Paper.objects.filter(title_en__regex=r"^\[").update(status=Paper.Status.PUBLISHED,
                                                        published_at=timezone.now())
    for level in Level.values:
        sample_report(level)
    now = timezone.now()
    archived = {
        "post": Post.objects.create(group=group, level=Level.PUBLIC, kind=Post.Kind.NEWS,
                                    title_en=f"{ARCHIVED} news", archived_at=now),
    }
    for key, model in (("paper", Paper), ("meeting", Meeting), ("decision", Decision)):
        item = model.objects.get(title_en__startswith="[public]")
        item.pk, item.title_en, item.archived_at = None, f"{ARCHIVED} {key}", now
        if model is Meeting:
            item.uid = new_uid()
        item.save()
        archived[key] = item
    return archived


def _hidden_titles() -> list[str]:
    return [*(f"[{level}]" for level in HIDDEN_LEVELS), ARCHIVED]


def _items(model, **filters) -> dict[str, list]:
    """The demo items of a model by level ("[level] …")."""
    return {level: list(model.objects.filter(title_en__startswith=f"[{level}]", **filters))
            for level in Level.values}


# --- Atom feeds -------------------------------------------------------------------------------

FEEDS = [("portal:feed", Post), ("papers:feed", Paper), ("decisions:feed", Decision)]


@pytest.mark.parametrize(("name", "model"), FEEDS)
@pytest.mark.parametrize("standing", ["anonymous", "secretariat"])
def test_feeds_validate_and_hold_exactly_the_public_items(client_for, world, name, model,
                                                          standing):
    """Built for the anonymous reader whoever asks: a signed-in secretariat gets the same."""
    response = client_for(standing).get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    links = {urlsplit(entry.link).path for entry in parsed.entries}
    public = _items(model)["public"]
    assert links == {item.get_absolute_url() for item in public}
    assert any("[public]" in entry.title for entry in parsed.entries)
    xml = response.content.decode()
    for marker in _hidden_titles():
        assert marker not in xml, (name, marker)


def test_the_news_feed_leaves_out_notices_and_documents(client_for, group):
    Post.objects.create(group=group, level=Level.PUBLIC, kind=Post.Kind.NOTICE,
                        title_en="A public notice, not news")
    Post.objects.create(group=group, level=Level.PUBLIC, kind=Post.Kind.NEWS,
                        title_en="Cable repaired, public news")
    parsed = feedparser.parse(client_for("anonymous").get(reverse("portal:feed")).content)
    titles = [entry.title for entry in parsed.entries]
    assert "Cable repaired, public news" in titles
    assert "A public notice, not news" not in titles


def test_the_news_feed_is_bilingual(client_for, group):
    Post.objects.create(group=group, level=Level.PUBLIC, kind=Post.Kind.NEWS,
                        title_en="Ministers meet", title_fr="Les ministres se réunissent",
                        body_en="In Apia.", body_fr="À Apia.")
    client = client_for("anonymous")
    french = feedparser.parse(client.get(reverse("portal:feed"),
                                         headers={"accept-language": "fr"}).content)
    english = feedparser.parse(client.get(reverse("portal:feed"),
                                          headers={"accept-language": "en"}).content)
    assert "Les ministres se réunissent" in [e.title for e in french.entries]
    assert "Ministers meet" in [e.title for e in english.entries]
    assert 'xml:lang="fr"' in client.get(reverse("portal:feed"),
                                         headers={"accept-language": "fr"}).content.decode()


def test_each_list_page_links_its_feed_in_the_page_and_the_head(client_for):
    client = client_for("anonymous")
    for page, feed in (("portal:posts", "portal:feed"), ("papers:publications", "papers:feed"),
                       ("decisions:decisions", "decisions:feed"), ("portal:home", "portal:feed")):
        html = client.get(reverse(page)).content.decode()
        head, body = html.split("</head>", 1)
        assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="'
                         + re.escape(reverse(feed)) + '"', head), page
        assert f'href="{reverse(feed)}"' in body, page


def test_calendar_feeds_are_linked_everywhere(client_for, group):
    client = client_for("anonymous")
    public_feed = reverse("meetings:public_feed")
    for url in (reverse("portal:home"), reverse("meetings:calendar"),
                reverse("meetings:upcoming"), reverse("meetings:year", args=[2026])):
        head, body = client.get(url).content.decode().split("</head>", 1)
        assert f'type="text/calendar" title="iCal" href="{public_feed}"' in head, url
        assert f'href="{public_feed}"' in body, url
    meeting = Meeting.objects.get(title_en__startswith="[public]")
    ics = reverse("meetings:meeting_ics", args=[meeting.pk])
    head, body = client.get(meeting.get_absolute_url()).content.decode().split("</head>", 1)
    assert f'type="text/calendar" title="iCal" href="{ics}"' in head
    assert f'href="{ics}"' in body
    group_feed = reverse("meetings:group_feed", args=[group.slug])
    head, body = client.get(group.get_absolute_url()).content.decode().split("</head>", 1)
    assert f'href="{group_feed}"' in head and f'href="{group_feed}"' in body
    assert client.get(group_feed).status_code == 200


# --- sitemap.xml ------------------------------------------------------------------------------

def _locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def _sitemap_paths(client) -> list[str]:
    """Every address the sitemap lists, through the index and every page of every section."""
    paths = []
    for section in _locations(client, reverse("portal:sitemap")):
        assert urlsplit(section).path.startswith("/sitemap-")
        paths += [urlsplit(loc).path for loc in _locations(
            client, urlsplit(section).path + (f"?{urlsplit(section).query}"
                                              if urlsplit(section).query else ""))]
    return paths


def test_the_sitemap_lists_only_public_pages_and_every_one_opens(client_for, world):
    anonymous = client_for("anonymous")
    paths = _sitemap_paths(anonymous)
    assert len(paths) == len(set(paths))
    listed = set(paths)
    # Every public item is listed; nothing above the public level, nothing archived.
    for model, filters in ((Post, {}), (Paper, {}), (Meeting, {}), (Decision, {}),
                           (Report, {})):
        by_level = _items(model, **filters)
        assert {i.get_absolute_url() for i in by_level["public"]} <= listed, model
        for level in HIDDEN_LEVELS:
            assert by_level[level], (model, level)  # the check below is not empty
            assert not {i.get_absolute_url() for i in by_level[level]} & listed, (model, level)
    assert not {item.get_absolute_url() for item in world.values()} & listed
    for static in ("/", "/posts/", "/papers/", "/decisions/", "/calendar/", "/directory/",
                   "/governance/", "/indicators/", "/reports/"):
        assert static in listed
    assert "/groups/ict/" in listed and "/directory/gov-fji/" in listed
    assert any(re.fullmatch(r"/indicators/[A-Z]{3}/", p) for p in paths)
    assert any(re.fullmatch(r"/indicators/[A-Z0-9_]+(\.[A-Z0-9_]+)+/", p) for p in paths)
    # Each address opens for an anonymous reader, and shows nothing above the public level.
    for path in paths:
        response = anonymous.get(path)
        assert response.status_code == 200, path
        for marker in (f"[{level}]" for level in HIDDEN_LEVELS):
            assert marker.encode() not in response.content, (path, marker)


def test_the_sitemap_is_the_anonymous_one_whoever_asks(client_for, world):
    assert _sitemap_paths(client_for("secretariat")) == _sitemap_paths(client_for("anonymous"))


def test_sitemap_sections_are_paged(client_for, world, monkeypatch):
    monkeypatch.setattr(discovery.PublicSitemap, "limit", 2)
    client = client_for("anonymous")
    sections = [urlsplit(loc) for loc in _locations(client, reverse("portal:sitemap"))]
    pages = [s for s in sections if s.path == reverse("portal:sitemap_section", args=["pages"])]
    assert len(pages) == -(-len(discovery.PagesSitemap.NAMES) // 2)
    assert {s.query for s in pages} == {"", *(f"p={n}" for n in range(2, len(pages) + 1))}
    paths = _sitemap_paths(client)
    assert {reverse(name) for name in discovery.PagesSitemap.NAMES} <= set(paths)
    assert client.get(reverse("portal:sitemap_section", args=["pages"]) + "?p=99"
                      ).status_code == 404
    assert client.get(reverse("portal:sitemap_section", args=["nothing"])).status_code == 404


def _queries(client, url: str) -> int:
    from django.db import connection

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_sitemap_queries_stay_constant_as_data_grows(client_for, people):
    client = client_for("anonymous")
    urls = [reverse("portal:sitemap"), reverse("portal:feed")] + [
        reverse("portal:sitemap_section", args=[section]) for section in discovery.SITEMAPS]
    before = {url: _queries(client, url) for url in urls}
    grow(TEST_GROWTH, representing=[people["member"].person])
    assert {url: _queries(client, url) for url in urls} == before
    assert before[reverse("portal:sitemap_section", args=["posts"])] <= 2


# --- robots.txt -------------------------------------------------------------------------------

def test_robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    rules = {line for line in text.splitlines() if line.startswith(("Allow:", "Disallow:"))}
    assert {"Disallow: /accounts/", "Disallow: /me/", "Disallow: /api/",
            "Allow: /api/docs"} <= rules
    # Public pages stay open to robots.
    assert not any(rule in rules for rule in ("Disallow: /", "Disallow: /posts/",
                                              "Disallow: /papers/"))


# --- Open Graph and Twitter card ------------------------------------------------------------

META = re.compile(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)">')


def _meta(html: str) -> dict[str, str]:
    head = html.split("</head>", 1)[0]
    return dict(META.findall(head))


def test_a_public_item_page_previews_with_its_own_title(client_for, settings):
    post = Post.objects.get(title_en__startswith="[public]")
    html = client_for("anonymous").get(post.get_absolute_url()).content.decode()
    meta = _meta(html)
    assert meta["og:title"] == escape(post.title_en)
    assert meta["og:type"] == "article"
    assert meta["og:description"].startswith("The working group reviewed progress")
    assert meta["og:url"] == settings.SITE_URL + post.get_absolute_url()
    assert meta["og:site_name"] == "Talanoa" and meta["twitter:card"] == "summary"
    assert meta["og:locale"] == "en_GB" and meta["og:locale:alternate"] == "fr_FR"


@pytest.mark.parametrize("model", [Paper, Meeting, Decision])
def test_other_item_pages_preview_with_their_titles(client_for, model):
    item = model.objects.get(title_en__startswith="[public]")
    if model is Paper:
        item.summary_en = 'Broadband "for all" **now** & `<b>`'
        item.save()
    meta = _meta(client_for("anonymous").get(item.get_absolute_url()).content.decode())
    assert meta["og:title"] == escape(item.title_en)
    if model is Paper:
        assert meta["og:description"] == escape('Broadband "for all" now & <b>')


def test_an_item_without_text_previews_with_the_default_description(client_for, group):
    post = Post.objects.create(group=group, level=Level.PUBLIC, title_en="Title only")
    meta = _meta(client_for("anonymous").get(post.get_absolute_url()).content.decode())
    assert meta["og:title"] == "Title only"
    assert meta["og:description"] == "Talanoa — portal of the CROP working groups."


def test_previews_are_in_the_readers_language(client_for):
    post = Post.objects.get(title_en__startswith="[public]")
    response = client_for("anonymous").get(post.get_absolute_url(),
                                           headers={"accept-language": "fr"})
    meta = _meta(response.content.decode())
    assert meta["og:title"] == escape(post.title_fr)
    assert meta["og:locale"] == "fr_FR" and meta["og:locale:alternate"] == "en_GB"


def test_a_members_item_previews_only_for_those_who_see_it(client_for):
    post = Post.objects.get(title_en__startswith="[members]")
    assert client_for("anonymous").get(post.get_absolute_url()).status_code == 404
    meta = _meta(client_for("member").get(post.get_absolute_url()).content.decode())
    assert meta["og:title"] == escape(post.title_en)


def test_the_home_page_previews_with_the_defaults(client_for, settings):
    html = client_for("anonymous").get(reverse("portal:home")).content.decode()
    meta = _meta(html)
    assert meta["og:title"] == "Talanoa" and meta["og:type"] == "website"
    assert meta["og:description"] == "Talanoa — portal of the CROP working groups."
    assert meta["og:url"] == settings.SITE_URL + "/"
    assert "[public]" not in "".join(meta.values())


def test_indicator_pages_preview_with_their_names(client_for):
    from indicators.tests.samples import indicators_sample

    url = reverse("indicators:indicator", kwargs=indicators_sample("indicators_indicator"))
    response = client_for("anonymous").get(url)
    assert response.status_code == 200
    meta = _meta(response.content.decode())
    assert meta["og:title"] != "Talanoa" and meta["og:title"] in response.content.decode(
        ).split("<title>", 1)[1]
