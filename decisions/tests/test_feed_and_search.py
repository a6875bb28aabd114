"""The public Atom feed and the one search: public decisions only, for everyone."""

import feedparser
import pytest

from decisions import operations
from portal.search import index_object, search
from talanoa.access import ANONYMOUS, build_viewer

pytestmark = pytest.mark.django_db


def test_the_feed_validates_and_holds_public_live_decisions_only(client, make_decision):
    make_decision("public", title="Leaders back the cable")
    make_decision("members", title="Members-only follow-up")
    archived = make_decision("public", title="Withdrawn decision")
    operations.archive_decision(archived)
    response = client.get("/decisions/feed.atom")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert any("Leaders back the cable" in t for t in titles)
    assert not any("Members-only" in t or "Withdrawn" in t or "[members]" in t for t in titles)
    assert '/decisions/feed.atom' in client.get("/decisions/").text  # linked in the head


def test_search_finds_decisions_the_reader_may_see(make_decision, people):
    decision = make_decision("public", title="Leaders back the Manatua cable")
    make_decision("members", title="Members follow the Manatua landing")
    decision.options.create(title_en="Joint procurement of repair ships")
    index_object(decision)  # operations.reindex() does it on commit
    public = search("Manatua", ANONYMOUS)
    assert [str(hit.title.text) for hit in public.hits] == ["Leaders back the Manatua cable"]
    assert search("procurement repair", ANONYMOUS).count == 1
    member = search("Manatua", build_viewer(people["member"]))
    assert member.count == 2
