"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Person, WorkingGroup
from talanoa.access import Viewer
from work.models import Task

# --- Work plan ------------------------------------------------------------------------------




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



