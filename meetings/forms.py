import datetime
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem, Invitee, Meeting, MeetingDocument
from members.models import Country, Organisation, Person, WorkingGroup
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.zones import ZoneInput, validate_time_zone


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def to_zone(local: datetime.datetime, zone: str) -> datetime.datetime:
    """A wall-clock time in `zone` as an aware datetime (fold=0: the first of a repeated hour)."""
    return local.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone))


class MeetingForm(VersionedFormMixin, forms.ModelForm):
    """Start and end are typed as the meeting's local wall-clock time in its own zone."""

    local_start = forms.DateTimeField(label=_("Starts (local time at the meeting)"),
                                      widget=LocalDateTimeInput,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    local_end = forms.DateTimeField(label=_("Ends (local time at the meeting)"),
                                    widget=LocalDateTimeInput,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, widget=ZoneInput,
                                validators=[validate_time_zone],
                                help_text=_("The meeting's local zone, e.g. Pacific/Apia"))

    class Meta:
        model = Meeting
        fields = ["group", "kind", "level", "restricted_organisations", "restricted_people",
                  "title_en", "title_fr", "description_en", "description_fr", "time_zone",
                  "mode", "venue", "city", "country", "online_url", "reminder_days"]
        widgets = {"restricted_organisations": forms.CheckboxSelectMultiple,
                   "restricted_people": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.current().filter(pk__in=groups)
        if "restricted_organisations" in self.fields:
            self.fields["restricted_organisations"].queryset = Organisation.objects.current()
            self.fields["restricted_people"].queryset = Person.objects.current()
        self.fields["country"].queryset = Country.objects.order_by("-is_pict", "name_en")
        self.fields["level"].initial = Meeting.Level.PUBLIC
        meeting = self.instance
        if meeting.pk and not self.is_bound:
            self.initial["local_start"] = meeting.local_start.strftime("%Y-%m-%dT%H:%M")
            self.initial["local_end"] = meeting.local_end.strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        start, end = cleaned.get("local_start"), cleaned.get("local_end")
        if zone and start and end:
            cleaned["starts_at"] = to_zone(start, zone)
            cleaned["ends_at"] = to_zone(end, zone)
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("local_end", _("The meeting must end after it starts."))
            elif cleaned["ends_at"] - cleaned["starts_at"] > datetime.timedelta(
                    days=Meeting.LONGEST_DAYS):
                self.add_error("local_end", _("A meeting lasts at most %(days)s days: enter a "
                                              "longer event as several meetings.")
                               % {"days": Meeting.LONGEST_DAYS})
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            raise forms.ValidationError(_("Give a title in English or French."))
        mode = cleaned.get("mode")
        if mode in (Meeting.Mode.ONLINE, Meeting.Mode.HYBRID) and not cleaned.get("online_url"):
            self.add_error("online_url", _("An online or hybrid meeting needs its online link."))
        if mode in (Meeting.Mode.IN_PERSON, Meeting.Mode.HYBRID) and not (
                cleaned.get("city") or cleaned.get("venue")):
            self.add_error("city", _("Say where the meeting takes place (venue or city)."))
        if cleaned.get("level") == Meeting.Level.RESTRICTED and not (
                cleaned.get("restricted_organisations") or cleaned.get("restricted_people")):
            raise forms.ValidationError(
                _("A restricted meeting must name at least one organisation or person."))
        return cleaned

    def apply_times(self) -> Meeting:
        self.instance.starts_at = self.cleaned_data["starts_at"]
        self.instance.ends_at = self.cleaned_data["ends_at"]
        return self.instance


class RequestMeetingForm(MeetingForm):
    """What a representative asks the chair for; the chair can change it before convening."""

    reason = forms.CharField(label=_("Why this meeting is needed"), widget=forms.Textarea)

    class Meta(MeetingForm.Meta):
        fields = ["group", "kind", "level", "title_en", "title_fr", "description_en",
                  "description_fr", "time_zone", "mode", "venue", "city", "country", "online_url"]


class StatusForm(forms.Form):
    """A status change from the meeting page; declining, postponing and cancelling need a reason."""

    ACTIONS = {"convene": Meeting.Status.CONVENED, "decline": Meeting.Status.DECLINED,
               "postpone": Meeting.Status.POSTPONED, "cancel": Meeting.Status.CANCELLED,
               "held": Meeting.Status.HELD}
    NEEDS_REASON = ("decline", "postpone", "cancel")

    action = forms.ChoiceField(choices=[(name, name) for name in ACTIONS])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in self.NEEDS_REASON and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason: invitees receive it."))
        return cleaned


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Invitee.Response.choices
                 if value != Invitee.Response.PENDING])
    apologies = forms.CharField(label=_("Apologies or a note (optional)"), required=False,
                                max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CalendarFilterForm(forms.Form):
    group = forms.SlugField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Meeting.Kind.choices])
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)


