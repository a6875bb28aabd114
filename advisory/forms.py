"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _a

from advisory.models import AdvisoryRequest
from members.models import Country, Membership, Organisation, Person, WorkingGroup
from papers.models import Paper
from talanoa.access import can_view
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import validate_upload
from talanoa.lib.linking import item_for_address
from talanoa.lib.markup import text_limit

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
                           help_text=_a("Markdown"), validators=text_limit())
    file = forms.FileField(label=_a("Document"), required=False,
                           help_text=_a("PDF, Word, OpenDocument, spreadsheet, slides or text."))
    paper_addresses = forms.CharField(
        label=_a("Linked papers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_a("Addresses of papers, one a line"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_file(self):
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
