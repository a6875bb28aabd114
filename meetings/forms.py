import datetime
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    AgendaItem,
    Attendance,
    Invitee,
    Meeting,
    MeetingDocument,
)
from members.models import Country, Organisation, Person, WorkingGroup
from talanoa.access import can_view
from talanoa.lib.editing import VersionedFormMixin
from talanoa.lib.files import DOCUMENT_KINDS, validate_upload
from talanoa.lib.linking import item_for_address
from talanoa.lib.markup import document_limit
from talanoa.lib.zones import ZoneInput, validate_time_zone

# The years a meeting may fall in: the group's history (a record of an older meeting) to far
# ahead, and well inside what dates can hold in any zone.
FIRST_YEAR, LAST_YEAR = 1900, 2200


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
        if meeting.pk and meeting.status == Meeting.Status.REQUESTED and meeting.requested_level:
            self.initial["level"] = meeting.requested_level  # the level it is convened at
        if meeting.pk and not self.is_bound:
            self.initial["local_start"] = meeting.local_start.strftime("%Y-%m-%dT%H:%M")
            self.initial["local_end"] = meeting.local_end.strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        start, end = cleaned.get("local_start"), cleaned.get("local_end")
        for name, value in (("local_start", start), ("local_end", end)):
            # Year 1 or 9999 is a slip of the keyboard, and a zone's shift past the first or last
            # day a date can hold broke the calendar and its feeds.
            if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
                self.add_error(name, _("Enter a date between %(first)s and %(last)s.")
                               % {"first": FIRST_YEAR, "last": LAST_YEAR})
                start = end = None
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


class AgendaStateForm(forms.Form):
    """The agenda the editor started from (operations.agenda_state), so a save made meanwhile
    is shown rather than overwritten. Missing, it matches nothing: the save conflicts."""

    expected_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class MeetingDocumentForm(forms.ModelForm):
    """A file for the meeting; the portal's upload checks (types, size, not empty) apply."""

    class Meta:
        model = MeetingDocument
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload, DOCUMENT_KINDS)
        return upload


class NoticeTextForm(forms.Form):
    """The secretariat's text of one kind of notice in one language."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))
    # The version the editor started from; 0 (or missing) for the default text, before any row,
    # so that a first text saved meanwhile is shown rather than overwritten.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

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


class NoticeRestoreForm(forms.Form):
    """The version of the text the editor saw when asking for the default back."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MinutesForm(forms.Form):
    """A new revision of the minutes; carries the revision the editor started from, so a
    revision saved meanwhile is shown rather than overwritten."""

    text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 24}),
                           help_text=_("Markdown"), validators=document_limit())
    reason = forms.CharField(label=_("What changed (optional)"), required=False,
                             max_length=300)
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, current_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.current_text = current_text

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n").strip()
        if text == self.current_text.replace("\r\n", "\n").strip():
            raise forms.ValidationError(_("The text is unchanged: there is nothing to save."))
        return text


class CorrectionForm(MinutesForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300,
                             help_text=_("Kept with the correction and shown to readers."),
                             error_messages={"required": _("Give the reason for the "
                                                           "correction.")})


class CirculateForm(forms.Form):
    comments_until = forms.DateField(label=_("Members may comment until"),
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def clean_comments_until(self):
        until = self.cleaned_data["comments_until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("The comment period cannot end in the past."))
        return until


class AdoptForm(forms.Form):
    reason = forms.CharField(label=_("Note (optional)"), required=False, max_length=300,
                             help_text=_("e.g. adopted at the meeting of 3 May"))


class MinutesCommentForm(forms.Form):
    section = forms.CharField(label=_("Section or paragraph (optional)"), required=False,
                              max_length=200)
    text = forms.CharField(label=_("Your comment"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write your comment."))
        return text


class DecisionForm(forms.Form):
    text_en = forms.CharField(label=_("Decision (English)"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    text_fr = forms.CharField(label=_("Decision (French)"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text_en", "").strip() or cleaned.get("text_fr", "").strip()):
            raise forms.ValidationError(_("Give the decision in English or French."))
        return cleaned


class AttendanceForm(forms.Form):
    """Attendance as held: a presence for each person invited or already recorded, and a few
    rows for anyone else who came."""

    EXTRA_ROWS = 3

    def __init__(self, *args, known=(), **kwargs):
        """`known`: (person, organisation, presence or "") for the rows already listed."""
        super().__init__(*args, **kwargs)
        presence = [("", _("Not present")), *Attendance.Presence.choices]
        self.known = list(known)
        self.known_rows = []
        for person, organisation, current in self.known:
            name = f"presence_{person.pk}"
            label = f"{person.name} ({organisation.short})" if organisation else person.name
            self.fields[name] = forms.ChoiceField(label=label, choices=presence, required=False,
                                                  initial=current)
            self.known_rows.append((person, organisation, name))
        self.extra_rows = []
        for i in range(self.EXTRA_ROWS):
            names = (f"extra_person_{i}", f"extra_organisation_{i}", f"extra_presence_{i}")
            self.fields[names[0]] = forms.ModelChoiceField(
                label=_("Person"), queryset=Person.objects.current(), required=False)
            self.fields[names[1]] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=Organisation.objects.current(), required=False,
                help_text=_("Left empty: the person's own organisation."))
            self.fields[names[2]] = forms.ChoiceField(label=_("Presence"), choices=presence,
                                                      required=False)
            self.extra_rows.append(names)

    def known_fields(self):
        return [self[name] for _person, _organisation, name in self.known_rows]

    def extra_fields(self):
        return [[self[name] for name in names] for names in self.extra_rows]

    def clean(self):
        cleaned = super().clean()
        rows: dict[int, tuple[int | None, str]] = {}
        for person, organisation, name in self.known_rows:
            if cleaned.get(name):
                rows[person.pk] = (organisation.pk if organisation else None, cleaned[name])
        for person_field, organisation_field, presence_field in self.extra_rows:
            person = cleaned.get(person_field)
            presence = cleaned.get(presence_field)
            if person is None and not presence:
                continue
            if person is None:
                self.add_error(person_field, _("Choose the person."))
                continue
            if not presence:
                self.add_error(presence_field, _("Say whether they were there in person or "
                                                 "remotely."))
                continue
            if person.pk in rows:
                self.add_error(person_field, _("%(name)s is already listed.") % {
                    "name": person.name})
                continue
            organisation = cleaned.get(organisation_field)
            rows[person.pk] = (organisation.pk if organisation else person.organisation_id,
                               presence)
        cleaned["rows"] = [(pk, org, presence) for pk, (org, presence) in rows.items()]
        return cleaned


class DiffForm(forms.Form):
    """Two revisions to compare: `a` the older, `b` the newer (either may be left out)."""

    a = forms.TypedChoiceField(label=_("From revision"), coerce=int, required=False,
                               empty_value=None)
    b = forms.TypedChoiceField(label=_("To revision"), coerce=int, required=False,
                               empty_value=None)

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(n), str(n)) for n in numbers]
        self.fields["a"].choices = [("", "—"), *choices]
        self.fields["b"].choices = [("", "—"), *choices]
