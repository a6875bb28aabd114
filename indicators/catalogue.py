"""The starter catalogue: ICT indicators of the World Development Indicators (ITU data), the
economies the World Bank codes (the 22 PICTs first), the aggregates the Pacific is compared
with, and the PICTs' places on the tile map.

`ensure_catalogue()` is idempotent: it adds what is missing and leaves edits in place.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from members.models import Country
from papers.models import Tag
from talanoa import searchable

DATA_DIR = Path(__file__).resolve().parent / "data"
WDI_FILES = sorted((DATA_DIR / "wdi").glob("wdi_*_data.csv"))
WDI_SOURCE = "World Bank, World Development Indicators (ITU data)"
WDI_LICENCE = "CC BY 4.0"

# code, name (en, fr), unit (en, fr), decimals, SDG targets, definition (en, fr)
INDICATORS = [
    ("IT.NET.USER.ZS", "Individuals using the Internet",
     "Personnes utilisant Internet", "% of population", "% de la population", 1, ["17.8"],
     "Internet users are individuals who have used the Internet (from any location) in the "
     "last 3 months. The Internet can be used via a computer, mobile phone, personal digital "
     "assistant, games machine, digital TV etc.",
     "Les internautes sont les personnes qui ont utilisé Internet (depuis n’importe quel lieu) "
     "au cours des 3 derniers mois, au moyen d’un ordinateur, d’un téléphone mobile, d’un "
     "assistant numérique personnel, d’une console de jeux, d’une télévision numérique, etc."),
    ("IT.CEL.SETS.P2", "Mobile cellular subscriptions",
     "Abonnements à la téléphonie mobile", "per 100 people", "pour 100 personnes", 1, ["9.c"],
     "Mobile cellular telephone subscriptions are subscriptions to a public mobile telephone "
     "service that provide access to the PSTN using cellular technology. The indicator "
     "includes (and is split into) the number of postpaid subscriptions, and the number of "
     "active prepaid accounts (i.e. that have been used during the last three months).",
     "Les abonnements à la téléphonie mobile cellulaire sont les abonnements à un service public "
     "de téléphonie mobile donnant accès au réseau téléphonique public commuté au moyen de la "
     "technologie cellulaire. L’indicateur comprend (et se répartit entre) les abonnements "
     "post-payés et les comptes prépayés actifs (utilisés au cours des trois derniers mois)."),
    ("IT.NET.BBND.P2", "Fixed broadband subscriptions",
     "Abonnements à l’Internet haut débit fixe", "per 100 people", "pour 100 personnes", 1,
     ["17.6"],
     "Fixed broadband subscriptions refers to fixed subscriptions to high-speed access to the "
     "public Internet (a TCP/IP connection), at downstream speeds equal to, or greater than, "
     "256 kbit/s.",
     "Les abonnements à l’Internet haut débit fixe sont les abonnements fixes à un accès à haut "
     "débit à l’Internet public (connexion TCP/IP), à des débits descendants égaux ou "
     "supérieurs à 256 kbit/s."),
    ("IT.MLT.MAIN.P2", "Fixed telephone subscriptions",
     "Abonnements au téléphone fixe", "per 100 people", "pour 100 personnes", 1, [],
     "Fixed telephone subscriptions refers to the sum of active number of analogue fixed "
     "telephone lines, voice-over-IP (VoIP) subscriptions, fixed wireless local loop (WLL) "
     "subscriptions, ISDN voice-channel equivalents and fixed public payphones.",
     "Les abonnements au téléphone fixe sont la somme des lignes téléphoniques fixes analogiques "
     "actives, des abonnements de voix sur IP (VoIP), des abonnements à la boucle locale sans "
     "fil fixe (WLL), des équivalents en canaux vocaux RNIS et des téléphones publics fixes."),
    ("IT.NET.SECR.P6", "Secure Internet servers",
     "Serveurs Internet sécurisés", "per 1 million people", "par million de personnes", 1, [],
     "The number of distinct, publicly-trusted TLS/SSL certificates found in the Netcraft "
     "Secure Server Survey.",
     "Le nombre de certificats TLS/SSL distincts et reconnus publiquement recensés par "
     "l’enquête Netcraft sur les serveurs sécurisés."),
]

# The aggregates every page compares the Pacific with, in this order.
COMPARATORS = [
    ("PSS", "Pacific island small states", "Petits États insulaires du Pacifique"),
    ("EAS", "East Asia & Pacific", "Asie de l’Est et Pacifique"),
    ("EAP", "East Asia & Pacific (excluding high income)",
     "Asie de l’Est et Pacifique (hors revenu élevé)"),
    ("WLD", "World", "Monde"),
]

# (column, row) on the tile map: west to east across the date line, north to south.
TILES = {
    "GUM": (1, 0), "MNP": (2, 0),
    "PLW": (0, 1), "FSM": (2, 1), "MHL": (4, 1),
    "PNG": (1, 2), "NRU": (3, 2), "KIR": (5, 2),
    "SLB": (2, 3), "TUV": (4, 3), "TKL": (6, 3),
    "VUT": (3, 4), "FJI": (4, 4), "WLF": (5, 4), "WSM": (6, 4), "ASM": (7, 4),
    "NCL": (3, 5), "TON": (5, 5), "NIU": (6, 5), "COK": (7, 5), "PYF": (8, 5),
    "PCN": (9, 6),
}


@transaction.atomic
def ensure_catalogue() -> None:
    """Indicators, economies, comparators and tiles of the starter catalogue."""
    from indicators.models import Economy, Indicator

    for order, (code, name_en, name_fr, unit_en, unit_fr, decimals, sdgs, definition_en,
                definition_fr) in enumerate(INDICATORS):
        indicator, created = Indicator.objects.get_or_create(
            code=code, defaults={"name_en": name_en, "name_fr": name_fr, "unit_en": unit_en,
                                 "unit_fr": unit_fr, "decimals": decimals,
                                 "definition_en": definition_en,
                                 "definition_fr": definition_fr, "source": WDI_SOURCE,
                                 "licence": WDI_LICENCE, "order": order})
        if created:
            indicator.sdg_targets.set(Tag.objects.filter(kind="sdg", code__in=sdgs))

    existing = set(Economy.objects.values_list("code", flat=True))
    new = []
    for country in Country.objects.filter(is_pict=True):
        if country.iso3 not in existing:
            column, row = TILES.get(country.iso3, (None, None))
            new.append(Economy(code=country.iso3, name_en=country.name_en,
                               name_fr=country.name_fr, kind=Economy.Kind.PICT,
                               country=country, tile_column=column, tile_row=row))
            existing.add(country.iso3)
    comparators = {code: (order + 1, name_en, name_fr)
                   for order, (code, name_en, name_fr) in enumerate(COMPARATORS)}
    countries = {c.iso3: c for c in Country.objects.filter(is_pict=False)}
    with (DATA_DIR / "economies.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            code = row["code"]
            if code in existing:
                continue
            order, name_en, name_fr = comparators.get(code, (0, row["name_en"], ""))
            new.append(Economy(code=code, name_en=name_en, name_fr=name_fr, kind=row["kind"],
                               comparator_order=order, country=countries.get(code)))
            existing.add(code)
    searchable.changed(Economy.objects.bulk_create(new))  # bulk: no signals to index them


# --- Starter observations (importer) ---

STARTER_VINTAGE = "2026-07-01"
# As the data's README describes them: what the published values do, not why.
STARTER_BREAKS = [
    ("IT.CEL.SETS.P2", "FJI", 2023,
     "Published values jump from 111.7 (2022) to 361.0 (2023) and 574.2 (2024)."),
    ("IT.CEL.SETS.P2", "PNG", 2023,
     "Published values fall from 49.2 (2022) to 34.1 (2023)."),
]


def load_starter_observations() -> None:
    """The bundled WDI files, one applied batch each (skipped when a batch of the same file is
    already applied), and the breaks their README points out. Idempotent."""
    import hashlib

    from indicators import operations
    from indicators.models import Economy, Flag, ImportBatch, Indicator

    for path in WDI_FILES:
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        if ImportBatch.objects.filter(sha256=sha256,
                                      status=ImportBatch.Status.APPLIED).exists():
            continue
        batch = operations.preview_import(data, path.name, source=WDI_SOURCE,
                                          vintage=STARTER_VINTAGE)
        operations.apply_import(batch)
    for indicator_code, economy_code, year, note in STARTER_BREAKS:
        indicator = Indicator.objects.get(code=indicator_code)
        economy = Economy.objects.get(code=economy_code)
        if not Flag.objects.filter(indicator=indicator, economy=economy, year=year,
                                   kind=Flag.Kind.BREAK).exists():
            operations.flag_observation(indicator, economy, year, Flag.Kind.BREAK, note)
