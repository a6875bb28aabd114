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


@dataclass(frozen=True)
class ApiEndpoint:
    """An endpoint of the JSON API: api/tests/test_api_access.py checks it for every token
    standing against talanoa.access (the pages' policy), on the same demo data."""


@dataclass(frozen=True)
class Probe:
    """A machine's probe (/healthz): public, 200 or 503 by the state of the database and the
    worker, never any content; talanoa/tests/test_health.py checks both answers."""


EVERYONE = frozenset(STANDINGS)
SIGNED_IN = frozenset(STANDINGS) - {"anonymous"}
EDITORS = EDITOR_STANDINGS
SECRETARIAT = frozenset({"secretariat"})

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
    "portal:member_home": Rule(SIGNED_IN),
    "members:preferences": Rule(SIGNED_IN),
    "directory:directory": Rule(EVERYONE, login_required=False),
    "directory:organisation": Rule(EVERYONE, login_required=False, sample="organisation"),
    "members:person": Rule(MEMBER_STANDINGS, sample="person"),
    "portal:group": Rule(EVERYONE, login_required=False, sample="group"),
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
    "portal:invite_to_post": Rule(EDITORS, sample="post_public"),
    "members:invitation": Rule(frozenset(), login_required=False, sample="token"),
    "members:lockouts": Rule(EDITORS),  # abuse: sign-in lockouts and unlock
    "members:lockout_unlock": PostOnly("lockout"),
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
    "history:recent": Rule(EDITORS),
    "history:object": Rule(EDITORS, sample="history_post"),
    "history:restore": PostOnly("history_restore"),
    "audit:events": Rule(EDITORS),  # abuse: the audit log
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
    # work: work plan (the demo item of each level: work/demo.py)
    "plan:plan": Rule(EVERYONE, login_required=False),
    "plan:plan_item": ItemRule("plan_item"),
    "plan:plan_item_new": Rule(EDITORS),
    "plan:plan_item_edit": Rule(EDITORS, sample="plan_members"),
    "plan:plan_item_step": PostOnly("plan_members"),
    # work: who does what (built from what each reader may see)
    "plan:matrix": Rule(EVERYONE, login_required=False),
    "plan:matrix_csv": Rule(EVERYONE, login_required=False),
    # work: tasks (sample: a task of the demo group about no item, for its members)
    "tasks:tasks": Rule(SIGNED_IN),
    "tasks:my_tasks": Rule(SIGNED_IN),
    "tasks:organisation_tasks": Rule(SIGNED_IN),
    "tasks:task_new": Rule(EDITORS),
    "tasks:task": Rule(MEMBER_STANDINGS, sample="task_members"),
    # work: advisory requests (restricted by default; samples in work/tests/advisory_samples.py)
    "advisory:advisory_list": Rule(SIGNED_IN),
    "advisory:advisory_new": Rule(MEMBER_STANDINGS),
    "advisory:advisory_invite": Rule(EDITORS),
    "advisory:advisory_figures": Rule(MEMBER_STANDINGS),
    # a valid signed link opens the form (or the one request) for whoever holds it
    "advisory:advisory_ministry": Rule(EVERYONE, login_required=False, sample="advisory_intake"),
    "advisory:advisory_read": Rule(EVERYONE, login_required=False, sample="advisory_read"),
    "advisory:advisory": Rule(EDITORS, login_required=False, sample="advisory_restricted"),
    "advisory:advisory_edit": Rule(EDITORS, sample="advisory_restricted"),
    "advisory:advisory_step": PostOnly("advisory_restricted"),
    "advisory:advisory_response_file": Rule(EDITORS, login_required=False,
                                        sample="advisory_response_file"),
    # work: engagement (bodies and processes are public records, edited by any group's editors;
    # positions and forum participations are items with a level: samples in
    # work/tests/engagement_samples.py)
    "engagement:engagement": Rule(EVERYONE, login_required=False),
    "engagement:engagement_body": Rule(EVERYONE, login_required=False, sample="engagement_body"),
    "engagement:engagement_body_new": Rule(EDITORS),
    "engagement:engagement_body_edit": Rule(EDITORS, sample="engagement_body"),
    "engagement:engagement_body_step": PostOnly("engagement_body"),
    "engagement:engagement_process": Rule(EVERYONE, login_required=False,
                                    sample="engagement_process"),
    "engagement:engagement_process_new": Rule(EDITORS),
    "engagement:engagement_process_edit": Rule(EDITORS, sample="engagement_process"),
    "engagement:engagement_process_step": PostOnly("engagement_process"),
    "engagement:engagement_position_new": Rule(EDITORS, sample="engagement_process"),
    "engagement:engagement_position_edit": Rule(EDITORS, sample="engagement_position_members"),
    "engagement:engagement_position_step": PostOnly("engagement_position_members"),
    "engagement:forums": Rule(EVERYONE, login_required=False),
    "engagement:forum": ItemRule("forum"),
    "engagement:forum_new": Rule(EDITORS),
    "engagement:forum_edit": Rule(EDITORS, sample="forum_members"),
    "engagement:forum_step": PostOnly("forum_members"),
    # work: directory and "take part" (organisations' areas, focal points, engagement log; the
    # public request to join and its review by the secretariat)
    "directory:organisation_profile_edit": Rule(EDITORS, sample="organisation"),
    "directory:focal_point_new": Rule(EDITORS, sample="organisation"),
    "directory:focal_point_archive": PostOnly("focal_point"),
    "directory:engagement_log_new": Rule(EDITORS, sample="organisation"),
    "directory:take_part": Rule(EVERYONE, login_required=False),
    "directory:take_part_confirm": Rule(frozenset(), login_required=False, sample="token"),
    "directory:join_requests": Rule(EDITORS),
    "directory:join_request": Rule(EDITORS, sample="join_request"),
    "directory:join_request_step": PostOnly("join_request"),
    # indicators: public statistics for everyone; imports and flags are the secretariat's
    "indicators:dashboard": Rule(EVERYONE, login_required=False),
    "indicators:dashboard_table": Rule(EVERYONE, login_required=False, sample="indicators_table"),
    "indicators:tile_map_svg": Rule(EVERYONE, login_required=False),
    "indicators:indicator": Rule(EVERYONE, login_required=False, sample="indicators_indicator"),
    "indicators:indicator_table": Rule(EVERYONE, login_required=False,
                                       sample="indicators_indicator_table"),
    "indicators:indicator_svg": Rule(EVERYONE, login_required=False,
                                     sample="indicators_indicator"),
    "indicators:profile": Rule(EVERYONE, login_required=False, sample="indicators_economy"),
    "indicators:profile_table": Rule(EVERYONE, login_required=False,
                                     sample="indicators_economy_table"),
    "indicators:profile_svg": Rule(EVERYONE, login_required=False,
                                   sample="indicators_economy_svg"),
    "indicators:imports": Rule(SECRETARIAT),
    "indicators:import_batch": Rule(SECRETARIAT, sample="indicators_batch"),
    "indicators:import_step": PostOnly("indicators_batch", audience=SECRETARIAT),
    "indicators:flag_edit": Rule(SECRETARIAT),
    "indicators:indicator_edit": Rule(SECRETARIAT, sample="indicators_indicator"),
    # reports: items of a group (annual assessment, ICT development); the heat map counts what
    # each reader may see; compiling, settings and the assessment are the group's editors'
    "reports:index": Rule(EVERYONE, login_required=False),
    "reports:new": Rule(EDITORS),
    "reports:report": ItemRule("report"),
    "reports:run_file": ItemRule("report_file"),
    "reports:edit": Rule(EDITORS, sample="report_members"),
    "reports:assess": Rule(EDITORS, sample="report_objective"),
    "reports:checklist": PostOnly("report_members"),
    "reports:compile": PostOnly("report_members"),
    "reports:to_review": PostOnly("report_members"),
    "reports:archive": PostOnly("report_members"),
    "reports:settings": Rule(EDITORS, sample="group"),
    "reports:coverage": Rule(EVERYONE, login_required=False, sample="report_coverage"),
    "reports:coverage_cell": Rule(EVERYONE, login_required=False, sample="report_coverage_cell"),
    # API: personal tokens on one's own settings; the endpoints answer JSON (see ApiEndpoint)
    "tokens:tokens": Rule(SIGNED_IN),
    "tokens:token_revoke": PostOnly("api_token", audience=SIGNED_IN),
    "api:openapi-json": Rule(EVERYONE, login_required=False),
    "api:openapi-view": Rule(EVERYONE, login_required=False),
    "api:api-root": ApiEndpoint(),
    "api:list_groups": ApiEndpoint(),
    "api:get_group": ApiEndpoint(),
    "api:list_organisations": ApiEndpoint(),
    "api:get_organisation": ApiEndpoint(),
    # --- apidata: indicators, economies, observations (public), imports (secretariat) ---
    "api:list_indicators": ApiEndpoint(),
    "api:get_indicator": ApiEndpoint(),
    "api:list_economies": ApiEndpoint(),
    "api:get_economy": ApiEndpoint(),
    "api:list_observations": ApiEndpoint(),
    "api:observations_sdmx": ApiEndpoint(),
    "api:create_import": ApiEndpoint(),
    "api:apply_import": ApiEndpoint(),
    "api:rollback_import": ApiEndpoint(),
    # --- end apidata ---
    # --- apiitems: meetings, papers, decisions and proposals ---
    "api:list_meetings": ApiEndpoint(),
    "api:get_meeting": ApiEndpoint(),
    "api:answer_meeting": ApiEndpoint(),
    "api:list_papers": ApiEndpoint(),
    "api:get_paper": ApiEndpoint(),
    "api:get_paper_file": ApiEndpoint(),
    "api:list_decisions": ApiEndpoint(),
    "api:get_decision": ApiEndpoint(),
    "api:list_proposals": ApiEndpoint(),
    "api:get_proposal": ApiEndpoint(),
    # --- end apiitems ---
    # --- webhooks: the secretariat's subscriptions (a group's chair and secretariat) ---
    "webhooks:index": Rule(EDITORS),
    "webhooks:group": Rule(EDITORS, sample="group"),
    "webhooks:ping": PostOnly("webhook_subscription"),
    "webhooks:archive": PostOnly("webhook_subscription"),
    # --- end webhooks ---
    # --- feeds: the news feed, sitemaps and robots.txt (built for the anonymous reader) ---
    "portal:feed": Rule(EVERYONE, login_required=False),
    "portal:sitemap": Rule(EVERYONE, login_required=False),
    "portal:sitemap_section": Rule(EVERYONE, login_required=False, sample="sitemap_section"),
    "portal:robots": Rule(EVERYONE, login_required=False),
    # --- end feeds ---
    "healthz": Probe(),
}
