from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, WebhookEvent, WebhookSubscription


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


# --- webhooks ---
class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple,
        choices=WebhookEvent.choices, initial=list(WebhookEvent.values))

    class Meta:
        model = WebhookSubscription
        fields = ["target_url"]

    def clean_target_url(self) -> str:
        from api.operations import target_refusal

        url = self.cleaned_data["target_url"]
        if refusal := target_refusal(url):
            raise forms.ValidationError(_(refusal))
        return url
# --- end webhooks ---
