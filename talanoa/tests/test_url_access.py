"""The generated access matrix: every URL pattern × every standing (× every level for items)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from members.models import Organisation, Person
from portal.models import Post
from talanoa.access import LEVEL_AUDIENCE, STANDINGS, Level
from talanoa.tests.access_table import (
    ROUTES,
    ApiEndpoint,
    External,
    ItemRule,
    PostOnly,
    Probe,
    Redirects,
    Rule,
)
from talanoa.tests.module_data import module_transaction, signed_in_clients

ALLAUTH_PREFIXES = ("account_", "mfa_")
pytestmark = pytest.mark.django_db


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            yield from url_names(pattern.url_patterns,
                                 f"{namespace}:{ns}" if namespace and ns else ns or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_pattern_has_an_access_rule():
    missing = [name for name in url_names()
               if name not in ROUTES and not name.startswith(ALLAUTH_PREFIXES)]
    assert not missing, f"URL patterns without a row in access_table.ROUTES: {missing}"


def _post(level: str) -> Post:
    return Post.objects.get(title_en__startswith=f"[{level}]")


def _item(sample: str, level: str):
    if sample.startswith("paper"):
        from papers.models import Paper

        return Paper.objects.get(title_en__startswith=f"[{level}]")
    if sample.startswith("meeting"):
        from meetings.models import Meeting

        return Meeting.objects.get(title_en__startswith=f"[{level}]")
    if sample.startswith("proposal"):
        from decisions.tests.proposal_helpers import sample_proposal

        return sample_proposal(level)
    if sample.startswith("decision"):
        from decisions.models import Decision

        return Decision.objects.get(title_en__startswith=f"[{level}]")
    # --- work: work plan ---
    if sample.startswith("plan"):
        from plan.models import PlanItem

        return PlanItem.objects.filter(title_en__startswith=f"[{level}]").order_by("pk").first()
    # --- end work: work plan ---
    # --- work: engagement ---
    if sample.startswith("forum"):
        from engagement.tests.engagement_samples import sample_forum

        return sample_forum(level)
    # --- end work: engagement ---
    if sample.startswith("report"):
        from reports.tests.samples import sample_report

        return sample_report(level)
    return _post(level)


def _sample_kwargs(sample: str | None) -> dict:
    if sample is None:
        return {}
    if sample == "post_public":
        return {"pk": _post("public").pk}
    if sample == "organisation":
        return {"slug": Organisation.objects.get(slug="gov-fji").slug}
    if sample == "person":
        return {"pk": Person.objects.get(email="litia.naivalu@example.org").pk}
    if sample == "group":
        return {"slug": "ict"}
    if sample == "api_token":
        from api.operations import create_token
        from members.models import User

        token, __ = create_token(User.objects.get(email="member@demo.talanoa.test"), "Sample")
        return {"pk": token.pk}
    if sample == "lockout":  # abuse: an account locked out of signing in
        from axes.models import AccessAttempt
        from django.conf import settings

        return {"pk": AccessAttempt.objects.create(
            username="member@demo.talanoa.test", ip_address="203.0.113.50", user_agent="",
            http_accept="", path_info="/accounts/login/", get_data="", post_data="",
            failures_since_start=settings.AXES_FAILURE_LIMIT).pk}
    if sample == "membership":
        from members.models import Membership

        return {"pk": Membership.objects.get(organisation__slug="pita").pk}
    if sample in ("round", "letter", "letter_document", "representative",
                  "nomination_document"):
        from members.tests.samples import nomination_sample

        return {"pk": nomination_sample(sample).pk}
    if sample == "token":
        return {"token": "not-a-real-token"}
    if sample == "year":
        return {"year": 2026}
    if sample in ("meeting_public", "meeting_members", "meeting_core", "meeting_restricted"):
        return {"pk": _item("meeting", sample.removeprefix("meeting_")).pk}
    if sample == "history_post":
        return {"label": "portal.post", "pk": _post("members").pk}
    if sample == "history_restore":
        post = _post("members")
        return {"label": "portal.post", "pk": post.pk,
                "history_id": post.history.earliest().history_id}
    if sample in ("meeting_public", "meeting_members"):
        return {"pk": _meeting(sample.removeprefix("meeting_")).pk}
    if sample == "meeting_doc_members":
        from meetings.models import MeetingDocument

        meeting = _meeting("members")
        document = MeetingDocument.objects.create(
            meeting=meeting, title="[members] Background paper", size=12,
            file=ContentFile(b"[members] p.", name="background-paper.txt"))
        return {"pk": meeting.pk, "doc_pk": document.pk}
    if sample == "notice":
        return {"kind": "reminder", "language": "fr"}
    if sample in ("paper_public", "paper_members"):
        return {"pk": _item("paper", sample.removeprefix("paper_")).pk}
    if sample == "paper_file_members":
        paper = _item("paper", "members")
        return {"pk": paper.pk, "file_pk": paper.files.get().pk}
    if sample in ("decision_public", "decision_members"):
        return {"pk": _item("decision", sample.removeprefix("decision_")).pk}
    if sample in ("sitting", "sitting_file"):
        from decisions.models import Sitting

        sitting = Sitting.objects.get(title_en__endswith="(demo)")
        if sample == "sitting_file":
            sitting.outcome_file.save("communique.pdf", ContentFile(b"%PDF-1.4 communique"))
        return {"pk": sitting.pk}

    # --- work: work plan ---
    if sample == "plan_members":
        return {"pk": _item("plan_item", "members").pk}
    # --- end work: work plan ---
    if sample == "cycle" or sample.startswith("proposal_"):
        from decisions.tests.proposal_helpers import proposal_sample

        return proposal_sample(sample)
    # work: tasks
    if sample.startswith("task_"):
        from tasks.tests.samples import task_sample

        return task_sample(sample)
    # work: advisory requests
    if sample.startswith("advisory_"):
        from advisory.tests.advisory_samples import advisory_sample

        return advisory_sample(sample)
    # --- work: engagement ---
    if sample.startswith(("engagement_", "forum_")):
        from engagement.tests.engagement_samples import engagement_sample

        return engagement_sample(sample)
    # --- end work: engagement ---
    if sample.startswith(("minutes_", "action_")):
        from meetings.tests.samples import minutes_sample

        return minutes_sample(sample)
    if sample.startswith("report_"):
        from reports.tests.samples import reports_sample

        return reports_sample(sample)
    if sample.startswith("indicators_"):
        from indicators.tests.samples import indicators_sample

        return indicators_sample(sample)
    # work: directory and "take part"
    if sample == "focal_point":
        from directory.models import FocalPoint

        return {"pk": FocalPoint.objects.filter(organisation__slug="pita").first().pk}
    if sample == "join_request":
        from directory.models import JoinRequest

        return {"pk": JoinRequest.objects.filter(status="received").first().pk}
    # --- webhooks: a subscription of the demo group ---
    if sample == "webhook_subscription":
        from api.operations import create_subscription
        from members.models import User, WorkingGroup

        subscription, __ = create_subscription(
            WorkingGroup.objects.get(slug="ict"), "https://partner.example.org/hook",
            ["paper.published"], User.objects.get(email="secretariat@demo.talanoa.test"))
        return {"pk": subscription.pk}
    # --- end webhooks ---
    # --- feeds: sitemaps ---
    if sample == "sitemap_section":
        return {"section": "posts"}
    # --- end feeds ---
    raise KeyError(sample)


def item_kwargs(rule: ItemRule, item) -> dict:
    """The address arguments of an item page (a file page names its file too)."""
    if rule.sample == "paper_file":
        return {"pk": item.pk, "file_pk": item.files.get().pk}
    if rule.sample == "report_file":
        from reports.tests.samples import sample_report_file

        return sample_report_file(item)
    return {"pk": item.pk}


def _meeting(level: str):
    """A demo meeting ("[public] …", "[members] …", …)."""
    from meetings.models import Meeting

    return Meeting.objects.get(title_en__startswith=f"[{level}]")


def save_attachments() -> None:
    """A file on every demo post and paper file, each naming its item."""
    for post in Post.objects.all():
        post.attachment.save(f"{post.level}.txt", ContentFile(b"file of " + post.title_en.encode()))
    from papers.models import PaperFile

    for record in PaperFile.objects.all():
        record.file.save("paper.pdf", ContentFile(b"%PDF-1.4 file of a paper"))


@pytest.fixture(scope="module")
def matrix_clients(django_db_setup, django_db_blocker):
    """The attachments and a client per standing, made once for the module's checks (in a
    transaction rolled back at its end: talanoa/tests/module_data.py)."""
    from conftest import DEMO
    from members.models import User

    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            save_attachments()
            people = {s: User.objects.get(email=e) for s, e in DEMO.items()}
            clients = signed_in_clients(STANDINGS, people)
        yield clients


CHECKS: list[tuple[str, str, str | None]] = []
for _name, _rule in ROUTES.items():
    if isinstance(_rule, ApiEndpoint):
        continue  # api/tests/test_api_access.py
    if isinstance(_rule, ItemRule):
        CHECKS += [(_name, s, level) for s in STANDINGS for level in Level.values]
    else:
        CHECKS += [(_name, s, None) for s in STANDINGS]


@pytest.mark.access_matrix
@pytest.mark.parametrize(("name", "standing", "level"), CHECKS)
def test_access_matrix(matrix_clients, name, standing, level):
    rule = ROUTES[name]
    client = matrix_clients[standing]
    if isinstance(rule, ItemRule):
        item = _item(rule.sample, level)
        url = reverse(name, kwargs=item_kwargs(rule, item))
        response = client.get(url)
        allowed = standing in LEVEL_AUDIENCE[level]
        assert response.status_code == (200 if allowed else 404), (url, standing)
        if allowed and name in ("portal:post", "meetings:meeting", "papers:paper",
                                "decisions:proposal", "decisions:decision"):
            assert escape(item.title_en).encode() in response.content
        return
    if isinstance(rule, Probe):
        response = client.get(reverse(name))
        assert response.status_code in (200, 503)
        assert set(response.json()) <= {"status", "database", "worker",
                                         "worker_seen_seconds_ago", "worker_late_after_seconds",
                                         "mail", "mail_waiting", "mail_oldest_seconds",
                                         "tasks"}
        return
    if isinstance(rule, Redirects):
        response = client.get(reverse(name))
        assert response.status_code == 302 and not response.content
        return
    url = reverse(name, kwargs=_sample_kwargs(rule.sample))
    if isinstance(rule, PostOnly):
        assert client.get(url).status_code == 405
        response = client.post(url)
        if rule.login_required and standing == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif rule.login_required and standing not in rule.audience:
            assert response.status_code in (403, 404)
        return
    assert isinstance(rule, Rule)
    response = client.get(url)
    assert response.status_code in rule.expected(standing), (url, standing,
                                                            response.status_code)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", [n for n in url_names() if n.startswith(ALLAUTH_PREFIXES)])
@pytest.mark.parametrize("standing", ["anonymous", "member"])
def test_allauth_pages_do_not_fail_or_leak(client_for, name, standing):
    from django.urls import NoReverseMatch

    try:
        url = reverse(name)
    except NoReverseMatch:
        url = reverse(name, kwargs={"key": "x", "uidb36": "1"}) if "from_key" in name else (
            reverse(name, kwargs={"key": "x"}))
    response = client_for(standing).get(url)
    assert response.status_code in (200, 302, 400, 404, 405)
    for level in ("members", "core", "restricted"):
        assert f"[{level}]".encode() not in response.content


def test_the_matrix_is_large_enough():
    # Printed in the issue note: the count of generated checks.
    assert len(CHECKS) >= 150


def test_external_marker_is_unused_or_allowed():
    assert all(not isinstance(rule, External) for rule in ROUTES.values())
