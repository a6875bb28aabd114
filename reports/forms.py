from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import WorkingGroup
from reports.models import (
    ChecklistItem,
    FlowStep,
    ObjectiveAssessment,
    RatingLevel,
    Report,
)
from talanoa.lib.editing import VersionedFormMixin

DATE = {"type": "date"}


def check_period(form: forms.Form, cleaned: dict) -> None:
    start, end = cleaned.get("period_start"), cleaned.get("period_end")
    if start and end and end < start:
        form.add_error("period_end", _("The end of the period comes before its start."))
    if start and end and (end - start).days > 366 * 11:
        form.add_error("period_end", _("A report covers at most ten years."))


class ReportForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title_en", "title_fr", "period_start", "period_end", "level",
                  "summary_en", "summary_fr", "narrative_en", "narrative_fr"]
        widgets = {"period_start": forms.DateInput(attrs=DATE),
                   "period_end": forms.DateInput(attrs=DATE),
                   **{f: forms.Textarea(attrs={"rows": 6})
                      for f in ("summary_en", "summary_fr", "narrative_en", "narrative_fr")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == Report.Kind.ANNUAL:
            # The annual report's narrative is per objective (the assessment pages).
            del self.fields["narrative_en"], self.fields["narrative_fr"]
        self.fields["summary_en"].help_text = _("Markdown. Opens the report.")

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned)
        if not cleaned.get("title_en") and not cleaned.get("title_fr"):
            self.add_error("title_en", _("Give the report a title in at least one language."))
        return cleaned


class NewReportForm(ReportForm):
    """The kind and the group are chosen once; the period defaults to last calendar year."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices)
    group = forms.ModelChoiceField(label=_("Group"), queryset=WorkingGroup.objects.none())

    class Meta(ReportForm.Meta):
        fields = ["kind", "group", "title_en", "title_fr", "period_start", "period_end",
                  "level", "summary_en", "summary_fr"]

    field_order = ["kind", "group"]

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("expected_version")
        self.fields["group"].queryset = WorkingGroup.objects.filter(pk__in=groups)
        self.fields["title_en"].required = self.fields["title_fr"].required = False
        self.fields["title_en"].help_text = _("Left empty: the kind and the year.")

    def clean(self):  # titles may be empty here: the kind and the year make one
        cleaned = forms.ModelForm.clean(self)
        check_period(self, cleaned)
        return cleaned

    @staticmethod
    def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        year = (today or timezone.localdate()).year
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class AssessmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ObjectiveAssessment
        fields = ["rating", "outcomes_en", "outcomes_fr", "lessons_en", "lessons_fr",
                  "recommendations_en", "recommendations_fr"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in (
            "outcomes_en", "outcomes_fr", "lessons_en", "lessons_fr", "recommendations_en",
            "recommendations_fr")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        group_id = self.instance.report.group_id
        self.fields["rating"].queryset = RatingLevel.objects.filter(group_id=group_id)
        self.fields["rating"].empty_label = _("Not rated yet")
        # A first save has no version to carry; a page opened before someone else's first
        # save then conflicts (operations.save_assessment) rather than failing on a hidden field.
        self.fields["expected_version"].required = False


class TickForm(forms.Form):
    item = forms.ModelChoiceField(queryset=ChecklistItem.objects.none(), widget=forms.HiddenInput)
    done = forms.BooleanField(label=_("Done"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ChecklistItem.objects.filter(
            step__group_id=report.group_id, automatic="")


class ReviewForm(forms.Form):
    until = forms.DateField(label=_("Comments and positions until"),
                            widget=forms.DateInput(attrs=DATE))

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("The end of the review period is in the past."))
        return until


class RatingLevelForm(forms.ModelForm):
    class Meta:
        model = RatingLevel
        fields = ["slug", "label_en", "label_fr", "description_en", "description_fr", "score",
                  "order"]


class FlowStepForm(forms.ModelForm):
    class Meta:
        model = FlowStep
        fields = ["name_en", "name_fr", "order"]


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["step", "text_en", "text_fr", "automatic", "order"]

    def __init__(self, *args, group=None, **kwargs):
        from reports.checks import AUTOMATIC

        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = FlowStep.objects.filter(group=group)
        self.fields["automatic"] = forms.ChoiceField(
            label=_("Checked by Talanoa"), required=False,
            choices=[("", _("No: a person ticks it"))] + [
                (key, check.label) for key, check in AUTOMATIC.items()])


class MeasuresForm(forms.Form):
    """Which measures count for each objective: one multiple choice per objective."""

    def __init__(self, *args, objectives=(), chosen=None, **kwargs):
        from reports.measures import MEASURES

        super().__init__(*args, **kwargs)
        choices = [(key, measure.label) for key, measure in MEASURES.items()]
        for objective in objectives:
            self.fields[objective.code] = forms.MultipleChoiceField(
                label=f"{objective.code} — {objective.text}", choices=choices, required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=(chosen or {}).get(objective.pk, []))
