"""Hostile text (issue 11, item 3): a corpus of XSS payloads and a checker for the pages they go
through.

Every payload carries the word `MARK` ("zxqv"), so one search finds every record that holds one.
The checker parses a page with Python's html.parser and reports what a browser would run: a
script that is not the portal's own, frames and embedded objects, event-handler attributes,
`srcdoc`, and `javascript:` / `vbscript:` / `data:` addresses (a `data:` image excepted). It also
reports the result of a template expression: text that went through the template engine a second
time would show 191919 + 1.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

MARK = "zxqv"

PAYLOADS: list[str] = [
    f"<script>alert('{MARK}')</script>",
    f"<img src=x onerror=alert('{MARK}')>",
    f"<svg onload=alert('{MARK}')><circle r=1></svg>",
    f"<svg><script>alert('{MARK}')</script></svg>",
    f"[click {MARK}](javascript:alert(1))",
    f"[click {MARK}](JaVaScRiPt&#58;alert(1))",
    f"[{MARK}](  javascript:alert(1) \"t\")",
    f"![{MARK}](javascript:alert(1))",
    f"[{MARK} data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"<a href=\"javascript:alert(1)\">{MARK}</a>",
    f"\"'><script>alert('{MARK}')</script>",
    f"' onmouseover='alert(1)' x='{MARK}",
    f"\" autofocus onfocus=\"alert(1)\" x=\"{MARK}",
    f"</textarea><script>alert('{MARK}')</script>",
    f"</title><iframe srcdoc=\"<script>alert(1)</script>\">{MARK}",
    f"<iframe src=\"javascript:alert(1)\">{MARK}</iframe>",
    f"<object data=\"data:text/html,<script>alert(1)</script>\">{MARK}</object>",
    f"&lt;script&gt;alert('{MARK}')&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    f"%3Cscript%3Ealert('{MARK}')%3C/script%3E \\u003cscript\\u003e",
    f"{MARK} {{{{ 191919|add:1 }}}} {{% widthratio 95960 1 2 %}} ${{191919+1}}",
    f"\u202e{MARK} txt.exe \u200f<b onclick=alert(1)>rtl</b>\u202c",
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARK}')>",
    f"<a href=\"&#x6A;avascript:alert(1)\">{MARK}</a><base href=\"javascript:/\">",
    f"<details open ontoggle=alert(1)>{MARK}</details>",
    # Very long: one 3,000-character word, then unclosed brackets (kept few: each textarea of
    # the pages holds the whole corpus, and Markdown's link rule scans them).
    f"{MARK}" + "A" * 3000 + "[" * 100 + "<" * 100,
]

DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                  "math", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcset", "cite", "ping"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
# Control characters and whitespace a browser ignores in a URL's scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
# What a template expression in the payloads would become if it ran.
TEMPLATE_RESULTS = ("191920",)


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_svg = 0

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:120]}>"
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):  # the portal's own scripts only
                self.found.append(f"script tag {where}")
        elif tag == "style" or tag in DANGEROUS_TAGS:
            self.found.append(f"{tag} tag {where}")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"meta refresh {where}")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.found.append(f"event handler {name} on {where}")
            elif name == "srcdoc":
                self.found.append(f"srcdoc on {where}")
            elif name in URL_ATTRIBUTES and value:
                url = _URL_NOISE.sub("", html.unescape(value))
                # An image (an SVG one included) runs no script where an image goes.
                image = url.lower().startswith(("data:image/", "data:,")) and tag in (
                    "img", "link", "source")
                if BAD_SCHEME.match(url) and not image:
                    self.found.append(f"{name}={value[:60]!r} on {where}")
            elif name == "style" and re.search(r"expression\(|javascript:|url\(", value or "",
                                               re.IGNORECASE):
                self.found.append(f"active style on {where}")


def dangers(page: str | bytes) -> list[str]:
    """What a browser would run in this HTML page (or fragment) that the portal did not write."""
    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    checker = _Checker()
    checker.feed(text)
    checker.close()
    found = checker.found
    found += [f"template expression ran ({result})" for result in TEMPLATE_RESULTS
              if result in text]
    return found


def feed_dangers(body: bytes) -> list[str]:
    """An Atom or RSS feed: the HTML a feed reader renders (content of type "html", RSS
    descriptions) is checked as a page; the other elements are text."""
    found = [f"template expression ran ({r})" for r in TEMPLATE_RESULTS
             if r.encode() in body]
    root = ET.fromstring(body)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if element.get("type") in ("html", "xhtml") or name == "description":
            found += dangers(element.text or "")
            if element.get("type") == "xhtml":
                found += dangers(ET.tostring(element, encoding="unicode"))
        for attribute in ("href", "src"):
            url = _URL_NOISE.sub("", element.get(attribute) or "")
            if BAD_SCHEME.match(url):
                found.append(f"{name} {attribute}={url[:60]!r}")
    return found
