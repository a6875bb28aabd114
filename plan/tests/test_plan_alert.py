"""The late-milestone alert: once per due date, to the focal person (or the lead organisation's
representatives) and the secretariat, each in their language, only to who may see it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from plan.health import Health
from plan.models import PlanItem
from plan.tasks import alert_late_milestones

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _about(item) -> list:
    return [m for m in mail.outbox if item.title_en in m.subject]


def test_a_late_milestone_makes_its_initiative_late_and_alerts_owner_and_secretariat(
        client_for, people, initiative):
    milestone = PlanItem.objects.get(title_en="A second cable route for each country served "
                                              "by one cable")
    secretariat = client_for("secretariat")
    page = secretariat.get(reverse("plan:plan")).context["rows"]
    assert next(n for n in page if n.item == initiative).health != Health.LATE
    milestone.due_on = YESTERDAY
    milestone.owner_person = people["member"].person
    milestone.save()

    rows = secretariat.get(reverse("plan:plan")).context["rows"]
    assert next(n for n in rows if n.item == initiative).health == Health.LATE
    response = secretariat.get(initiative.get_absolute_url())
    assert response.context["node"].health == Health.LATE
    assert [m.item for m in response.context["node"].late] == [milestone]

    alert_late_milestones()
    sent = _about(milestone)
    assert sorted(m.to[0] for m in sent) == ["member@demo.talanoa.test",
                                             "secretariat@demo.talanoa.test"]
    assert all(milestone.get_absolute_url() in m.body for m in sent)
    assert "Regional ICT Initiative" in sent[0].body  # names the initiative, now late
    milestone.refresh_from_db()
    assert milestone.late_alert_sent_for == YESTERDAY

    before = len(mail.outbox)
    assert alert_late_milestones() == 0
    assert len(mail.outbox) == before


def test_moving_the_due_date_rearms_the_alert(people, initiative):
    milestone = PlanItem.objects.get(title_en="Model framework for spectrum management")
    milestone.due_on = YESTERDAY
    milestone.save()
    alert_late_milestones()
    first = len(_about(milestone))
    assert first >= 1
    milestone.refresh_from_db()
    milestone.due_on = YESTERDAY - datetime.timedelta(days=3)  # a new date, also past
    milestone.save()
    alert_late_milestones()
    assert len(_about(milestone)) == 2 * first


def test_without_a_focal_person_the_lead_organisation_is_told_in_its_language(make_item):
    from members.models import Person

    tevita = Person.objects.get(email="tevita.fifita@example.org")  # Tonga's representative
    tevita.language = "fr"
    tevita.save()
    parent = make_item("Tonga plan")
    milestone = make_item("Tonga milestone", kind="milestone", parent=parent, lead="gov-ton",
                          due=-2)
    alert_late_milestones()
    sent = {m.to[0]: m for m in _about(milestone)}
    assert set(sent) == {"tevita.fifita@example.org", "secretariat@demo.talanoa.test"}
    # The date is written in each reader's language (month names are Django's own catalogue).
    with translation.override("fr"):
        french = dateformat.format(milestone.due_on, "j F Y")
    english = dateformat.format(milestone.due_on, "j F Y")
    assert french != english
    assert french in sent["tevita.fifita@example.org"].body
    assert english in sent["secretariat@demo.talanoa.test"].body


def test_who_may_not_see_the_milestone_is_not_told(make_item, people):
    from members.models import Organisation

    parent = make_item("Confidential plan", level="restricted")
    parent.restricted_organisations.add(Organisation.objects.get(slug="spc"))
    milestone = make_item("Confidential milestone", kind="milestone", parent=parent,
                          lead="gov-fji", level="restricted", due=-2,
                          owner_person=people["member"].person)
    milestone.restricted_organisations.add(Organisation.objects.get(slug="spc"))
    alert_late_milestones()
    assert [m.to[0] for m in _about(milestone)] == ["secretariat@demo.talanoa.test"]


def test_done_archived_and_future_milestones_are_not_alerted(make_item):
    parent = make_item("Quiet plan")
    done = make_item("Done milestone", kind="milestone", parent=parent, due=-3,
                     done=YESTERDAY)
    future = make_item("Future milestone", kind="milestone", parent=parent, due=3)
    archived = make_item("Archived milestone", kind="milestone", parent=parent, due=-3,
                         archived_at=timezone.now())
    alert_late_milestones()
    assert not _about(done) and not _about(future) and not _about(archived)


def test_the_task_wrapper_is_a_background_task():
    from plan.tasks import alert_late_milestones_task

    assert alert_late_milestones_task.func is not None
