"""A meeting page costs the same however long its agenda and invitation list."""

import pytest
from django.contrib.contenttypes.models import ContentType

from meetings import operations
from meetings.models import AgendaItem, Invitee, Meeting
from members.models import Organisation, Person
from portal.models import Post
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _lengthen(meeting: Meeting, n: int) -> None:
    post_type = ContentType.objects.get_for_model(Post)
    posts = list(Post.objects.all())
    orgs = list(Organisation.objects.all()[:5])
    start = meeting.agenda.count()
    AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, order=start + i, title_en=f"Item {start + i}",
                   presenter=orgs[i % len(orgs)], minutes_allocated=15,
                   item_type=post_type if i % 2 else None,
                   item_id=posts[i % len(posts)].pk if i % 2 else None)
        for i in range(n)])
    people = Person.objects.bulk_create([
        Person(name=f"Guest {start + i}", email=f"guest{start + i}@example.org",
               organisation=orgs[i % len(orgs)]) for i in range(n)])
    Invitee.objects.bulk_create([Invitee(meeting=meeting, person=p, organisation=p.organisation)
                                 for p in people])


@pytest.mark.parametrize("standing", ["anonymous", "member", "chair"])
def test_a_meeting_page_costs_the_same_with_a_long_agenda(client_for, make_meeting, standing):
    meeting = make_meeting("public")
    operations.invite_group(meeting)
    _lengthen(meeting, 2)
    client = client_for(standing)
    before = count_queries(client, meeting.get_absolute_url())
    _lengthen(meeting, 40)
    operations.postpone_meeting(meeting, None, "Moved")
    assert count_queries(client, meeting.get_absolute_url()) == before


def test_agenda_links_show_only_what_the_reader_may_see(client, client_for, make_meeting):
    meeting = make_meeting("public")
    post_type = ContentType.objects.get_for_model(Post)
    for order, level in enumerate(("public", "members", "core", "restricted")):
        post = Post.objects.get(title_en__startswith=f"[{level}]")
        AgendaItem.objects.create(meeting=meeting, order=order, title_en=f"About {level}",
                                  item_type=post_type, item_id=post.pk)
    anonymous = client.get(meeting.get_absolute_url()).content.decode()
    assert "[public]" in anonymous
    assert all(f"[{level}]" not in anonymous for level in ("members", "core", "restricted"))
    member = client_for("member").get(meeting.get_absolute_url()).content.decode()
    assert "[members]" in member and "[core]" in member and "[restricted]" not in member
    assert "About restricted" in member  # the item itself is on the agenda, its link is not
