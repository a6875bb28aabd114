import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import Objective, WorkingGroup
from members.shortcuts import default_group
from portal import operations
from portal import search as site_search
from portal.forms import PostForm, SearchForm
from portal.models import Post
from talanoa.access import ANONYMOUS, get_item_for_user, viewer_for, visible
from talanoa.lib.editing import form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.files import download
from talanoa.lib.paging import keyset_page

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
        return str(item.body)

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
