import pytest

pytestmark = pytest.mark.django_db


def test_times_show_in_the_readers_zone(client_for, people, group):
    import datetime

    from members.models import Person
    from portal.models import Post

    moment = datetime.datetime(2026, 11, 30, 20, 0, tzinfo=datetime.UTC)
    post = Post.objects.create(group=group, title_en="Date line", level="public",
                               published_at=moment)
    Person.objects.filter(user=people["member"]).update(time_zone="Pacific/Apia")
    Person.objects.filter(user=people["observer"]).update(time_zone="Pacific/Rarotonga")
    # 20:00 UTC on 30 November is 1 December in Apia (UTC+13) and 30 November in Rarotonga.
    assert b"1 December 2026" in client_for("member").get(post.get_absolute_url()).content
    assert b"30 November 2026" in client_for("observer").get(post.get_absolute_url()).content


@pytest.mark.parametrize("cookie", ["A" * 5000, "Pacific/" + "x" * 300, "../../etc/passwd",
                                    "Pacific/Fiji\x00", "Mars/Olympus_Mons"])
def test_a_zone_cookie_that_names_no_zone_is_ignored(client, cookie):
    """The browser's zone comes from a cookie anyone can set: anything that is not a zone's name
    shows the page in the secretariat's zone, never an error."""
    client.cookies["tz"] = cookie
    assert client.get("/calendar/upcoming/").status_code == 200
    assert client.get("/").status_code == 200
