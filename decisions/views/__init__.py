"""The pages of decisions, one module per family: the decision register (G2) with its feed,
the sittings of governing bodies, and the regional priority proposals (G3)."""

from decisions.views.proposals import (  # noqa: F401
    PROPOSAL_STEP_FORMS,
    cycle_detail,
    cycle_edit,
    cycle_new,
    cycle_ranking,
    cycles,
    proposal_detail,
    proposal_edit,
    proposal_new,
    proposal_position,
    proposal_score,
    proposal_step,
    visible_leaders_decision,
)
from decisions.views.register import (  # noqa: F401
    PAGE_SIZE,
    DecisionsFeed,
    action_new,
    decision_detail,
    decision_edit,
    decision_list,
    decision_new,
    decision_position,
    decision_step,
    decisions_feed,
    live_decisions,
)
from decisions.views.sittings import (  # noqa: F401
    sitting_detail,
    sitting_edit,
    sitting_file,
    sitting_list,
    sitting_new,
    sitting_step,
)
