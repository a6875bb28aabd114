"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Country, Objective, Organisation, Person, WorkingGroup
from papers.models import Tag
from talanoa.access import Viewer
from talanoa.lib.editing import VersionedFormMixin
from work.models import PlanItem, Task
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
                "This address is not a meeting, decision, paper or proposal you can see."))
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


class TaskFilterForm(forms.Form):
    """The register's filters; an unknown value is ignored, never an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner organisation"), required=False,
                                   queryset=Organisation.objects.current(), to_field_name="slug")
    about = forms.ChoiceField(label=_("About"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), ("open_any", _("Open or in progress")),
                                         *Task.Status.choices]
        self.fields["owner"].empty_label = _("Any")
        self.fields["about"].choices = [("", _("Any")), ("none", _("No item")), *[
            (name, Task._meta.get_field(name).verbose_name.capitalize())
            for name in Task.LINKS]]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items()
                if value not in (None, "", False)}





# --- Who does what --------------------------------------------------------------------------




# --- Advisory requests ----------------------------------------------------------------------




# --- Engagement -----------------------------------------------------------------------------




# --- Directory and "take part" --------------------------------------------------------------



