"""Named state changes of decisions and proposals: each records its transition and queues the
notices of whoever must act next (`decisions.tasks`). Views and templates never change a
status themselves."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from decisions.models import Decision, DecisionTransition
from talanoa.lib.reasons import with_reason

REGISTERED = gettext_noop("Registered")

# --- The decision register (G2) ---------------------------------------------------------------


@transaction.atomic
def create_decision(decision: Decision, by, reason: str = "") -> Decision:
    """Enter a decision in the register (unsaved `decision`, its sitting set); its first
    implementation status is recorded as the first transition."""
    decision.created_by = by
    with_reason(decision, REGISTERED).save()
    DecisionTransition.objects.create(decision=decision, to_status=decision.status, by=by,
                                      reason=reason)
    return decision


# --- The proposals pipeline (G3) --------------------------------------------------------------
