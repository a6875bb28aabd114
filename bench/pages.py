"""The pages `make bench` measures, and how to find the ids some of their paths need.

Later issues add their pages to ``PAGES`` (and placeholders for ids to ``PLACEHOLDERS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.config import BUDGET_DASHBOARD_P99_MS, BUDGET_P99_MS

MEMBER = "member@demo.talanoa.test"  # the chair and secretariat need TOTP: not for a bench


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may name a placeholder, e.g. "/posts/{public_post}/"
    user: str | None = None  # the demo account whose session (or API token) the requests carry
    budget_ms: float = BUDGET_P99_MS  # p99 at 32 connections


DASHBOARD = BUDGET_DASHBOARD_P99_MS

PAGES = [
    Page("home", "/"),
    Page("member home", "/me/", MEMBER),
    Page("posts", "/posts/"),
    Page("posts (member)", "/posts/", MEMBER),
    Page("post", "/posts/{public_post}/"),
    Page("post (member)", "/posts/{public_post}/", MEMBER),
    Page("governance", "/governance/"),
    Page("search", "/search/?q=cable"),
    # members: the directory, an organisation, the group and its representatives
    Page("directory", "/directory/"),
    Page("directory (member)", "/directory/", MEMBER),
    Page("organisation", "/directory/gov-fji/"),
    Page("organisation (member)", "/directory/gov-fji/", MEMBER),
    Page("group", "/groups/ict/"),
    Page("group (member)", "/groups/ict/", MEMBER),
    Page("representatives (member)", "/groups/ict/representatives/", MEMBER),
    # meetings
    Page("calendar", "/calendar/"),
    Page("calendar (member)", "/calendar/", MEMBER),
    Page("upcoming", "/calendar/upcoming/"),
    Page("upcoming (member)", "/calendar/upcoming/", MEMBER),
    Page("meeting", "/meetings/{public_meeting}/"),
    Page("meeting (member)", "/meetings/{public_meeting}/", MEMBER),
    Page("calendar feed", "/calendar/feed.ics"),
    # papers
    Page("publications", "/papers/"),
    Page("publications (member)", "/papers/", MEMBER),
    Page("publications filtered", "/papers/?sdg=9.c&country=TUV"),
    Page("paper", "/papers/{public_paper}/"),
    Page("paper (member)", "/papers/{public_paper}/", MEMBER),
    Page("papers in progress", "/papers/in-progress/", MEMBER),
    Page("search papers", "/search/?q=submarine+cable"),
    Page("search (member)", "/search/?q=submarine+cable", MEMBER),
    Page("papers feed", "/papers/feed.atom"),
    # decisions and proposals
    Page("decisions", "/decisions/"),
    Page("decisions (member)", "/decisions/", MEMBER),
    Page("decision", "/decisions/{public_decision}/"),
    Page("decision (member)", "/decisions/{public_decision}/", MEMBER),
    Page("sittings", "/decisions/sittings/"),
    Page("decisions feed", "/decisions/feed.atom"),
    Page("proposals", "/proposals/"),
    Page("proposals (member)", "/proposals/", MEMBER),
    Page("proposal", "/proposals/{public_proposal}/"),
    # work: the plan, tasks, advisory requests, engagement
    Page("work plan", "/work/"),
    Page("work plan (member)", "/work/", MEMBER),
    Page("initiative", "/work/plan/{public_initiative}/"),
    Page("initiative (member)", "/work/plan/{public_initiative}/", MEMBER),
    Page("matrix", "/work/matrix/"),
    Page("matrix (member)", "/work/matrix/", MEMBER),
    Page("my tasks", "/tasks/mine/", MEMBER),
    Page("task register", "/tasks/", MEMBER),
    Page("organisation tasks", "/tasks/organisation/", MEMBER),
    Page("task (member)", "/tasks/{member_task}/", MEMBER),
    Page("advisory requests", "/advisory/", MEMBER),
    Page("engagement", "/engagement/"),
    # indicators: the chart pages have the dashboard's budget
    Page("indicators", "/indicators/", budget_ms=DASHBOARD),
    Page("indicators (member)", "/indicators/", MEMBER, budget_ms=DASHBOARD),
    Page("indicator", "/indicators/IT.CEL.SETS.P2/", budget_ms=DASHBOARD),
    Page("indicator (member)", "/indicators/IT.CEL.SETS.P2/", MEMBER, budget_ms=DASHBOARD),
    Page("country profile", "/indicators/TON/", budget_ms=DASHBOARD),
    Page("country profile (member)", "/indicators/TON/", MEMBER, budget_ms=DASHBOARD),
    # reports
    Page("reports", "/reports/"),
    Page("reports (member)", "/reports/", MEMBER),
    # --- apidata: the observations API (1,000,000 rows): a first page, a filtered one, and a
    # page deep in the data (keyset: it must cost what the first costs) ---
    Page("api observations", "/api/observations"),
    Page("api obs filtered", "/api/observations?indicator=IT.CEL.SETS.P2,IT.NET.USER.ZS"
                             "&economy=TON,FJI,WSM&year_from=2000"),
    Page("api obs deep", "/api/observations?cursor={deep_cursor}"),
    # --- end apidata ---
    # The API with a member's personal token (Authorization: Bearer …) instead of a session
    Page("api observations (member)", "/api/observations", MEMBER),
    Page("api groups", "/api/groups"),
    Page("api papers", "/api/papers"),
    Page("api papers (member)", "/api/papers", MEMBER),
    Page("api meetings (member)", "/api/meetings", MEMBER),
    Page("api decisions", "/api/decisions"),
]


def _public_post() -> str:
    from portal.models import Post

    pk = (Post.objects.filter(level=Post.Level.PUBLIC, archived_at__isnull=True)
          .values_list("pk", flat=True).first())
    return str(pk)


def _public_meeting() -> str:
    """The next public meeting (a synthetic one, with its agenda and invitees)."""
    from django.utils import timezone

    from meetings.models import Meeting

    pk = (Meeting.objects.filter(level=Meeting.Level.PUBLIC, status=Meeting.Status.CONVENED,
                                 starts_at__gte=timezone.now(), title_en__contains="(")
          .order_by("starts_at").values_list("pk", flat=True).first())
    return str(pk)


def _public_paper() -> str:
    """The newest published public paper (a synthetic one, with tags, positions and a file)."""
    from papers.models import Paper

    pk = (Paper.objects.filter(level=Paper.Level.PUBLIC, status=Paper.Status.PUBLISHED,
                               archived_at__isnull=True, title_en__contains="(")
          .order_by("-published_at").values_list("pk", flat=True).first())
    return str(pk)


def _public_decision() -> str:
    """The newest public decision (a synthetic one, with options, positions and actions)."""
    from decisions.models import Decision

    pk = (Decision.objects.filter(level=Decision.Level.PUBLIC, archived_at__isnull=True,
                                  title_en__contains="(")
          .order_by("-sitting__starts_on", "-pk").values_list("pk", flat=True).first())
    return str(pk)


def _public_proposal() -> str:
    """The newest public proposal (the demo data's: the synthetic data has none)."""
    from decisions.models import Proposal

    return str(Proposal.objects.filter(level=Proposal.Level.PUBLIC, archived_at__isnull=True)
               .order_by("-pk").values_list("pk", flat=True).first() or "")


def _public_initiative() -> str:
    """A public initiative of the work plan (a synthetic one, with its outcomes and activities)."""
    from plan.models import PlanItem

    return str(PlanItem.objects.filter(level=PlanItem.Level.PUBLIC,
                                       kind=PlanItem.Kind.INITIATIVE, archived_at__isnull=True)
               .order_by("-due_on", "-pk").values_list("pk", flat=True).first() or "")


def _member_task() -> str:
    """The newest task the demo member sees (their organisation owns one task in fifty)."""
    from members.models import User
    from talanoa.access import build_viewer, visible_tasks
    from tasks.models import Task

    viewer = build_viewer(User.objects.get(email=MEMBER))
    return str(visible_tasks(Task.objects.all(), viewer).filter(
        owner_organisation__slug="gov-fji").order_by("-pk").values_list("pk", flat=True).first()
        or "")


# --- apidata ---
def _deep_cursor() -> str:
    """The cursor of /api/observations after the middle observation of the whole table."""
    from api.service import encode_cursor
    from indicators.models import Observation

    rows = Observation.objects.order_by("indicator_id", "economy_id", "year")
    middle = rows.values_list("indicator_id", "economy_id", "year")[rows.count() // 2]
    return encode_cursor(middle)
# --- end apidata ---


PLACEHOLDERS: dict[str, Callable[[], str]] = {"public_post": _public_post,
                                              "public_meeting": _public_meeting,
                                              "public_paper": _public_paper,
                                              "public_decision": _public_decision,
                                              "public_proposal": _public_proposal,
                                              "public_initiative": _public_initiative,
                                              "member_task": _member_task,
                                              "deep_cursor": _deep_cursor}


def selected_pages(names: str) -> list[Page]:
    """The pages named in a comma-separated list (all of them for ""); an unknown name stops
    the run before anything is built."""
    if not names:
        return PAGES
    wanted = {p.strip() for p in names.split(",")}
    unknown = wanted - {p.name for p in PAGES}
    if unknown:
        raise SystemExit(f"No such page: {', '.join(sorted(unknown))}; pages: "
                         + ", ".join(p.name for p in PAGES))
    return [p for p in PAGES if p.name in wanted]
