import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.consensus import consensus, record_from_post
from members.models import Body, WorkingGroup
from papers import operations
from papers.forms import (
    BodyForm,
    ClearForm,
    CommentForm,
    MissionContactForm,
    OptionFormSet,
    OutcomeForm,
    PaperFileForm,
    PaperForm,
    PaperKindForm,
    PositionForm,
    PublicationFilterForm,
    ReturnForm,
    ReviewForm,
    SendBriefForm,
    SubmitForm,
    TagForm,
)
from papers.models import (
    MissionContact,
    MissionList,
    Paper,
    PaperFile,
    PaperKind,
    Tag,
)
from talanoa.access import (
    ANONYMOUS,
    can_author,
    get_item_for_user,
    require_editor,
    viewer_for,
    visible,
)
from talanoa.lib.bilingual import reader_language
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, short, url_column
from talanoa.lib.files import download
from talanoa.lib.markup import render_markdown
from talanoa.lib.paging import keyset_page

PAGE_SIZE = 20
logger = logging.getLogger(__name__)


def _published(viewer):
    return (visible(Paper.objects.select_related("kind", "group", "lead_organisation"), viewer)
            .filter(status=Paper.Status.PUBLISHED, archived_at__isnull=True,
                    published_at__isnull=False))


def _filtered(papers, filters: dict):
    if kind := filters.get("kind"):
        papers = papers.filter(kind=kind)
    if year := filters.get("year"):
        papers = papers.filter(published_at__year=year)
    if sdg := filters.get("sdg"):
        papers = papers.filter(tags=sdg)
    if country := filters.get("country"):
        papers = papers.filter(countries=country)
    return papers


def _paper_columns(request: HttpRequest) -> list[Column]:
    """The columns of a list of papers as a download (talanoa.lib.exports)."""
    return [
        Column("id", lambda p: p.pk),
        Column(_("Title (English)"), lambda p: p.title_en),
        Column(_("Title (French)"), lambda p: p.title_fr),
        Column(_("Kind"), lambda p: str(p.kind.name)),
        Column(_("Status"), lambda p: p.get_status_display()),
        Column(_("Level"), lambda p: p.get_level_display()),
        Column(_("Group"), lambda p: p.group.acronym or p.group.name_en),
        Column(_("Lead organisation"), lambda p: short(p.lead_organisation)),
        Column(_("Published"), lambda p: iso(p.published_at)),
        Column(_("Updated"), lambda p: iso(p.updated_at)),
        url_column(request),
    ]


