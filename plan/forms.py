"""Forms of the work programme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Country, Objective, Organisation, Person, WorkingGroup
from papers.models import Tag
from plan.health import Health
from plan.models import PlanItem
from talanoa.lib.editing import VersionedFormMixin

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
        from plan.operations import plan_parent_problem

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
