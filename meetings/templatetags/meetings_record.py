from django import template

from meetings.record import record_for

register = template.Library()


@register.simple_tag
def meeting_record(meeting, viewer):
    """The meeting's minutes, decisions, attendance and actions as this viewer reads them (a
    fixed number of queries: see meetings.record)."""
    return record_for(meeting, viewer)
