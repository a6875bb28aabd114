"""One run's results: each page's record, judged against the budgets, and the table printed
when the run ends."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.config import (
    BUDGET_CHART_KB,
    BUDGET_KB,
    BUDGET_P99_MS,
    BUDGET_REQUESTS,
    BUDGET_RSS_MB,
)


def formatted(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


@dataclass
class Result:
    name: str
    path: str
    user: str | None
    budget_ms: float = BUDGET_P99_MS
    status: int = 0
    queries: int | None = None
    html_bytes: int = 0
    assets: list[dict] = field(default_factory=list)
    gzip_bytes: int = 0
    brotli_bytes: int = 0
    requests: int = 0
    declares_icon: bool = False
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    alone_ms: float | None = None  # p50 with a single connection: the page's own cost
    load_requests: int | None = None
    errors: int = 0
    charts: int = 0  # inline SVG charts on the page
    chart_gzip_max: int = 0  # the largest one, compressed
    charts_gzip: int = 0  # all of them, compressed one by one
    verdicts: dict[str, str] = field(default_factory=dict)

    def judge(self) -> None:
        kb = (self.gzip_bytes - self.charts_gzip) / 1024
        self.verdicts = {
            "size": "OK" if kb <= BUDGET_KB else "OVER",
            "requests": "OK" if self.requests <= BUDGET_REQUESTS else "OVER",
            "p99": ("n/a" if self.p99_ms is None and not self.errors else
                    "OK" if self.p99_ms is not None and self.p99_ms <= self.budget_ms
                    and not self.errors else "OVER"),
        }
        if self.charts:
            self.verdicts["chart"] = ("OK" if self.chart_gzip_max / 1024 <= BUDGET_CHART_KB
                                      else "OVER")


def print_table(results: list[Result], rss: dict[int, float | None]) -> None:
    header = (f"{'page':<26} {'1 conn':>6} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'budget':>6} {'queries':>7} {'KB gz':>6} {'KB br':>6} {'reqs':>4}  "
              f"{'≤14KB':<5} {'≤3req':<5} {'p99':<5}")
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.name[:26]:<26} {formatted(r.alone_ms, '6.1f'):>6} {formatted(r.rps, '6.0f'):>6} "
              f"{formatted(r.p50_ms, '7.1f'):>7} "
              f"{formatted(r.p99_ms, '7.1f'):>7} {r.budget_ms:6.0f} {formatted(r.queries, 'd'):>7} "
              f"{r.gzip_bytes / 1024:6.1f} {r.brotli_bytes / 1024:6.1f} {r.requests:>4}  "
              f"{r.verdicts['size']:<5} {r.verdicts['requests']:<5} {r.verdicts['p99']:<5}"
              + (f"  status {r.status}" if r.status != 200 else "")
              + (f"  {r.errors} errors" if r.errors else ""))
    print("1 conn: p50 ms with a single connection (the page's own cost); req/s, p50, p99: "
          "under the full load; budget: the page's p99 budget (ms).")
    if rss:
        parts = [f"pid {pid}: {formatted(mb, '.0f', '?')} MB" for pid, mb in rss.items()]
        worst = max((mb for mb in rss.values() if mb is not None), default=None)
        verdict = "n/a" if worst is None else "OK" if worst <= BUDGET_RSS_MB else "OVER"
        print(f"gunicorn worker RSS after the load: {', '.join(parts)} "
              f"(budget ≤ {BUDGET_RSS_MB:.0f} MB each: {verdict})")
    for r in results:
        if r.charts:
            print(f"{r.name}: KB gz counts {r.charts} inline SVG chart(s) "
                  f"({r.charts_gzip / 1024:.1f} KB of it); without them "
                  f"{(r.gzip_bytes - r.charts_gzip) / 1024:.1f} KB (budget ≤ {BUDGET_KB:.0f}), "
                  f"largest chart {r.chart_gzip_max / 1024:.1f} KB "
                  f"(budget ≤ {BUDGET_CHART_KB:.0f}: {r.verdicts['chart']})")
    if any(not r.declares_icon for r in results):
        print("Note: pages without <link rel=icon> make browsers also ask for /favicon.ico "
              "(not counted above).")