@require_GET
def publications(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    form = PublicationFilterForm(request.GET or None)
    filters = form.filters()
    papers = _filtered(_published(viewer), filters)
    if fmt := export_format(request):
        return export_response(request, "publications", _paper_columns(request),
                               papers.order_by("-published_at", "-pk"), fmt)
    page = keyset_page(papers, before=request.GET.get("before"),
                       after=request.GET.get("after"), size=PAGE_SIZE)
    query = urlencode({key: request.GET[key] for key in ("kind", "year", "sdg", "country")
                       if request.GET.get(key) and key in filters})
    return render(request, "papers/publications.html",
                  {"form": form, "page": page, "query": query, "viewer": viewer,
                   "paged": bool(request.GET.get("before") or request.GET.get("after"))})


@login_required
@require_GET
def in_progress(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    papers = (visible(Paper.objects.select_related("kind", "group", "lead_organisation"), viewer)
              .filter(archived_at__isnull=True, published_at__isnull=True))
    if fmt := export_format(request):
        return export_response(request, "papers-in-progress", _paper_columns(request),
                               papers.order_by("-updated_at", "-pk"), fmt)
    page = keyset_page(papers, before=request.GET.get("before"), after=request.GET.get("after"),
                       size=PAGE_SIZE, date_field="updated_at")
    return render(request, "papers/in_progress.html",
                  {"page": page, "viewer": viewer, "can_draft": bool(_draft_groups(viewer)),
                   "paged": bool(request.GET.get("before") or request.GET.get("after"))})


@require_GET
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_item_for_user(request, Paper.objects.select_related(
        "group", "kind", "lead_organisation", "submitted_to").prefetch_related(
        "restricted_organisations", "restricted_people", "contributors", "co_groups", "tags",
        "countries", "options"), pk)
    viewer = viewer_for(request)
    editor = viewer.edits(paper.group_id)
    files = list(paper.files.filter(archived_at__isnull=True).order_by("title", "-number"))
    current = [f for f in files if f.replaced_at is None]
    earlier = {}
    for f in files:
        if f.replaced_at is not None:
            earlier.setdefault(f.first_id or f.pk, []).append(f)
    standing = (consensus(paper, paper.positions.filter(review_round=paper.review_round))
                if paper.review_round else None)
    positions = standing.positions if standing else []
    comments = list(paper.comments.filter(review_round=paper.review_round)
                    .select_related("person", "organisation")) if paper.review_round else []
    speaks_for = operations.speaks_for(paper, viewer.person_id) if paper.review_open else []
    mine = {p.organisation_id: p for p in positions}
    context = {
        "paper": paper, "files": [(f, earlier.get(f.first_id or f.pk, [])) for f in current],
        "editor": editor, "author": can_author(paper, viewer),
        "consensus": standing, "comments": comments,
        "waiting_for": _waiting_for(paper, editor, standing.outstanding if standing else None)
        if paper.status != Paper.Status.PUBLISHED
        else None,
        "transitions": list(paper.transitions.select_related("by")),
        "position_form": PositionForm(organisations=speaks_for, initial={
            "organisation": speaks_for[0].pk if speaks_for else None,
            "stance": mine[speaks_for[0].pk].stance if speaks_for and speaks_for[0].pk in mine
            else None}) if speaks_for else None,
        "comment_form": CommentForm() if paper.review_open and viewer.person_id else None,
        "unresolved": standing.unresolved if standing else [],
    }
    if editor:
        context.update({
            "review_form": ReviewForm(), "clear_form": ClearForm(), "return_form": ReturnForm(),
            "submit_form": SubmitForm(), "outcome_form": OutcomeForm(),
            "publish_refusal": operations.publish_refusal(paper),
            "deliveries": list(paper.deliveries.all()[:50]),
        })
    return render(request, "papers/paper_detail.html", context)


def _waiting_for(paper: Paper, editor: bool, outstanding: list | None = None) -> str:
    """Who must act next, in words, for the paper's page (`outstanding`: the organisations
    yet to answer, when the page already knows them)."""
    status = paper.status
    if status == Paper.Status.DRAFT:
        return _("the authors (%(lead)s) to finish the draft, then the secretariat to open member "
                 "review") % {"lead": paper.lead_organisation.short}
    if status == Paper.Status.REVIEW:
        if outstanding is None:
            outstanding = operations.outstanding_organisations(paper)
        if outstanding and paper.review_open:
            names = ", ".join(o.short for o in outstanding[:12])
            more = len(outstanding) - 12
            if more > 0:
                names += " " + _("and %(count)s more") % {"count": more}
            return _("positions from %(names)s (until %(date)s)") % {
                "names": names, "date": paper.review_until}
        return _("the chair to record the group's consensus and clear the paper")
    if status == Paper.Status.CLEARED:
        return _("the secretariat to submit the paper (or publish it)")
    if status == Paper.Status.SUBMITTED:
        return _("the outcome from %(body)s") % {"body": paper.submitted_to}
    if status == Paper.Status.DECIDED:
        if operations.publish_refusal(paper) is None:
            return _("the secretariat to publish the paper")
        return _("nothing: the outcome is recorded")
    return ""


def _draft_groups(viewer) -> set[int]:
    """Groups the viewer may draft papers in: any where they represent an organisation."""
    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.member_groups) | set(viewer.editor_groups)


def _lead_choices(viewer):
    """An editor may draft for any organisation; a representative for their own."""
    if viewer.is_editor:
        return None
    return list(viewer.org_ids)


@login_required
@require_http_methods(["GET", "POST"])
def paper_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    groups = _draft_groups(viewer)
    if not groups:
        raise Http404
    lead_choices = _lead_choices(viewer)
    initial = {"lead_organisation": lead_choices[0]} if lead_choices else {}
    default = WorkingGroup.objects.filter(slug=settings.DEFAULT_GROUP_SLUG, pk__in=groups).first()
    if default is not None or len(groups) == 1:
        initial["group"] = default.pk if default else next(iter(groups))
    form = PaperForm(request.POST or None, groups=groups, lead_choices=lead_choices,
                     initial=initial, instance=Paper())
    options = OptionFormSet(request.POST or None, instance=form.instance, prefix="options")
    if request.method == "POST" and form.is_valid() and options.is_valid():
        with transaction.atomic():
            paper = form.save(commit=False)
            operations.create_paper(paper, request.user)
            form.save_m2m()
            options.instance = paper
            options.save()
        operations.reindex(paper)
        messages.success(request, _("Draft saved."))
        return redirect(paper)
    return render(request, "papers/paper_form.html", {"form": form, "options": options},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def paper_edit(request: HttpRequest, pk: int) -> HttpResponse:
    paper = _authored_paper(request, pk)
    viewer = viewer_for(request)
    lead_choices = _lead_choices(viewer)
    if lead_choices is not None:
        lead_choices.append(paper.lead_organisation_id)
    form = PaperForm(request.POST or None, instance=paper, lead_choices=lead_choices,
                     groups=_draft_groups(viewer) | {paper.group_id})
    options = OptionFormSet(request.POST or None, instance=paper, prefix="options")

    def save(form):
        with transaction.atomic():
            saved = operations.save_paper(form.save(commit=False),
                                          form.cleaned_data.get("expected_version"), options)
            form.save_m2m()
        return saved

    try:
        saved = save_form_versioned(request, form, save, formsets=[options])
    except operations.StepRefused as exc:
        messages.error(request, _(str(exc)))
        return redirect(paper)
    if saved is not None:
        operations.reindex(saved)
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "papers/paper_form.html",
                  {"form": form, "options": options, "paper": paper,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form, options))


def _authored_paper(request: HttpRequest, pk: int) -> Paper:
    """The paper, if the request may change its text: its authors and the group's editors, while
    it is a draft or in review."""
    paper = get_item_for_user(request, Paper.objects.select_related("lead_organisation"), pk)
    if not can_author(paper, viewer_for(request)):
        raise PermissionDenied
    if not paper.is_editable:
        messages.error(request, _("The paper was cleared: its text can no longer change."))
        raise PermissionDenied
    return paper


@login_required
@require_http_methods(["GET", "POST"])
def file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    paper = _authored_paper(request, pk)
    replaces = None
    if replaces_id := request.GET.get("replaces") or request.POST.get("replaces"):
        replaces = get_object_or_404(PaperFile, pk=replaces_id if str(replaces_id).isdigit()
                                     else 0, paper=paper, replaced_at__isnull=True,
                                     archived_at__isnull=True)
    form = PaperFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        operations.add_file(paper, form.cleaned_data["file"], form.cleaned_data["title"],
                            form.file_type, request.user, replaces=replaces)
        messages.success(request, _("File added."))
        return redirect(paper)
    return render(request, "papers/file_form.html",
                  {"form": form, "paper": paper, "replaces": replaces},
                  status=400 if form.is_bound else 200)


@require_GET
def file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    return paper_file_response(get_item_for_user(request, Paper, pk), file_pk)


def paper_file_response(paper: Paper, file_pk: int) -> FileResponse:
    """A file of a paper the caller may see (asked of the policy first, by the page or the API),
    earlier versions included; an archived file is gone for everyone."""
    record = get_object_or_404(PaperFile, pk=file_pk, paper=paper, archived_at__isnull=True)
    response = download(record.file, record.original_name, of=paper,
                        public=paper.level == Paper.Level.PUBLIC)
    return response


@require_POST
@login_required
def file_archive(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    paper = _authored_paper(request, pk)
    record = get_object_or_404(PaperFile, pk=file_pk, paper=paper, archived_at__isnull=True)
    operations.archive_file(record)
    messages.success(request, _("File archived."))
    return redirect(paper)


@require_GET
def paper_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from papers.pdf import paper_pdf as render_pdf

    paper = get_item_for_user(request, Paper.objects.select_related(
        "group", "kind", "lead_organisation", "submitted_to"), pk)
    response = HttpResponse(render_pdf(paper, reader_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="talanoa-paper-{paper.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def paper_comment(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_item_for_user(request, Paper, pk)
    viewer = viewer_for(request)
    person = request.user.person if viewer.person_id else None
    form = CommentForm(request.POST)
    if person is None or not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect(paper)
    try:
        operations.add_comment(paper, person, person.organisation, form.cleaned_data["text"],
                               form.cleaned_data["section"])
    except operations.StepRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Comment added."))
    return redirect(f"{paper.get_absolute_url()}#comments")


@require_POST
@login_required
def paper_position(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_item_for_user(request, Paper, pk)
    return record_from_post(request, paper, PositionForm, operations.record_position,
                            refused=[operations.StepRefused])


STEP_FORMS = {"review": ReviewForm, "clear": ClearForm, "return": ReturnForm,
              "outcome": OutcomeForm, "publish": None, "archive": None, "restore": None}


@require_POST
@login_required
def paper_step(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of the lifecycle, by the chair or secretariat."""
    paper = get_item_for_user(request, Paper, pk, write=True)
    action = request.POST.get("action", "")
    form_class = SubmitForm if action == "submit" else STEP_FORMS.get(action, False)
    if form_class is False:
        messages.error(request, _("Unknown step."))
        return redirect(paper)
    if str(paper.version) != request.POST.get("expected_version"):
        messages.error(request, _("Someone changed this paper in the meantime: check it, then try "
                                  "again."))
        return redirect(paper)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(paper)
    data = form.cleaned_data if form else {}
    user = request.user
    try:
        if action == "review":
            operations.open_review(paper, user, data["until"], data["reason"])
        elif action == "clear":
            operations.clear_paper(paper, user, data["consensus_record"])
        elif action == "return":
            operations.return_to_draft(paper, user, data["reason"])
        elif action == "submit":
            operations.submit_paper(paper, data["body"], data["on"], user)
        elif action == "outcome":
            operations.record_outcome(paper, data["outcome"], data["note"], data["on"], user)
        elif action == "publish":
            operations.publish_paper(paper, user)
        elif action == "archive":
            operations.archive_paper(paper)
        elif action == "restore":
            operations.unarchive_paper(paper)
    except operations.StepRefused as exc:
        messages.error(request, _(str(exc)))
    except operations.InvalidTransition:
        messages.error(request, _("This step is not possible from the paper's present status."))
    else:  # each step saves the paper, and the save re-indexes it for search
        messages.success(request, _("Done."))
    return redirect(paper)


@login_required
@require_http_methods(["GET", "POST"])
def send_brief(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_item_for_user(request, Paper.objects.select_related("group"), pk, write=True)
    form = SendBriefForm(request.POST or None)
    lists = MissionList.objects.prefetch_related(Prefetch(
        "contacts", queryset=MissionContact.objects.current()))
    if request.method == "POST" and form.is_valid():
        try:
            count = operations.send_brief(paper, list(form.cleaned_data["lists"]), request.user)
        except operations.StepRefused as exc:
            messages.error(request, _(str(exc)))
        else:
            messages.success(request, _("The brief is being sent to %(count)s contacts.") % {
                "count": count})
        return redirect(paper)
    return render(request, "papers/send_brief.html",
                  {"paper": paper, "form": form, "lists": lists},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def missions(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form = MissionContactForm(request.POST or None)
    if request.method == "POST":
        if archive := request.POST.get("archive"):
            contact = get_object_or_404(MissionContact.objects.current(),
                                        pk=archive if archive.isdigit() else 0)
            contact.archived_at = timezone.now()
            contact.save(update_fields=["archived_at", "updated_at"])
            messages.success(request, _("Contact archived."))
            return redirect("papers:missions")
        if form.is_valid():
            form.save()
            messages.success(request, _("Contact added."))
            return redirect("papers:missions")
    lists = MissionList.objects.prefetch_related(Prefetch(
        "contacts", queryset=MissionContact.objects.current().select_related("country")))
    return render(request, "papers/missions.html", {"form": form, "lists": lists},
                  status=400 if form.is_bound else 200)


VOCABULARY_FORMS = {"kind": PaperKindForm, "tag": TagForm, "body": BodyForm}


@login_required
@require_http_methods(["GET", "POST"])
def vocabulary(request: HttpRequest) -> HttpResponse:
    """Kinds of paper, tags and bodies: the secretariat adds to them (nothing is removed, as
    records use them)."""
    require_editor(request)
    which = request.POST.get("vocabulary")
    forms = {name: form_class(request.POST if which == name else None, prefix=name)
             for name, form_class in VOCABULARY_FORMS.items()}
    if request.method == "POST":
        form = forms.get(which)
        if form is not None and form.is_valid():
            form.save()
            messages.success(request, _("Added."))
            return redirect("papers:vocabulary")
    return render(request, "papers/vocabulary.html", {
        "forms": forms, "kinds": PaperKind.objects.all(), "tags": Tag.objects.all(),
        "bodies": Body.objects.all(), "tag_kinds": Tag.Kind.choices},
        status=400 if which else 200)


class PublicationsFeed(Feed):
    """Published public papers, newest first, as Atom (built for the anonymous reader only)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Talanoa: publications")
    subtitle = gettext_lazy("Papers and briefs published by the working groups")

    def link(self) -> str:
        return reverse("papers:publications")

    def items(self):
        return _published(ANONYMOUS).order_by("-published_at", "-pk")[:50]

    def item_title(self, item: Paper) -> str:
        return str(item.title)

    def item_description(self, item: Paper) -> str:
        # Atom's summary is HTML a feed reader renders: the summary as the page shows it, safe.
        return render_markdown(str(item.summary))

    def item_link(self, item: Paper) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Paper):
        return item.published_at

    def item_updateddate(self, item: Paper):
        return item.updated_at

    def item_author_name(self, item: Paper) -> str:
        return str(item.lead_organisation.name)

    def item_categories(self, item: Paper):
        return [str(item.kind.name)]


publications_feed = require_GET(PublicationsFeed())
