"""The forum participation of a calendar entry, for the meeting page (one query)."""

from django import template

from talanoa.access import viewer_for, visible

register = template.Library()


@register.simple_tag(takes_context=True)
def forum_participation_of(context, meeting):
    """The live participation the reader may see for this external forum, or None."""
    from engagement.models import ForumParticipation

    request = context.get("request")
    if request is None:
        return None
    return (visible(ForumParticipation.objects.filter(meeting=meeting), viewer_for(request))
            .filter(archived_at__isnull=True).only("pk").first())
