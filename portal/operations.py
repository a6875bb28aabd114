"""Named state changes of portal items."""

from django.db import transaction
from django.utils import timezone

from portal.models import Post
from talanoa.lib.editing import save_versioned


def save_post(form, user, expected_version: int | None) -> Post:
    """Create or edit a post from a valid PostForm; a stale edit raises EditConflict and saves
    nothing."""
    with transaction.atomic():
        post = form.save(commit=False)
        if post.pk is None:
            post.created_by = user
        save_versioned(post, expected_version)
        form.save_m2m()
    return post


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
