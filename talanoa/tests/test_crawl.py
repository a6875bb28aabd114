"""Crawl the demo data as each standing: no title above the reader's level appears anywhere."""

import datetime
import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.files.base import ContentFile

from portal.models import Post
from talanoa.access import LEVEL_AUDIENCE, STANDINGS

pytestmark = pytest.mark.django_db
HREF = re.compile(rb'href="([^"]+)"')
SEEDS = ["/", "/me/", "/posts/", "/search/?q=public", "/search/?q=members", "/search/?q=core",
         "/search/?q=restricted", "/search/?q=draft", "/search/?q=meeting", "/directory/",
         "/governance/", "/groups/ict/", "/groups/ict/representatives/", "/history/",
         "/calendar/", "/calendar/upcoming/", "/calendar/feed.ics", "/calendar/groups/ict/feed.ics",
         "/decisions/", "/decisions/feed.atom", "/decisions/sittings/", "/proposals/",
         # work: work plan, who does what
         "/work/", "/work/matrix/", "/work/matrix.csv", "/work/matrix/?country=FJI"]
SEEDS += ["/advisory/?status=all", "/advisory/figures/"]  # work: advisory requests
# The calendar links month to month and year to year without end: follow the months the demo
# meetings fall in (the next three) and this year and the next.
_TODAY = datetime.date.today()
_MONTHS = {f"{(_TODAY.replace(day=1) + datetime.timedelta(days=31 * n)):%Y-%m}"
           for n in range(4)}
_YEARS = {f"/calendar/{_TODAY.year + n}/" for n in (0, 1)}


# The coverage heat map links year to year and to 84 cells a year: follow this year's page and
# the cells of this quarter (where the demo records fall).
_COVERAGE = re.compile(r"/reports/coverage/[\w-]+/(\d+)/(?:[A-Z]\d+/(\d)/)?")
_QUARTER = (_TODAY.month - 1) // 3 + 1


def worth_following(link: str) -> bool:
    # --- exports: every list links its CSV (read here, as text) and its XLSX (zipped: the
    # markers cannot be seen in it, test_exports checks it) ---
    if "format=xlsx" in link:
        return False
    # --- end exports ---
    coverage = _COVERAGE.fullmatch(link.split("?")[0])
    if coverage:
        return int(coverage[1]) == _TODAY.year and coverage[2] in (None, str(_QUARTER))
    if "month=" in link:
        return any(f"month={month}" in link for month in _MONTHS)
    if re.fullmatch(r"/calendar/\d+/", link.split("?")[0]):
        return link.split("?")[0] in _YEARS
    return True


SKIP = ("/accounts/", "/i18n/", "/static/")
MAX_PAGES = 400


def forbidden_markers(standing: str) -> list[bytes]:
    return [f"[{level}]".encode() for level, audience in LEVEL_AUDIENCE.items()
            if standing not in audience]


@pytest.fixture
def attachments(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for post in Post.objects.all():
        post.attachment.save(f"{post.level}.txt", ContentFile(post.title_en.encode()))
    from papers.models import PaperFile

    for record in PaperFile.objects.select_related("paper"):
        # Uncompressed text, so a leaked title in a download would be seen by the crawl.
        record.file.save("paper.pdf", ContentFile(b"%PDF-1.4 " + record.paper.title_en.encode()))


@pytest.mark.parametrize("standing", STANDINGS)
def test_crawl_shows_nothing_above_the_level(client_for, attachments, standing):
    client = client_for(standing)
    markers = forbidden_markers(standing)
    queue, seen = deque(SEEDS), set(SEEDS)
    visited, reached = 0, set()
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        reached.add(url)
        if response.status_code in (301, 302):
            continue
        assert response.status_code in (200, 404), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for marker in markers:
            assert marker not in body, f"{standing} sees {marker!r} on {url}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(body):
            link = urldefrag(href.decode().replace("&amp;", "&"))[0]
            parsed = urlparse(link)
            if parsed.scheme or parsed.netloc or not link.startswith("/") or link.startswith(SKIP):
                continue
            if link not in seen and worth_following(link):
                seen.add(link)
                queue.append(link)
    assert visited > 20
    # The demo cycle's public proposal at least: the proposal pages are crawled too.
    assert any(re.fullmatch(r"/proposals/\d+/", url) for url in reached)
    if standing in LEVEL_AUDIENCE["restricted"]:
        assert b"[restricted]" in client.get("/posts/").content
