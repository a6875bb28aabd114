"""Named state changes of the regional priority proposals (G3): cycles, drafting, scoring,
positions, and the steps through the CROP Executives, the SSCR and the Leaders."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from decisions import tasks
from decisions.models import (
    Answer,
    Criterion,
    Cycle,
    Decision,
    Proposal,
    ProposalPosition,
    ProposalTransition,
    Score,
    Sitting,
)
from decisions.operations.register import create_decision
from members import consensus
from members.models import Body, Membership, Organisation, Person
from talanoa import searchable
from talanoa.lib.editing import save_versioned
from talanoa.lib.markup import markdown_text
from talanoa.lib.reasons import with_reason

# --- The proposals pipeline (G3) --------------------------------------------------------------

# The default criteria of a new cycle: the Framework for Pacific Regionalism's tests, then the
# group's own. The secretariat edits, adds, reorders and weighs them per cycle.
DEFAULT_CRITERIA: list[dict] = [
    {"title_en": "Market test", "title_fr": "Critère du marché",
     "question_en": "Why would markets not deliver this, or deliver it poorly, without "
                    "regional action?",
     "question_fr": "Pourquoi le marché ne le fournirait-il pas, ou mal, sans action "
                    "régionale ?"},
    {"title_en": "Sovereignty test", "title_fr": "Critère de souveraineté",
     "question_en": "How does the initiative respect each country's sovereignty and leave "
                    "national decisions to national governments?",
     "question_fr": "Comment l'initiative respecte-t-elle la souveraineté de chaque pays et "
                    "laisse-t-elle les décisions nationales aux gouvernements ?"},
    {"title_en": "Subsidiarity test", "title_fr": "Critère de subsidiarité",
     "question_en": "Why is this best done regionally rather than nationally or locally?",
     "question_fr": "Pourquoi est-ce mieux fait à l'échelle régionale plutôt que nationale ou "
                    "locale ?"},
    {"title_en": "Regional public good", "title_fr": "Bien public régional",
     "question_en": "Who benefits across the region, and how would the benefits be shared?",
     "question_fr": "Qui en bénéficie dans la région, et comment les bénéfices seraient-ils "
                    "partagés ?"},
    {"title_en": "Contribution to the group's ICT objectives",
     "title_fr": "Contribution aux objectifs TIC du groupe",
     "question_en": "Which of the working group's objectives does it serve, and how?",
     "question_fr": "À quels objectifs du groupe de travail contribue-t-elle, et comment ?"},
]

PStatus = Proposal.Status

# The proposal's path. Held proposals wait for a later CROP Executives meeting: they may be
# decided again (forward or reject), or, once the authors have revised them (a held proposal's
# text may change again), go back to the members for scoring (the scores are kept, and may be
# changed). A deferred SSCR outcome goes back to the
# SSCR at a later sitting; "decided" (the Leaders' decision registered) and "rejected" end it.
PROPOSAL_ALLOWED: dict[str, tuple[str, ...]] = {
    PStatus.DRAFT: (PStatus.SUBMITTED,),
    PStatus.SUBMITTED: (PStatus.FORWARDED, PStatus.HELD, PStatus.REJECTED),
    PStatus.HELD: (PStatus.FORWARDED, PStatus.REJECTED, PStatus.SUBMITTED),
    PStatus.FORWARDED: (PStatus.AT_SSCR,),
    PStatus.AT_SSCR: (PStatus.SSCR_DECIDED,),
    PStatus.SSCR_DECIDED: (PStatus.AT_SSCR, PStatus.DECIDED),
    PStatus.REJECTED: (),
    PStatus.DECIDED: (),
}

EXECUTIVES_DECISIONS = {"forward": PStatus.FORWARDED, "hold": PStatus.HELD,
                        "reject": PStatus.REJECTED}

PROPOSAL_DRAFTED = gettext_noop("Drafted")
PROPOSAL_SAVED = gettext_noop("Edited")
CYCLE_OPENED = gettext_noop("Cycle created with the default criteria")
PROPOSAL_SUBMITTED = gettext_noop("Submitted for scoring")
PROPOSAL_SUBMITTED_LATE = gettext_noop("Submitted after the window closed, by the secretariat")
PROPOSAL_REOPENED = gettext_noop("Back to the members for scoring")
PROPOSAL_EXECUTIVES = {PStatus.FORWARDED: gettext_noop("Forwarded by CROP Executives"),
              PStatus.HELD: gettext_noop("Held by CROP Executives"),
              PStatus.REJECTED: gettext_noop("Not forwarded by CROP Executives")}
PROPOSAL_AT_SSCR = gettext_noop("Submitted to the SSCR")
PROPOSAL_SSCR_OUTCOME = gettext_noop("SSCR outcome recorded")
PROPOSAL_LEADERS = gettext_noop("Leaders' decision registered")


class ProposalRefused(Exception):
    """The step is allowed in principle but not now; the message (stored in English, marked
    for translation) says why, for the person."""


class StaleProposal(ProposalRefused):
    """The step was asked from a page showing an earlier version of the proposal."""


def _move_proposal(proposal: Proposal, to: str, by, reason: str = "") -> None:
    if to not in PROPOSAL_ALLOWED[proposal.status]:
        raise ProposalRefused(gettext_noop("This step is not possible from the proposal's present "
                                           "stage."))
    ProposalTransition.objects.create(proposal=proposal, from_status=proposal.status,
                                      to_status=to, reason=reason, by=by)
    proposal.status = to


def _lock(proposal: Proposal, expected_version: int | None) -> None:
    """Refuse a step based on a stale page: the version must be the one the page showed. The
    row is locked until the step commits, so two steps cannot both pass the check."""
    current = Proposal.objects.select_for_update().only("version", "status").get(pk=proposal.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleProposal(gettext_noop("Someone changed this proposal in the meantime: check "
                                        "it, then try again."))
    proposal.version, proposal.status = current.version, current.status


def _save_proposal_step(proposal: Proposal, reason: str) -> None:
    proposal.version += 1
    with_reason(proposal, reason).save()


def _notify_proposal(proposal: Proposal, event: str) -> None:
    transaction.on_commit(lambda: tasks.notify_proposal.enqueue(proposal.pk, event))


# Cycles ---------------------------------------------------------------------------------------

@transaction.atomic
def create_cycle(cycle: Cycle, by=None) -> Cycle:
    """A new cycle, with the default criteria (weight 1 each) for the secretariat to adjust."""
    with_reason(cycle, CYCLE_OPENED).save()
    Criterion.objects.bulk_create([Criterion(cycle=cycle, order=(i + 1) * 10, weight=1, **fields)
                                   for i, fields in enumerate(DEFAULT_CRITERIA)])
    return cycle


@transaction.atomic
def save_cycle(cycle: Cycle, expected_version: int | None, criteria=None) -> Cycle:
    """An edit of the cycle (refused with a conflict if someone saved in between) and of its
    criteria formset. A criterion already answered or scored is kept (the formset offers no
    deletion of those)."""
    save_versioned(cycle, expected_version)
    if criteria is not None:
        criteria.instance = cycle
        criteria.save()
    return cycle


def window_refusal(cycle: Cycle, now: datetime.datetime | None = None) -> str | None:
    """Why the cycle's window does not take submissions now (None: it does)."""
    now = now or timezone.now()
    if now < cycle.opens_at:
        return gettext_noop("Submissions are not open yet.")
    if now >= cycle.closes_at:
        return gettext_noop("Submissions are closed: the window has ended.")
    return None


