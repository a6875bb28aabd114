"""Discovery for search engines: `sitemap.xml` of the public pages and `robots.txt`.

Every section lists what the *anonymous* reader may open, asked of the access policy
(`visible(..., ANONYMOUS)`), whoever fetches the sitemap: a member's session must not put a
members-level address in a file meant for the world. Each section is paged (`limit`), and a page
costs the same few queries however many items there are (a count, then one slice; the index asks
each section for its count and latest change, one aggregate each).
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from decisions.models import Decision
from indicators.models import Economy, Indicator
from meetings.models import Meeting
from members.models import Membership, Organisation, WorkingGroup
from papers.models import Paper
from portal.models import Post
from reports.models import Report
from talanoa.access import ANONYMOUS, visible


class PublicSitemap(Sitemap):
    """A section of addresses, paged; `lastmod` from the rows' `updated_at`."""

    limit = 1000  # well under the protocol's 50,000, so a page is quick to build and to read
    dated = True  # the rows have `updated_at`

    def lastmod(self, item):
        return item.updated_at if self.dated else None

    def get_latest_lastmod(self):
        # One aggregate, where Django's default would load every item of the section.
        if not self.dated:
            return None
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PagesSitemap(PublicSitemap):
    """Public pages that are not records: lists and dashboards every reader may open."""

    dated = False
    NAMES = ("portal:home", "portal:posts", "portal:governance", "directory:directory",
             "meetings:calendar", "meetings:upcoming", "papers:publications",
             "decisions:decisions", "decisions:sittings", "decisions:cycles", "plan:plan",
             "indicators:dashboard", "reports:index")

    def items(self):
        return list(self.NAMES)

    def location(self, item: str) -> str:
        return reverse(item)


class PostsSitemap(PublicSitemap):
    """News, notices and documents (public, not archived)."""

    def items(self):
        return (visible(Post.objects.only("pk", "updated_at"), ANONYMOUS)
                .filter(archived_at__isnull=True).order_by("-published_at", "-pk"))


class PapersSitemap(PublicSitemap):
    """Published public papers: what /papers/ lists (a public draft is not a publication)."""

    def items(self):
        return (visible(Paper.objects.only("pk", "updated_at"), ANONYMOUS)
                .filter(status=Paper.Status.PUBLISHED, published_at__isnull=False,
                        archived_at__isnull=True).order_by("-published_at", "-pk"))


class MeetingsSitemap(PublicSitemap):
    """Public meetings on the calendar (convened and after: a request is not announced)."""

    def items(self):
        return (visible(Meeting.objects.only("pk", "updated_at"), ANONYMOUS)
                .filter(status__in=Meeting.SCHEDULED, archived_at__isnull=True)
                .order_by("-starts_at", "-pk"))


class DecisionsSitemap(PublicSitemap):
    def items(self):
        return (visible(Decision.objects.only("pk", "updated_at"), ANONYMOUS)
                .filter(archived_at__isnull=True).order_by("-decided_on", "-pk"))


class ReportsSitemap(PublicSitemap):
    def items(self):
        return (visible(Report.objects.only("pk", "updated_at"), ANONYMOUS)
                .filter(archived_at__isnull=True).order_by("-period_end", "-pk"))


class GroupsSitemap(PublicSitemap):
    def items(self):
        return WorkingGroup.objects.current().only("slug", "updated_at").order_by("pk")


class OrganisationsSitemap(PublicSitemap):
    """Organisations the directories show: those with a standing in a group today."""

    def items(self):
        standing = Membership.objects.active().filter(organisation=OuterRef("pk"),
                                                      group__archived_at__isnull=True)
        return (Organisation.objects.current().filter(Exists(standing))
                .only("slug", "updated_at").order_by("name_en", "pk"))


class IndicatorsSitemap(PublicSitemap):
    """Indicator pages (public statistics; the catalogue has no dates of its own)."""

    dated = False

    def items(self):
        return Indicator.objects.only("code").order_by("order", "code")

    def location(self, item: Indicator) -> str:
        return reverse("indicators:indicator", args=[item.code])


class ProfilesSitemap(PublicSitemap):
    """Country (economy) profiles of the indicators."""

    dated = False

    def items(self):
        return Economy.objects.only("code").order_by("code")

    def location(self, item: Economy) -> str:
        return reverse("indicators:profile", args=[item.code])


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PagesSitemap, "posts": PostsSitemap, "publications": PapersSitemap,
    "meetings": MeetingsSitemap, "decisions": DecisionsSitemap, "reports": ReportsSitemap,
    "groups": GroupsSitemap, "organisations": OrganisationsSitemap,
    "indicators": IndicatorsSitemap, "profiles": ProfilesSitemap,
}


@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The index of the sections, each page of each (`?p=2`…) listed."""
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="portal:sitemap_section")


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


# Crawlers are kept from what holds nothing for them: sign-in and personal pages (a robot gets a
# redirect to sign in), the language switch and page history, search results (endless
# queries), links that carry a personal token, and the API, which is for programs (paged without
# end and rate-limited) but whose documentation is for people. Addresses with a query string
# (filters, cursors, the calendar's month after month) are left out too: each page they lead to
# is in the sitemap under its own address. `*` is standard since RFC 9309.
ROBOTS = """User-agent: *
Disallow: /accounts/
Disallow: /me/
Disallow: /i18n/
Disallow: /history/
Disallow: /search/
Disallow: /calendar/mine/
Disallow: /calendar/personal/
Disallow: /meetings/answer/
Disallow: /invitation/
Allow: /api/docs
Allow: /api/openapi.json
Disallow: /api/
Disallow: /*?

Sitemap: {sitemap}
"""


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("portal:sitemap"))
    return HttpResponse(ROBOTS.format(sitemap=sitemap), content_type="text/plain; charset=utf-8")
