"""The anonymous page cache: hits, invalidation by every kind of change, and never a page that
belongs to someone else."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.models import Post
from talanoa import pagecache
from talanoa.access import SESSION_GRANTS_KEY

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_SECONDS = 60


def _public_post() -> Post:
    return Post.objects.filter(level=Post.Level.PUBLIC, archived_at__isnull=True).first()


def test_a_second_anonymous_reader_gets_the_kept_page_without_a_query(
        client, django_assert_num_queries):
    first = client.get("/posts/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get("/posts/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content.split(b"csrfmiddlewaretoken")[0] == first.content.split(
        b"csrfmiddlewaretoken")[0]
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second and "X-Frame-Options" in second


def test_each_reader_gets_a_csrf_token_of_their_own_that_works():
    Client().get("/posts/")
    reader = Client(enforce_csrf_checks=True)
    page = reader.get("/posts/")
    assert page["X-Page-Cache"] == "hit"
    token = TOKEN.search(page.content.decode()).group(1)
    assert "talanoa-csrf" not in page.content.decode()
    assert "Cookie" in page["Vary"]
    answer = reader.post(reverse("set_language"), {"language": "fr", "next": "/posts/",
                                                   "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    french = reader.get("/posts/")
    assert french["Content-Language"] == "fr"


def test_a_post_made_members_only_leaves_the_public_pages_at_once():
    post = _public_post()
    assert post.title_en in Client().get("/posts/").content.decode()
    assert Client().get(post.get_absolute_url()).status_code == 200
    post.level = Post.Level.MEMBERS
    post.save()
    listing = Client().get("/posts/")
    assert listing["X-Page-Cache"] == "miss"
    assert post.title_en not in listing.content.decode()
    assert Client().get(post.get_absolute_url()).status_code == 404


def test_any_state_changing_request_renews_the_pages(client):
    Client().get("/posts/")
    before = pagecache.generation()
    # Even a request that changes nothing the signals see (a queryset update in a view would
    # not send them) ends the kept pages.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert pagecache.generation() > before
    assert Client().get("/posts/")["X-Page-Cache"] == "miss"


def test_a_refused_request_leaves_the_pages_kept():
    # Otherwise anyone could empty the cache for every reader with requests that do nothing.
    Client().get("/posts/")
    before = pagecache.generation()
    refused = Client(enforce_csrf_checks=True).post(reverse("set_language"), {"language": "en"})
    assert refused.status_code == 403
    assert Client().post("/no-such-page/").status_code == 404
    assert pagecache.generation() == before
    assert Client().get("/posts/")["X-Page-Cache"] == "hit"


def test_a_finished_background_task_renews_the_pages(run_worker):
    from talanoa.tasks import schedule_heartbeat

    Client().get("/posts/")
    before = pagecache.generation()
    schedule_heartbeat()
    generation_after_queueing = pagecache.generation()  # queueing saved a task result only
    assert generation_after_queueing == before
    run_worker()
    assert pagecache.generation() > before


def test_signed_in_readers_and_invited_sessions_never_use_it(client_for):
    Client().get("/posts/")
    member = client_for("member")
    response = member.get("/posts/")
    assert "X-Page-Cache" not in response
    assert b"[members]" in response.content  # their own page, not the public one

    invited = Client()
    session = invited.session
    session[SESSION_GRANTS_KEY] = [[1, 1]]
    session.save()
    invited.cookies["sessionid"] = session.session_key
    assert "X-Page-Cache" not in invited.get("/posts/")


def test_private_answers_errors_and_the_api_are_never_kept():
    for path in ("/posts/?format=csv", "/posts/999999/", "/api/groups", "/healthz"):
        Client().get(path)
        assert "X-Page-Cache" not in Client().get(path), path


def test_language_and_time_zone_are_part_of_the_key():
    Client().get("/calendar/upcoming/")
    other_zone = Client()
    other_zone.cookies["tz"] = "Pacific/Rarotonga"
    assert other_zone.get("/calendar/upcoming/")["X-Page-Cache"] == "miss"
    assert other_zone.get("/calendar/upcoming/")["X-Page-Cache"] == "hit"
    french = Client(HTTP_ACCEPT_LANGUAGE="fr")
    response = french.get("/calendar/upcoming/")
    assert response["X-Page-Cache"] == "miss" and response["Content-Language"] == "fr"


def test_an_emptied_cache_starts_a_new_generation():
    Client().get("/posts/")
    cache.clear()
    assert Client().get("/posts/")["X-Page-Cache"] == "miss"
    pagecache.bump()  # with no counter: starts one instead of failing
    assert pagecache.generation() > 0


def test_off_by_default_without_a_shared_cache(settings):
    settings.PAGE_CACHE = False
    Client().get("/posts/")
    assert "X-Page-Cache" not in Client().get("/posts/")


def test_every_bookkeeping_model_named_exists():
    from django.apps import apps

    for label in pagecache._BOOKKEEPING:
        assert apps.get_model(label), label


def test_a_signed_in_viewer_is_kept_and_renewed_when_a_standing_changes(people,
                                                                          django_assert_num_queries):
    from members.models import Representative
    from talanoa.access import viewer_for

    member = people["member"]

    def viewer_of_a_request():
        request = RequestFactory().get("/")
        request.user = member
        request.session = {}
        return viewer_for(request)

    first = viewer_of_a_request()
    assert first.member_groups
    with django_assert_num_queries(0):
        assert viewer_of_a_request() == first
    for representative in Representative.objects.filter(person=member.person):
        representative.ended_on = datetime.date.today()
        representative.save()
    renewed = viewer_of_a_request()
    assert renewed != first and not renewed.member_groups


def test_the_host_is_part_of_the_key(settings):
    """A page names its own address (robots.txt its sitemap): one host's answer is never
    another's."""
    settings.ALLOWED_HOSTS = ["portal.example", "other.example"]
    first = Client(HTTP_HOST="portal.example").get("/robots.txt")
    assert first["X-Page-Cache"] == "miss" and b"portal.example" in first.content
    other = Client(HTTP_HOST="other.example").get("/robots.txt")
    assert other["X-Page-Cache"] == "miss" and b"other.example" in other.content
    assert b"portal.example" not in other.content


def test_sign_in_and_password_pages_are_never_kept(people):
    """A password-reset link's page depends on the reader's session (allauth keeps the token
    there): one reader's "bad token" answer must never be served to the person the link is
    for. No page under /accounts/ is kept."""
    from django.utils.http import int_to_base36

    uid = int_to_base36(people["member"].pk)
    for path in (reverse("account_login"), reverse("account_reset_password"),
                 f"/accounts/password/reset/key/{uid}-set-password/"):
        Client().get(path)
        assert "X-Page-Cache" not in Client().get(path), path
