from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _named(name: str, acronym: str) -> str:
    return f"{name} ({acronym})" if name and acronym else name


def organisation_document(organisation):
    from talanoa.searchable import SearchDocument

    return SearchDocument(title=_named(organisation.name_en, organisation.acronym),
                          title_fr=_named(organisation.name_fr, organisation.acronym),
                          text="\n\n".join([organisation.description_en,
                                            organisation.description_fr]))


def group_document(group):
    from talanoa.searchable import SearchDocument

    return SearchDocument(title=_named(group.name_en, group.acronym),
                          title_fr=_named(group.name_fr, group.acronym),
                          text="\n\n".join([group.description_en, group.description_fr]),
                          date=group.established)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from members.audit import watch_standings
        from members.models import Organisation, WorkingGroup
        from members.viewers import signed_in_viewer
        from talanoa import access

        watch_standings()
        access.register_viewer_source(signed_in_viewer)
        from talanoa import searchable as search

        # Public records: everyone finds the live ones.
        search.register(Organisation, document=organisation_document,
                        visible=search.public(Organisation), kind_label=_("Organisations"))
        search.register(WorkingGroup, document=group_document,
                        visible=search.public(WorkingGroup), kind_label=_("Groups"))
