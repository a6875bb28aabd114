import csv
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.catalogue import ensure_catalogue, load_starter_observations
from members import starter
from members.models import Country, Membership, Objective, Organisation, WorkingGroup
from plan.seed import seed_regional_ict_initiative

SINCE = datetime.date(2015, 1, 1)


class Command(BaseCommand):
    help = "Load the CROP ICT Working Group's starter data (idempotent; changes nothing twice)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when a working group already exists.")

    @transaction.atomic
    def handle(self, *args, if_empty=False, **options):
        from papers.vocabulary import ensure_vocabulary

        ensure_vocabulary()  # normally added by a migration; back after a test database flush
        if if_empty and WorkingGroup.objects.exists():
            self._indicators_if_none()  # an install from before the indicators app
            self.stdout.write("Starter data already present.")
            return
        countries = self._countries()
        group = self._group(starter.ICT_GROUP)
        for kind, rows in ((Objective.Kind.GENERIC, starter.GENERIC_OBJECTIVES),
                           (Objective.Kind.SPECIFIC, starter.ICT_SPECIFIC_OBJECTIVES),
                           (Objective.Kind.GOVERNANCE, starter.GOVERNANCE_RULES)):
            for order, (code, text_en, text_fr) in enumerate(rows):
                Objective.objects.update_or_create(
                    group=group, code=code,
                    defaults={"kind": kind, "text_en": text_en, "text_fr": text_fr,
                              "order": order + {"generic": 0, "specific": 100,
                                                "governance": 200}[kind]})
        for slug, acronym, name_en, name_fr, country in starter.CROP_AGENCIES:
            org = self._organisation(slug, acronym, name_en, name_fr, Organisation.Kind.CROP,
                                     countries.get(country), "en")
            self._membership(group, org, Membership.Kind.MEMBER)
        for iso3, country in countries.items():
            if not country.is_pict:
                continue
            language = "fr" if country.languages.split(";")[0] == "fr" else "en"
            org = self._organisation(
                f"gov-{iso3.lower()}", iso3, f"Government of {country.name_en}",
                f"Gouvernement — {country.name_fr}", Organisation.Kind.GOVERNMENT, country,
                language)
            self._membership(group, org, Membership.Kind.MEMBER)
        for slug, acronym, name_en, name_fr, kind, standing, country in starter.PARTNERS:
            org = self._organisation(slug, acronym, name_en, name_fr, kind,
                                     countries.get(country), "en")
            self._membership(group, org, standing)
        for slug, acronym, name_en, name_fr in starter.OTHER_GROUPS:
            self._group({"slug": slug, "acronym": acronym, "name_en": name_en,
                         "name_fr": name_fr})
        for slug, acronym, name_en, name_fr in starter.ICT_TASKFORCES:
            self._group({"slug": slug, "acronym": acronym, "name_en": name_en,
                         "name_fr": name_fr, "parent": group,
                         "kind": WorkingGroup.Kind.TASKFORCE})
        seed_regional_ict_initiative(group)
        ensure_catalogue()
        load_starter_observations()  # indicators: the bundled WDI files and their breaks
        from engagement.operations import ensure_external_bodies  # engagement (S7, S14
        ensure_external_bodies()
        from reports.defaults import ensure_defaults  # reports: scale and assessment flow
        ensure_defaults(group)
        self.stdout.write(self.style.SUCCESS(
            f"Starter data: {Organisation.objects.count()} organisations, "
            f"{Country.objects.filter(is_pict=True).count()} PICTs, "
            f"{Objective.objects.filter(group=group).count()} objectives and rules."))

    def _indicators_if_none(self) -> None:
        """The indicator catalogue and the bundled WDI data, on a database that has never had an
        indicator import (so a deliberate rollback of them is not undone)."""
        from indicators.catalogue import load_starter_observations
        from indicators.models import ImportBatch

        if not ImportBatch.objects.exists():
            ensure_catalogue()
            load_starter_observations()
            self.stdout.write("Indicators: the catalogue and the bundled WDI data loaded.")

    def _countries(self) -> dict[str, Country]:
        result = {}
        with open(settings.SHARED_DATA_DIR / "picts.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                result[row["iso3"]], _ = Country.objects.update_or_create(
                    iso3=row["iso3"], defaults={
                        "iso2": row["iso2"], "numeric": row["numeric"], "name_en": row["name"],
                        "name_fr": starter.PICT_NAMES_FR.get(row["iso3"], ""),
                        "political_status": row["political_status"],
                        "languages": row["official_languages"], "is_pict": True})
        for iso3, iso2, numeric, name_en, name_fr in starter.OTHER_COUNTRIES:
            result[iso3], _ = Country.objects.update_or_create(
                iso3=iso3, defaults={"iso2": iso2, "numeric": numeric, "name_en": name_en,
                                     "name_fr": name_fr})
        return result

    def _group(self, fields: dict) -> WorkingGroup:
        fields = dict(fields)  # starter.ICT_GROUP must survive a second load in one process
        slug = fields.pop("slug")
        group, _ = WorkingGroup.objects.update_or_create(slug=slug, defaults=fields)
        return group

    def _organisation(self, slug, acronym, name_en, name_fr, kind, country, language):
        org, _ = Organisation.objects.update_or_create(slug=slug, defaults={
            "acronym": acronym, "name_en": name_en, "name_fr": name_fr, "kind": kind,
            "country": country, "language": language})
        return org

    def _membership(self, group, org, kind) -> None:
        if not Membership.objects.filter(group=group, organisation=org).exists():
            Membership.objects.create(group=group, organisation=org, kind=kind, start=SINCE)
