"""ICT indicators (S4, S11): a catalogue of indicators and economies, and observations imported
from the World Bank / ITU in batches that can be previewed, applied and rolled back.

Indicators are public statistics: every page reads them, only the secretariat imports them
(`talanoa.access.require_indicator_editor`).

Values are kept exactly as published (`ExactDecimalField`: a `Decimal` in Python, its text in
the database), because SQLite would store a decimal column as a double and lose digits
("1.0000000000000001" → 1). Nothing ranks or sums observations in SQL; pages compute over the
few dozen values they show.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import BilingualNameMixin, localized
from talanoa.lib.models import Transition


class ExactDecimalField(models.CharField):
    """A decimal number stored as the text it was published as ("123.8", "101.512239575662")."""

    description = _("Decimal number kept exactly as published")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else Decimal(value)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            number = Decimal(str(value).strip())
        except decimal.InvalidOperation as error:
            raise ValidationError(_("“%(value)s” is not a number."), params={"value": value},
                                  code="invalid") from error
        if not number.is_finite():
            raise ValidationError(_("“%(value)s” is not a number."), params={"value": value},
                                  code="invalid")
        return number

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else str(value)


class Indicator(BilingualNameMixin, models.Model):
    """A statistical series, e.g. IT.CEL.SETS.P2 (mobile cellular subscriptions per 100)."""

    code = models.CharField(_("code"), max_length=40, unique=True,
                            help_text=_("The source's code, e.g. IT.NET.USER.ZS"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=80, blank=True,
                               help_text=_("e.g. per 100 people, % of population"))
    unit_fr = models.CharField(_("unit (French)"), max_length=80, blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_fr = models.TextField(_("definition (French)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=80, blank=True)
    sdg_targets = models.ManyToManyField("papers.Tag", blank=True, related_name="indicators",
                                         limit_choices_to={"kind": "sdg"},
                                         verbose_name=_("SDG targets"))
    decimals = models.PositiveSmallIntegerField(
        _("decimals shown"), default=1,
        help_text=_("Pages round to this; downloads give the value as published."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Edits carry the version they started from (talanoa.lib.editing): no silent overwrite.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator", args=[self.code])

    @property
    def unit(self):
        return localized(self, "unit")

    @property
    def definition(self):
        return localized(self, "definition")


class Economy(BilingualNameMixin, models.Model):
    """A country, territory or aggregate as the World Bank codes it (ISO3, or WLD, PSS, …)."""

    class Kind(models.TextChoices):
        PICT = "pict", _("Pacific Island Country or Territory")
        COUNTRY = "country", _("Other country or territory")
        AGGREGATE = "aggregate", _("Aggregate (region or income group)")

    code = models.CharField(_("code"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.COUNTRY)
    country = models.OneToOneField("members.Country", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="economy",
                                   verbose_name=_("country"))
    # The PICTs' places on the tile map: a grid placed roughly by longitude and latitude.
    tile_column = models.PositiveSmallIntegerField(_("tile map column"), null=True, blank=True)
    tile_row = models.PositiveSmallIntegerField(_("tile map row"), null=True, blank=True)
    # Aggregates the Pacific is compared with (PSS, EAS, EAP, WLD), in this order; 0: not one.
    comparator_order = models.PositiveSmallIntegerField(_("comparator order"), default=0)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("economy")
        verbose_name_plural = _("economies")
        constraints = [
            models.UniqueConstraint(fields=["tile_column", "tile_row"],
                                    name="economy_one_tile_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:profile", args=[self.code])


class ImportBatch(models.Model):
    """One import of one file: previewed first, then applied as a whole, and reversible."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PREVIEWED)
    file = models.FileField(_("file"), upload_to="indicators/imports/%Y/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    layout = models.CharField(_("layout"), max_length=20, blank=True,
                              help_text=_("long or wide, CSV or XLSX, as read"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    vintage = models.CharField(_("vintage"), max_length=40, blank=True,
                               help_text=_("The source's data update, e.g. 2026-07-01"))
    # Counts and examples of the validation (rows read, new, changed, unchanged values, unknown
    # economies, non-numeric cells, duplicates), as computed by the preview.
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"


class ImportTransition(Transition):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="transitions",
                              verbose_name=_("import batch"))

    class Meta(Transition.Meta):
        verbose_name = _("import step")
        verbose_name_plural = _("import steps")


class Observation(models.Model):
    """The current value of an indicator for an economy and a year, and the batch that set it.
    An empty cell is no data: no row, never zero."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT,
                                  related_name="observations", verbose_name=_("indicator"))
    economy = models.ForeignKey(Economy, on_delete=models.PROTECT, related_name="observations",
                                verbose_name=_("economy"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = ExactDecimalField(_("value"))
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("import batch"))

    class Meta:
        ordering = ["indicator", "economy", "year"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "economy", "year"],
                                    name="observation_one_value"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.economy_id}/{self.year}={self.value}"


class ObservationChange(models.Model):
    """What a batch did to one observation, so that it can be rolled back exactly: the value
    and batch before (none: the observation was new) and the value it set."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes",
                              verbose_name=_("import batch"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    economy = models.ForeignKey(Economy, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value_before = ExactDecimalField(_("value before"), null=True, blank=True)
    batch_before = models.ForeignKey(ImportBatch, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    value_after = ExactDecimalField(_("value after"))

    class Meta:
        verbose_name = _("observation change")
        verbose_name_plural = _("observation changes")
        indexes = [models.Index(fields=["indicator", "economy", "year"],
                                name="obschange_observation")]

    def __str__(self) -> str:
        return f"{self.value_before} → {self.value_after}"


class Flag(models.Model):
    """A note the secretariat puts on a value: an estimate, or a break in the series (a change
    of method or source: Fiji mobile 2023). Kept apart from observations, so a re-import or a
    rollback leaves it in place. Jumps of more than 2× year on year are flagged by the pages
    themselves (`indicators.series`), not stored."""

    class Kind(models.TextChoices):
        ESTIMATE = "estimate", _("Estimate")
        BREAK = "break", _("Break in series")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="flags",
                                  verbose_name=_("indicator"))
    economy = models.ForeignKey(Economy, on_delete=models.CASCADE, related_name="flags",
                                verbose_name=_("economy"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "economy", "year", "kind"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "economy", "year", "kind"],
                                    name="flag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.economy_id}/{self.year}"
