from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def meeting_document(meeting):
    """Findable once on the calendar: a request is its requester's and the editors' only."""
    from talanoa.lib.markup import markdown_text
    from talanoa.searchable import SearchDocument

    if not meeting.is_scheduled:
        return None
    return SearchDocument(title=meeting.title_en, title_fr=meeting.title_fr,
                          text="\n\n".join(part for part in [
                              markdown_text(meeting.description_en),
                              markdown_text(meeting.description_fr),
                              meeting.venue, meeting.city] if part),
                          date=meeting.starts_at)


def visible_meetings(viewer):
    from meetings.models import Meeting
    from talanoa.access import visible

    return visible(Meeting.objects.filter(archived_at__isnull=True,
                                          status__in=Meeting.SCHEDULED), viewer)


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meetings.models import Meeting
        from talanoa import searchable as search

        search.register(Meeting, document=meeting_document, visible=visible_meetings,
                        kind_label=_("Meetings"))
