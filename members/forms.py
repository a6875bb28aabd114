from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Person, Representative, WorkingGroup


class InvitePersonForm(forms.Form):
    """Invite an existing person, or a new one by name and email."""

    person = forms.ModelChoiceField(Person.objects.none(), required=False, label=_("Person"))
    name = forms.CharField(max_length=200, required=False, label=_("or a new person: name"))
    email = forms.EmailField(required=False, label=_("email"))
    organisation = forms.ModelChoiceField(Organisation.objects.none(), required=False,
                                          label=_("organisation"))
    language = forms.ChoiceField(choices=[("en", "English"), ("fr", "Français")],
                                 label=_("language of the invitation"))
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              label=_("message"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.current().select_related("organisation")
        self.fields["organisation"].queryset = Organisation.objects.current()

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        if person is None and not (cleaned.get("name") and cleaned.get("email")):
            raise forms.ValidationError(_("Choose a person, or give a new person's name and "
                                          "email."))
        if person is not None and not person.email and not cleaned.get("email"):
            raise forms.ValidationError(_("This person has no email address: give one."))
        return cleaned

    def person_to_invite(self) -> Person:
        data = self.cleaned_data
        person = data.get("person")
        if person is None:
            person = Person.objects.filter(email__iexact=data["email"]).first() or Person(
                name=data["name"], email=data["email"].lower(),
                organisation=data.get("organisation"), language=data["language"])
        elif data.get("email") and not person.email:
            person.email = data["email"].lower()
        person.save()
        return person


class ConsultativeInviteForm(InvitePersonForm):
    group = forms.ModelChoiceField(WorkingGroup.objects.none(), label=_("group"))

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)


class ItemInviteForm(forms.Form):
    email = forms.EmailField(label=_("email"))
    language = forms.ChoiceField(choices=[("en", "English"), ("fr", "Français")],
                                 label=_("language of the invitation"))
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              label=_("message"))


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), strip=False)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError(_("The two passwords differ."))
        if p1:
            from members.models import User

            password_validation.validate_password(p1, User(email=self.email))
        return cleaned


class RepresentativeForm(forms.ModelForm):
    class Meta:
        model = Representative
        fields = ["organisation", "person", "year", "role", "status", "nomination_document"]
