"""Groups and organisations: the public directory (they carry no dissemination level)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from api.items import LinkedOut
from api.service import Page, Paging, page_of, responses, viewer
from members.models import Membership, Organisation, WorkingGroup

router = Router(tags=["groups and organisations"])


class GroupOut(LinkedOut):
    id: int
    slug: str
    acronym: str
    name_en: str
    name_fr: str
    kind: str
    parent: str | None
    established: date | None
    url: str

    @staticmethod
    def resolve_parent(group: WorkingGroup) -> str | None:
        return group.parent.slug if group.parent_id else None


class GroupPage(Page):
    results: list[GroupOut]


class MembershipOut(Schema):
    group: str
    kind: str
    start: date

    @staticmethod
    def resolve_group(membership: Membership) -> str:
        return membership.group.slug


class OrganisationOut(LinkedOut):
    id: int
    slug: str
    acronym: str
    name_en: str
    name_fr: str
    kind: str
    country: str | None
    website: str
    memberships: list[MembershipOut]
    url: str

    @staticmethod
    def resolve_country(organisation: Organisation) -> str | None:
        return organisation.country.iso3 if organisation.country_id else None

    @staticmethod
    def resolve_memberships(organisation: Organisation) -> list[Membership]:
        return organisation.active_memberships


class OrganisationPage(Page):
    results: list[OrganisationOut]


class OrganisationFilter(Paging):
    group: str | None = None
    kind: str | None = None


def _groups():
    return WorkingGroup.objects.current().select_related("parent")


def _organisations():
    active = Membership.objects.active().select_related("group").order_by("group__slug")
    return (Organisation.objects.current().select_related("country")
            .prefetch_related(Prefetch("memberships", queryset=active,
                                       to_attr="active_memberships")))


@router.get("/groups", response=responses(GroupPage), summary="Working groups")
def list_groups(request: HttpRequest, paging: Query[Paging]):
    viewer(request)
    return page_of(_groups(), paging)


@router.get("/groups/{slug}", response=responses(GroupOut, 404), summary="A working group")
def get_group(request: HttpRequest, slug: str):
    viewer(request)
    return get_object_or_404(_groups(), slug=slug)


@router.get("/organisations", response=responses(OrganisationPage),
            summary="Organisations, filtered by the group they are in and their kind")
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]):
    viewer(request)
    organisations = _organisations()
    if filters.group:
        organisations = organisations.filter(
            pk__in=Membership.objects.active().filter(group__slug=filters.group)
            .values("organisation_id"))
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    return page_of(organisations, filters)


@router.get("/organisations/{slug}", response=responses(OrganisationOut, 404),
            summary="An organisation")
def get_organisation(request: HttpRequest, slug: str):
    viewer(request)
    return get_object_or_404(_organisations(), slug=slug)
