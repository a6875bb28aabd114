"""What the platform itself records: the background worker's heartbeat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a recurring task proved that a background worker runs tasks.

    One row per name ("worker"). A row, not the cache: the health check must see the beat of a
    worker on another machine whether or not the cache is shared.
    """

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    seen_at = models.DateTimeField(_("seen at"))
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("heartbeat")

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
