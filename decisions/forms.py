"""Forms of the decision register and of the proposals pipeline."""

from __future__ import annotations

import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from decisions.models import Criterion, Cycle, Decision, DecisionOption, Proposal, Sitting
from members.models import Body, Organisation, Person, WorkingGroup
from papers.forms import BaseOptionFormSet, OptionForm
from papers.forms import PositionForm as PaperPositionForm
from papers.models import Tag
from talanoa.access import Viewer, can_view
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import validate_upload
from talanoa.lib.linking import item_for_address
from talanoa.lib.markup import text_limit

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
DATE = {"type": "date"}


class CycleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["group", "name_en", "name_fr", "opens_on", "closes_on", "scoring_until",
                  "notes_en", "notes_fr"]
        widgets = {"opens_on": forms.DateInput(attrs=DATE),
                   "closes_on": forms.DateInput(attrs=DATE),
                   "scoring_until": forms.DateInput(attrs=DATE),
                   "notes_en": forms.Textarea(attrs={"rows": 4}),
                   "notes_fr": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)
        self.fields["opens_on"].help_text = _(
            "Open from the start of this day in the first time zone of the Pacific (UTC+14).")
        self.fields["closes_on"].help_text = _(
            "Open until the end of this day anywhere in the Pacific (UTC−12).")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_en") or cleaned.get("name_fr")):
            raise forms.ValidationError(_("Give a name in English or French."))
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Submissions close after they open."))
        until = cleaned.get("scoring_until")
        if until and closes and until < closes:
            self.add_error("scoring_until", _("Scoring ends after submissions close."))
        return cleaned


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["order", "title_en", "title_fr", "question_en", "question_fr", "weight"]
        widgets = {"order": forms.NumberInput(attrs={"size": 3}),
                   "weight": forms.NumberInput(attrs={"size": 3, "min": 1, "max": 10}),
                   "question_en": forms.Textarea(attrs={"rows": 2}),
                   "question_fr": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if (self.has_changed() and not cleaned.get("DELETE")
                and not (cleaned.get("title_en") or cleaned.get("title_fr"))):
            raise forms.ValidationError(_("Give the criterion a title in English or French."))
        return cleaned


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            criterion = form.instance
            if criterion.pk and (criterion.answers.exists() or criterion.scores.exists()):
                raise forms.ValidationError(_(
                    "“%(title)s” has answers or scores: keep it (change its weight instead).")
                    % {"title": criterion})
        if not any(form.cleaned_data and not form.cleaned_data.get("DELETE")
                   for form in self.forms):
            raise forms.ValidationError(_("A cycle needs at least one criterion."))


CriterionFormSet = inlineformset_factory(Cycle, Criterion, form=CriterionForm,
                                         formset=BaseCriterionFormSet, extra=1,
                                         can_delete=True, max_num=20, validate_max=True)


class ProposalForm(VersionedFormMixin, forms.ModelForm):
    """The proposal and its answer to each criterion of its cycle (fields ``answer_<id>``)."""

    class Meta:
        model = Proposal
        fields = ["level", "restricted_organisations", "restricted_people", "title_en",
                  "title_fr", "lead_organisation", "partners", "problem", "initiative",
                  "public_good", "tags"]
        widgets = {"restricted_organisations": forms.SelectMultiple(attrs={"size": 5}),
                   "restricted_people": forms.SelectMultiple(attrs={"size": 5}),
                   "partners": forms.SelectMultiple(attrs={"size": 5}),
                   "tags": forms.SelectMultiple(attrs={"size": 6}),
                   "problem": forms.Textarea(attrs={"rows": 4}),
                   "initiative": forms.Textarea(attrs={"rows": 4}),
                   "public_good": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, criteria=(), lead_choices=None, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.current()
        self.fields["lead_organisation"].queryset = (
            organisations.filter(pk__in=lead_choices) if lead_choices is not None
            else organisations)
        self.fields["restricted_organisations"].queryset = organisations
        self.fields["partners"].queryset = organisations
        self.fields["restricted_people"].queryset = Person.objects.current()
        self.fields["tags"].queryset = Tag.objects.all()
        self.criteria = list(criteria)
        answers = answers or {}
        for criterion in self.criteria:
            # Django's form templates show help text as it is (`|safe`): the question is the
            # cycle editor's text, so it is escaped here.
            self.fields[f"answer_{criterion.pk}"] = forms.CharField(
                label=str(criterion.title), required=False, help_text=escape(criterion.question),
                initial=answers.get(criterion.pk, ""), widget=forms.Textarea(attrs={"rows": 3}),
                validators=text_limit())

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        if cleaned.get("level") == Proposal.Level.RESTRICTED:
            named, lead = cleaned.get("restricted_organisations"), cleaned.get("lead_organisation")
            if lead and named is not None and lead not in named:
                self.add_error("restricted_organisations", _(
                    "A restricted proposal must name its lead organisation, or its authors "
                    "could not read it."))
        return cleaned

    def answers(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"answer_{c.pk}", "") for c in self.criteria}


SCORE_CHOICES = [(value, str(value)) for value in range(1, 6)]


class ScoreForm(forms.Form):
    """An organisation's scores (1 weak – 5 strong) and comments, one pair per criterion
    (fields ``value_<id>``, ``comment_<id>``); a criterion left without a score is skipped."""

    organisation = forms.ModelChoiceField(label=_("On behalf of"),
                                          queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args, organisations=(), criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations])
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"value_{criterion.pk}"] = forms.TypedChoiceField(
                label=str(criterion.title), choices=SCORE_CHOICES, coerce=int, required=False,
                widget=forms.RadioSelect)
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if not self.values():
            raise forms.ValidationError(_("Give at least one score."))
        return cleaned

    def values(self) -> dict[int, tuple[int, str]]:
        data = getattr(self, "cleaned_data", {})
        return {c.pk: (data[f"value_{c.pk}"], data.get(f"comment_{c.pk}", ""))
                for c in self.criteria if data.get(f"value_{c.pk}") not in (None, "")}


