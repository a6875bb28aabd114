from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    Value,
    When,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members import letters, operations
from members.forms import (
    ConsultativeInviteForm,
    GroupForm,
    InvitePersonForm,
    MembershipForm,
    NewOrganisationForm,
    NomineeFormSet,
    OpenRoundForm,
    OrganisationForm,
    PersonForm,
    PreferencesForm,
    ReplyForm,
    SetPasswordForm,
    SubGroupForm,
)
from members.models import (
    Invitation,
    Membership,
    NominationLetter,
    NominationRound,
    Organisation,
    Person,
    Representative,
    WorkingGroup,
)
from talanoa.access import (
    grant_item,
    require_editor,
    require_group_editor,
    require_member,
    viewer_for,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso
from talanoa.lib.files import download
from talanoa.ratelimit import by_user, rate_limited

# Past this many organisations of one kind, the directory shows the first ones and links to
# that kind's own alphabetical pages: the first view stays within one round trip (BUDGETS.md).


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request)
    person = get_object_or_404(Person.objects.current().select_related("organisation"), pk=pk)
    representations = Representative.objects.filter(person=person).select_related(
        "group", "organisation")
    shared_groups = {r.group_id for r in representations} & (
        viewer.member_groups | viewer.editor_groups)
    if not (viewer.is_superuser or person.pk == viewer.person_id or shared_groups):
        raise Http404
    return render(request, "members/person.html", {
        "person": person, "representations": representations,
        "can_edit": bool(shared_groups & viewer.editor_groups) or viewer.is_superuser})


REGISTER_PAGE = 100


@login_required
@require_GET
def representatives(request: HttpRequest, slug: str) -> HttpResponse:
    """The written list of representatives (R2), with past years."""
    group = get_object_or_404(WorkingGroup.objects.current(), slug=slug)
    viewer = require_member(request, group)
    year = timezone.localdate().year
    rows = (Representative.objects.filter(group=group)
            .select_related("organisation", "person").order_by("-year", "organisation__name_en"))
    if fmt := export_format(request):
        return export_response(request, f"representatives-{group.slug}", [
            Column(_("Organisation"), lambda r: r.organisation.short),
            Column(_("Person"), lambda r: r.person.name),
            Column(_("Role"), lambda r: r.get_role_display()),
            Column(_("Year"), lambda r: r.year),
            Column(_("Status"), lambda r: r.get_status_display()),
            Column(_("Ended on"), lambda r: iso(r.ended_on)),
            Column("URL", lambda r: request.build_absolute_uri(r.person.get_absolute_url())),
        ], rows.order_by("-year", "organisation__name_en", "pk"), fmt,
           restricted=lambda row: True)
    # One list, a page at a time (it grows with every year and organisation): the current
    # representatives first, then earlier years and former representatives, newest first.
    is_current = Case(When(year__gte=year - 1, ended_on__isnull=True, then=Value(1)),
                      default=Value(0), output_field=IntegerField())
    page = Paginator(rows.annotate(is_current=is_current).order_by(
        "-is_current", "-year", "organisation__name_en", "pk"), REGISTER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "members/representatives.html", {
        "group": group, "page": page, "current": [r for r in page if r.is_current],
        "past": [r for r in page if not r.is_current], "can_edit": viewer.edits(group.pk)})


def _editable_round(request: HttpRequest, pk: int) -> NominationRound:
    """The round, if the request edits its group: 403 for its members, 404 for others."""
    round_ = get_object_or_404(NominationRound.objects.select_related("group"), pk=pk)
    require_group_editor(request, round_.group)
    return round_


def _editable_letter(request: HttpRequest, pk: int) -> NominationLetter:
    letter = get_object_or_404(
        NominationLetter.objects.select_related("round", "round__group", "organisation",
                                                "organisation__country"), pk=pk)
    require_group_editor(request, letter.round.group)
    return letter