class AgendaItemForm(forms.ModelForm):
    link = forms.CharField(
        label=_("Linked item"), required=False, max_length=500,
        help_text=_("Paste the address of a Talanoa item (a paper, a news item, a meeting)."))

    class Meta:
        model = AgendaItem
        fields = ["order", "title_en", "title_fr", "presenter", "minutes_allocated"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "max": 999, "size": 3})}

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["presenter"].queryset = Organisation.objects.current()
        item = self.instance.item if self.instance.item_id else None
        if item is not None and not self.is_bound:
            self.initial["link"] = item.get_absolute_url()

    def clean(self):
        from talanoa.access import can_view
        from talanoa.lib.linking import item_for_address

        cleaned = super().clean()
        if self.cleaned_data.get("DELETE") or not self.has_changed():
            return cleaned
        if not (cleaned.get("title_en") or cleaned.get("title_fr")):
            self.add_error("title_en", _("Give a title in English or French."))
        address = cleaned.get("link", "").strip()
        self.linked = None
        if address:
            item = item_for_address(address)
            if item is None or (self.viewer is not None and not can_view(item, self.viewer)):
                self.add_error("link", _("This is not the address of an item you can see."))
            else:
                self.linked = item
        return cleaned

    def save(self, commit=True):
        from django.contrib.contenttypes.models import ContentType

        agenda_item = super().save(commit=False)
        linked = getattr(self, "linked", None)
        if linked is not None:
            agenda_item.item_type = ContentType.objects.get_for_model(type(linked))
            agenda_item.item_id = linked.pk
        elif not self.cleaned_data.get("link"):
            agenda_item.item_type, agenda_item.item_id = None, None
        if commit:
            agenda_item.save()
        return agenda_item


AgendaFormSet = forms.inlineformset_factory(Meeting, AgendaItem, form=AgendaItemForm, extra=3,
                                            can_delete=True, max_num=60)


class MeetingDocumentForm(forms.ModelForm):
    """A file for the meeting; the portal's upload checks (types, size, not empty) apply."""

    class Meta:
        model = MeetingDocument
        fields = ["title", "file"]

    def clean_file(self):
        from portal.forms import validate_upload

        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload)
        return upload


class NoticeTextForm(forms.Form):
    """The secretariat's text of one kind of notice in one language."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))

    def _check_placeholders(self, text: str) -> str:
        from meetings.notices import PLACEHOLDERS, placeholders_in

        unknown = sorted(set(placeholders_in(text)) - set(PLACEHOLDERS))
        if unknown:
            # A mistyped placeholder would reach every invitee as typed, braces and all.
            raise forms.ValidationError(
                _("Unknown placeholder: %(names)s. Allowed: %(allowed)s."),
                params={"names": ", ".join(f"{{{name}}}" for name in unknown),
                        "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)})
        return text

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        return self._check_placeholders(subject)

    def clean_body(self):
        return self._check_placeholders(self.cleaned_data["body"].replace("\r\n", "\n"))
