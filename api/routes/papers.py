"""Papers: their metadata and their files, as far as the caller may see them."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from api.items import TaggedItemOut, TagOut, absolute, visible_or_404
from api.service import Page, Paging, page_of, responses, viewer
from papers.models import Paper, PaperFile
from papers.views import paper_file_response
from talanoa.access import visible

router = Router(tags=["papers"])


class PaperOut(TaggedItemOut):
    id: int
    title_en: str
    title_fr: str
    group: str
    kind: str
    level: str
    status: str
    outcome: str
    published_at: datetime.datetime | None
    lead_organisation: str
    tags: list[TagOut]
    url: str


    @staticmethod
    def resolve_kind(paper: Paper) -> str:
        return paper.kind.slug

    @staticmethod
    def resolve_lead_organisation(paper: Paper) -> str:
        return paper.lead_organisation.slug


class PaperFileOut(Schema):
    id: int
    title: str
    file_type: str
    size: int = Field(description="Bytes")
    version: int
    download_url: str

    @staticmethod
    def resolve_version(record: PaperFile) -> int:
        return record.number

    @staticmethod
    def resolve_download_url(record: PaperFile, context) -> str:
        return absolute(context, reverse("api:get_paper_file", kwargs={
            "paper_id": record.paper_id, "file_id": record.pk}))


class PaperDetailOut(PaperOut):
    summary_en: str
    summary_fr: str
    outcome_on: datetime.date | None
    files: list[PaperFileOut] = Field(description="The current version of each file")

    @staticmethod
    def resolve_files(paper: Paper) -> list[PaperFile]:
        return paper.current_files


class PaperPage(Page):
    results: list[PaperOut]


class PaperFilter(Paging):
    group: str | None = Field(None, max_length=50, description="A working group's slug")
    kind: str | None = Field(None, max_length=40, description="A kind of paper's slug")
    status: Literal[tuple(Paper.Status.values)] | None = None  # type: ignore[valid-type]
    tag: str | None = Field(None, max_length=40, description="A tag's code, e.g. 9.c")


def _papers():
    return (Paper.objects.select_related("group", "kind", "lead_organisation")
            .prefetch_related("tags"))


@router.get("/papers", response=responses(PaperPage),
            summary="Papers, filtered by group, kind, status and tag")
def list_papers(request: HttpRequest, filters: Query[PaperFilter]):
    # The publications and the papers in progress together: every live paper the caller sees.
    papers = visible(_papers(), viewer(request)).filter(archived_at__isnull=True)
    if filters.group:
        papers = papers.filter(group__slug=filters.group)
    if filters.kind:
        papers = papers.filter(kind__slug=filters.kind)
    if filters.status:
        papers = papers.filter(status=filters.status)
    if filters.tag:
        # A subquery, not a join: a paper with two tags of that code is still one row.
        papers = papers.filter(pk__in=Paper.tags.through.objects
                               .filter(tag__code=filters.tag).values("paper_id"))
    return page_of(papers, filters)


@router.get("/papers/{paper_id}", response=responses(PaperDetailOut, 404),
            summary="A paper, with its files")
def get_paper(request: HttpRequest, paper_id: int):
    current = PaperFile.objects.filter(archived_at__isnull=True, replaced_at__isnull=True)
    return visible_or_404(
        _papers().prefetch_related(Prefetch("files", queryset=current.order_by("title", "pk"),
                                            to_attr="current_files")),
        viewer(request), paper_id)


@router.get("/papers/{paper_id}/files/{file_id}", response=responses(None, 404),
            summary="A file of a paper (as an attachment)",
            openapi_extra={"responses": {200: {
                "description": "The file itself, in its own type (PDF, an Office document, "
                               "text, an image)",
                "content": {"*/*": {
                    "schema": {"type": "string", "format": "binary"}}}}}})
def get_paper_file(request: HttpRequest, paper_id: int, file_id: int):
    # The paper page's download: the same lookup and headers, asked with the caller's viewer.
    paper = visible_or_404(Paper.objects.all(), viewer(request), paper_id)
    return paper_file_response(paper, file_id)
