"""Send brief (G4): each mission contact gets the link and the PDF once; the log says when."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from papers.models import BriefDelivery, MissionContact, MissionList, Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts():
    new_york = MissionList.objects.get(slug="un-new-york")
    geneva = MissionList.objects.get(slug="un-geneva")
    MissionContact.objects.create(mission_list=new_york, name="Ambassador of Tuvalu",
                                  mission="Permanent Mission of Tuvalu", email="tv@example.org")
    MissionContact.objects.create(mission_list=new_york, name="Counsellor of Vanuatu",
                                  mission="Permanent Mission of Vanuatu", email="vu@example.org",
                                  language="fr")
    # The same person on two lists is sent the brief once.
    MissionContact.objects.create(mission_list=geneva, name="Ambassador of Tuvalu",
                                  mission="Permanent Mission of Tuvalu", email="TV@example.org")
    gone = MissionContact.objects.create(mission_list=geneva, name="Former attaché",
                                         mission="Old", email="old@example.org")
    gone.archived_at = timezone.now()
    gone.save()
    return [new_york, geneva]


def _published(make_paper):
    paper = make_paper("public", title="Brief on e-commerce for the UN Ocean Conference")
    Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.PUBLISHED,
                                             published_at=timezone.now())
    paper.refresh_from_db()
    return paper


def test_send_brief_emails_the_link_and_pdf_once_each_and_logs_it(
        client_for, make_paper, contacts, django_capture_on_commit_callbacks, run_worker):
    paper = _published(make_paper)
    client = client_for("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("papers:send_brief", args=[paper.pk]),
                               {"lists": [c.pk for c in contacts]})
    assert response.status_code == 302
    assert BriefDelivery.objects.filter(paper=paper, sent_at__isnull=True).count() == 2
    run_worker()
    assert sorted(m.to[0].lower() for m in mail.outbox) == ["tv@example.org", "vu@example.org"]
    for message in mail.outbox:
        assert paper.get_absolute_url() in message.body
        (_name, content, mimetype) = message.attachments[0]
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    french = next(m for m in mail.outbox if m.to == ["vu@example.org"])
    assert french.subject.startswith("Note d'orientation")  # the contact's language
    assert "partage avec vous" in french.body
    assert not BriefDelivery.objects.filter(paper=paper, sent_at__isnull=True).exists()
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "Sent to" in page and "tv@example.org" in page.lower()
    run_worker()  # nothing is sent twice
    assert len(mail.outbox) == 2


def test_only_a_published_public_paper_is_sent(client_for, make_paper, contacts):
    paper = make_paper("public")
    client_for("secretariat").post(reverse("papers:send_brief", args=[paper.pk]),
                                   {"lists": [contacts[0].pk]})
    assert not BriefDelivery.objects.exists()


def test_members_cannot_send(client_for, make_paper, contacts):
    paper = _published(make_paper)
    response = client_for("member").post(reverse("papers:send_brief", args=[paper.pk]),
                                         {"lists": [contacts[0].pk]})
    assert response.status_code == 403 and not BriefDelivery.objects.exists()
