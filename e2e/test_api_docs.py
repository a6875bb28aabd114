"""The API documentation page in Chromium: Swagger UI from our own static files lists the
operations, under the portal's strict Content-Security-Policy (a violation fails the test)."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_docs_list_every_operation(world, new_context, browser_log):
    page = new_context().new_page()
    page.goto(f"{world.url}/api/docs")
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    listed = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/groups" in [text.strip().replace("\u200b", "") for text in listed]
    assert page.locator("html").get_attribute("lang") == "en"
