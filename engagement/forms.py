"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
from meetings.forms import MeetingForm
from members.models import Organisation, Person, WorkingGroup
from papers.models import Paper, Tag
from talanoa.access import Viewer, can_view
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.linking import item_for_address
from talanoa.lib.models import Protected

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
