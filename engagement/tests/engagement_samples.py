"""Samples of the engagement tracker for the access matrix (talanoa/tests/test_url_access.py):
the demo's bodies, processes, positions and forum participations (engagement/demo.py)."""

from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition


def sample_forum(level: str) -> ForumParticipation:
    """The demo forum participation of a level (its position starts with "[level]")."""
    return ForumParticipation.objects.get(position_en__startswith=f"[{level}]")


def engagement_sample(sample: str) -> dict:
    if sample == "engagement_body":
        return {"slug": ExternalBody.objects.get(slug="itu").slug}
    if sample == "engagement_process":
        return {"pk": EngagementProcess.objects.filter(title_en__endswith="(demo)")
                .order_by("pk").first().pk}
    if sample.startswith("engagement_position_"):
        level = sample.removeprefix("engagement_position_")
        return {"pk": GroupPosition.objects.get(title_en__startswith=f"[{level}]").pk}
    if sample.startswith("forum_"):
        return {"pk": sample_forum(sample.removeprefix("forum_")).pk}
    raise KeyError(sample)
