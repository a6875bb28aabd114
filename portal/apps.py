from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def post_document(post):
    from talanoa.lib.markup import markdown_text
    from talanoa.searchable import SearchDocument

    return SearchDocument(title=post.title_en, title_fr=post.title_fr,
                          text="\n\n".join([markdown_text(post.body_en),
                                            markdown_text(post.body_fr)]),
                          date=post.published_at)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
    daily_jobs = ("portal.digest.send_due_digests",)  # run by talanoa.daily

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from portal import search
        from portal.measures import NEWS_PUBLISHED
        from portal.models import Post
        from reports import measures

        search.register(Post, document=post_document, kind_label=_("News and documents"))
        search.follow_events()
        measures.register(NEWS_PUBLISHED)
        post_migrate.connect(search.index_unindexed_models, sender=self,
                             dispatch_uid="portal.search.index_unindexed_models")
