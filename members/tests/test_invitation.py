import re

import pytest
from django.urls import reverse

from members.models import Invitation, Organisation, Person, Representative, User
from portal.models import Post

pytestmark = pytest.mark.django_db(transaction=False)
LINK = re.compile(r"http://\S+/invitation/(\S+)/")


def _token(mail) -> str:
    return LINK.search(mail.body).group(1)


def test_the_secretariat_invites_a_new_person(client_for, mailoutbox,
                                              django_capture_on_commit_callbacks):
    tonga = Organisation.objects.get(slug="gov-ton")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("secretariat").post(reverse("members:invite"), {
            "name": "Sela Havili", "email": "Sela@Example.to", "organisation": tonga.pk,
            "language": "en", "message": "Welcome aboard."})
    assert response.status_code == 302
    person = Person.objects.get(email="sela@example.to")
    assert person.organisation == tonga and person.user is None
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sela@example.to"]
    assert "Welcome aboard." in mailoutbox[0].body
    invitation = Invitation.objects.get(person=person)
    assert _token(mailoutbox[0]) not in invitation.token_hash  # only a hash is stored


def test_the_link_sets_a_password_once(client, mailoutbox, django_capture_on_commit_callbacks):
    from members import operations

    person = Person.objects.create(name="Sela Havili", email="sela@example.to")
    with django_capture_on_commit_callbacks(execute=True):
        operations.invite_person(person, None)
    url = reverse("members:invitation", args=[_token(mailoutbox[0])])
    assert client.get(url).status_code == 200
    weak = client.post(url, {"password1": "123", "password2": "123"})
    assert weak.status_code == 400 and not User.objects.filter(email="sela@example.to").exists()
    response = client.post(url, {"password1": "kava-ceremony-2026", "password2":
                                 "kava-ceremony-2026"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.check_password("kava-ceremony-2026")
    assert client.get(url).status_code == 410  # used


def test_a_bogus_or_expired_link_is_refused(client):
    from django.utils import timezone

    from members import operations

    person = Person.objects.create(name="Late", email="late@example.org")
    invitation = operations.invite_person(person, None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert client.get(reverse("members:invitation", args=["nope"])).status_code == 404


def test_an_item_invitation_opens_that_item_only(client, group, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    core = Post.objects.get(title_en__startswith="[core]")
    members_only = Post.objects.get(title_en__startswith="[members]")
    with django_capture_on_commit_callbacks(execute=True):
        from members import operations

        operations.invite_to_item(core, "minister@example.gov.ws", None)
    assert client.get(core.get_absolute_url()).status_code == 404
    response = client.get(reverse("members:invitation", args=[_token(mailoutbox[0])]))
    assert response.status_code == 302 and response["Location"] == core.get_absolute_url()
    assert client.get(core.get_absolute_url()).status_code == 200
    assert client.get(members_only.get_absolute_url()).status_code == 404


def test_editors_share_an_item_by_email(client_for, mailoutbox,
                                        django_capture_on_commit_callbacks):
    post = Post.objects.get(title_en__startswith="[restricted]")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("chair").post(reverse("portal:invite_to_post", args=[post.pk]),
                                            {"email": "adviser@example.org", "language": "fr"})
    assert response.status_code == 302
    assert "partagé" in mailoutbox[0].body or "shared" in mailoutbox[0].body


def test_the_chair_invites_a_consultative_participant(client_for, client, group, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("chair").post(reverse("members:invite_consultative"), {
            "name": "Dr Aiko Tanaka", "email": "aiko@example.jp", "language": "en",
            "group": group.pk})
    assert response.status_code == 302
    url = reverse("members:invitation", args=[_token(mailoutbox[0])])
    assert client.post(url).status_code == 302
    rep = Representative.objects.get(person__email="aiko@example.jp")
    assert rep.status == "confirmed"
    assert rep.organisation.memberships.get(group=group).kind == "consultative"


def test_members_cannot_invite(client_for):
    assert client_for("member").post(reverse("members:invite"), {
        "name": "X", "email": "x@example.org", "language": "en"}).status_code == 404
    assert not Person.objects.filter(email="x@example.org").exists()
