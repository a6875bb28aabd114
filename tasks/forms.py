"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Person, WorkingGroup
from talanoa.access import Viewer, can_view
from talanoa.lib.linking import item_for_address
from tasks.models import Task


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
