"""A page's first view: the HTML and everything a browser fetches with it (stylesheets,
scripts, images, CSS ``url()``s), compressed with gzip -6 and brotli, inline SVG charts counted
apart. The parsing is pure (see talanoa/tests/test_bench.py)."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from bench.results import Result


class _Assets(HTMLParser):
    """What a browser fetches for a first view: stylesheets, scripts, images, icons, preloads."""

    LINK_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "apple-touch-icon",
                 "manifest"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.has_icon = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & {"icon", "shortcut"}:
                self.has_icon = True
            if rels & self.LINK_RELS and a.get("href"):
                self._add(a["href"])
        elif tag in ("script", "img", "iframe") and a.get("src"):
            self._add(a["src"])

    def _add(self, url: str) -> None:
        if not url.startswith("data:"):  # inline: no request
            self.urls.append(url)


def page_assets(html: str) -> tuple[list[str], bool]:
    """The asset URLs a page loads (in order, once each) and whether it declares an icon."""
    parser = _Assets()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls)), parser.has_icon


def css_urls(css: str) -> list[str]:
    """The url(...) and @import references of a stylesheet (not data: URIs)."""
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css)
    found += re.findall(r"""@import\s+['"]([^'"]+)['"]""", css)
    return [u for u in dict.fromkeys(found) if not u.startswith(("data:", "#"))]


_INLINE_SVG = re.compile(rb"<svg\b.*?</svg>", re.S)


def split_charts(html: bytes) -> tuple[bytes, list[bytes]]:
    """A page without its inline SVG charts, and the charts. The budgets count a page's HTML and
    CSS without its charts, and each chart on its own (≤ 10 KB)."""
    return _INLINE_SVG.sub(b"", html), _INLINE_SVG.findall(html)


def compressed_sizes(data: bytes) -> tuple[int, int]:
    import brotli

    return len(gzip.compress(data, compresslevel=6, mtime=0)), len(brotli.compress(data))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None,
          timeout: float = 10) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def first_view(server_url: str, result: Result, headers: dict[str, str],
               timeout: float = 10) -> None:
    """The page and everything it loads, compressed: what a first visit costs on the wire."""
    status, body, _ = fetch(server_url + result.path, headers, timeout=timeout)
    result.status = status
    result.html_bytes = len(body)
    gz, br = compressed_sizes(body)
    without, charts = split_charts(body)
    if charts:
        chart_sizes = [compressed_sizes(chart)[0] for chart in charts]
        result.charts, result.chart_gzip_max = len(charts), max(chart_sizes)
        # What the charts add to the page's compressed size (they compress better together).
        result.charts_gzip = gz - compressed_sizes(without)[0]
    urls, result.declares_icon = page_assets(body.decode("utf-8", "replace"))
    queue = [urljoin(server_url + result.path, u) for u in urls]
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in seen or urlparse(url).netloc != urlparse(server_url).netloc:
            result.assets.append({"url": url, "external": True})
            continue
        seen.add(url)
        asset_status, data, content_type = fetch(url, timeout=timeout)
        a_gz, a_br = compressed_sizes(data)
        gz, br = gz + a_gz, br + a_br
        result.assets.append({"url": urlparse(url).path, "status": asset_status,
                              "bytes": len(data), "gzip": a_gz, "brotli": a_br})
        if "css" in content_type:
            queue += [urljoin(url, u) for u in css_urls(data.decode("utf-8", "replace"))]
    result.gzip_bytes, result.brotli_bytes = gz, br
    result.requests = 1 + len(result.assets)
