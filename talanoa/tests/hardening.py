"""The hardening figures the suite prints at its end (issue 11).

Tests that attack an entrance count what they tried and what got through, *before* asserting,
so a failing run still prints the right figures. The access matrix is counted by its marker
(``access_matrix``) in conftest.py, from the tests' own outcomes.
"""

from collections import Counter

COUNTS: Counter[str] = Counter()

# Each line: its template, filled with COUNTS (a key that was never counted is 0).
LINES = (
    "access matrix: {matrix checks} checks run, {matrix failures} failed",
    "hostile uploads: {uploads tried} tried, {uploads refused} refused,"
    " {uploads accepted} accepted",
    "hostile text: {payloads tried} payloads tried, {payloads unescaped} unescaped",
    "headers: {pages checked} pages checked, {pages missing a header} missing a required header",
)


def tally(key: str, n: int = 1) -> None:
    """Add n to a figure, e.g. tally("payloads tried", len(PAYLOADS))."""
    COUNTS[key] += n


def summary() -> list[str]:
    return [line.format_map(COUNTS) for line in LINES]
