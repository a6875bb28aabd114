import datetime

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership, Organisation, Person, Representative, WorkingGroup
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import DOCUMENT_KINDS, validate_upload
from talanoa.lib.zones import ZoneInput, validate_time_zone


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


class OpenRoundForm(forms.Form):
    """The year's round of nomination letters (R1)."""

    group = forms.ModelChoiceField(WorkingGroup.objects.none(), label=_("group"))
    year = forms.IntegerField(min_value=2015, max_value=2100, label=_("year"))
    deadline = forms.DateField(label=_("replies due by"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups if groups is not None else (
            WorkingGroup.objects.none())
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["deadline"].initial = today + datetime.timedelta(weeks=6)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline is in the past."))
        return deadline


class NomineeForm(forms.Form):
    """One representative named in a reply: a person on record, or a new person."""

    ROLES = [(role, label) for role, label in Representative.Role.choices
             if role in (Representative.Role.REPRESENTATIVE, Representative.Role.ALTERNATE)]

    person = forms.ModelChoiceField(Person.objects.none(), required=False,
                                    label=_("person on record"))
    name = forms.CharField(max_length=200, required=False, label=_("or a new person: name"))
    email = forms.EmailField(required=False, label=_("email"))
    role = forms.ChoiceField(choices=ROLES, initial=Representative.Role.REPRESENTATIVE,
                             label=_("role"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else Person.objects.none()

    def clean(self):
        cleaned = super().clean()
        person, name, email = cleaned.get("person"), cleaned.get("name"), cleaned.get("email")
        if person and (name or email):
            raise forms.ValidationError(_("Choose a person on record, or give a new person's "
                                          "name and email, not both."))
        if not person and (name or email) and not (name and email):
            raise forms.ValidationError(_("Give both the name and the email of the new person."))
        return cleaned

    @property
    def nominee(self):
        """The person, or a (name, email) pair, or None for a row left empty."""
        data = getattr(self, "cleaned_data", {})
        if data.get("person"):
            return data["person"]
        if data.get("name") and data.get("email"):
            return (data["name"], data["email"])
        return None


class BaseNomineeFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            nominee = form.nominee
            key = nominee.pk if isinstance(nominee, Person) else (
                nominee[1].lower() if nominee else None)
            if key is not None and key in seen:
                raise forms.ValidationError(_("The same person is named twice."))
            seen.add(key)
        if not self.nominees():
            raise forms.ValidationError(_("Name at least one representative: the reply is not "
                                          "recorded without one."))

    def nominees(self) -> list:
        return [(f.nominee, f.cleaned_data["role"]) for f in self.forms
                if getattr(f, "cleaned_data", None) and f.nominee is not None]


NomineeFormSet = forms.formset_factory(NomineeForm, formset=BaseNomineeFormSet, extra=3,
                                       max_num=10, validate_max=True)


class ReplyForm(forms.Form):
    """What came back with the reply, besides the names."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           label=_("note"))
    document = forms.FileField(required=False, label=_("nomination letter or email (file)"))

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            validate_upload(upload, DOCUMENT_KINDS)
        return upload


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

    def clean_nomination_document(self):
        upload = self.cleaned_data.get("nomination_document")
        # Only a new upload is checked: an unchanged field gives back the stored file.
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload, DOCUMENT_KINDS)
        return upload


class OrganisationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["acronym", "name_en", "name_fr", "kind", "country", "language", "head_name",
                  "head_title", "head_email", "address", "website", "description_en",
                  "description_fr"]


class NewOrganisationForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = ["slug", *OrganisationForm.Meta.fields]


class PersonForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "honorific", "position", "email", "phone", "organisation", "language",
                  "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.current()

    def clean_time_zone(self):
        import zoneinfo

        value = self.cleaned_data["time_zone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone: use a name such as Pacific/Apia."))
        return value

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        clash = Person.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if email and clash.exists():
            raise forms.ValidationError(_("Another person already has this email address."))
        return email


class GroupForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["acronym", "name_en", "name_fr", "description_en", "description_fr",
                  "established"]


class SubGroupForm(GroupForm):
    """A sub-working group or taskforce, reporting to its parent group (R6)."""

    class Meta(GroupForm.Meta):
        fields = ["slug", "kind", *GroupForm.Meta.fields]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if kind == WorkingGroup.Kind.WORKING_GROUP:
            raise forms.ValidationError(_("Choose sub-working group or taskforce."))
        return kind


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "kind", "start", "note"]

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["organisation"].queryset = Organisation.objects.current()

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if Membership.objects.active().filter(group=self.group,
                                              organisation=organisation).exists():
            raise forms.ValidationError(_("This organisation already has a standing in the "
                                          "group: end it first."))
        return organisation


class PreferencesForm(VersionedFormMixin, forms.ModelForm):
    """What a person sets for themselves: the language of their emails, their time zone and
    how often they get the digest."""

    class Meta:
        model = Person
        fields = ["language", "time_zone", "digest"]
        widgets = {"time_zone": ZoneInput}
        help_texts = {"time_zone": _("Meeting times are shown in this zone, beside the "
                                     "meeting's own."),
                      "language": _("The language of the emails Talanoa sends you."),
                      "digest": _("An email of your open tasks, the meetings of the next two "
                                  "weeks and the papers awaiting your organisation's "
                                  "position; not sent when there is nothing to tell.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["digest"].required = False  # left out: unchanged

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"]
        validate_time_zone(value)
        return value

    def clean_digest(self):
        return self.cleaned_data.get("digest") or self.instance.digest
