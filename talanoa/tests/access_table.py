"""Every URL pattern's access rule, stated independently of the views.

A URL name missing from ROUTES fails test_url_access.py. Expectations come from
talanoa.access.LEVEL_AUDIENCE (the policy's own table) and the rules below, never from the views.
"""

from dataclasses import dataclass

from talanoa.access import EDITOR_STANDINGS, LEVEL_AUDIENCE, STANDINGS

MEMBER_STANDINGS = frozenset(LEVEL_AUDIENCE["members"])


@dataclass(frozen=True)
class Rule:
    """Who gets the page. `kwargs` names a sample (see test_url_access.SAMPLES)."""

    audience: frozenset[str]
    login_required: bool = True
    sample: str | None = None
    method: str = "GET"

    def expected(self, standing: str) -> set[int]:
        if standing in self.audience:
            return {200}
        if standing == "anonymous" and self.login_required:
            return {302}
        return {404, 403}


@dataclass(frozen=True)
class ItemRule:
    """An item page: visible per its dissemination level (one check per level)."""

    sample: str  # "post", "post_file" or "meeting" (the demo item of each level)


@dataclass(frozen=True)
class PostOnly:
    """A state change: GET is refused; POST is checked by the view's own tests."""

    sample: str | None = None
    login_required: bool = True
    audience: frozenset[str] = EDITOR_STANDINGS  # who may POST (others get 403/404)


@dataclass(frozen=True)
class Redirects:
    """Answers every GET with a redirect and shows nothing (the language switch)."""


@dataclass(frozen=True)
class External:
    """A page of allauth (login, password reset, MFA): must not error and must not leak."""

    sample: str | None = None


EVERYONE = frozenset(STANDINGS)
SIGNED_IN = frozenset(STANDINGS) - {"anonymous"}
EDITORS = EDITOR_STANDINGS

