"""What the portal adds to the reports' measures (reports.measures.register, from PortalConfig)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from portal.models import Post
from reports.measures import Measure, dated, live


def _news(group, start, end):
    return dated(live(Post, group).filter(kind=Post.Kind.NEWS), F("published_at"),
                 start, end, True)


NEWS_PUBLISHED = Measure("news_published", "portal.Post", _("News published on the portal"),
                         _news)
