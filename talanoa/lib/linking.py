"""Links from one record to an item of any app (an agenda item to a paper, a task to a decision).

A person links by pasting the item's address; the URL names that can be linked map to models
here, and each app adds its own (papers, decisions… in later issues).
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.db.models import Model
from django.urls import Resolver404, resolve

LINKABLE_URLS: dict[str, str] = {
    "portal:post": "portal.Post",
    "meetings:meeting": "meetings.Meeting",
    "papers:paper": "papers.Paper",
    "decisions:decision": "decisions.Decision",
    "decisions:proposal": "decisions.Proposal",
    "plan:plan_item": "plan.PlanItem",
    "advisory:advisory": "advisory.AdvisoryRequest",
}


def item_for_address(address: str) -> Model | None:
    """The item an address (full URL or path) of Talanoa points to, or None."""
    try:
        match = resolve(urlsplit(address.strip()).path)
    except (Resolver404, ValueError):  # ValueError: not a URL at all ("http://[…")
        return None
    label = LINKABLE_URLS.get(match.view_name)
    if label is None or "pk" not in match.kwargs:
        return None
    return apps.get_model(label)._default_manager.filter(pk=match.kwargs["pk"]).first()