class SubmitProposalForm(forms.Form):
    late_reason = forms.CharField(
        label=_("Why it is submitted late"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The secretariat only, after the window has closed."))


class ExecutivesForm(forms.Form):
    decision = forms.ChoiceField(label=_("CROP Executives' decision"), choices=[
        ("forward", _("Forward to the SSCR")), ("hold", _("Hold")),
        ("reject", _("Do not forward"))], widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back for scoring"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class SscrSubmitForm(forms.Form):
    on = forms.DateField(label=_("Submitted to the SSCR on"), initial=timezone.localdate,
                         widget=forms.DateInput(attrs=DATE))
    reference = forms.CharField(label=_("SSCR reference"), max_length=100)


class SscrOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("SSCR outcome"), choices=Proposal.SscrOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class LeadersForm(forms.Form):
    """The Leaders' decision: a sitting of the Forum Leaders (chosen, or described to create
    it), the paragraph of its communiqué and its text."""

    sitting = forms.ModelChoiceField(label=_("Leaders' meeting"), required=False,
                                     queryset=Sitting.objects.none(),
                                     empty_label=_("A new meeting (below)"))
    new_title = forms.CharField(label=_("New meeting: title"), max_length=300, required=False,
                                help_text=_("e.g. 56th Pacific Islands Forum Leaders Meeting"))
    new_starts_on = forms.DateField(label=_("New meeting: date"), required=False,
                                    widget=forms.DateInput(attrs=DATE))
    new_place = forms.CharField(label=_("New meeting: place"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=100,
                                help_text=_("e.g. communiqué paragraph 12"))
    text_en = forms.CharField(label=_("Decision (English)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    text_fr = forms.CharField(label=_("Decision (French)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = Sitting.objects.current().filter(
            body__slug=LEADERS_BODY).select_related("body")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("sitting") and not (cleaned.get("new_title")
                                               and cleaned.get("new_starts_on")):
            raise forms.ValidationError(_("Choose the Leaders' meeting, or give the new "
                                          "meeting's title and date."))
        return cleaned


LEADERS_BODY = "forum-leaders"
