"""The secretariat keeps organisations, people, groups and memberships up to date."""

import pytest
from django.urls import reverse

from members.models import Membership, Organisation, Person, WorkingGroup
from talanoa.access import build_viewer

pytestmark = pytest.mark.django_db


def _org_form(org: Organisation, **changes) -> dict:
    data = {"acronym": org.acronym, "name_en": org.name_en, "name_fr": org.name_fr,
            "kind": org.kind, "language": org.language, "expected_version": org.version}
    return data | changes


def test_it_edits_an_organisation_with_history(client_for):
    org = Organisation.objects.get(slug="pita")
    response = client_for("secretariat").post(
        reverse("members:organisation_edit", args=[org.slug]),
        _org_form(org, head_name="Ms Aiko Tanaka", head_title="Chief Executive"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.head_name == "Ms Aiko Tanaka" and org.version == 2
    assert org.history.first().history_user.email == "secretariat@demo.talanoa.test"


def test_concurrent_organisation_edits_conflict(client_for):
    org = Organisation.objects.get(slug="pita")
    stale = _org_form(org, head_name="From the chair")
    client_for("secretariat").post(reverse("members:organisation_edit", args=[org.slug]),
                                   _org_form(org, head_name="From the secretariat"))
    response = client_for("chair").post(reverse("members:organisation_edit", args=[org.slug]),
                                        stale)
    assert response.status_code == 409
    assert b"From the secretariat" in response.content and b"From the chair" in response.content
    org.refresh_from_db()
    assert org.head_name == "From the secretariat"


def test_it_creates_an_organisation(client_for):
    response = client_for("chair").post(reverse("members:organisation_new"), {
        "slug": "opt-nc", "acronym": "OPT", "name_en": "OPT New Caledonia",
        "name_fr": "Office des postes et télécommunications", "kind": "private",
        "language": "fr"})
    assert response.status_code == 302
    assert Organisation.objects.get(slug="opt-nc").language == "fr"


def test_bad_person_input_changes_nothing(client_for):
    person = Person.objects.get(email="litia.naivalu@example.org")
    response = client_for("secretariat").post(reverse("members:person_edit", args=[person.pk]), {
        "name": "Litia N.", "email": "member@demo.talanoa.test", "language": "en",
        "time_zone": "Mars/Olympus", "expected_version": person.version})
    assert response.status_code == 400
    assert b"Unknown time zone" in response.content
    assert b"Another person already has this email address" in response.content
    person.refresh_from_db()
    assert person.name == "Litia Naivalu"


def test_it_creates_a_taskforce_that_reports_to_the_group(client_for, group, people):
    response = client_for("chair").post(reverse("members:subgroup_new", args=[group.slug]), {
        "slug": "cyber-tf", "kind": "taskforce", "acronym": "Cyber TF",
        "name_en": "Cybersecurity Taskforce", "name_fr": "Groupe spécial cybersécurité",
        "expected_version": ""})
    assert response.status_code == 302
    taskforce = WorkingGroup.objects.get(slug="cyber-tf")
    assert taskforce.parent == group
    # Members of the parent see the taskforce's members-level items; its chair edits them.
    assert taskforce.pk in build_viewer(people["observer"]).member_groups
    assert taskforce.pk in build_viewer(people["chair"]).editor_groups


def test_a_taskforce_cannot_claim_to_be_a_working_group(client_for, group):
    response = client_for("chair").post(reverse("members:subgroup_new", args=[group.slug]), {
        "slug": "bogus", "kind": "working_group", "name_en": "Bogus"})
    assert response.status_code == 400
    assert not WorkingGroup.objects.filter(slug="bogus").exists()


def test_ending_a_membership_ends_access(client_for, group, people):
    membership = Membership.objects.get(group=group, organisation__slug="jica")
    assert group.pk in build_viewer(people["observer"]).member_groups
    response = client_for("secretariat").post(reverse("members:membership_end",
                                                      args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end is not None  # kept, with its dates, not deleted
    from django.utils import timezone

    Membership.objects.filter(pk=membership.pk).update(
        end=timezone.localdate() - timezone.timedelta(days=1))
    assert group.pk not in build_viewer(people["observer"]).member_groups


def test_it_adds_a_membership_once(client_for, group):
    org = Organisation.objects.create(slug="digicel", name_en="Digicel Pacific", kind="private")
    url = reverse("members:membership_new", args=[group.slug])
    data = {"organisation": org.pk, "kind": "observer", "start": "2026-11-01"}
    assert client_for("secretariat").post(url, data).status_code == 302
    again = client_for("secretariat").post(url, data)
    assert again.status_code == 400 and b"already has a standing" in again.content
    assert Membership.objects.filter(group=group, organisation=org).count() == 1


@pytest.mark.parametrize("standing", ["member", "observer"])
def test_members_cannot_edit_records(client_for, group, standing):
    org = Organisation.objects.get(slug="pita")
    response = client_for(standing).post(reverse("members:organisation_edit", args=[org.slug]),
                                         _org_form(org, name_en="Hijacked"))
    assert response.status_code == 404
    response = client_for(standing).post(reverse("members:group_edit", args=[group.slug]),
                                         {"name_en": "Hijacked", "expected_version": 1})
    assert response.status_code == 403
    org.refresh_from_db()
    group.refresh_from_db()
    assert org.name_en != "Hijacked" and group.name_en != "Hijacked"


@pytest.mark.parametrize("standing", ["secretariat", "chair", "member", "observer", "anonymous"])
def test_only_editors_see_the_organisation_edit_and_history_links(client_for, standing):
    org = Organisation.objects.get(slug="pita")
    response = client_for(standing).get(org.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    edit = reverse("members:organisation_edit", args=[org.slug])
    history = reverse("history:object", args=["members.organisation", org.pk])
    editor = standing in ("secretariat", "chair")
    assert (f'<a class="button" href="{edit}">Edit</a>' in html) is editor
    assert (f'href="{history}"' in html) is editor
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "href" not in title and "Edit" not in title
