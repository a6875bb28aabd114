"""Named state changes of portal items."""

from django.utils import timezone

from portal.models import Post
from talanoa.lib.editing import save_model_form


def save_post(form, user) -> Post:
    """Create or edit a post from a valid PostForm; a stale edit raises EditConflict and saves
    nothing."""
    if form.instance.pk is None:
        form.instance.created_by = user
    return save_model_form(form)


def archive_post(post: Post) -> Post:
    post.archived_at = timezone.now()
    post.version += 1
    post.save(update_fields=["archived_at", "version", "updated_at"])
    return post


def unarchive_post(post: Post) -> Post:
    post.archived_at = None
    post.version += 1
    post.save(update_fields=["archived_at", "version", "updated_at"])
    return post
