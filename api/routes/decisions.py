"""The decision register and the proposals pipeline, as far as the caller may see them.

Lists follow the pages' own querysets (`decisions.views`): the register's live decisions and a
cycle's live proposals, each by `talanoa.access.visible()`. A proposal carries a dissemination
level like any item; what an anonymous caller sees of the pipeline is the public proposals.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.items import TaggedItemOut, TagOut, visible_or_404
from api.service import Page, Paging, page_of, responses, viewer
from decisions.models import Decision, Proposal, Sitting
from decisions.views import live_decisions, visible_leaders_decision
from meetings.models import Meeting
from papers.models import Paper
from talanoa.access import Viewer, visible

router = Router(tags=["decisions and proposals"])


class SittingOut(Schema):
    id: int
    body: str
    title_en: str
    title_fr: str
    starts_on: datetime.date

    @staticmethod
    def resolve_body(sitting: Sitting) -> str:
        return sitting.body.slug


class DecisionOut(TaggedItemOut):
    id: int
    title_en: str
    title_fr: str
    group: str
    level: str
    status: str
    reference: str
    decided_on: datetime.date
    sitting: SittingOut
    concerns_ict: bool
    review_on: datetime.date | None
    tags: list[TagOut]
    url: str


class OptionOut(Schema):
    title_en: str
    title_fr: str
    text_en: str
    text_fr: str
    recommended: bool


class DecisionDetailOut(DecisionOut):
    text_en: str
    text_fr: str
    analysis_en: str
    analysis_fr: str
    advice_en: str
    advice_fr: str
    options: list[OptionOut]
    indicators: list[str] = Field(description="Indicator codes, e.g. IT.NET.USER.ZS")
    advice_paper: int | None = Field(description="Only if the caller may see that paper")
    papers: list[int] = Field(description="The papers it concerns that the caller may see")
    meetings: list[int] = Field(description="Its meetings that the caller may see")

    @staticmethod
    def resolve_options(decision: Decision) -> list:
        return list(decision.options.all())

    @staticmethod
    def resolve_indicators(decision: Decision) -> list[str]:
        return decision.indicator_list

    @staticmethod
    def resolve_advice_paper(decision: Decision) -> int | None:
        return decision.api_advice_paper

    @staticmethod
    def resolve_papers(decision: Decision) -> list[int]:
        return decision.api_papers

    @staticmethod
    def resolve_meetings(decision: Decision) -> list[int]:
        return decision.api_meetings


class DecisionPage(Page):
    results: list[DecisionOut]


class DecisionFilter(Paging):
    group: str | None = Field(None, max_length=50, description="A working group's slug")
    status: Literal[tuple(Decision.Status.values)] | None = None  # type: ignore[valid-type]


class CycleOut(Schema):
    id: int
    name_en: str
    name_fr: str


class ProposalOut(TaggedItemOut):
    id: int
    title_en: str
    title_fr: str
    group: str
    level: str
    cycle: CycleOut
    status: str
    lead_organisation: str
    partners: list[str]
    submitted_at: datetime.datetime | None
    sscr_outcome: str
    tags: list[TagOut]
    url: str


    @staticmethod
    def resolve_lead_organisation(proposal: Proposal) -> str:
        return proposal.lead_organisation.slug

    @staticmethod
    def resolve_partners(proposal: Proposal) -> list[str]:
        return [o.slug for o in proposal.partners.all()]


class ProposalDetailOut(ProposalOut):
    problem: str
    initiative: str
    public_good: str
    executives_reasons: str
    sscr_submitted_on: datetime.date | None
    sscr_reference: str
    sscr_note: str
    leaders_decision: int | None = Field(description="Only if the caller may see it")

    @staticmethod
    def resolve_leaders_decision(proposal: Proposal) -> int | None:
        return proposal.api_leaders_decision


class ProposalPage(Page):
    results: list[ProposalOut]


class ProposalFilter(Paging):
    group: str | None = Field(None, max_length=50, description="A working group's slug")
    cycle: int | None = Field(None, ge=1, le=2**62)
    status: Literal[tuple(Proposal.Status.values)] | None = None  # type: ignore[valid-type]


def _decisions():
    return (Decision.objects.select_related("group", "sitting__body")
            .prefetch_related("tags"))


def _proposals():
    return (Proposal.objects.select_related("group", "cycle", "lead_organisation")
            .prefetch_related("partners", "tags"))


@router.get("/decisions", response=responses(DecisionPage),
            summary="The decision register, filtered by group and implementation status")
def list_decisions(request: HttpRequest, filters: Query[DecisionFilter]):
    # The register's own rule (live decisions the caller may see; sittings by prefetch).
    decisions = live_decisions(viewer(request)).select_related("group").prefetch_related("tags")
    if filters.group:
        decisions = decisions.filter(group__slug=filters.group)
    if filters.status:
        decisions = decisions.filter(status=filters.status)
    return page_of(decisions, filters)


def _linked(decision: Decision, me: Viewer) -> Decision:
    """The papers and meetings the decision page links, as far as the caller may see them (a
    public decision may well be advised by a paper for members)."""
    linked = set(decision.papers.values_list("pk", flat=True))
    wanted = linked | ({decision.advice_paper_id} if decision.advice_paper_id else set())
    seen = set(visible(Paper.objects.filter(pk__in=wanted), me).filter(archived_at__isnull=True)
               .values_list("pk", flat=True)) if wanted else set()
    decision.api_advice_paper = decision.advice_paper_id if decision.advice_paper_id in seen \
        else None
    decision.api_papers = sorted(linked & seen)
    decision.api_meetings = list(
        visible(Meeting.objects.filter(decisions_followed=decision), me)
        .filter(archived_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    return decision


@router.get("/decisions/{decision_id}", response=responses(DecisionDetailOut, 404),
            summary="A decision, with the group's assessment")
def get_decision(request: HttpRequest, decision_id: int):
    me = viewer(request)
    decision = visible_or_404(_decisions().prefetch_related("options"), me, decision_id)
    return _linked(decision, me)


@router.get("/proposals", response=responses(ProposalPage),
            summary="Proposals of the prioritisation cycles, filtered by group, cycle and stage")
def list_proposals(request: HttpRequest, filters: Query[ProposalFilter]):
    # A cycle page's rule: live proposals the caller may see.
    proposals = visible(_proposals(), viewer(request)).filter(archived_at__isnull=True)
    if filters.group:
        proposals = proposals.filter(group__slug=filters.group)
    if filters.cycle:
        proposals = proposals.filter(cycle_id=filters.cycle)
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    return page_of(proposals, filters)


@router.get("/proposals/{proposal_id}", response=responses(ProposalDetailOut, 404),
            summary="A proposal")
def get_proposal(request: HttpRequest, proposal_id: int):
    me = viewer(request)
    proposal = visible_or_404(_proposals(), me, proposal_id)
    decision = visible_leaders_decision(proposal, me)
    proposal.api_leaders_decision = decision.pk if decision is not None else None
    return proposal
