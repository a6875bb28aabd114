"""Forms of the indicators app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.importing import check_size
from indicators.models import Indicator
from papers.models import Tag
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import validate_upload

# --- Pages ---


class YearRangeForm(forms.Form):
    """`?from=YYYY&to=YYYY`: the years a page shows (at most `MAX_YEARS` of those with data).
    Either bound may be left out."""

    first = forms.IntegerField(label=_("From"), min_value=1900, max_value=2100, required=False)
    last = forms.IntegerField(label=_("To"), min_value=1900, max_value=2100, required=False)

    def __init__(self, data=None, **kwargs):
        # The query names are "from" and "to" (a keyword in Python): map them to the fields.
        if data is not None:
            data = {"first": data.get("from", ""), "last": data.get("to", "")}
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first is not None and last is not None and first > last:
            raise forms.ValidationError(_("The first year must not come after the last."),
                                        code="order")
        return cleaned

    def years(self) -> tuple[int | None, int | None]:
        """The bounds asked for, or none when the input is not valid (the default range)."""
        if not self.is_bound or not self.is_valid():
            return None, None
        return self.cleaned_data["first"], self.cleaned_data["last"]


# --- Imports and flags ---

IMPORT_FILE_TYPES = frozenset({"csv", "xlsx"})


class ImportForm(forms.Form):
    """A World Bank / ITU table to preview: nothing is written until the preview is applied."""

    file = forms.FileField(label=_("File (CSV or XLSX)"))
    indicator = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="code", label=_("Indicator"),
        empty_label=_("As the file says"),
        help_text=_("Only for a long file (Country Name, Country Code, Year, Value) whose name "
                    "does not contain the indicator's code."))
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    vintage = forms.CharField(label=_("Vintage"), max_length=40, required=False,
                              help_text=_("The source's data update, e.g. 2026-07-01; by "
                                          "default the file's “Last Updated Date”."))
    add_unknown_economies = forms.BooleanField(
        label=_("Add economies the catalogue lacks, with the file's names"), required=False)

    def __init__(self, *args, **kwargs):
        from indicators.models import Indicator

        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # An import's own size limit, below the site's, asked first: before the file is opened.
        check_size(upload.size)
        validate_upload(upload, IMPORT_FILE_TYPES)
        return upload


class FlagForm(forms.Form):
    """A flag on one value: an estimate, or a break in the series."""

    indicator = forms.ModelChoiceField(queryset=None, to_field_name="code",
                                       label=_("Indicator"))
    economy = forms.ModelChoiceField(queryset=None, to_field_name="code", label=_("Economy"))
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("What the published values do, e.g. “jumps from 111.7 "
                                       "to 361.0”."))

    def __init__(self, *args, **kwargs):
        from indicators.models import Economy, Flag, Indicator

        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.all()
        self.fields["economy"].queryset = Economy.objects.all()
        self.fields["kind"].choices = Flag.Kind.choices


# --- The catalogue ---


class IndicatorForm(VersionedFormMixin, forms.ModelForm):
    """What the secretariat may say about an indicator; its code is the source's and stays."""

    class Meta:
        model = Indicator
        fields = ["name_en", "name_fr", "unit_en", "unit_fr", "definition_en", "definition_fr",
                  "source", "licence", "sdg_targets", "decimals", "order"]
        widgets = {"sdg_targets": forms.CheckboxSelectMultiple,
                   "definition_en": forms.Textarea(attrs={"rows": 4}),
                   "definition_fr": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sdg_targets"].queryset = Tag.objects.filter(kind=Tag.Kind.SDG)
        self.fields["decimals"].max_value = 6
        self.fields["decimals"].widget.attrs["max"] = 6

