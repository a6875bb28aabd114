import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Body, Country, Organisation, Person, WorkingGroup
from papers.models import MissionContact, MissionList, Paper, PaperKind, PaperOption, Position, Tag
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import validate_upload

PAPER_FILE_TYPES = {"pdf", "docx", "xlsx", "pptx", "odt"}


class PaperForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Paper
        fields = ["group", "kind", "level", "restricted_organisations", "restricted_people",
                  "title_en", "title_fr", "summary_en", "summary_fr", "body_en", "body_fr",
                  "lead_organisation", "contributors", "co_groups", "tags", "countries"]
        widgets = {
            "restricted_organisations": forms.SelectMultiple(attrs={"size": 6}),
            "restricted_people": forms.SelectMultiple(attrs={"size": 6}),
            "contributors": forms.SelectMultiple(attrs={"size": 6}),
            "co_groups": forms.CheckboxSelectMultiple,
            "tags": forms.SelectMultiple(attrs={"size": 10}),
            "countries": forms.SelectMultiple(attrs={"size": 6}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, groups=(), lead_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)
        organisations = Organisation.objects.current()
        self.fields["lead_organisation"].queryset = (
            organisations.filter(pk__in=lead_choices) if lead_choices is not None
            else organisations)
        for name in ("restricted_organisations", "contributors"):
            self.fields[name].queryset = organisations
        self.fields["restricted_people"].queryset = Person.objects.current()
        self.fields["co_groups"].queryset = WorkingGroup.objects.current()
        self.fields["countries"].queryset = Country.objects.filter(is_pict=True)
        self.fields["level"].help_text = _(
            "public: everyone (published once cleared); members: representatives of member, "
            "observer and consultative organisations; core members: member organisations only; "
            "restricted: only the organisations and people you name.")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        if cleaned.get("level") == Paper.Level.RESTRICTED:
            named = cleaned.get("restricted_organisations")
            lead = cleaned.get("lead_organisation")
            if lead and named is not None and lead not in named:
                self.add_error("restricted_organisations", _(
                    "A restricted paper must name its lead organisation, or its authors could "
                    "not read it."))
        return cleaned


class BaseOptionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        recommended = [form for form in self.forms
                       if form.cleaned_data.get("recommended")
                       and not form.cleaned_data.get("DELETE")]
        if len(recommended) > 1:
            raise forms.ValidationError(_("Recommend one option at most."))


class OptionForm(forms.ModelForm):
    class Meta:
        model = PaperOption
        fields = ["order", "title_en", "title_fr", "text_en", "text_fr", "recommended"]
        widgets = {"text_en": forms.Textarea(attrs={"rows": 3}),
                   "text_fr": forms.Textarea(attrs={"rows": 3}),
                   "order": forms.NumberInput(attrs={"size": 3})}

    def clean(self):
        cleaned = super().clean()
        has_text = any(cleaned.get(name) for name in ("text_en", "text_fr"))
        if (has_text or cleaned.get("recommended")) and not (
                cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give the option a title in English or French."))
        return cleaned


OptionFormSet = inlineformset_factory(Paper, PaperOption, form=OptionForm,
                                      formset=BaseOptionFormSet, extra=2, can_delete=True,
                                      max_num=12, validate_max=True)


class PaperFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False,
                            help_text=_("e.g. Full paper, Annex 1. Empty: the file's name."))
    file = forms.FileField(label=_("File"),
                           help_text=_("PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX) or "
                                       "OpenDocument text (ODT)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_type = validate_upload(upload, PAPER_FILE_TYPES)
        return upload


class ReviewForm(forms.Form):
    until = forms.DateField(label=_("Comments and positions until"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Note to the members"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate() + datetime.timedelta(days=21)


class CommentForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=200, required=False,
                              help_text=_("Leave empty for a comment on the whole paper"))
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class PositionForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects
                                          .none(), empty_label=None)
    stance = forms.ChoiceField(label=_("Position"), choices=Position.Stance.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Explanation"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required for a concern or an objection"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stance") in Position.UNRESOLVED and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what the concern or objection is, so that the group "
                                     "can resolve it."))
        return cleaned


class ClearForm(forms.Form):
    consensus_record = forms.CharField(
        label=_("Record of consensus"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the concerns and objections were resolved (R4). Required when any "
                    "were recorded."))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What must change"), widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Submitted to"), queryset=Body.objects.all())
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                         initial=timezone.localdate)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Paper.Outcome.choices)
    note = forms.CharField(label=_("Details"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                         initial=timezone.localdate)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Paper.Outcome.RETURNED and not cleaned.get("note"):
            self.add_error("note", _("Say what the comments were."))
        return cleaned


class SendBriefForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(label=_("Send to"), queryset=MissionList.objects.all(),
                                           widget=forms.CheckboxSelectMultiple)


class MissionContactForm(forms.ModelForm):
    class Meta:
        model = MissionContact
        fields = ["mission_list", "name", "mission", "email", "country", "language"]


class PublicationFilterForm(forms.Form):
    """The filters of the publications list; any unknown value is ignored, never an error page."""

    kind = forms.ModelChoiceField(label=_("Kind"), queryset=PaperKind.objects.all(),
                                  required=False, to_field_name="slug")
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    sdg = forms.ModelChoiceField(label=_("SDG target"), required=False, to_field_name="code",
                                 queryset=Tag.objects.filter(kind=Tag.Kind.SDG))
    country = forms.ModelChoiceField(label=_("Country"), required=False, to_field_name="iso3",
                                     queryset=Country.objects.filter(is_pict=True))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Any"))] + [
            (year, year) for year in range(this_year, 2009, -1)]
        for name in ("kind", "sdg", "country"):
            self.fields[name].empty_label = _("Any")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {key: value for key, value in data.items() if value not in (None, "")}


class PaperKindForm(forms.ModelForm):
    class Meta:
        model = PaperKind
        fields = ["slug", "name_en", "name_fr", "order"]


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["kind", "code", "name_en", "name_fr", "order"]


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["slug", "acronym", "name_en", "name_fr", "order"]
