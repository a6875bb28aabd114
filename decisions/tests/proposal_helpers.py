"""Cycles and proposals for the proposals pipeline's tests, and the samples of the access
matrix (talanoa/tests/test_url_access.py): "cycle" (an open cycle of the demo group),
"proposal_<level>" (a draft of SPC's at that level; the restricted one names the chair and
the secretariat, like the demo papers)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from decisions import operations
from decisions.models import Cycle, Proposal
from members.models import Organisation, User, WorkingGroup


def open_cycle(group: WorkingGroup | None = None, name: str = "2027 regional priorities",
               **fields) -> Cycle:
    """A cycle whose window is open today everywhere, with the default criteria."""
    group = group or WorkingGroup.objects.get(slug="ict")
    today = timezone.localdate()
    fields.setdefault("opens_on", today - datetime.timedelta(days=10))
    fields.setdefault("closes_on", today + datetime.timedelta(days=10))
    return operations.create_cycle(Cycle(group=group, name_en=name, **fields))


def make_proposal(cycle: Cycle, title: str = "A regional cable repair vessel",
                  lead: str = "spc", level: str = "members", by: User | None = None,
                  answers: dict[int, str] | None = None, **fields) -> Proposal:
    by = by or User.objects.get(email="secretariat@demo.talanoa.test")
    proposal = Proposal(cycle=cycle, group_id=cycle.group_id, level=level, title_en=title,
                        lead_organisation=Organisation.objects.get(slug=lead),
                        problem="Cables break; ships are far.", **fields)
    operations.create_proposal(proposal, by, answers or {})
    if level == "restricted":
        proposal.restricted_organisations.add(proposal.lead_organisation)
        proposal.restricted_people.set([u.person for u in User.objects.filter(
            email__in=["chair@demo.talanoa.test", "secretariat@demo.talanoa.test"])])
    return proposal


def sample_cycle() -> Cycle:
    return Cycle.objects.filter(name_en="Sample cycle").first() or open_cycle(name="Sample cycle")


def sample_proposal(level: str) -> Proposal:
    title = f"[{level}] Sample proposal"
    return (Proposal.objects.filter(title_en=title).first()
            or make_proposal(sample_cycle(), title=title, level=level))


def proposal_sample(sample: str) -> dict:
    if sample == "cycle":
        return {"pk": sample_cycle().pk}
    return {"pk": sample_proposal(sample.removeprefix("proposal_")).pk}
