"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import EngagementLogEntry, FocalPoint, JoinRequest, OrganisationProfile
from members.models import Country, Organisation, Person, Representative
from papers.models import Tag
from talanoa.lib.editing import VersionedFormMixin


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
