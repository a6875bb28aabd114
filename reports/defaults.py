"""What a group's reports start from: a self-assessment scale and an assessment flow with its
checklist. Added when a group has none (by load_starter_data and on a group's first report);
the secretariat changes them on the settings page, and nothing here overwrites that."""

from __future__ import annotations

from django.db import transaction

from reports.models import ChecklistItem, FlowStep, RatingLevel

# (slug, score, English, French, description English, description French)
RATING_SCALE = [
    ("achieved", 3, "Achieved", "Atteint",
     "What was planned for the objective was done, with the outcomes sought.",
     "Ce qui était prévu pour l'objectif a été réalisé, avec les résultats recherchés."),
    ("largely", 2, "Largely achieved", "Largement atteint",
     "Most of what was planned was done; some outcomes are still to come.",
     "L'essentiel de ce qui était prévu a été réalisé ; certains résultats restent à venir."),
    ("partly", 1, "Partly achieved", "Partiellement atteint",
     "Some of what was planned was done.",
     "Une partie de ce qui était prévu a été réalisée."),
    ("not-achieved", 0, "Not achieved", "Non atteint",
     "Little or nothing of what was planned was done.",
     "Peu ou rien de ce qui était prévu n'a été réalisé."),
]

# (step English, step French, [(point English, point French, automatic check or "")])
# The automatic checks are reports.checks.AUTOMATIC's keys; a point without one is ticked by a
# person.
FLOW = [
    ("Plan", "Planifier", [
        ("Every objective has planned work in the work plan",
         "Chaque objectif a des travaux prévus au plan de travail", "plan_linked"),
        ("The work plan was agreed at a meeting of the group",
         "Le plan de travail a été adopté en réunion du groupe", ""),
    ]),
    ("Implement", "Mettre en œuvre", [
        ("Tasks are recorded with owners and due dates",
         "Les tâches sont enregistrées avec leurs responsables et leurs échéances",
         "tasks_recorded"),
        ("Each initiative has a confirmed lead organisation",
         "Chaque initiative a une organisation chef de file confirmée", ""),
    ]),
    ("Monitor", "Suivre", [
        ("No task is overdue at the end of the period",
         "Aucune tâche n'est en retard à la fin de la période", "no_overdue"),
        ("Progress was reviewed at the group's meetings",
         "L'avancement a été examiné lors des réunions du groupe", ""),
    ]),
    ("Evaluate", "Évaluer", [
        ("Every objective is rated", "Chaque objectif est noté", "all_rated"),
        ("Outputs and outcomes are written for every objective",
         "Les réalisations et les résultats sont décrits pour chaque objectif",
         "narratives_written"),
    ]),
    ("Report", "Rendre compte", [
        ("The report was cleared by the group after member review",
         "Le rapport a été validé par le groupe après examen par les membres",
         "report_reviewed"),
        ("The report was submitted to CROP Executives",
         "Le rapport a été soumis aux dirigeants du CORP", "submitted"),
    ]),
    ("Improve", "Améliorer", [
        ("Recommendations are written for every objective",
         "Des recommandations sont rédigées pour chaque objectif", "recommendations_written"),
        ("The recommendations are carried into next year's work plan",
         "Les recommandations sont reprises dans le plan de travail de l'année suivante", ""),
    ]),
]


@transaction.atomic
def ensure_defaults(group) -> None:
    """Give `group` the default scale and flow, each only if it has none of its own."""
    if not RatingLevel.objects.filter(group=group).exists():
        RatingLevel.objects.bulk_create(
            RatingLevel(group=group, slug=slug, score=score, label_en=en, label_fr=fr,
                        description_en=den, description_fr=dfr, order=order)
            for order, (slug, score, en, fr, den, dfr) in enumerate(RATING_SCALE))
    if not FlowStep.objects.filter(group=group).exists():
        for order, (en, fr, points) in enumerate(FLOW):
            step = FlowStep.objects.create(group=group, name_en=en, name_fr=fr, order=order)
            ChecklistItem.objects.bulk_create(
                ChecklistItem(step=step, text_en=pen, text_fr=pfr, automatic=check, order=n)
                for n, (pen, pfr, check) in enumerate(points))
