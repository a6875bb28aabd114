"""Forms of the indicators app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
