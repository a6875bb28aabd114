"""The search index follows a save once its transaction has committed, not inside it (issue 25,
H1): building an entry renders Markdown and gathers files' text, and on SQLite an open write
transaction holds the whole database's write lock. The suite's other tests index at once
(conftest.py's `_search_index_at_once`): these put the deferral back."""

import pytest
from django.db import transaction

from portal import search
from portal.models import Post, SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def after_commit(monkeypatch):
    monkeypatch.setattr(search, "AFTER_COMMIT", True)


def _entry(post: Post) -> SearchEntry | None:
    return SearchEntry.objects.filter(object_id=post.pk, url=post.get_absolute_url()).first()


def test_a_save_is_indexed_once_its_transaction_commits(group,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            post = Post.objects.create(group=group, level="public", title_en="Wallabyreef",
                                       body_en="The **wallabyreef** cable landed.")
            assert _entry(post) is None
        assert _entry(post) is None  # committed, the callback not run yet
    assert len(callbacks) == 1
    entry = _entry(post)
    assert entry is not None and "wallabyreef cable landed" in entry.text


def test_a_save_then_a_delete_in_one_transaction_leave_no_entry(
        group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(group=group, level="public", title_en="Quollharbour")
    pk, url = post.pk, post.get_absolute_url()
    assert SearchEntry.objects.filter(object_id=pk, url=url).exists()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post.title_en = "Quollharbour, renamed"
        post.save()
        post.delete()
    assert not SearchEntry.objects.filter(object_id=pk, url=url).exists()

