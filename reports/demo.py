"""Demo reports (called by `manage.py demo_data`): the 2026 annual assessment report, partly
assessed, and an ICT development report. Not compiled here: compiling is the worker's job
(`make run` starts it); the report page has the button. Idempotent."""

from __future__ import annotations

import datetime

ANNUAL_TITLE = ("Annual assessment report 2026 (demo)",
                "Rapport d'évaluation annuel 2026 (démo)")
ICT_TITLE = ("ICT development in the Pacific, 2019–2023 (demo)",
             "Le développement des TIC dans le Pacifique, 2019-2023 (démo)")

# (objective, rating slug, outputs and outcomes en, fr, lessons en, recommendations en)
ASSESSMENTS = [
    ("G1", "largely",
     "Two policy briefs reached CROP Executives; the broadband brief was endorsed.",
     "Deux notes d'orientation ont été soumises aux dirigeants du CORP ; celle sur le haut "
     "débit a été approuvée.",
     "Briefs cleared early in the year had time to reach the Executives' agenda.",
     "Plan the year's briefs at the first meeting of the year."),
    ("G6", "partly",
     "This report is the group's first annual assessment compiled from the record.",
     "Ce rapport est la première évaluation annuelle du groupe établie à partir des données.",
     "", ""),
    ("S4", "achieved",
     "The ICT indicators were imported from the World Bank and published on the portal.",
     "Les indicateurs des TIC ont été importés de la Banque mondiale et publiés sur le portail.",
     "Public data needs checking for breaks in series before publication.",
     "Import new World Bank releases within a month."),
]

ICT_NARRATIVE_EN = (
    "Mobile subscriptions kept growing across the Pacific, while fixed broadband remains rare "
    "outside a few urban centres. Figures for several Pacific Island Countries are missing "
    "for recent years: \"no data\" is shown as such, never as zero.")
ICT_NARRATIVE_FR = (
    "Les abonnements mobiles ont continué de progresser dans le Pacifique, tandis que le haut "
    "débit fixe reste rare hors de quelques centres urbains. Les chiffres de plusieurs pays "
    "insulaires manquent pour les années récentes : l'absence de données est indiquée comme "
    "telle, jamais comme zéro.")


def load(group, people: dict) -> None:
    from reports import operations
    from reports.models import ObjectiveAssessment, RatingLevel, Report

    secretariat = people["secretariat@demo.talanoa.test"].user
    annual = Report.objects.filter(group=group, title_en=ANNUAL_TITLE[0]).first()
    if annual is None:
        annual = operations.create_report(Report(
            group=group, kind=Report.Kind.ANNUAL, level=Report.Level.MEMBERS,
            title_en=ANNUAL_TITLE[0], title_fr=ANNUAL_TITLE[1],
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31),
            summary_en="The group's work in 2026 against its terms of reference, compiled from "
                       "the portal's record, with the group's own assessment.",
            summary_fr="Les travaux du groupe en 2026 au regard de son mandat, établis à partir "
                       "des données du portail, avec l'évaluation du groupe."), secretariat)
    ratings = {r.slug: r for r in RatingLevel.objects.filter(group=group)}
    for code, rating, outcomes_en, outcomes_fr, lessons_en, recommendations_en in ASSESSMENTS:
        objective = group.objectives.get(code=code)
        ObjectiveAssessment.objects.get_or_create(report=annual, objective=objective, defaults={
            "rating": ratings.get(rating), "outcomes_en": outcomes_en,
            "outcomes_fr": outcomes_fr, "lessons_en": lessons_en,
            "recommendations_en": recommendations_en})
    if not Report.objects.filter(group=group, title_en=ICT_TITLE[0]).exists():
        operations.create_report(Report(
            group=group, kind=Report.Kind.ICT, level=Report.Level.PUBLIC,
            title_en=ICT_TITLE[0], title_fr=ICT_TITLE[1],
            period_start=datetime.date(2019, 1, 1), period_end=datetime.date(2023, 12, 31),
            narrative_en=ICT_NARRATIVE_EN, narrative_fr=ICT_NARRATIVE_FR), secretariat)
