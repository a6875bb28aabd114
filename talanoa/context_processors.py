from django.conf import settings
from django.utils.functional import SimpleLazyObject

from talanoa.access import viewer_for


def talanoa(request):
    return {
        "viewer": SimpleLazyObject(lambda: viewer_for(request)),
        "site_url": settings.SITE_URL,
    }
