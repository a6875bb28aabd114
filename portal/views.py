import datetime
import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions.models import Criterion, Decision, Proposal, Score
from meetings.models import Invitee, Meeting
from members import operations as members_operations
from members.forms import (
    ItemInviteForm,
)
from members.models import (
    Invitation,
    Membership,
    NominationLetter,
    Objective,
    Representative,
    WorkingGroup,
)
from members.shortcuts import default_group
from portal import operations
from portal import search as site_search
from portal.digest import papers_awaiting_position
from portal.forms import PostForm, SearchForm
from portal.models import Post
from talanoa.access import (
    ANONYMOUS,
    get_item_for_user,
    viewer_for,
    visible,
)
from talanoa.lib.editing import form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.files import download
from talanoa.lib.markup import render_markdown
from talanoa.lib.paging import keyset_page
from talanoa.ratelimit import by_user, rate_limited
from tasks.lists import MY_TASKS_ON_HOME, first_rows, open_tasks_of

PAGE_SIZE = 20


def _posts_for(request: HttpRequest):
    return visible(Post.objects.select_related("group"), viewer_for(request))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    group = default_group()
    objectives: dict[str, list[Objective]] = {}
    for objective in (Objective.objects.filter(group=group).order_by("order")
                      .exclude(kind=Objective.Kind.GOVERNANCE)):
        objectives.setdefault(objective.kind, []).append(objective)
    kinds = [(label, objectives[kind]) for kind, label in Objective.Kind.choices
             if kind in objectives]
    latest = _posts_for(request).filter(archived_at__isnull=True)[:8]
    return render(request, "portal/home.html", {"group": group, "objective_kinds": kinds,
                                                "latest": latest})


@require_GET
def governance(request: HttpRequest) -> HttpResponse:
    group = default_group()
    rules = Objective.objects.filter(group=group, kind=Objective.Kind.GOVERNANCE)
    subgroups = WorkingGroup.objects.current().filter(parent=group)
    return render(request, "portal/governance.html",
                  {"group": group, "rules": rules, "subgroups": subgroups,
                   "levels": Post.Level.choices})


