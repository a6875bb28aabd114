"""Counting a page's SQL queries, for tests that keep them constant as data grows.

    before = count_queries(client, url)
    grow()                     # bench.synthetic: many more rows of everything
    assert count_queries(client, url) == before
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    """The queries of one GET of `url`, after a first GET that warms the caches (content types,
    the session's flags); the page must answer 200."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)
