"""Lookups that views of several apps share, answering 404 when the data is not there."""

from django.conf import settings
from django.http import Http404

from members.models import WorkingGroup


def default_group() -> WorkingGroup:
    """The group this portal serves first (settings.DEFAULT_GROUP_SLUG)."""
    group = WorkingGroup.objects.filter(slug=settings.DEFAULT_GROUP_SLUG).first()
    if group is None:
        raise Http404("No working group is set up yet: run `python manage.py load_starter_data`.")
    return group