# Who must act ---------------------------------------------------------------------------------

def scoring_organisations(proposal: Proposal) -> QuerySet[Organisation]:
    """The member organisations expected to score (and take a position on) the proposal."""
    return consensus.member_organisations(proposal)




def group_member_organisation_ids(group_id: int) -> list[int]:
    """The group's current member organisations (one query), for counting who is expected to
    score each proposal of a cycle at once."""
    members = Membership.objects.active().filter(group_id=group_id, kind=Membership.Kind.MEMBER)
    return list(Organisation.objects.current().filter(
        pk__in=members.values("organisation_id")).values_list("pk", flat=True))


def unscored_organisations(proposal: Proposal) -> list[Organisation]:
    """Member organisations that have not scored every criterion yet."""
    criteria = proposal.cycle.criteria.count()
    done = [org for org, n in _score_counts(proposal).items() if n >= criteria]
    return list(scoring_organisations(proposal).exclude(pk__in=done))


def _score_counts(proposal: Proposal) -> dict[int, int]:
    counts: dict[int, int] = {}
    for org_id in proposal.scores.values_list("organisation_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    return counts


# Drafting -------------------------------------------------------------------------------------

@transaction.atomic
def create_proposal(proposal: Proposal, by, answers: dict[int, str] | None = None) -> Proposal:
    proposal.status = PStatus.DRAFT
    proposal.created_by = by
    with_reason(proposal, PROPOSAL_DRAFTED).save()
    ProposalTransition.objects.create(proposal=proposal, to_status=PStatus.DRAFT, by=by)
    save_answers(proposal, answers or {})
    return proposal


@transaction.atomic
def save_proposal(proposal: Proposal, expected_version: int | None,
                  answers: dict[int, str] | None = None) -> Proposal:
    """An edit of a draft or of a held proposal (refused with a conflict if someone saved in
    between)."""
    if not Proposal.objects.filter(pk=proposal.pk, status__in=Proposal.EDITABLE).exists():
        raise ProposalRefused(gettext_noop("The proposal was submitted: its text can no longer "
                                           "change."))
    with_reason(proposal, PROPOSAL_SAVED)
    save_versioned(proposal, expected_version)
    save_answers(proposal, answers or {})
    return proposal


def save_answers(proposal: Proposal, answers: dict[int, str]) -> None:
    """The proposal's answer to each criterion of its cycle (`answers`: criterion id → text);
    an unchanged answer is not saved again, so its history shows real changes only."""
    existing = {a.criterion_id: a for a in proposal.answers.all()}
    changed = False
    for criterion in proposal.cycle.criteria.all():
        if criterion.pk not in answers:
            continue
        text = answers[criterion.pk].strip()
        answer = existing.get(criterion.pk)
        if answer is None:
            if text:
                Answer.objects.create(proposal=proposal, criterion=criterion, text=text)
                changed = True
        elif answer.text != text:
            answer.text = text
            answer.save()
            changed = True
    if changed:
        reindex_proposal(proposal)


def reindex_proposal(proposal: Proposal) -> None:
    """Its answers changed after the proposal's own save: what search finds changes too."""
    transaction.on_commit(lambda: searchable.changed([proposal]))


def proposal_searchable_text(proposal: Proposal) -> str:
    """What search finds in a proposal besides its title: the problem, the initiative, why it
    is a regional public good, and its answers to the criteria."""

    parts = [markdown_text(proposal.problem), markdown_text(proposal.initiative),
             markdown_text(proposal.public_good)]
    parts += [markdown_text(answer.text) for answer in proposal.answers.all()]
    return "\n".join(part for part in parts if part)


# Steps ----------------------------------------------------------------------------------------

@transaction.atomic
def submit_proposal(proposal: Proposal, by, expected_version: int | None = None,
                    late_reason: str = "", now: datetime.datetime | None = None) -> Proposal:
    """Submit the draft while the cycle's window is open; the members are asked to score it.
    After the window, only the secretariat submits, with the reason (`late_reason`: the view
    lets only the group's editors give one)."""
    _lock(proposal, expected_version)
    if proposal.status != PStatus.DRAFT:
        # A held proposal goes back to scoring only by the editors' reopening, with a reason.
        raise ProposalRefused(gettext_noop("This step is not possible from the proposal's "
                                           "present stage."))
    refusal = window_refusal(proposal.cycle, now)
    if refusal and not late_reason.strip():
        raise ProposalRefused(refusal)
    if not proposal.title_en and not proposal.title_fr:
        raise ProposalRefused(gettext_noop("Give the proposal a title before submitting it."))
    reason = late_reason.strip() if refusal else ""
    _move_proposal(proposal, PStatus.SUBMITTED, by, reason)
    proposal.submitted_at = now or timezone.now()
    _save_proposal_step(proposal, PROPOSAL_SUBMITTED_LATE if refusal else PROPOSAL_SUBMITTED)
    _notify_proposal(proposal, "submitted")
    return proposal


@transaction.atomic
def record_score(proposal: Proposal, criterion: Criterion, organisation: Organisation,
                 value: int, comment: str = "", person: Person | None = None) -> Score:
    """A member organisation's score of one criterion (1–5). Scoring again replaces the score;
    its history keeps the earlier one."""
    if proposal.status != PStatus.SUBMITTED:
        raise ProposalRefused(gettext_noop("Scoring is closed: the proposal is not waiting for "
                                           "scores."))
    until = proposal.cycle.scoring_until
    if until is not None and timezone.localdate() > until:
        raise ProposalRefused(gettext_noop("Scoring closed at the end of the cycle's scoring "
                                           "period."))
    if criterion.cycle_id != proposal.cycle_id:
        raise ProposalRefused(gettext_noop("This criterion is not one of the proposal's cycle."))
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise ProposalRefused(gettext_noop("A score is a whole number from 1 to 5."))
    if not scoring_organisations(proposal).filter(pk=organisation.pk).exists():
        raise ProposalRefused(gettext_noop("Only member organisations of the group score "
                                           "proposals."))
    score, created = Score.objects.get_or_create(
        proposal=proposal, criterion=criterion, organisation=organisation,
        defaults={"value": value, "comment": comment.strip(), "person": person})
    if not created and (score.value, score.comment) != (value, comment.strip()):
        score.value, score.comment, score.person = value, comment.strip(), person
        score.recorded_at = timezone.now()
        score.save()
    return score


@transaction.atomic
def record_scores(proposal: Proposal, organisation: Organisation,
                  values: dict[int, tuple[int, str]], person: Person | None = None) -> int:
    """An organisation's scores of several criteria at once (criterion id → (value, comment));
    all or nothing. The chair and secretariat are told once every organisation has scored."""
    was_complete = not unscored_organisations(proposal)
    criteria = {c.pk: c for c in proposal.cycle.criteria.all()}
    for criterion_id, (value, comment) in values.items():
        if criterion_id not in criteria:
            raise ProposalRefused(gettext_noop("This criterion is not one of the proposal's "
                                               "cycle."))
        record_score(proposal, criteria[criterion_id], organisation, value, comment, person)
    if not was_complete and not unscored_organisations(proposal):
        _notify_proposal(proposal, "scores_complete")
    return len(values)


@transaction.atomic
def record_proposal_position(proposal: Proposal, organisation: Organisation, stance: str,
                             note: str, person: Person | None) -> ProposalPosition:
    """A member organisation's position on forwarding the proposal, while CROP Executives have
    not decided; recording again replaces it (the history keeps the earlier one)."""
    if proposal.status not in (PStatus.SUBMITTED, PStatus.HELD):
        raise ProposalRefused(gettext_noop("Positions are taken while the proposal waits for CROP "
                                           "Executives."))
    if stance in ProposalPosition.UNRESOLVED and not note.strip():
        raise ProposalRefused(gettext_noop("Say what the concern or objection is, so that the "
                                           "group can resolve it."))
    if not scoring_organisations(proposal).filter(pk=organisation.pk).exists():
        raise ProposalRefused(gettext_noop("Only member organisations of the group take "
                                           "positions."))
    return consensus.save_position(ProposalPosition, organisation, stance, note, person,
                                   proposal=proposal)


@transaction.atomic
def reopen_scoring(proposal: Proposal, by, reason: str,
                   expected_version: int | None = None) -> Proposal:
    """A held proposal goes back to the members for scoring (it changed, or new information
    came); scores already given stay and may be changed."""
    _lock(proposal, expected_version)
    if proposal.status != PStatus.HELD:
        raise ProposalRefused(gettext_noop("Only a held proposal goes back for scoring."))
    if not reason.strip():
        raise ProposalRefused(gettext_noop("Say why the proposal goes back for scoring."))
    _move_proposal(proposal, PStatus.SUBMITTED, by, reason.strip())
    _save_proposal_step(proposal, PROPOSAL_REOPENED)
    _notify_proposal(proposal, "reopened")
    return proposal


@transaction.atomic
def record_executives_decision(proposal: Proposal, decision: str, reasons: str, by,
                               expected_version: int | None = None) -> Proposal:
    """CROP Executives decide: forward to the SSCR, hold, or reject; always with reasons."""
    _lock(proposal, expected_version)
    if decision not in EXECUTIVES_DECISIONS:
        raise ProposalRefused(gettext_noop("CROP Executives forward, hold or reject a proposal."))
    if not reasons.strip():
        raise ProposalRefused(gettext_noop("Record CROP Executives' reasons."))
    to = EXECUTIVES_DECISIONS[decision]
    _move_proposal(proposal, to, by, reasons.strip())
    proposal.executives_reasons = reasons.strip()
    _save_proposal_step(proposal, PROPOSAL_EXECUTIVES[to])
    _notify_proposal(proposal, "executives")
    return proposal


@transaction.atomic
def submit_to_sscr(proposal: Proposal, on: datetime.date, reference: str, by,
                   expected_version: int | None = None) -> Proposal:
    """CROP's submission to the SSCR (again, after a deferral)."""
    _lock(proposal, expected_version)
    if proposal.status == PStatus.SSCR_DECIDED and (
            proposal.sscr_outcome != Proposal.SscrOutcome.DEFERRED):
        raise ProposalRefused(gettext_noop("Only a proposal the SSCR deferred goes back to it."))
    _move_proposal(proposal, PStatus.AT_SSCR, by, reference.strip())
    proposal.sscr_submitted_on = on
    proposal.sscr_reference = reference.strip()
    proposal.sscr_outcome, proposal.sscr_note = "", ""
    _save_proposal_step(proposal, PROPOSAL_AT_SSCR)
    _notify_proposal(proposal, "at_sscr")
    return proposal


@transaction.atomic
def record_sscr_outcome(proposal: Proposal, outcome: str, note: str, by,
                        expected_version: int | None = None) -> Proposal:
    _lock(proposal, expected_version)
    if outcome not in Proposal.SscrOutcome.values:
        raise ProposalRefused(gettext_noop("The SSCR recommends, does not recommend or defers."))
    _move_proposal(proposal, PStatus.SSCR_DECIDED, by, note.strip())
    proposal.sscr_outcome, proposal.sscr_note = outcome, note.strip()
    _save_proposal_step(proposal, PROPOSAL_SSCR_OUTCOME)
    _notify_proposal(proposal, "sscr_outcome")
    return proposal


LEADERS_BODY = "forum-leaders"


def create_leaders_sitting(title: str, starts_on: datetime.date, place: str = "") -> Sitting:
    """A sitting of the Forum Leaders, created where its decision on a proposal is recorded."""
    return Sitting.objects.create(body=Body.objects.get(slug=LEADERS_BODY),
                                  title_en=title.strip(), starts_on=starts_on,
                                  place=place.strip())


@transaction.atomic
def record_leaders_decision(proposal: Proposal, sitting: Sitting, reference: str,
                            text_en: str, text_fr: str, by,
                            expected_version: int | None = None) -> Decision:
    """The Leaders' decision on a proposal the SSCR recommended: registered in the decision
    register, linked to the proposal. The decision has the proposal's dissemination level
    (and named organisations and people), so registering it reveals nothing the proposal did
    not; the secretariat opens it wider in the register once the communiqué is public."""
    _lock(proposal, expected_version)
    if proposal.status == PStatus.SSCR_DECIDED and (
            proposal.sscr_outcome != Proposal.SscrOutcome.RECOMMENDED):
        raise ProposalRefused(gettext_noop("Leaders decide on proposals the SSCR recommended."))
    if not reference.strip():
        raise ProposalRefused(gettext_noop("Give the decision's reference in the outcome "
                                           "document."))
    _move_proposal(proposal, PStatus.DECIDED, by, reference.strip())
    decision = Decision(sitting=sitting, group_id=proposal.group_id, level=proposal.level,
                        reference=reference.strip(), title_en=proposal.title_en,
                        title_fr=proposal.title_fr, text_en=text_en.strip(),
                        text_fr=text_fr.strip(), proposal=proposal)
    create_decision(decision, by, str(proposal))
    decision.restricted_organisations.set(proposal.restricted_organisations.all())
    decision.restricted_people.set(proposal.restricted_people.all())
    decision.tags.set(proposal.tags.all())
    _save_proposal_step(proposal, PROPOSAL_LEADERS)
    _notify_proposal(proposal, "leaders")
    return decision
