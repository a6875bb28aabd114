"""The register's pages as people use them: the list and its filters, the decision page,
registering with options, conflicts, and what a reader may not see."""

import pytest
from django.urls import reverse

from decisions.models import Decision, DecisionTransition
from members.models import Body
from papers.models import Paper

pytestmark = pytest.mark.django_db


def _register_post(the_sitting, group, **changes):
    data = {
        "group": group.pk, "level": "public", "sitting": the_sitting.pk,
        "reference": "paragraph 12", "title_en": "Leaders endorse the 2050 digital strategy",
        "title_fr": "", "text_en": "Leaders endorsed the strategy.", "text_fr": "",
        "concerns_ict": "on", "ict_reason": "It is the region's digital strategy.",
        "analysis_en": "## Analysis\n\nAgencies must align.", "analysis_fr": "",
        "advice_en": "Take option 1.", "advice_fr": "", "status": "not_started",
        "review_on": "2027-03-01", "indicator_codes": "IT.NET.USER.ZS",
        "options-TOTAL_FORMS": "2", "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "12",
        "options-0-order": "1", "options-0-title_en": "A joint CROP work plan",
        "options-0-recommended": "on", "options-1-order": "2",
        "options-1-title_en": "Each agency on its own",
    }
    data.update(changes)
    return data


def _paper(level: str) -> Paper:
    return Paper.objects.get(title_en__startswith=f"[{level}]")


def test_the_secretariat_registers_a_decision_with_its_assessment(client_for, group,
                                                                  make_sitting):
    sitting = make_sitting()
    paper = _paper("public")
    data = _register_post(sitting, group,
                          advice_paper_address=f"https://x.example{paper.get_absolute_url()}",
                          paper_addresses=_paper("members").get_absolute_url())
    response = client_for("secretariat").post(reverse("decisions:decision_new"), data)
    decision = Decision.objects.get(title_en="Leaders endorse the 2050 digital strategy")
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert decision.advice_paper == paper
    assert list(decision.papers.all()) == [_paper("members")]
    assert [(o.title_en, o.recommended) for o in decision.options.all()] == [
        ("A joint CROP work plan", True), ("Each agency on its own", False)]
    assert [t.to_status for t in decision.transitions.all()] == ["not_started"]
    assert decision.history.first().history_change_reason == "Registered"
    page = client_for("anonymous").get(decision.get_absolute_url()).content.decode()
    for text in ("Leaders endorsed the strategy.", "the region&#x27;s digital strategy",
                 "Agencies must align", "recommended", paper.title_en, "IT.NET.USER.ZS"):
        assert text in page
    # the members-level paper it concerns is not shown to the public
    assert "[members]" not in page
    assert "[members]" in client_for("member").get(decision.get_absolute_url()).text


@pytest.mark.parametrize("changes", [
    {"options-1-recommended": "on"},                       # two recommended options
    {"advice_paper_address": "/papers/999999/"},           # no such paper
    {"advice_paper_address": "/meetings/1/"},              # not a paper
    {"title_en": ""},                                      # no title at all
    {"sitting": "999999"},
    {"level": "restricted"},                               # restricted, naming nobody
])
def test_bad_input_changes_nothing(client_for, group, make_sitting, changes):
    data = _register_post(make_sitting(), group, **changes)
    response = client_for("secretariat").post(reverse("decisions:decision_new"), data)
    assert response.status_code == 400
    assert not Decision.objects.filter(title_en__startswith="Leaders endorse").exists()
    assert not DecisionTransition.objects.filter(decision__title_en__startswith="Leaders").exists()


def test_an_editor_cannot_link_a_paper_they_may_not_see(client_for, group, make_sitting,
                                                       people):
    from members.models import Organisation, WorkingGroup
    from papers.models import PaperKind

    other = WorkingGroup.objects.exclude(pk=group.pk).exclude(parent=group).first()
    hidden = Paper.objects.create(group=other, level="core", title_en="Another group's paper",
                                  kind=PaperKind.objects.first(),
                                  lead_organisation=Organisation.objects.get(slug="spc"))
    data = _register_post(make_sitting(), group, paper_addresses=hidden.get_absolute_url())
    response = client_for("chair").post(reverse("decisions:decision_new"), data)
    assert response.status_code == 400 and "No paper at this address" in response.text


@pytest.mark.parametrize("standing", ["member", "observer", "outsider"])
def test_only_editors_register_decisions(client_for, group, make_sitting, standing):
    data = _register_post(make_sitting(), group)
    assert client_for(standing).post(reverse("decisions:decision_new"), data).status_code == 404
    assert not Decision.objects.filter(title_en__startswith="Leaders endorse").exists()


def _edit_data(decision, **changes):
    data = _register_post(decision.sitting, decision.group, title_en=decision.title_en,
                          expected_version=decision.version, **{"options-TOTAL_FORMS": "0"})
    data.pop("status")
    data.update(changes)
    return data