ROUTES = {
    "portal:home": Rule(EVERYONE, login_required=False),
    "portal:governance": Rule(EVERYONE, login_required=False),
    "portal:member_access": Rule(EVERYONE, login_required=False),
    "portal:posts": Rule(EVERYONE, login_required=False),
    "portal:search": Rule(EVERYONE, login_required=False),
    "portal:post": ItemRule("post"),
    "portal:post_file": ItemRule("post_file"),
    "portal:post_new": Rule(EDITORS),
    "portal:post_edit": Rule(EDITORS, sample="post_public"),
    "portal:post_archive": PostOnly("post_public"),
    "members:home": Rule(SIGNED_IN),
    "members:preferences": Rule(SIGNED_IN),
    "members:directory": Rule(EVERYONE, login_required=False),
    "members:organisation": Rule(EVERYONE, login_required=False, sample="organisation"),
    "members:person": Rule(MEMBER_STANDINGS, sample="person"),
    "members:group": Rule(EVERYONE, login_required=False, sample="group"),
    "members:representatives": Rule(MEMBER_STANDINGS, sample="group"),
    "members:representative_confirm": PostOnly("representative"),
    "members:representative_end": PostOnly("representative"),
    "members:nomination_document": Rule(MEMBER_STANDINGS, sample="nomination_document"),
    "members:rounds": Rule(EDITORS),
    "members:round": Rule(EDITORS, sample="round"),
    "members:round_send": PostOnly("round"),
    "members:round_close": PostOnly("round"),
    "members:letter": Rule(EDITORS, sample="letter"),
    "members:letter_pdf": Rule(EDITORS, sample="letter"),
    "members:letter_sent": PostOnly("letter"),
    "members:letter_reply": Rule(EDITORS, sample="letter"),
    "members:letter_document": Rule(EDITORS, sample="letter_document"),
    "members:organisation_new": Rule(EDITORS),
    "members:organisation_edit": Rule(EDITORS, sample="organisation"),
    "members:person_new": Rule(EDITORS),
    "members:person_edit": Rule(EDITORS, sample="person"),
    "members:group_edit": Rule(EDITORS, sample="group"),
    "members:subgroup_new": Rule(EDITORS, sample="group"),
    "members:membership_new": Rule(EDITORS, sample="group"),
    "members:membership_end": PostOnly("membership"),
    "members:invite": Rule(EDITORS),
    "members:invite_consultative": Rule(EDITORS),
    "members:invite_to_post": Rule(EDITORS, sample="post_public"),
    "members:invitation": Rule(frozenset(), login_required=False, sample="token"),
    # meetings: minutes, decisions, attendance, actions
    # (samples on the demo public meeting, held: meetings/tests/samples.py)
    "meetings:minutes": Rule(EVERYONE, login_required=False, sample="minutes_public"),
    "meetings:minutes_edit": Rule(EDITORS, sample="minutes_public"),
    "meetings:minutes_circulate": PostOnly("minutes_public"),
    "meetings:minutes_adopt": PostOnly("minutes_circulated"),
    "meetings:minutes_correct": Rule(EDITORS, sample="minutes_adopted"),
    "meetings:minutes_comment": PostOnly("minutes_circulated", audience=MEMBER_STANDINGS),
    # circulated minutes are read by the group's members (a draft by its editors only)
    "meetings:minutes_revision": Rule(MEMBER_STANDINGS, login_required=False,
                                      sample="minutes_circulated_r1"),
    "meetings:minutes_diff": Rule(MEMBER_STANDINGS, login_required=False,
                                  sample="minutes_circulated"),
    "meetings:decision_new": Rule(EDITORS, sample="minutes_public"),
    "meetings:attendance_edit": Rule(EDITORS, sample="minutes_public"),
    "meetings:action_new": Rule(EDITORS, sample="minutes_public"),
    # owned by the demo member (Fiji's government)
    "meetings:action_status": Rule(EDITORS | {"member"}, sample="action_public"),
    "meetings:my_actions": Rule(SIGNED_IN),
    "history:recent": Rule(EDITORS),
    "history:object": Rule(EDITORS, sample="history_post"),
    "history:restore": PostOnly("history_restore"),
    "set_language": Redirects(),
    # meetings: calendar, feeds, convening, answers
    "meetings:calendar": Rule(EVERYONE, login_required=False),
    "meetings:upcoming": Rule(EVERYONE, login_required=False),
    "meetings:year": Rule(EVERYONE, login_required=False, sample="year"),
    "meetings:public_feed": Rule(EVERYONE, login_required=False),
    "meetings:group_feed": Rule(EVERYONE, login_required=False, sample="group"),
    "meetings:calendar_token": Rule(SIGNED_IN),
    "meetings:personal_feed": Rule(frozenset(), login_required=False, sample="token"),
    "meetings:meeting": ItemRule("meeting"),
    "meetings:meeting_ics": ItemRule("meeting"),
    "meetings:meeting_new": Rule(EDITORS),
    "meetings:meeting_request": Rule(MEMBER_STANDINGS),
    "meetings:meeting_edit": Rule(EDITORS, sample="meeting_public"),
    "meetings:meeting_status": PostOnly("meeting_public"),
    # the demo meeting invites every representative of the group
    "meetings:meeting_rsvp": PostOnly("meeting_public", audience=MEMBER_STANDINGS),
    "meetings:rsvp": Rule(frozenset(), login_required=False, sample="token"),
    "meetings:agenda_edit": Rule(EDITORS, sample="meeting_public"),
    # meetings: documents, pack, notices
    "meetings:document_upload": Rule(EDITORS, sample="meeting_public"),
    "meetings:document": Rule(MEMBER_STANDINGS, login_required=False,
                              sample="meeting_doc_members"),
    "meetings:document_archive": PostOnly("meeting_doc_members"),
    "meetings:pack_zip": ItemRule("meeting"),
    "meetings:pack_pdf": ItemRule("meeting"),
    "meetings:notices": Rule(EDITORS),
    "meetings:notice_edit": Rule(EDITORS, sample="notice"),
    "meetings:notice_restore": PostOnly("notice"),
    # papers
    "papers:publications": Rule(EVERYONE, login_required=False),
    "papers:feed": Rule(EVERYONE, login_required=False),
    "papers:in_progress": Rule(SIGNED_IN),
    "papers:paper_new": Rule(MEMBER_STANDINGS),
    "papers:missions": Rule(EDITORS),
    "papers:vocabulary": Rule(EDITORS),
    "papers:paper": ItemRule("paper"),
    "papers:paper_pdf": ItemRule("paper"),
    "papers:file": ItemRule("paper_file"),
    # The demo papers are SPC's (the secretariat's organisation): editors are their authors here.
    "papers:paper_edit": Rule(EDITORS, sample="paper_members"),
    "papers:file_upload": Rule(EDITORS, sample="paper_members"),
    "papers:file_archive": PostOnly("paper_file_members"),
    "papers:comment": PostOnly("paper_members", audience=MEMBER_STANDINGS),
    "papers:position": PostOnly("paper_members", audience=frozenset({"member", "chair",
                                                                      "secretariat"})),
    "papers:step": PostOnly("paper_members"),
    "papers:send_brief": Rule(EDITORS, sample="paper_public"),
    # decisions: the proposals pipeline (samples in decisions/tests/proposal_helpers.py: an
    # open cycle, and a draft of SPC's, the secretariat's organisation, at each level)
    "decisions:cycles": Rule(EVERYONE, login_required=False),
    "decisions:cycle": Rule(EVERYONE, login_required=False, sample="cycle"),
    "decisions:cycle_new": Rule(EDITORS),
    "decisions:cycle_edit": Rule(EDITORS, sample="cycle"),
    "decisions:ranking": Rule(MEMBER_STANDINGS, sample="cycle"),
    "decisions:proposal_new": Rule(MEMBER_STANDINGS, sample="cycle"),
    "decisions:proposal": ItemRule("proposal"),
    "decisions:proposal_edit": Rule(EDITORS, sample="proposal_members"),
    # scores and positions: member organisations (the chair's USP and the secretariat's SPC too)
    "decisions:proposal_score": PostOnly("proposal_members",
                                         audience=frozenset({"member", "chair", "secretariat"})),
    "decisions:proposal_position": PostOnly("proposal_members", audience=frozenset(
        {"member", "chair", "secretariat"})),
    "decisions:proposal_step": PostOnly("proposal_members"),
    # decisions: the register (sittings are public records, edited by any group's editors)
    "decisions:decisions": Rule(EVERYONE, login_required=False),
    "decisions:feed": Rule(EVERYONE, login_required=False),
    "decisions:decision_new": Rule(EDITORS),
    "decisions:decision": ItemRule("decision"),
    "decisions:decision_edit": Rule(EDITORS, sample="decision_members"),
    "decisions:decision_step": PostOnly("decision_members"),
    "decisions:action_new": Rule(EDITORS, sample="decision_members"),
    # Fiji (the demo member) and the chair's and secretariat's organisations are members
    "decisions:position": PostOnly("decision_members", audience=frozenset({"member", "chair",
                                                                            "secretariat"})),
    "decisions:sittings": Rule(EVERYONE, login_required=False),
    "decisions:sitting_new": Rule(EDITORS),
    "decisions:sitting": Rule(EVERYONE, login_required=False, sample="sitting"),
    "decisions:sitting_edit": Rule(EDITORS, sample="sitting"),
    "decisions:sitting_step": PostOnly("sitting"),
    "decisions:sitting_file": Rule(EVERYONE, login_required=False, sample="sitting_file"),
    # work: directory and "take part" (organisations' areas, focal points, engagement log; the
    # public request to join and its review by the secretariat)
    "work:organisation_profile_edit": Rule(EDITORS, sample="organisation"),
    "work:focal_point_new": Rule(EDITORS, sample="organisation"),
    "work:focal_point_archive": PostOnly("focal_point"),
    "work:engagement_log_new": Rule(EDITORS, sample="organisation"),
    "work:take_part": Rule(EVERYONE, login_required=False),
    "work:take_part_confirm": Rule(frozenset(), login_required=False, sample="token"),
    "work:join_requests": Rule(EDITORS),
    "work:join_request": Rule(EDITORS, sample="join_request"),
    "work:join_request_step": PostOnly("join_request"),
}