@require_GET
def member_access(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/member_access.html")


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    posts = _posts_for(request).filter(archived_at__isnull=True)
    kind = request.GET.get("kind")
    if kind in Post.Kind.values:
        posts = posts.filter(kind=kind)
    if fmt := export_format(request):
        return export_response(request, "news-and-documents", [
            Column("id", lambda p: p.pk),
            Column(_("Title (English)"), lambda p: p.title_en),
            Column(_("Title (French)"), lambda p: p.title_fr),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Published"), lambda p: iso(p.published_at)),
            Column(_("Level"), lambda p: p.get_level_display()),
            Column(_("Group"), lambda p: p.group.acronym or p.group.name_en),
            url_column(request),
        ], posts.order_by("-published_at", "-pk"), fmt)
    page = keyset_page(posts, before=request.GET.get("before"), after=request.GET.get("after"),
                       size=PAGE_SIZE)
    return render(request, "portal/post_list.html",
                  {"page": page, "kinds": Post.Kind.choices, "kind": kind,
                   "paged": bool(request.GET.get("before") or request.GET.get("after"))})


class NewsFeed(Feed):
    """Public news, newest first, as Atom (built for the anonymous reader only, so nothing above
    the public level can reach it; notices and documents stay on the site)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Talanoa: news")
    subtitle = gettext_lazy("News of the working groups")

    def link(self) -> str:
        return reverse("portal:posts") + "?kind=" + Post.Kind.NEWS

    def items(self):
        return (visible(Post.objects.select_related("group"), ANONYMOUS)
                .filter(kind=Post.Kind.NEWS, archived_at__isnull=True)
                .order_by("-published_at", "-pk")[:50])

    def item_title(self, item: Post) -> str:
        return str(item.title)

    def item_description(self, item: Post) -> str:
        # Atom's summary is HTML a feed reader renders: the body as the page shows it, made safe.
        return render_markdown(str(item.body))

    def item_link(self, item: Post) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Post):
        return item.published_at

    def item_updateddate(self, item: Post):
        return item.updated_at

    def item_author_name(self, item: Post) -> str:
        return str(item.group.name)


news_feed = require_GET(NewsFeed())


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_item_for_user(request, Post.objects.select_related("group").prefetch_related(
        "restricted_organisations", "restricted_people"), pk)
    viewer = viewer_for(request)
    return render(request, "portal/post_detail.html",
                  {"post": post, "can_edit": viewer.edits(post.group_id)})


@require_GET
def post_file(request: HttpRequest, pk: int) -> FileResponse:
    post = get_item_for_user(request, Post, pk)
    response = download(post.attachment, of=post, public=post.level == Post.Level.PUBLIC)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    viewer = viewer_for(request)
    if pk is None:
        if not viewer.is_editor:
            raise Http404
        post = Post()
    else:
        post = get_item_for_user(request, Post, pk, write=True)
    form = PostForm(request.POST or None, request.FILES or None, instance=post,
                    editable_groups=viewer.editor_groups if not viewer.is_superuser else
                    WorkingGroup.objects.values_list("pk", flat=True))
    saved = save_form_versioned(request, form, lambda f: operations.save_post(f, request.user))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "portal/post_form.html",
                  {"form": form, "post": post, "conflict": form.conflict},
                  status=form_status(form))


@require_POST
@login_required
def post_archive(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_item_for_user(request, Post, pk, write=True)
    if post.is_archived:
        operations.unarchive_post(post)
        messages.success(request, _("Restored from the archive."))
    else:
        operations.archive_post(post)
        messages.success(request, _("Archived. It can be restored from its page."))
    return redirect(post)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    form = SearchForm(request.GET or None)
    query, results = "", site_search.EMPTY
    fmt = export_format(request)
    if form.is_valid() and (query := form.cleaned_data["q"].strip()):
        # A download holds every ranked match (at most CANDIDATES), not one page of them.
        results = site_search.search(query, viewer, kind=form.cleaned_data["kind"],
                                     page=1 if fmt else form.cleaned_data["page"],
                                     per_page=site_search.CANDIDATES if fmt
                                     else site_search.PER_PAGE)
    if fmt:
        return export_response(request, "search", [
            Column(_("Kind"), lambda hit: hit.kind_label),
            Column(_("Title"), lambda hit: hit.title.text),
            Column(_("Date"), lambda hit: iso(hit.date)),
            Column(_("Excerpt"), lambda hit: html.unescape(strip_tags(hit.excerpt))),
            Column("URL", lambda hit: request.build_absolute_uri(hit.url)),
        ], results.hits, fmt,
           # Hits carry no level: a signed-in reader's may hold items above public level.
           restricted=lambda hit: request.user.is_authenticated)
    return render(request, "portal/search.html",
                  {"form": form, "query": query, "results": results,
                   "candidates": site_search.CANDIDATES,
                   "terms_found": bool(site_search.parse(query))})


def group_or_404(slug: str) -> WorkingGroup:
    return get_object_or_404(WorkingGroup.objects.current(), slug=slug)


@login_required
@require_GET
def member_home(request: HttpRequest) -> HttpResponse:
    """What needs me: my standing, items for members, and for editors what awaits action."""
    viewer = viewer_for(request)
    representations = (Representative.objects.current().filter(person_id=viewer.person_id)
                       .select_related("group", "organisation"))
    shared = (visible(Post.objects.select_related("group"), viewer)
              .filter(archived_at__isnull=True).exclude(level=Post.Level.PUBLIC)[:10])
    unanswered = NominationLetter.objects.none()
    pending = Invitation.objects.none()
    if viewer.is_editor:
        unanswered = (NominationLetter.objects.filter(round__group_id__in=viewer.editor_groups,
                                                      round__closed_at__isnull=True)
                      .exclude(status=NominationLetter.Status.ANSWERED)
                      .select_related("organisation", "round")[:20])
        pending = (Invitation.objects.filter(group_id__in=viewer.editor_groups,
                                             accepted_at__isnull=True, revoked_at__isnull=True)
                   .order_by("-created_at")[:10])
    # My tasks, overdue first: one query, one more row than shown to know if there are more.
    actions = first_rows(open_tasks_of(viewer), MY_TASKS_ON_HOME + 1)
    for task in actions:
        task.shows_names = viewer.sees_members_level(task.group_id)
    return render(request, "portal/member_home.html", {
        "representations": representations, "shared": shared,
        "unanswered": unanswered, "pending": pending,
        "my_meetings": _my_meetings(viewer), "requests": _meeting_requests(viewer),
        "my_actions": actions[:MY_TASKS_ON_HOME],
        "more_actions": len(actions) > MY_TASKS_ON_HOME,
        "papers_awaiting": papers_awaiting_position(viewer, limit=10),
        "proposals_awaiting": _proposals_awaiting_scores(viewer),
        "reviews_overdue": _decision_reviews_overdue(viewer)})


def _decision_reviews_overdue(viewer) -> list:
    """For the chair and secretariat: open decisions of their groups whose review date has
    passed, the longest overdue first (one query)."""

    if not viewer.is_editor:
        return []
    decisions = Decision.objects.filter(status__in=Decision.OPEN_STATUSES,
                                        review_on__lt=timezone.localdate(),
                                        archived_at__isnull=True)
    if not viewer.is_superuser:
        decisions = decisions.filter(group_id__in=viewer.editor_groups)
    return list(decisions.select_related("sitting__body").order_by("review_on", "pk")[:20])


def _proposals_awaiting_scores(viewer) -> list:
    """Submitted proposals still in their cycle's scoring period that an organisation I speak
    for in the proposal's group (`decisions.operations.speaks_for`: I represent it there and it
    is a member; named on the proposal if restricted) has not scored on every criterion. Two
    queries: the (group, organisation) pairs I speak for, then the proposals, each annotated
    with the name of the organisation whose scores are awaited."""

    if viewer.person_id is None or not viewer.org_ids:
        return []
    today = timezone.localdate()
    member = Membership.objects.active().filter(group_id=OuterRef("group_id"),
                                                organisation_id=OuterRef("organisation_id"),
                                                kind=Membership.Kind.MEMBER)
    pairs = list(Representative.objects.current()
                 .filter(person_id=viewer.person_id, organisation__archived_at__isnull=True)
                 .filter(Exists(member))
                 .values_list("group_id", "organisation_id", "organisation__acronym",
                              "organisation__name_en").distinct())
    if not pairs:
        return []
    named = Proposal.restricted_organisations.through.objects
    awaiting, whens = Q(pk__in=[]), []
    for group_id, org_id, acronym, name in pairs:
        unscored = Criterion.objects.filter(cycle_id=OuterRef("cycle_id")).exclude(Exists(
            Score.objects.filter(proposal_id=OuterRef(OuterRef("pk")), criterion_id=OuterRef("pk"),
                                 organisation_id=org_id)))
        condition = (Q(group_id=group_id) & Exists(unscored)
                     & (~Q(level=Proposal.Level.RESTRICTED) | Exists(named.filter(
                         proposal_id=OuterRef("pk"), organisation_id=org_id))))
        awaiting |= condition
        whens.append(When(condition, then=Value(acronym or name)))
    return list(visible(Proposal.objects.select_related("cycle"), viewer).filter(
        awaiting, status=Proposal.Status.SUBMITTED, archived_at__isnull=True,
        cycle__archived_at__isnull=True)
        .filter(Q(cycle__scoring_until__isnull=True) | Q(cycle__scoring_until__gte=today))
        .annotate(awaiting_organisation=Case(*whens, output_field=CharField()))
        .order_by(F("cycle__scoring_until").asc(nulls_last=True), "submitted_at", "pk")[:10])


def _my_meetings(viewer) -> list:
    """The coming meetings I am invited to, each with my invitation (two queries).

    From the meetings' side: the start-time index bounds the search to what is still ahead,
    however many meetings a long-serving representative was invited to over the years."""

    if viewer.person_id is None:
        return []
    now = timezone.now()
    coming = list(visible(Meeting.objects.all(), viewer).filter(
        status__in=(Meeting.Status.CONVENED, Meeting.Status.POSTPONED),
        starts_at__gte=now - datetime.timedelta(days=Meeting.LONGEST_DAYS), ends_at__gte=now,
        archived_at__isnull=True).filter(Exists(Invitee.objects.filter(
            meeting=OuterRef("pk"), person_id=viewer.person_id)))
        .order_by("starts_at", "pk")[:10])
    invitations = {i.meeting_id: i for i in Invitee.objects.filter(
        person_id=viewer.person_id, meeting__in=[m.pk for m in coming])}
    for meeting in coming:
        invitations[meeting.pk].meeting = meeting
    return [invitations[meeting.pk] for meeting in coming]


def _meeting_requests(viewer):
    """For the chair and secretariat: meetings members asked for, awaiting a decision."""

    if not viewer.is_editor:
        return []
    return (Meeting.objects.filter(status=Meeting.Status.REQUESTED, archived_at__isnull=True,
                                   group_id__in=viewer.editor_groups)
            .select_related("group", "requested_by").order_by("starts_at")[:20])


GROUP_ORGANISATIONS_PAGE = 60


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup.objects.current().select_related("parent"), slug=slug)
    viewer = viewer_for(request)
    posts = visible(Post.objects.filter(group=group), viewer).filter(archived_at__isnull=True)[:10]
    return render(request, "portal/group.html", {
        "group": group, "can_edit": viewer.edits(group.pk),
        "children": group.children.filter(archived_at__isnull=True),
        "objectives": group.objectives.all(), "posts": posts,
        # A regional group has dozens of organisations; a page of them keeps it one round trip.
        "memberships": Paginator(
            Membership.objects.active().filter(group=group).select_related("organisation")
            .order_by("organisation__name_en", "pk"), GROUP_ORGANISATIONS_PAGE,
        ).get_page(request.GET.get("page"))})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("invitations", "INVITATION_RATE", key=by_user)
def invite_to_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Share one item with someone who has no account."""
    post = get_item_for_user(request, Post, pk, write=True)
    form = ItemInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        members_operations.invite_to_item(post, form.cleaned_data["email"], request.user,
                                  form.cleaned_data["language"], form.cleaned_data["message"])
        messages.success(request, _("Invitation sent."))
        return redirect(post)
    return render(request, "members/invite.html", {"form": form, "kind": "item", "item": post},
                  status=400 if form.errors else 200)
