"""The benchmark's parsing and its data generator (the load itself runs with `make bench`)."""

import pytest
from django.core.management import call_command

from members.models import Membership, Organisation, Person, Representative
from portal.models import Post
from talanoa.bench import (
    PAGES,
    Result,
    compressed_sizes,
    css_urls,
    page_assets,
    parse_wrk,
    split_charts,
)

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40703/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.33ms   12.01ms 155.10ms   80.12%
    Req/Sec   250.11     30.54   330.00     70.00%
  Latency Distribution
     50%   56.52ms
     75%   64.10ms
     90%   75.33ms
     99%    1.55s
  4980 requests in 10.01s, 40.11MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:    497.52
Transfer/sec:      4.01MB
"""


def test_it_reads_wrk_output():
    result = parse_wrk(WRK_OUTPUT)
    assert result == {"rps": 497.52, "p50_ms": 56.52, "p99_ms": 1550.0, "requests": 4980,
                      "errors": 6}
    assert parse_wrk("     50%  812.00us\n     99%    2.10m\n")["p50_ms"] == pytest.approx(0.812)


def test_it_finds_what_a_first_view_loads():
    html = """<html><head><link rel="stylesheet" href="/static/a.css">
    <link rel="icon" href="data:image/svg+xml,%3Csvg%3E">
    <link rel="preload" href="/static/font.woff2" as="font">
    <link rel="alternate" href="/feed/"><link rel="stylesheet" href="/static/a.css">
    <script src="/static/app.js" defer></script><script nonce="x">inline()</script>
    </head><body><img src="/static/logo.png"><img src="data:image/png;base64,AAAA"></body>
    </html>"""
    urls, has_icon = page_assets(html)
    assert urls == ["/static/a.css", "/static/font.woff2", "/static/app.js", "/static/logo.png"]
    assert has_icon
    css = "@import 'b.css'; a{background:url(\"img/x.svg\")} b{background:url(data:x)}"
    assert css_urls(css) == ["img/x.svg", "b.css"]
    gz, br = compressed_sizes(b"talanoa " * 1000)
    assert 0 < br <= gz < 200


def test_inline_charts_are_measured_apart_from_the_page():
    chart = (b'<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>Tonga</title>'
             b'<path d="M0 0L1 1"/></svg>')
    page = b"<main><h1>Tonga</h1>" + chart + b"<p>table</p>\n" + chart + b"</main>"
    without, charts = split_charts(page)
    assert without == b"<main><h1>Tonga</h1><p>table</p>\n</main>"
    assert charts == [chart, chart]
    assert split_charts(b"<p>no chart</p>") == (b"<p>no chart</p>", [])

    result = Result("profile", "/indicators/TON/", None, gzip_bytes=20 * 1024,
                    charts=2, charts_gzip=8 * 1024, chart_gzip_max=11 * 1024)
    result.judge()
    assert result.verdicts["size"] == "OK"  # 12 KB without the charts
    assert result.verdicts["chart"] == "OVER"  # one chart over 10 KB


def test_pages_have_unique_names_and_start_at_the_root():
    names = [p.name for p in PAGES]
    assert len(names) == len(set(names))
    assert all(p.path.startswith("/") for p in PAGES)


@pytest.mark.django_db
def test_bench_data_adds_every_kind_of_row():
    counts = (Post.objects.count(), Organisation.objects.count(), Person.objects.count(),
              Representative.objects.count(), Membership.objects.count())
    call_command("bench_data", scale=0.01, verbosity=0)
    call_command("bench_data", scale=0.01, seed=2, verbosity=0)  # twice: names continue
    assert Post.objects.count() == counts[0] + 400
    assert set(Post.objects.values_list("level", flat=True)) == set(Post.Level.values)
    assert Post.objects.filter(archived_at__isnull=False).exists()
    assert Organisation.objects.count() == counts[1] + 8
    assert Person.objects.count() == counts[2] + 40
    assert Representative.objects.count() > counts[3] + 100
    assert Membership.objects.count() > counts[4] + 8
    assert Post.history.count() >= 400
    restricted = Post.objects.filter(level=Post.Level.RESTRICTED, title_en__contains="(")
    assert all(p.restricted_organisations.exists() for p in restricted[:20])
