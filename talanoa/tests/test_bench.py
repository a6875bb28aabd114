"""The benchmark's parsing and its data generator (the load itself runs with `make bench`)."""

import pytest
from django.core.management import call_command

from bench.config import BUDGET_DASHBOARD_P99_MS, BUDGET_P99_MS
from bench.dataset import small_url
from bench.first_view import compressed_sizes, css_urls, page_assets, split_charts
from bench.load import parse_wrk
from bench.measure import credentials
from bench.pages import MEMBER, PAGES
from bench.performance_doc import (
    DOCS_BEGIN,
    DOCS_END,
    growth_ratio,
    markdown_table,
    merge_docs,
    page_verdicts,
    performance_markdown,
)
from bench.results import Result
from bench.synthetic import BENCH
from members.models import Membership, Organisation, Person, Representative, WorkingGroup
from portal.models import Post

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
    # The groups are structure, not activity: 20 in all at any scale, sub-groups of the CROP
    # ICT Working Group and of the other CROP groups.
    assert WorkingGroup.objects.count() == BENCH.groups == 20
    synthetic = WorkingGroup.objects.filter(slug__startswith="syn-group-")
    assert synthetic.filter(parent__slug="ict").count() > synthetic.count() // 2
    assert synthetic.exclude(parent__slug="ict").exists()
    assert not synthetic.filter(parent__isnull=True).exists()
    call_command("bench_data", scale=0.01, seed=2, verbosity=0)  # twice: names continue
    assert WorkingGroup.objects.count() == 20
    assert Post.objects.count() == counts[0] + 400
    assert set(Post.objects.values_list("level", flat=True)) == set(Post.Level.values)
    assert Post.objects.filter(archived_at__isnull=False).exists()
    assert Organisation.objects.count() == counts[1] + 30
    assert Person.objects.count() == counts[2] + 100
    assert Representative.objects.count() > counts[3] + 100
    assert Membership.objects.count() > counts[4] + 8
    assert Post.history.count() >= 400
    restricted = Post.objects.filter(level=Post.Level.RESTRICTED, title_en__contains="(")
    assert all(p.restricted_organisations.exists() for p in restricted[:20])


def test_every_app_is_benched_anonymous_and_signed_in():
    paths = {p.path for p in PAGES}
    for path in ("/directory/", "/directory/gov-fji/", "/groups/ict/", "/calendar/",
                 "/papers/", "/decisions/", "/proposals/", "/work/", "/tasks/", "/advisory/",
                 "/indicators/", "/indicators/TON/", "/indicators/IT.CEL.SETS.P2/", "/reports/",
                 "/api/observations", "/calendar/feed.ics", "/papers/feed.atom",
                 "/decisions/feed.atom", "/search/?q=cable"):
        assert path in paths, path
    anonymous = {p.path for p in PAGES if p.user is None}
    signed_in = {p.path for p in PAGES if p.user == MEMBER}
    for path in ("/directory/", "/groups/ict/", "/papers/", "/decisions/", "/work/",
                 "/indicators/", "/reports/", "/api/papers"):
        assert path in anonymous and path in signed_in, path
    budgets = {p.path: p.budget_ms for p in PAGES}
    assert budgets["/indicators/"] == BUDGET_DASHBOARD_P99_MS == 100
    assert budgets["/papers/"] == BUDGET_P99_MS == 50


def test_the_api_is_signed_in_with_a_token_the_pages_with_a_session():
    cookies, tokens = {MEMBER: "sessionid=abc"}, {MEMBER: "Bearer tal_x"}
    assert credentials("/papers/", MEMBER, cookies, tokens) == {"Cookie": "sessionid=abc"}
    assert credentials("/api/papers", MEMBER, cookies, tokens) == {"Authorization": "Bearer tal_x"}
    assert credentials("/papers/", None, cookies, tokens) == {}


def test_the_small_dataset_lives_beside_the_full_one():
    assert (small_url("sqlite:////w/var/bench/bench.sqlite3")
            == "sqlite:////w/var/bench/bench-1pct.sqlite3")
    assert (small_url("postgres://postgres@127.0.0.1:5432/talanoa_bench")
            == "postgres://postgres@127.0.0.1:5432/talanoa_bench_1pct")
    assert small_url("postgres://u:p@db/x", 0.1) == "postgres://u:p@db/x_10pct"


def _page(name, p99, queries, user=None, path="/papers/", **extra):
    page = {"name": name, "path": path, "user": user, "status": 200, "queries": queries,
            "gzip_bytes": 9 * 1024, "charts_gzip": 0, "p50_ms": p99 / 2, "p99_ms": p99,
            "budget_ms": 50.0, "verdicts": {"size": "OK", "requests": "OK",
                                            "p99": "OK" if p99 <= 50 else "OVER"}}
    return page | extra