def test_the_second_of_two_concurrent_edits_gets_a_conflict_page(client_for, make_decision):
    decision = make_decision("members")
    first, second = client_for("chair"), client_for("secretariat")
    url = reverse("decisions:decision_edit", args=[decision.pk])
    mine = _edit_data(decision, analysis_en="The chair's analysis.")
    theirs = _edit_data(decision, analysis_en="The secretariat's analysis.")
    assert first.post(url, mine).status_code == 302
    response = second.post(url, theirs)
    assert response.status_code == 409
    assert "The chair&#x27;s analysis." in response.text
    decision.refresh_from_db()
    assert decision.analysis_en == "The chair's analysis." and decision.version == 2
    # saving again, deliberately, after seeing theirs
    again = _edit_data(decision, analysis_en="Merged analysis.")
    assert second.post(url, again).status_code == 302
    decision.refresh_from_db()
    assert decision.analysis_en == "Merged analysis." and decision.version == 3


def test_editing_keeps_the_status_out_of_the_form(client_for, make_decision):
    decision = make_decision("members")
    data = _edit_data(decision, status="done")
    url = reverse("decisions:decision_edit", args=[decision.pk])
    assert client_for("secretariat").post(url, data).status_code == 302
    decision.refresh_from_db()
    assert decision.status == "not_started"


@pytest.mark.parametrize(("standing", "code"), [("member", 403), ("observer", 403),
                                                ("outsider", 404), ("anonymous", 302)])
def test_others_cannot_edit(client_for, make_decision, standing, code):
    decision = make_decision("members")
    url = reverse("decisions:decision_edit", args=[decision.pk])
    response = client_for(standing).post(url, _edit_data(decision, title_en="Changed"))
    assert response.status_code == code
    decision.refresh_from_db()
    assert decision.title_en != "Changed"


def test_the_list_shows_what_the_reader_may_see_and_filters(client_for, make_decision,
                                                           make_sitting):
    import datetime

    make_decision("public", title="Public decision on cables")
    make_decision("members", title="Members decision on spectrum")
    ministers = make_sitting(body="ict-ministers", title="ICT Ministers 2023",
                             on=datetime.date(2023, 6, 1))
    make_decision("public", title="Ministers on data", sitting=ministers, concerns_ict=False)
    anonymous = client_for("anonymous").get("/decisions/").text
    assert "Public decision on cables" in anonymous and "Members decision" not in anonymous
    assert "Members decision on spectrum" in client_for("member").get("/decisions/").text
    by_body = client_for("anonymous").get("/decisions/?body=ict-ministers").text
    assert "Ministers on data" in by_body and "Public decision on cables" not in by_body
    by_year = client_for("anonymous").get("/decisions/?year=2023").text
    assert "Ministers on data" in by_year and "cables" not in by_year
    not_ict = client_for("anonymous").get("/decisions/?ict=no").text
    assert "Ministers on data" in not_ict and "cables" not in not_ict
    done = client_for("anonymous").get("/decisions/?status=done").text
    assert "No decision matches." in done
    # unknown values are ignored, never an error page
    assert client_for("anonymous").get("/decisions/?year=abc&body=nope&before=x.y"
                                       ).status_code == 200


def test_the_list_pages_by_a_cursor(client_for, make_decision, make_sitting):
    import datetime

    for i in range(25):
        sitting = make_sitting(title=f"Sitting {i}", on=datetime.date(2020, 1, 1)
                               + datetime.timedelta(days=i))
        make_decision(title=f"Decision number {i:02d}", sitting=sitting)
    client = client_for("anonymous")
    first = client.get("/decisions/?year=2020").context["page"]
    assert len(first["items"]) == 20 and first["older"] and not first["newer"]
    assert first["items"][0].title_en == "Decision number 24"
    response = client.get(f"/decisions/?year=2020&before={first['older']}")
    second = response.context["page"]
    assert [d.title_en for d in second["items"]] == [f"Decision number {i:02d}"
                                                     for i in range(4, -1, -1)]
    assert f"?year=2020&amp;after={second['newer']}" in response.text
    back = client.get(f"/decisions/?year=2020&after={second['newer']}").context["page"]
    assert [d.pk for d in back["items"]] == [d.pk for d in first["items"]]


def test_archived_decisions_leave_the_list_and_the_public(client_for, make_decision, people):
    from decisions import operations

    decision = make_decision("public", title="Soon archived")
    operations.archive_decision(decision)
    assert "Soon archived" not in client_for("anonymous").get("/decisions/").text
    assert client_for("anonymous").get(decision.get_absolute_url()).status_code == 404
    assert client_for("secretariat").get(decision.get_absolute_url()).status_code == 200


def test_the_sitting_page_lists_its_visible_decisions(client_for, make_decision, make_sitting):
    sitting = make_sitting()
    make_decision("public", title="Public one", sitting=sitting)
    make_decision("core", title="Core one", sitting=sitting)
    page = client_for("anonymous").get(sitting.get_absolute_url()).text
    assert "Public one" in page and "Core one" not in page
    assert "Core one" in client_for("member").get(sitting.get_absolute_url()).text
    assert "Core one" not in client_for("observer").get(sitting.get_absolute_url()).text


def test_bodies_can_be_added_from_the_vocabulary_page(client_for):
    page = client_for("secretariat").get(reverse("decisions:sitting_new")).text
    assert reverse("papers:vocabulary") in page
    assert Body.objects.filter(slug="forum-leaders").exists()
