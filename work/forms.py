"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_lazy as _a

from meetings.forms import MeetingForm
from members.models import Country, Objective, Organisation, Person, Representative, WorkingGroup
from papers.models import Tag
from talanoa.access import Viewer
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.models import Protected
from work.models import (
    AdvisoryRequest,
    EngagementLogEntry,
    EngagementProcess,
    ExternalBody,
    FocalPoint,
    ForumParticipation,
    GroupPosition,
    JoinRequest,
    OrganisationProfile,
    PlanItem,
    Task,
)
from work.plan import Health

# --- Work plan ------------------------------------------------------------------------------

_LEVEL_RANK = {"public": 0, "members": 1, "core": 2, "restricted": 3}


class PlanItemForm(VersionedFormMixin, forms.ModelForm):
    """An item of the work plan. Its health is computed from its milestones' dates, so there is
    no status to choose; a milestone is marked done by its own step."""

    class Meta:
        model = PlanItem
        fields = ["group", "kind", "parent", "level", "restricted_organisations",
                  "restricted_people", "title_en", "title_fr", "description_en",
                  "description_fr", "lead_organisation", "owner_person", "partners", "areas",
                  "countries", "objectives", "starts_on", "due_on", "order"]
        widgets = {
            "restricted_organisations": forms.SelectMultiple(attrs={"size": 6}),
            "restricted_people": forms.SelectMultiple(attrs={"size": 6}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "areas": forms.SelectMultiple(attrs={"size": 8}),
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "objectives": forms.SelectMultiple(attrs={"size": 8}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "description_fr": forms.Textarea(attrs={"rows": 5}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)
        parents = (PlanItem.objects.filter(group_id__in=groups, archived_at__isnull=True)
                   .exclude(kind=PlanItem.Kind.MILESTONE).order_by("initiative_id", "pk"))
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = _("Empty for an initiative")
        organisations = Organisation.objects.current()
        for name in ("lead_organisation", "partners", "restricted_organisations"):
            self.fields[name].queryset = organisations
        self.fields["owner_person"].queryset = Person.objects.current()
        self.fields["restricted_people"].queryset = Person.objects.current()
        self.fields["areas"].queryset = Tag.objects.filter(kind=Tag.Kind.AREA)
        self.fields["countries"].queryset = Country.objects.order_by("-is_pict", "name_en")
        self.fields["objectives"].queryset = (Objective.objects.filter(group_id__in=groups)
                                              .exclude(kind=Objective.Kind.GOVERNANCE))

    def clean(self):
        from work.operations import plan_parent_problem

        cleaned = super().clean()
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        kind, parent, group = cleaned.get("kind"), cleaned.get("parent"), cleaned.get("group")
        if kind and (problem := plan_parent_problem(kind, parent)):
            self.add_error("parent", _(problem))
        if parent is not None and group is not None and parent.group_id != group.pk:
            self.add_error("group", _("An item is in the same group as the item it is part of."))
        level = cleaned.get("level")
        if parent is not None and level and _LEVEL_RANK[level] < _LEVEL_RANK[parent.level]:
            # Its readers must be able to reach it from above: never more open than its parent.
            self.add_error("level", _("It cannot be more widely seen than the item it is part "
                                      "of (%(level)s).") % {"level": parent.get_level_display()})
        if level == PlanItem.Level.RESTRICTED and not (
                cleaned.get("restricted_organisations") or cleaned.get("restricted_people")):
            self.add_error("restricted_organisations",
                           _("Name the organisations or people who may see it."))
        starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts and due and due < starts:
            self.add_error("due_on", _("The due date comes before the start."))
        objectives, group = cleaned.get("objectives"), cleaned.get("group")
        if objectives and group and any(o.group_id != group.pk for o in objectives):
            self.add_error("objectives", _("Choose objectives of the item's group."))
        return cleaned


class PlanFilterForm(forms.Form):
    """The filters of the work plan; an unknown value is ignored, never an error page."""

    objective = forms.ChoiceField(label=_("Objective"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    area = forms.ChoiceField(label=_("ICT area"), required=False)
    organisation = forms.CharField(required=False, widget=forms.HiddenInput)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, objectives=(), areas=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", _("Any")), *[(o.code, o.code)
                                                              for o in objectives]]
        self.fields["status"].choices = [("", _("Any")), *Health.choices]
        self.fields["area"].choices = [("", _("Any")), *[(t.code, t.name) for t in areas]]
        self.fields["country"].choices = [("", _("Any")),
                                          *[(c.iso3, c.name) for c in countries]]

    def filters(self) -> dict:
        """The valid filters given (an invalid one is dropped, the others still apply)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items()
                if value and key not in self.errors}




# --- Tasks ----------------------------------------------------------------------------------
class TaskForm(forms.ModelForm):
    """A task's what, who and when (from a meeting, a decision, or the register)."""

    class Meta:
        model = Task
        fields = ["title", "description", "owner_organisation", "owner_person", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.current()
        self.fields["owner_organisation"].required = False
        self.fields["owner_organisation"].help_text = _(
            "Left empty: the owner's own organisation.")
        self.fields["owner_person"].queryset = Person.objects.current()

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("owner_person")
        if not cleaned.get("owner_organisation"):
            if person is not None and person.organisation_id:
                cleaned["owner_organisation"] = person.organisation
                self.instance.owner_organisation = person.organisation
            elif "owner_organisation" not in self.errors:
                self.add_error("owner_organisation",
                               _("Name the organisation that owns the task."))
        return cleaned


class NewTaskForm(TaskForm):
    """A task from the register: for a group the viewer edits, about an item they may see
    (by its address) or none."""

    about = forms.CharField(
        label=_("About (the item's address)"), required=False, max_length=500,
        help_text=_("Paste the address of a meeting, decision, paper or proposal; leave it "
                    "empty for a task of the group."))
    group = forms.ModelChoiceField(label=_("Group"), queryset=WorkingGroup.objects.none(),
                                   required=False,
                                   help_text=_("For a task about no item."))

    field_order = ["title", "description", "about", "group", "owner_organisation",
                   "owner_person", "due_on"]

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        groups = WorkingGroup.objects.current()
        if not viewer.is_superuser:
            groups = groups.filter(pk__in=viewer.editor_groups)
        self.fields["group"].queryset = groups
        self.item = None

    def clean_about(self):
        from talanoa.access import can_view
        from talanoa.lib.linking import item_for_address

        address = self.cleaned_data["about"].strip()
        if not address:
            return ""
        item = item_for_address(address)
        linkable = tuple(Task._meta.get_field(name).related_model for name in Task.LINKS)
        # An item the viewer may not see reads exactly like an address that names nothing.
        if item is None or not isinstance(item, linkable) or not can_view(item, self.viewer):
            raise forms.ValidationError(_(
                "This address is not a meeting, decision, paper, proposal, work plan item or "
                "advisory request you can see."))
        if not self.viewer.edits(item.group_id):
            raise forms.ValidationError(_("You can add tasks only to your own groups' items."))
        if item.archived_at is not None:
            raise forms.ValidationError(_("The item is archived: restore it first."))
        self.item = item
        return address

    def clean(self):
        cleaned = super().clean()
        if self.item is None and not cleaned.get("group") and "about" not in self.errors:
            self.add_error("group", _("Choose the group, or give the item the task is about."))
        return cleaned


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=())
    reason = forms.CharField(label=_("Note (required when dropping a task)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in Task.Status.choices
            if task is None or value != task.status]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("status") == Task.Status.DROPPED
                and not cleaned.get("reason", "").strip()):
            self.add_error("reason", _("Say why the task is dropped."))
        return cleaned


class OrganisationByNameField(forms.CharField):
    """An organisation typed as its slug, acronym or English or French name (exact, any case);
    None when nothing or several match."""

    def __init__(self, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(max_length=200, **kwargs)

    def prepare_value(self, value):
        return value.acronym or value.name_en if isinstance(value, Organisation) else value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = list(self.queryset.filter(
            Q(slug__iexact=text) | Q(acronym__iexact=text) | Q(name_en__iexact=text)
            | Q(name_fr__iexact=text))[:2])
        return found[0] if len(found) == 1 else None


class TaskFilterForm(forms.Form):
    """The register's filters; an unknown value is ignored, never an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner organisation"), required=False,
                                   queryset=Organisation.objects.current(), to_field_name="slug")
    about = forms.ChoiceField(label=_("About"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if viewer is not None and not viewer.is_superuser:
            # The organisations of the viewer's groups (a list of every organisation of every
            # group would outweigh the page).
            groups = viewer.member_groups | viewer.editor_groups
            self.fields["owner"].queryset = Organisation.objects.current().filter(
                memberships__group_id__in=groups).distinct()
        self.fields["status"].choices = [("", _("Any")), ("open_any", _("Open or in progress")),
                                         *Task.Status.choices]
        if not self.is_bound:
            self.initial.update(self.DEFAULT)
        self.fields["owner"].empty_label = _("Any")
        choices = self.fields["owner"].queryset
        if choices.count() > self.OWNER_LIST_MAX:
            # Hundreds of organisations would outweigh the page (a first view is 14 KB): the
            # reader types an acronym or a short name instead of picking from a list.
            self.fields["owner"] = OrganisationByNameField(
                choices, label=_("Owner organisation"), required=False,
                help_text=_("An acronym or a name, e.g. SPC or Tonga."))
        self.fields["about"].choices = [("", _("Any")), ("none", _("No item")), *[
            (name, Task._meta.get_field(name).verbose_name.capitalize())
            for name in Task.LINKS]]

    # With no filter chosen the register shows what is still to do; "Any" shows everything.
    DEFAULT = {"status": "open_any"}
    OWNER_LIST_MAX = 100

    def filters(self) -> dict:
        if not self.is_bound:
            return dict(self.DEFAULT)
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items()
                if value not in (None, "", False)}





# --- Who does what --------------------------------------------------------------------------




# --- Advisory requests ----------------------------------------------------------------------


# A response's document: what a paper's files may be.
ADVISORY_FILE_TYPES = {"pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "txt"}
_DATE = {"type": "date"}


def _default_group(field, groups) -> None:
    """One group: no choice to make; several: the site's main group first (not a taskforce)."""
    from django.conf import settings

    if len(groups) == 1:
        field.initial = next(iter(groups))
        field.widget = forms.HiddenInput()
    else:
        field.initial = (field.queryset.filter(slug=settings.DEFAULT_GROUP_SLUG)
                         .values_list("pk", flat=True).first())


class AdvisoryRequestForm(forms.ModelForm):
    """What a member (or an invited ministry) asks: topic, details, urgency, date wanted."""

    class Meta:
        model = AdvisoryRequest
        fields = ["title_en", "title_fr", "details", "country", "urgency", "wanted_by"]
        widgets = {"wanted_by": forms.DateInput(attrs=_DATE),
                   "details": forms.Textarea(attrs={"rows": 8})}

    def clean_wanted_by(self):
        from django.utils import timezone

        wanted = self.cleaned_data.get("wanted_by")
        if wanted and wanted < timezone.localdate():
            raise forms.ValidationError(_a("The date wanted has passed."))
        return wanted


class MemberAdvisoryForm(AdvisoryRequestForm):
    """A signed-in representative files for an organisation they represent, or for a ministry
    of their country."""

    class Meta(AdvisoryRequestForm.Meta):
        fields = ["group", "organisation", "ministry", *AdvisoryRequestForm.Meta.fields]

    def __init__(self, *args, groups, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import Organisation, WorkingGroup

        self.fields["group"].queryset = WorkingGroup.objects.filter(pk__in=groups)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=organisations)
        self.fields["organisation"].required = True
        self.fields["organisation"].empty_label = None
        self.fields["ministry"].help_text = _a("If you ask for a ministry, its name")
        _default_group(self.fields["group"], groups)


class MinistryAdvisoryForm(AdvisoryRequestForm):
    """The ministry contact's request: the country and address come from the invitation."""

    class Meta(AdvisoryRequestForm.Meta):
        fields = ["requester_name", "ministry", "title_en", "title_fr", "details", "urgency",
                  "wanted_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ministry"].required = True
        self.fields["ministry"].help_text = ""


class AdvisoryEditForm(VersionedFormMixin, AdvisoryRequestForm):
    paper_addresses = forms.CharField(
        label=_a("Linked papers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_a("Addresses of papers, one a line"))

    class Meta(AdvisoryRequestForm.Meta):
        fields = ["level", "organisation", "ministry", "requester_name", "requester_email",
                  "requester_person", "language", *AdvisoryRequestForm.Meta.fields]

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import Organisation, Person

        self.viewer = viewer
        self.fields["level"].choices = [(v, label) for v, label in self.fields["level"].choices
                                        if v in AdvisoryRequest.LEVELS]
        self.fields["level"].help_text = _a("Restricted: only who asked, who answers, and the "
                                            "group's chair and secretariat.")
        self.fields["organisation"].queryset = Organisation.objects.current()
        self.fields["requester_person"].queryset = Person.objects.current()
        if not self.is_bound and self.instance.pk:
            self.initial["paper_addresses"] = "\n".join(
                p.get_absolute_url() for p in self.instance.papers.all())

    def clean_wanted_by(self):  # an old request keeps its date
        return self.cleaned_data.get("wanted_by")

    def clean_paper_addresses(self):
        return linked_papers(self.cleaned_data.get("paper_addresses", ""), self.viewer)


def linked_papers(text: str, viewer) -> list:
    """The papers named by their addresses, one a line; one the viewer may not see is refused
    as if it did not exist."""
    from papers.models import Paper
    from talanoa.access import can_view
    from talanoa.lib.linking import item_for_address

    papers = []
    for address in [a.strip() for a in text.replace(",", "\n").splitlines() if a.strip()]:
        item = item_for_address(address)
        if not isinstance(item, Paper) or not can_view(item, viewer):
            raise forms.ValidationError(_a("No paper at %(address)s."),
                                        params={"address": address})
        papers.append(item)
    return papers


class AdvisoryInviteForm(forms.Form):
    """The secretariat invites a ministry's contact to ask for advice."""

    email = forms.EmailField(label=_a("Email"))
    name = forms.CharField(label=_a("Name"), max_length=200)
    ministry = forms.CharField(label=_a("Ministry"), max_length=200)
    country = forms.ModelChoiceField(label=_a("Country"), queryset=None)
    language = forms.ChoiceField(label=_a("Language"), choices=[("en", "English"),
                                                                 ("fr", "Français")])
    group = forms.ModelChoiceField(label=_a("Group"), queryset=None)
    message = forms.CharField(label=_a("Message"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import Country, WorkingGroup

        self.fields["country"].queryset = Country.objects.filter(is_pict=True)
        self.fields["group"].queryset = WorkingGroup.objects.filter(pk__in=groups)
        _default_group(self.fields["group"], groups)


class AdvisoryFilterForm(forms.Form):
    STATUS_CHOICES = [("open", _a("Open")), ("all", _a("All"))]

    status = forms.ChoiceField(label=_a("Status"), required=False)
    urgency = forms.ChoiceField(label=_a("Urgency"), required=False)
    country = forms.ModelChoiceField(label=_a("Country"), required=False, queryset=None,
                                     empty_label=_a("All"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import Country

        self.fields["status"].choices = [*self.STATUS_CHOICES,
                                         *AdvisoryRequest.Status.choices]
        self.fields["urgency"].choices = [("", _a("All")), *AdvisoryRequest.Urgency.choices]
        self.fields["country"].queryset = Country.objects.filter(is_pict=True)

    def filters(self) -> dict:
        if not self.is_bound:
            return {"status": "open"}
        if not self.is_valid():
            return {"status": "open"}
        return {k: v for k, v in self.cleaned_data.items() if v} | (
            {"status": self.cleaned_data["status"] or "open"})


class TriageForm(forms.Form):
    urgency = forms.ChoiceField(label=_a("Urgency"))
    note = forms.CharField(label=_a("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["urgency"].choices = AdvisoryRequest.Urgency.choices


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_a("Organisation that answers"), queryset=None)
    person = forms.ModelChoiceField(label=_a("Person"), queryset=None, required=False)
    note = forms.CharField(label=_a("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import Membership, Organisation, Person

        # The organisations of the group (and their people): who may be asked to answer.
        orgs = Organisation.objects.current().filter(
            pk__in=Membership.objects.active().filter(group=group).values("organisation_id"))
        self.fields["organisation"].queryset = orgs
        self.fields["person"].queryset = (Person.objects.current()
                                          .filter(organisation__in=orgs)
                                          .select_related("organisation"))
        self.fields["person"].label_from_instance = (
            lambda p: f"{p.name} ({p.organisation.short})")

    def clean(self):
        cleaned = super().clean()
        org, person = cleaned.get("organisation"), cleaned.get("person")
        if org and person and person.organisation_id != org.pk:
            self.add_error("person", _a("The person is not of the organisation chosen."))
        return cleaned


class RespondForm(forms.Form):
    text = forms.CharField(label=_a("Response"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_a("Markdown"))
    file = forms.FileField(label=_a("Document"), required=False,
                           help_text=_a("PDF, Word, OpenDocument, spreadsheet, slides or text."))
    paper_addresses = forms.CharField(
        label=_a("Linked papers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_a("Addresses of papers, one a line"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_file(self):
        from talanoa.lib.files import validate_upload

        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload, ADVISORY_FILE_TYPES)
        return upload

    def clean_paper_addresses(self):
        return linked_papers(self.cleaned_data.get("paper_addresses", ""), self.viewer)


class NoteForm(forms.Form):
    """Close, decline or withdraw: a note (the reason, required to decline)."""

    note = forms.CharField(label=_a("Reason"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        if required:
            self.fields["note"].error_messages["required"] = _a(
                "Say why the request is declined.")





# --- Engagement -----------------------------------------------------------------------------

_DATE = {"type": "date"}


class ExternalBodyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ExternalBody
        fields = ["slug", "acronym", "name_en", "name_fr", "kind", "website", "description_en",
                  "description_fr", "organisation", "order"]
        widgets = {"description_en": forms.Textarea(attrs={"rows": 3}),
                   "description_fr": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.current()

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug == "new":  # the address of the page that adds a body
            raise forms.ValidationError(_("This short name is reserved: choose another."))
        return slug


class EngagementProcessForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = EngagementProcess
        fields = ["body", "title_en", "title_fr", "kind", "url", "opens_on", "deadline",
                  "status_set", "areas", "description_en", "description_fr"]
        widgets = {"opens_on": forms.DateInput(attrs=_DATE),
                   "deadline": forms.DateInput(attrs=_DATE),
                   "areas": forms.CheckboxSelectMultiple,
                   "description_en": forms.Textarea(attrs={"rows": 4}),
                   "description_fr": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = ExternalBody.objects.current()
        self.fields["areas"].queryset = Tag.objects.filter(kind=Tag.Kind.AREA)
        self.fields["status_set"].choices = [("", _("Follow the deadline")),
                                             *EngagementProcess.Status.choices]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        opens, deadline = cleaned.get("opens_on"), cleaned.get("deadline")
        if opens and deadline and deadline < opens:
            self.add_error("deadline", _("The deadline comes before the opening."))
        return cleaned


def _visible_paper(form: forms.Form, field: str, viewer: Viewer):
    """The paper at the address typed in `field`, if the editor may see it; else an error."""
    from papers.models import Paper
    from talanoa.access import can_view
    from talanoa.lib.linking import item_for_address

    address = (form.cleaned_data.get(field) or "").strip()
    if not address:
        return None
    item = item_for_address(address)
    # A paper the editor may not see is refused as if it did not exist.
    if not isinstance(item, Paper) or not can_view(item, viewer):
        form.add_error(field, _("No paper at this address: %(address)s") % {"address": address})
        return None
    return item


class _LevelFormMixin:
    """The group (one the editor edits), level and named organisations and people of an item."""

    def _setup_level(self, groups):
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)
        self.fields["restricted_organisations"].queryset = Organisation.objects.current()
        self.fields["restricted_people"].queryset = Person.objects.current()

    def _clean_level(self, cleaned):
        if cleaned.get("level") == Protected.Level.RESTRICTED and not (
                cleaned.get("restricted_organisations") or cleaned.get("restricted_people")):
            self.add_error("restricted_organisations",
                           _("Name the organisations or people who may see it."))


class GroupPositionForm(_LevelFormMixin, VersionedFormMixin, forms.ModelForm):
    paper_address = forms.CharField(
        label=_("Paper"), required=False, max_length=500,
        help_text=_("The address of the paper that carried the position, e.g. "
                    "https://…/papers/12/"))

    class Meta:
        model = GroupPosition
        fields = ["group", "level", "restricted_organisations", "restricted_people", "title_en",
                  "title_fr", "text_en", "text_fr", "submitted_on", "outcome"]
        widgets = {"restricted_organisations": forms.SelectMultiple(attrs={"size": 6}),
                   "restricted_people": forms.SelectMultiple(attrs={"size": 6}),
                   "text_en": forms.Textarea(attrs={"rows": 6}),
                   "text_fr": forms.Textarea(attrs={"rows": 6}),
                   "outcome": forms.Textarea(attrs={"rows": 3}),
                   "submitted_on": forms.DateInput(attrs=_DATE)}

    def __init__(self, *args, viewer: Viewer, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self._setup_level(groups)
        if self.instance.pk and self.instance.paper_id and not self.is_bound:
            self.initial["paper_address"] = self.instance.paper.get_absolute_url()

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        self._clean_level(cleaned)
        self.paper = _visible_paper(self, "paper_address", self.viewer)
        return cleaned

    def save(self, commit: bool = True):
        self.instance.paper = self.paper
        return super().save(commit)


class ForumEventForm(MeetingForm):
    """The forum's dates and place: the meeting that puts it on the calendar. Its group and
    level are the participation's."""

    class Meta(MeetingForm.Meta):
        fields = ["group", "level", "title_en", "title_fr", "description_en", "description_fr",
                  "time_zone", "mode", "venue", "city", "country", "online_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["group"], self.fields["level"]
        self.fields["title_en"].help_text = _("e.g. Internet Governance Forum 2026")


class ForumParticipationForm(_LevelFormMixin, VersionedFormMixin, forms.ModelForm):
    report_address = forms.CharField(
        label=_("Report back"), required=False, max_length=500,
        help_text=_("The address of the paper reporting back, once written"))

    class Meta:
        model = ForumParticipation
        fields = ["group", "level", "restricted_organisations", "restricted_people", "body",
                  "delegates", "position_en", "position_fr"]
        widgets = {"restricted_organisations": forms.SelectMultiple(attrs={"size": 6}),
                   "restricted_people": forms.SelectMultiple(attrs={"size": 6}),
                   "delegates": forms.SelectMultiple(attrs={"size": 8}),
                   "position_en": forms.Textarea(attrs={"rows": 6}),
                   "position_fr": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, viewer: Viewer, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self._setup_level(groups)
        self.fields["body"].queryset = ExternalBody.objects.current()
        self.fields["delegates"].queryset = Person.objects.current().select_related(
            "organisation")
        if self.instance.pk and self.instance.report_paper_id and not self.is_bound:
            self.initial["report_address"] = self.instance.report_paper.get_absolute_url()

    def clean(self):
        cleaned = super().clean()
        self._clean_level(cleaned)
        self.report_paper = _visible_paper(self, "report_address", self.viewer)
        return cleaned

    def save(self, commit: bool = True):
        self.instance.report_paper = self.report_paper
        return super().save(commit)


# --- Directory and "take part" --------------------------------------------------------------



def _areas():
    return Tag.objects.filter(kind=Tag.Kind.AREA).order_by("order", "code")


class OrganisationProfileForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = OrganisationProfile
        fields = ["areas"]
        widgets = {"areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = _areas()


class FocalPointForm(forms.ModelForm):
    class Meta:
        model = FocalPoint
        fields = ["person", "area", "role", "since"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.current().filter(
            organisation=organisation)
        self.fields["person"].help_text = _("People of this organisation (add one from the "
                                            "directory first if they are not listed).")
        self.fields["area"].queryset = _areas()
        self.fields["area"].empty_label = _("All areas")


class EngagementLogForm(forms.ModelForm):
    class Meta:
        model = EngagementLogEntry
        fields = ["date", "kind", "summary", "by", "level"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"level": _("Members by default: the group's own notes. A restricted note "
                                 "is for this organisation and the group's editors.")}

    def __init__(self, *args, organisation=None, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        representing = Representative.objects.current().filter(group=group).values("person_id")
        self.fields["by"].queryset = Person.objects.current().filter(
            Q(organisation=organisation) | Q(pk__in=representing)).order_by("name")


class _HoneypotField(forms.BoundField):
    def css_classes(self, extra_classes=None) -> str:
        return "honeypot"  # hidden by the stylesheet (no inline style: strict CSP)


class TakePartForm(forms.ModelForm):
    """The public request to join (S1): anyone may fill it; a hidden field catches robots."""

    # Robots fill every field; people never see this one (hidden by the stylesheet).
    homepage = forms.CharField(required=False, label=_("Leave this field empty"),
                               bound_field_class=_HoneypotField,
                               widget=forms.TextInput(attrs={"autocomplete": "off",
                                                             "tabindex": "-1"}))

    class Meta:
        model = JoinRequest
        fields = ["organisation_name", "acronym", "kind", "country", "website", "contact_name",
                  "email", "position", "areas", "contribution", "standing"]
        widgets = {"areas": forms.CheckboxSelectMultiple, "standing": forms.RadioSelect,
                   "contribution": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"standing": _("Observers follow the group's work and may be asked for "
                                    "their names each year; consultative participants are "
                                    "invited to contribute in their field (R3).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = _areas()
        self.fields["country"].queryset = Country.objects.order_by("-is_pict", "name_en")

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            raise forms.ValidationError(_("This field must be left empty."))
        return ""


class JoinRequestStepForm(forms.Form):
    """Approve as observer or consultative, or decline with a reason."""

    ACTIONS = ("approve_observer", "approve_consultative", "decline")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    organisation = forms.CharField(required=False)
    other = forms.SlugField(required=False)
    reason = forms.CharField(required=False, widget=forms.Textarea)
    expected_version = forms.IntegerField()

    def __init__(self, *args, join_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.join_request = join_request

    def clean(self):
        from members.models import Organisation

        data = super().clean()
        if data.get("expected_version") != self.join_request.version:
            raise forms.ValidationError(_("Someone acted on this request in the meantime: check "
                                          "it, then try again."))
        if data.get("action") == "decline":
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why the request is declined: the applicant is "
                                           "told."))
            return data
        data["existing"] = None
        if data.get("other"):
            data["existing"] = Organisation.objects.current().filter(slug=data["other"]).first()
            if data["existing"] is None:
                self.add_error("other", _("No organisation has this short name."))
        elif data.get("organisation"):
            try:
                data["existing"] = Organisation.objects.current().get(pk=int(data["organisation"]))
            except (ValueError, Organisation.DoesNotExist):
                self.add_error("organisation", _("Choose an organisation from the list."))
        return data



