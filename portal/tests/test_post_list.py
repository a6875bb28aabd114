"""The news list pages by date with "newer / older" cursors: every item once, in order."""

import datetime
import itertools

import pytest
from django.utils import timezone

from portal.models import Post
from portal.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_posts(group):
    """45 public items, some published at the same moment (ties break on the id)."""
    start = timezone.now() - datetime.timedelta(days=400)
    posts = [Post(group=group, level=Post.Level.PUBLIC, title_en=f"Item {n:02d}",
                  published_at=start + datetime.timedelta(days=n // 3)) for n in range(45)]
    return Post.objects.bulk_create(posts)


def _titles(page) -> list[str]:
    return [post.title_en for post in page]


def test_walking_older_then_newer_shows_every_item_once_in_order(client_for, many_posts):
    client = client_for("anonymous")
    expected = [post.title_en for post in Post.objects.filter(level=Post.Level.PUBLIC,
                                                              archived_at__isnull=True)]
    assert len(expected) > 2 * PAGE_SIZE
    seen, pages = [], []
    page = client.get("/posts/").context["page"]
    assert page.newer is None
    while True:
        pages.append(page)
        seen += _titles(page)
        if not page.older:
            break
        response = client.get(f"/posts/?before={page.older}")
        assert response.status_code == 200
        page = response.context["page"]
    assert seen == expected
    # …and back: each "newer" link gives the page that was before it.
    for earlier, later in itertools.pairwise(pages):
        assert _titles(client.get(f"/posts/?after={later.newer}").context["page"]) == \
            _titles(earlier)


def test_links_keep_the_kind_filter(client_for, many_posts):
    Post.objects.filter(title_en__in=["Item 00", "Item 01"]).update(kind=Post.Kind.NOTICE)
    html = client_for("anonymous").get("/posts/?kind=news").content.decode()
    assert "kind=news&amp;before=" in html
    assert "Item 01" not in html and "Item 44" in html


@pytest.mark.parametrize("cursor", ["nonsense", "1.2.3", "99999999999999999999999.1", "", "-5.x"])
def test_a_malformed_cursor_shows_the_first_page(client_for, many_posts, cursor):
    client = client_for("anonymous")
    first = _titles(client.get("/posts/").context["page"])
    response = client.get(f"/posts/?before={cursor}")
    assert response.status_code == 200
    assert _titles(response.context["page"]) == first


def test_paging_does_not_reveal_items_above_the_readers_level(client_for, group, many_posts):
    hidden = Post.objects.create(group=group, level=Post.Level.CORE, title_en="Core only",
                                 published_at=many_posts[20].published_at)
    client = client_for("anonymous")
    page = client.get("/posts/").context["page"]
    titles = _titles(page)
    while page.older:
        page = client.get(f"/posts/?before={page.older}").context["page"]
        titles += _titles(page)
    assert hidden.title_en not in titles