def _editable_representative(request: HttpRequest, pk: int) -> Representative:
    representative = get_object_or_404(
        Representative.objects.select_related("group", "person", "organisation"), pk=pk)
    require_group_editor(request, representative.group)
    return representative


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    """The yearly nomination rounds (R1) of the groups the viewer chairs or supports."""
    viewer = require_editor(request)
    groups = WorkingGroup.objects.current()
    if not viewer.is_superuser:
        groups = groups.filter(pk__in=viewer.editor_groups)
    form = OpenRoundForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        group, year = form.cleaned_data["group"], form.cleaned_data["year"]
        existed = NominationRound.objects.filter(group=group, year=year).exists()
        round_ = operations.open_nomination_round(group, year, form.cleaned_data["deadline"],
                                                  request.user)
        if existed:
            messages.info(request, _("%(year)s already has a round: letters were added only "
                                     "for organisations that had none.") % {"year": year})
        else:
            messages.success(request, _("Round opened: %(count)s letters drafted.") % {
                "count": round_.letters.count()})
        return redirect(round_)
    answered = Q(letters__status=NominationLetter.Status.ANSWERED)
    round_list = (NominationRound.objects.filter(group__in=groups).select_related("group")
                  .annotate(letter_count=Count("letters"),
                            answered=Count("letters", filter=answered))
                  .order_by("-year", "group__name_en"))
    return render(request, "members/rounds.html", {"round_list": round_list, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def nomination_round(request: HttpRequest, pk: int) -> HttpResponse:
    """One round: each letter's state, who has not answered, who is on the register."""
    round_ = _editable_round(request, pk)
    letters = list(round_.letters.select_related("organisation"))
    on_register: dict[int, list[Representative]] = {}
    for rep in (Representative.objects.filter(group_id=round_.group_id, year=round_.year,
                                              ended_on__isnull=True)
                .select_related("person").order_by("role", "person__name")):
        on_register.setdefault(rep.organisation_id, []).append(rep)
    counts = Counter(letter.status for letter in letters)
    return render(request, "members/round.html", {
        "round": round_, "total": len(letters),
        "counts": {status: counts.get(status, 0) for status in NominationLetter.Status.values},
        "rows": [(letter, on_register.get(letter.organisation_id, [])) for letter in letters],
        "not_answered": [letter for letter in letters
                         if letter.status != NominationLetter.Status.ANSWERED]})


@require_POST
@login_required
def round_send(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _editable_round(request, pk)
    count = operations.mark_round_sent(round_)
    messages.success(request, _("%(count)s letters marked as sent.") % {"count": count})
    return redirect(round_)


@require_POST
@login_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _editable_round(request, pk)
    operations.close_round(round_)
    messages.success(request, _("The round is closed. Late replies can still be recorded."))
    return redirect(round_)


@login_required
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as a page, in the organisation's language (EN/FR)."""
    letter = _editable_letter(request, pk)
    context = letters.letter_context(letter)
    return render(request, "members/letter.html", {
        **context, "body": letters.render_body(letter, context)})


@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _editable_letter(request, pk)
    response = HttpResponse(letters.render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, letters.pdf_filename(letter))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def letter_sent(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _editable_letter(request, pk)
    operations.mark_letter_sent(letter)
    messages.success(request, _("Marked as sent."))
    return redirect(letter.round)


@login_required
@require_http_methods(["GET", "POST"])
def letter_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an organisation's answer: its nominees enter the register as nominated (R2)."""
    letter = _editable_letter(request, pk)
    people = Person.objects.current().filter(organisation=letter.organisation)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    formset = NomineeFormSet(data, prefix="nominee", form_kwargs={"people": people})
    form = ReplyForm(data, files)
    if request.method == "POST" and formset.is_valid() and form.is_valid():
        nominees = operations.record_reply(letter, formset.nominees(),
                                           form.cleaned_data["note"],
                                           form.cleaned_data["document"], request.user)
        messages.success(request, _("Reply recorded: %(names)s nominated.") % {
            "names": ", ".join(r.person.name for r in nominees)})
        return redirect(letter.round)
    nominated = (Representative.objects.filter(
        group_id=letter.round.group_id, organisation=letter.organisation,
        year=letter.round.year, ended_on__isnull=True).select_related("person"))
    invalid = request.method == "POST"
    return render(request, "members/letter_reply.html", {
        "letter": letter, "round": letter.round, "formset": formset, "form": form,
        "nominated": nominated}, status=400 if invalid else 200)


@login_required
@require_GET
def letter_document(request: HttpRequest, pk: int) -> FileResponse:
    letter = _editable_letter(request, pk)
    return download(letter.reply_document, of=letter)  # personal data: always recorded


@require_POST
@login_required
def representative_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    representative = _editable_representative(request, pk)
    if representative.ended_on is None:
        operations.confirm_representative(representative)
        messages.success(request, _("%(name)s is confirmed.") % {
            "name": representative.person.name})
    return redirect("members:representatives", representative.group.slug)


@require_POST
@login_required
def representative_end(request: HttpRequest, pk: int) -> HttpResponse:
    representative = _editable_representative(request, pk)
    if representative.ended_on is None:
        operations.end_representation(representative)
        messages.success(request, _("%(name)s no longer represents %(org)s.") % {
            "name": representative.person.name, "org": representative.organisation.short})
    return redirect("members:representatives", representative.group.slug)


@login_required
@require_GET
def nomination_document(request: HttpRequest, pk: int) -> FileResponse:
    """A representative's nomination document: for members of the group only (R2, R7)."""
    representative = get_object_or_404(Representative.objects.select_related("group"), pk=pk)
    require_member(request, representative.group)
    return download(representative.nomination_document, of=representative)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("invitations", "INVITATION_RATE", key=by_user)
def invite(request: HttpRequest) -> HttpResponse:
    """The secretariat invites a person to an account."""
    viewer = viewer_for(request)
    if not viewer.is_editor:
        raise Http404
    form = InvitePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.person_to_invite()
        operations.invite_person(person, request.user, form.cleaned_data["message"])
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
        return redirect("portal:member_home")
    return render(request, "members/invite.html", {"form": form, "kind": "account"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("invitations", "INVITATION_RATE", key=by_user)
def invite_consultative(request: HttpRequest) -> HttpResponse:
    """The chair invites an agency or individual in a consultative capacity (R3)."""
    viewer = viewer_for(request)
    if not viewer.is_editor:
        raise Http404
    form = ConsultativeInviteForm(request.POST or None, groups=viewer.editor_groups)
    if request.method == "POST" and form.is_valid():
        person = form.person_to_invite()
        operations.invite_consultative(person, form.cleaned_data["group"], request.user,
                                       form.cleaned_data["message"])
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
        return redirect("portal:member_home")
    return render(request, "members/invite.html", {"form": form, "kind": "consultative"},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("invitation", "PUBLIC_FORM_RATE")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Where an emailed invitation link lands."""
    found = operations.find_invitation(token)
    if found is None or not found.is_usable:
        return render(request, "members/invitation_invalid.html", status=410 if found else 404)
    if found.kind == Invitation.Kind.ITEM:
        item = operations.invitation_item(found)
        if item is None or getattr(item, "archived_at", None):
            return render(request, "members/invitation_invalid.html", status=410)
        grant_item(request, item)
        if found.accepted_at is None:
            found.accepted_at = timezone.now()
            found.save(update_fields=["accepted_at"])
        return redirect(item)
    if found.kind == Invitation.Kind.CONSULTATIVE:
        if request.method == "POST":
            operations.accept_consultative_invitation(found)
            messages.success(request, _("Thank you: your participation is recorded."))
            return redirect("portal:home")
        return render(request, "members/invitation_consultative.html", {"invitation": found})
    form = SetPasswordForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        operations.accept_account_invitation(found, form.cleaned_data["password1"])
        messages.success(request, _("Your password is set. Sign in with your email address."))
        return redirect("account_login")
    return render(request, "members/invitation_account.html",
                  {"invitation": found, "form": form}, status=400 if form.errors else 200)


def _record_form(request: HttpRequest, form, heading: str, save, cancel_url: str = "",
                 history_url: str = "") -> HttpResponse:
    """The shared create/edit page: saves through `save`, or shows errors or a conflict."""
    saved = save_form_versioned(request, form, save)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "talanoa/record_form.html", {
        "form": form, "heading": heading, "conflict_rows": conflict_rows(form),
        "cancel_url": cancel_url, "history_url": history_url}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    require_editor(request)
    organisation = get_object_or_404(Organisation, slug=slug) if slug else Organisation()
    form_class = OrganisationForm if slug else NewOrganisationForm
    form = form_class(request.POST or None, instance=organisation)
    return _record_form(
        request, form, str(organisation) if slug else _("New organisation"),
        operations.save_record, organisation.get_absolute_url() if slug else "",
        reverse("history:object", args=["members.organisation", organisation.pk]) if slug
        else "")


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_editor(request)
    person = get_object_or_404(Person, pk=pk) if pk else Person()
    form = PersonForm(request.POST or None, instance=person)
    return _record_form(
        request, form, person.name if pk else _("New person"), operations.save_record,
        person.get_absolute_url() if pk else "",
        reverse("history:object", args=["members.person", pk]) if pk else "")


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup.objects.current(), slug=slug)
    require_group_editor(request, group)
    form = GroupForm(request.POST or None, instance=group)
    return _record_form(request, form, str(group), operations.save_record,
                        group.get_absolute_url(),
                        reverse("history:object", args=["members.workinggroup", group.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def subgroup_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a sub-working group or taskforce that reports to this group (R6)."""
    parent = get_object_or_404(WorkingGroup.objects.current(), slug=slug)
    require_group_editor(request, parent)
    form = SubGroupForm(request.POST or None, instance=WorkingGroup())
    return _record_form(
        request, form, _("New sub-working group or taskforce of %(group)s") % {"group": parent},
        lambda f: operations.create_subgroup(parent, f), parent.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def membership_new(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup.objects.current(), slug=slug)
    require_group_editor(request, group)
    form = MembershipForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        operations.add_membership(group, form)
        messages.success(request, _("Saved."))
        return redirect(group)
    return render(request, "talanoa/record_form.html", {
        "form": form, "heading": _("Add an organisation to %(group)s") % {"group": group},
        "cancel_url": group.get_absolute_url()}, status=400 if form.errors else 200)


@require_POST
@login_required
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("group"), pk=pk)
    require_group_editor(request, membership.group)
    if membership.end is None:
        operations.end_membership(membership)
        messages.success(request, _("The organisation's standing has ended today."))
    return redirect(membership.group)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """A person's own settings: email language, time zone and digest."""
    viewer = viewer_for(request)
    if viewer.person_id is None:
        raise Http404
    person = Person.objects.get(pk=viewer.person_id)
    form = PreferencesForm(request.POST or None, instance=person)
    saved = save_form_versioned(request, form, operations.save_record)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("members:preferences")
    return render(request, "members/preferences.html", {"form": form, "person": person},
                  status=form_status(form))


@login_required
@require_GET
def lockouts(request: HttpRequest) -> HttpResponse:
    """Accounts locked out of signing in after repeated failures, for the secretariat."""
    require_editor(request)
    return render(request, "members/lockouts.html", {
        "lockouts": operations.current_lockouts()[:200],
        "limit": settings.AXES_FAILURE_LIMIT, "hours": settings.AXES_COOLOFF_TIME})


@require_POST
@login_required
def lockout_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Unlock one account and address: its owner can sign in at once."""
    require_editor(request)
    attempt = get_object_or_404(operations.current_lockouts(), pk=pk)
    operations.unlock_login(request, attempt)
    messages.success(request, _("%(login)s can sign in again.") % {
        "login": attempt.username or attempt.ip_address})
    return redirect("members:lockouts")
