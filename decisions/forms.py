"""Forms of the decision register and of the proposals pipeline."""

from __future__ import annotations

import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, DecisionOption, Sitting
from members.models import Body, Organisation, Person, WorkingGroup
from papers.forms import BaseOptionFormSet, OptionForm
from papers.forms import PositionForm as PaperPositionForm
from papers.models import Tag
from talanoa.access import Viewer, can_view
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.linking import item_for_address

# --- The decision register (G2) ---------------------------------------------------------------

# A communiqué is a PDF or a Word document; the same kinds as a paper's files.
OUTCOME_FILE_TYPES = {"pdf", "docx", "odt"}


class SittingForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Sitting
        fields = ["body", "title_en", "title_fr", "starts_on", "ends_on", "place",
                  "outcome_url", "outcome_file"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_file"].help_text = _("PDF, Word (DOCX) or OpenDocument text (ODT).")

    def clean_outcome_file(self):
        from talanoa.lib.files import validate_upload

        upload = self.cleaned_data.get("outcome_file")
        # Only a new upload is checked: an unchanged field gives back the stored file.
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload, OUTCOME_FILE_TYPES)
        return upload

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day comes before the first."))
        return cleaned


def _addresses(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class DecisionForm(VersionedFormMixin, forms.ModelForm):
    """A decision and the group's assessment. Papers and meetings are linked by their address
    (pasted from the browser): a list of every paper would be long, and would name papers the
    editor may not see."""

    advice_paper_address = forms.CharField(
        label=_("Advice paper"), required=False, max_length=500,
        help_text=_("The address of the paper that carried the advice, e.g. "
                    "https://…/papers/12/"))
    paper_addresses = forms.CharField(
        label=_("Papers it concerns"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Addresses of papers, one a line"))
    meeting_addresses = forms.CharField(
        label=_("Meetings"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Addresses of meetings that discussed it, one a line"))

    class Meta:
        model = Decision
        fields = ["group", "level", "restricted_organisations", "restricted_people", "sitting",
                  "reference", "title_en", "title_fr", "text_en", "text_fr", "concerns_ict",
                  "ict_reason", "analysis_en", "analysis_fr", "advice_en", "advice_fr",
                  "status", "review_on", "indicator_codes", "tags"]
        widgets = {
            "restricted_organisations": forms.SelectMultiple(attrs={"size": 6}),
            "restricted_people": forms.SelectMultiple(attrs={"size": 6}),
            "tags": forms.SelectMultiple(attrs={"size": 8}),
            "text_en": forms.Textarea(attrs={"rows": 4}),
            "text_fr": forms.Textarea(attrs={"rows": 4}),
            "ict_reason": forms.Textarea(attrs={"rows": 2}),
            "review_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, viewer: Viewer, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)
        self.fields["sitting"].queryset = Sitting.objects.current().select_related("body")
        self.fields["restricted_organisations"].queryset = Organisation.objects.current()
        self.fields["restricted_people"].queryset = Person.objects.current()
        self.fields["tags"].queryset = Tag.objects.all()
        if self.instance.pk:
            # Once registered, the status moves only by the named step, with its reason.
            del self.fields["status"]
            if not self.is_bound:
                decision = self.instance
                self.initial["advice_paper_address"] = (
                    decision.advice_paper.get_absolute_url() if decision.advice_paper_id else "")
                self.initial["paper_addresses"] = "\n".join(
                    p.get_absolute_url() for p in decision.papers.all())
                self.initial["meeting_addresses"] = "\n".join(
                    m.get_absolute_url() for m in decision.meetings.all())

    def _linked(self, field: str, model_label: str) -> list:
        from django.apps import apps

        model = apps.get_model(model_label)
        items = []
        for address in _addresses(self.cleaned_data.get(field, "")):
            item = item_for_address(address)
            # An item the editor may not see is refused as if it did not exist.
            if not isinstance(item, model) or not can_view(item, self.viewer):
                self.add_error(field, _("No %(kind)s at this address: %(address)s") % {
                    "kind": model._meta.verbose_name, "address": address})
                continue
            if item not in items:
                items.append(item)
        return items

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        advice = self._linked("advice_paper_address", "papers.Paper")
        if len(advice) > 1:
            self.add_error("advice_paper_address", _("Give one paper."))
        self.advice_paper = advice[0] if advice else None
        self.linked_papers = self._linked("paper_addresses", "papers.Paper")
        self.linked_meetings = self._linked("meeting_addresses", "meetings.Meeting")
        if cleaned.get("level") == Decision.Level.RESTRICTED and not (
                cleaned.get("restricted_organisations") or cleaned.get("restricted_people")):
            self.add_error("restricted_organisations",
                           _("Name the organisations or people who may see it."))
        return cleaned

    def save(self, commit: bool = True):
        self.instance.advice_paper = self.advice_paper
        return super().save(commit)

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.papers.set(self.linked_papers)
        self.instance.meetings.set(self.linked_meetings)


class DecisionOptionForm(OptionForm):
    class Meta(OptionForm.Meta):
        model = DecisionOption


DecisionOptionFormSet = inlineformset_factory(
    Decision, DecisionOption, form=DecisionOptionForm, formset=BaseOptionFormSet, extra=2,
    can_delete=True, max_num=12, validate_max=True)


class DecisionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Implementation"), choices=Decision.Status.choices)
    reason = forms.CharField(label=_("Why"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    review_on = forms.DateField(label=_("Next review"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("Empty: no review planned"))

    def __init__(self, *args, decision: Decision | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if decision is not None:
            self.fields["status"].choices = [(value, label) for value, label
                                             in Decision.Status.choices
                                             if value != decision.status]
            self.fields["review_on"].initial = decision.review_on


class DecisionPositionForm(PaperPositionForm):
    """A member organisation's position on the group's assessment and advice."""


class DecisionFilterForm(forms.Form):
    """The filters of the decisions list; any unknown value is ignored, never an error page."""

    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.all(), required=False,
                                  to_field_name="slug")
    status = forms.ChoiceField(label=_("Implementation"), required=False)
    ict = forms.ChoiceField(label=_("Concerns ICT"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].empty_label = _("Any")
        self.fields["status"].choices = [("", _("Any")), *Decision.Status.choices]
        self.fields["ict"].choices = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Any"))] + [
            (year, year) for year in range(this_year + 1, 1999, -1)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items()
                if value not in (None, "")}


def default_review() -> datetime.date:
    """A decision is looked at again in six months unless the editor says otherwise."""
    return timezone.localdate() + datetime.timedelta(days=182)


# --- The proposals pipeline (G3) --------------------------------------------------------------
