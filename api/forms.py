from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]

    def __init__(self, *args, active: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.active = active

    def clean(self):
        from api.operations import MAX_ACTIVE_TOKENS

        if self.active >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                _("You already have %(count)s tokens: revoke one you no longer use first."),
                params={"count": MAX_ACTIVE_TOKENS})
        return super().clean()