def test_growth_is_the_ratio_of_p99s_and_the_same_queries():
    assert growth_ratio(30.0, 20.0) == 1.5
    assert growth_ratio(None, 20.0) is None
    assert growth_ratio(30.0, None) is None
    assert growth_ratio(30.0, 0.0) is None
    assert page_verdicts(_page("a", 30, 12), _page("a", 20, 12)) == []
    assert page_verdicts(_page("a", 31, 12), _page("a", 20, 13)) == ["p99 × 1.55 > 1.5",
                                                                     "queries grow"]
    assert page_verdicts(_page("a", 60, 12), None) == ["p99 > 50 ms"]
    over_size = _page("a", 10, 5, verdicts={"size": "OVER", "p99": "OK"}, status=500)
    assert page_verdicts(over_size, None) == ["> 14 KB", "status 500"]
    unmeasured = _page("a", 10, 5, p99_ms=None, verdicts={"size": "OK", "p99": "n/a"})
    assert page_verdicts(unmeasured, None) == ["not measured"]


def _run(pages, when="2026-11-30T02:00:00+00:00", load=0.5, scale=1.0):
    return {"when": when, "database": "sqlite:///x.sqlite3", "scale": scale,
            "dataset": BENCH.scaled(scale).as_dict(), "built_seconds": 1200,
            "cache": "local memory; sessions in the database",
            "server": {"workers": 2, "worker_class": "sync", "worker_threads": 1},
            "load": {"threads": 2, "connections": 32, "seconds": 5, "load_average_before": load},
            "pages": pages, "worker_rss_mb": {"1": 90.0}}


def test_the_markdown_report_has_a_row_per_page_and_says_over():
    full = _run([_page("publications", 40, 12, alone_ms=4.5, rps=800.4),
                 _page("api papers (member)", 70, 9, user=MEMBER, path="/api/papers")])
    small = _run([_page("publications", 20, 12), _page("api papers (member)", 60, 9,
                                                        user=MEMBER, path="/api/papers")],
                 scale=0.01)
    full["commands"] = ["python -m bench --seconds 5",
                        "python -m bench --pages 'api papers (member)'"]
    small["commands"] = ["python -m bench --seconds 5"]
    lines, over = markdown_table(full, small)
    assert over == 2
    assert lines[0].startswith("| page | user | queries (full / 1%) | KB | 1 conn ms | req/s "
                               "| p50 ms |")
    assert lines[2] == ("| publications | anonymous | 12 / 12 | 9.0 | 4.5 | 800 | 20.0 | 40.0 "
                        "| 20.0 | 2.00 | OVER: p99 × 2 > 1.5 |")
    assert lines[3] == ("| api papers (member) | member (token) | 9 / 9 | 9.0 | - | - | 35.0 "
                        "| 70.0 | 60.0 | 1.17 | OVER: p99 > 50 ms |")
    text = performance_markdown({"sqlite": {"full": full, "small": small}},
                                "python -m bench --seconds 5",
                                {"cpus": 2, "cpu": "Test CPU"})
    assert "on 2 cores (Test CPU); written by `python -m bench --seconds 5`" in text
    assert "## SQLite" in text and "load average before 0.5" in text
    assert "20 groups, 1,500 organisations, 5,000 people" in text
    assert "dataset built in 20 min" in text
    assert ("made with `python -m bench --seconds 5`, then "
            "`python -m bench --pages 'api papers (member)'`") in text
    assert "2 of 2 rows OVER a budget." in text
    alone = performance_markdown({"postgresql": {"full": full, "small": None}}, "x",
                                 {"cpus": 2})
    assert "## PostgreSQL" in alone and "| 40.0 | - | - | OVER: p99 > 50 ms |" not in alone
    assert ("| publications | anonymous | 12 / - | 9.0 | 4.5 | 800 | 20.0 | 40.0 | - | - | OK |"
            in alone)
    assert "(no 1% run: growth not checked)" in alone


def test_the_report_keeps_what_was_written_by_hand():
    first = merge_docs(None, "table one\n")
    assert first.startswith("# Performance")
    assert f"{DOCS_BEGIN}\ntable one\n{DOCS_END}\n" in first
    assert first.rstrip().endswith(")")  # the "What remains" section's placeholder
    edited = first.replace("(Written by hand", "- make the matrix faster\n(Written by hand")
    edited = edited.replace("# Performance", "# Performance (hand-made title)")
    second = merge_docs(edited, "table two\n")
    assert "table one" not in second and f"{DOCS_BEGIN}\ntable two\n{DOCS_END}" in second
    assert "- make the matrix faster" in second
    assert second.startswith("# Performance (hand-made title)")
    assert merge_docs(second, "table two\n") == second
