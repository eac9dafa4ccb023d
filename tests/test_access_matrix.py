"""Every URL of the portal, for every persona: the answer each one must get.

A URL pattern without a row fails `test_every_url_has_a_row`: add the row with the
feature. Objects belong to someone (`owner` in the context); the others get 404.
Every HTML page answered 200 is also checked for the security headers and the CSP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.throttling import AnonRateThrottle

from innovations.workflow import innovation_data
from jipp import account_requests, services
from jipp.models import Export
from tests.conftest import PERSONAS, client_for, indicator_rows
from tests.replication.interest_matrix import kalsel_interest

ANON, INNOVATOR, KALSEL, JATENG, FORUM, MINISTRY = PERSONAS


@dataclass
class Context:
    """Objects the URLs point at, made once per test."""

    notification_of_ministry: int
    innovation: str = ""  # slug of an approved innovation
    draft_innovation: str = ""  # slug of a submitted one, public nowhere
    innovator: str = ""  # slug of its institution
    export_of_ministry: int = 0  # a ready file of the ministry persona
    own_draft: str = ""  # slug of a draft of innovator_diy's institution
    own_approved: str = ""  # slug of an approved one of it, with a drafted update
    # An approved plan of Kalimantan Selatan for innovator_diy's innovation: its first
    # stage done with one evidence file, a due-date request waiting on its second.
    plan: int = 0
    evidence: int = 0
    due_date_request: int = 0
    draft_plan: int = 0  # a draft of the same province
    indicator: int = 0  # the approved plan's indicator, a change of it waiting
    indicator_change: int = 0
    scheduled_forum: int = 0  # a scheduled session hosted by Kalimantan Selatan
    draft_forum: int = 0  # a draft session: staff only
    held_forum: int = 0  # a held session of Kalimantan Selatan with one outcome (a draft plan)
    forum_presentation: int = 0  # a presentation on the draft session
    # innovator_diy's institution presents on the held session; both have slides.
    held_presentation: int = 0
    forum_guest: int = 0  # a guest by e-mail on the draft session
    # The signed answer link of a guest by e-mail of the scheduled session, to which the
    # Kalimantan Selatan Bappeda is invited too.
    forum_answer_token: str = ""
    account_request: int = 0  # a pending request from a personal mailbox
    # Kit documents of innovator_diy's approved innovation: one approved, one pending.
    kit_public: int = 0
    kit_pending: int = 0


@dataclass
class Row:
    url: Callable[[Context], str]
    get: dict[str, int] = field(default_factory=dict)
    post: dict[str, int] = field(default_factory=dict)


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, code)


def signed_in(code: int, anon: int = 302) -> dict[str, int]:
    return {**everyone(code), ANON: anon}


def only(roles: dict[str, int], others: int = 403, anon: int = 302) -> dict[str, int]:
    return {**everyone(others), ANON: anon, **roles}


def plan_view(kalsel: int, ministry: int = 403, innovator: int = 403) -> dict[str, int]:
    """On the Kalsel plan: unseen by Jawa Tengah and the forum admin, 404 for them."""
    seen = {KALSEL: kalsel, MINISTRY: ministry, INNOVATOR: innovator}
    return {**everyone(404), ANON: 302, **seen}


def plan_post(url: Callable[[Context], str], **codes: int) -> Row:
    return Row(url, get=everyone(405), post=plan_view(**codes))


PLAN_ROLES = {KALSEL: 200, JATENG: 200, MINISTRY: 200, INNOVATOR: 200}
FORUM_STAFF = {FORUM: 200, MINISTRY: 200}


def forum_post(url: Callable[[Context], str], staff: int) -> Row:
    """A management action: forum admins and the ministry only (an empty form: 200)."""
    return Row(url, get=everyone(405), post=only({FORUM: staff, MINISTRY: staff}))


DASHBOARD_ROLES = {KALSEL: 200, JATENG: 200, MINISTRY: 200}


ROWS: dict[str, Row] = {
    "home": Row(lambda c: "/", get=everyone(200)),
    "healthz": Row(lambda c: "/healthz", get=everyone(200), post=everyone(405)),
    "work": Row(lambda c: "/work/", get=signed_in(200)),
    "inbox": Row(lambda c: "/inbox/", get=signed_in(200)),
    "inbox_mark_read": Row(lambda c: "/inbox/read/", get=everyone(405), post=signed_in(302)),
    "notification_open": Row(
        lambda c: f"/inbox/{c.notification_of_ministry}/",
        get={**signed_in(404), MINISTRY: 302},
    ),
    "login": Row(lambda c: "/accounts/login/", get=everyone(200)),
    "preferences": Row(
        lambda c: "/accounts/preferences/",
        get=signed_in(200),
        post=signed_in(200),  # an empty form comes back with its errors
    ),
    "logout": Row(lambda c: "/accounts/logout/", get=everyone(405), post=everyone(302)),
    "password_change": Row(lambda c: "/accounts/password_change/", get=signed_in(200)),
    "password_change_done": Row(lambda c: "/accounts/password_change/done/", get=signed_in(200)),
    "password_reset": Row(
        lambda c: "/accounts/password_reset/",
        get=everyone(200),
        post=everyone(200),  # an empty form comes back with its errors
    ),
    "password_reset_done": Row(lambda c: "/accounts/password_reset/done/", get=everyone(200)),
    "password_reset_confirm": Row(lambda c: "/accounts/reset/MQ/bad-token/", get=everyone(200)),
    "password_reset_complete": Row(lambda c: "/accounts/reset/done/", get=everyone(200)),
    "user_list": Row(lambda c: "/accounts/users/", get=only({MINISTRY: 200})),
    "user_invite": Row(
        lambda c: "/accounts/users/invite/",
        get=only({MINISTRY: 200}),
        post=only({MINISTRY: 200}),  # an empty form comes back with its errors
    ),
    "user_set_active": Row(
        lambda c: "/accounts/users/999999/active/",
        get=everyone(405),
        post=only({MINISTRY: 404}),
    ),
    "user_resend_invitation": Row(
        lambda c: "/accounts/users/999999/resend/",
        get=everyone(405),
        post=only({MINISTRY: 404}),
    ),
    "accept_invitation": Row(lambda c: "/accounts/invitation/forged/", get=everyone(404)),
    "account_request": Row(
        lambda c: "/accounts/request/",
        get=everyone(200),
        post=everyone(200),  # an empty form comes back with its errors
    ),
    "account_request_sent": Row(lambda c: "/accounts/request/sent/", get=everyone(200)),
    "account_requests": Row(lambda c: "/accounts/requests/", get=only({MINISTRY: 200})),
    "account_request_detail": Row(
        lambda c: "/accounts/requests/999999/",
        get=only({MINISTRY: 404}),
        post=only({MINISTRY: 404}),
    ),
    "account_request_detail (pending)": Row(
        lambda c: f"/accounts/requests/{c.account_request}/",
        get=only({MINISTRY: 200}),
        post=only({MINISTRY: 200}),  # no action: the page again
    ),
    "innovations:list": Row(lambda c: "/innovations/", get=everyone(200)),
    "innovations:detail": Row(lambda c: f"/innovations/{c.innovation}/", get=everyone(200)),
    "innovations:detail (unapproved)": Row(
        lambda c: f"/innovations/{c.draft_innovation}/", get=everyone(404)
    ),
    "innovations:innovators": Row(lambda c: "/innovations/innovators/", get=everyone(200)),
    "innovations:innovator": Row(
        lambda c: f"/innovations/innovators/{c.innovator}/", get=everyone(200)
    ),
    "innovations:export_csv": Row(lambda c: "/innovations/export.csv", get=everyone(200)),
    "innovations:export_xlsx": Row(lambda c: "/innovations/export.xlsx", get=signed_in(200)),
    "innovations:import": Row(
        lambda c: "/innovations/import/",
        get=only({MINISTRY: 200}),
        post=only({MINISTRY: 200}),  # an empty form comes back with its errors
    ),
    "innovations:mine": Row(lambda c: "/innovations/mine/", get=only({INNOVATOR: 200})),
    "innovations:mine_detail": Row(
        lambda c: f"/innovations/mine/{c.own_draft}/", get=only({INNOVATOR: 200})
    ),
    "innovations:mine_detail (other institution)": Row(
        lambda c: f"/innovations/mine/{c.draft_innovation}/", get=only({INNOVATOR: 404})
    ),
    "innovations:new": Row(
        lambda c: "/innovations/new/",
        get=only({INNOVATOR: 200}),
        post=only({INNOVATOR: 200}),  # an empty form comes back with its errors
    ),
    "innovations:edit": Row(
        lambda c: f"/innovations/{c.own_draft}/edit/",
        get=only({INNOVATOR: 200}),
        post=only({INNOVATOR: 200}),
    ),
    "innovations:edit (other institution)": Row(
        lambda c: f"/innovations/{c.draft_innovation}/edit/",
        get=only({INNOVATOR: 404}),
        post=only({INNOVATOR: 404}),
    ),
    "innovations:submit": Row(
        lambda c: f"/innovations/{c.own_draft}/submit/",
        get=everyone(405),
        post=only({INNOVATOR: 302}),
    ),
    "innovations:submit (other institution)": Row(
        lambda c: f"/innovations/{c.draft_innovation}/submit/",
        get=everyone(405),
        post=only({INNOVATOR: 404}),
    ),
    "innovations:revise": Row(
        lambda c: f"/innovations/{c.own_approved}/revise/",
        get=only({INNOVATOR: 200}),
        post=only({INNOVATOR: 200}),
    ),
    "innovations:revise (other institution)": Row(
        lambda c: f"/innovations/{c.innovation}/revise/", get=only({INNOVATOR: 404})
    ),
    "innovations:revise_submit": Row(
        lambda c: f"/innovations/{c.own_approved}/revise/submit/",
        get=everyone(405),
        post=only({INNOVATOR: 302}),
    ),
    "innovations:revise_submit (other institution)": Row(
        lambda c: f"/innovations/{c.innovation}/revise/submit/",
        get=everyone(405),
        post=only({INNOVATOR: 404}),
    ),
    "innovations:review": Row(lambda c: "/innovations/review/", get=only({MINISTRY: 200})),
    "innovations:kit_manage": Row(
        lambda c: f"/innovations/{c.own_approved}/kit/",
        get=only({INNOVATOR: 200}),
        post=only({INNOVATOR: 200}),  # an empty form comes back with its errors
    ),
    "innovations:kit_manage (other institution)": Row(
        lambda c: f"/innovations/{c.innovation}/kit/",
        get=only({INNOVATOR: 404}),
        post=only({INNOVATOR: 404}),
    ),
    "innovations:kit_download": Row(
        lambda c: f"/innovations/kit/{c.kit_public}/download/", get=everyone(200)
    ),
    "innovations:kit_download (pending)": Row(
        lambda c: f"/innovations/kit/{c.kit_pending}/download/",
        get={**everyone(404), INNOVATOR: 200, MINISTRY: 200},
    ),
    "innovations:kit_review": Row(
        lambda c: f"/innovations/review/kit/{c.kit_pending}/", get=only({MINISTRY: 200})
    ),
    "innovations:kit_decide": Row(
        lambda c: f"/innovations/review/kit/{c.kit_pending}/decide/",
        get=everyone(405),
        post=only({MINISTRY: 200}),  # an empty form comes back with its errors
    ),
    "innovations:review_detail": Row(
        lambda c: f"/innovations/review/{c.draft_innovation}/", get=only({MINISTRY: 200})
    ),
    "innovations:decide": Row(
        lambda c: f"/innovations/review/{c.draft_innovation}/decide/",
        get=everyone(405),
        post=only({MINISTRY: 200}),  # an empty form comes back with its errors
    ),
    "export_download": Row(
        lambda c: f"/exports/{c.export_of_ministry}/", get={**signed_in(404), MINISTRY: 200}
    ),
    "innovation-list": Row(lambda c: "/api/innovations/", get=everyone(200)),
    "innovation-detail": Row(lambda c: f"/api/innovations/{c.innovation}/", get=everyone(200)),
    "innovation-detail (unapproved)": Row(
        lambda c: f"/api/innovations/{c.draft_innovation}/", get=everyone(404)
    ),
    "forum-list": Row(lambda c: "/api/forums/", get=everyone(200), post=everyone(405)),
    "forum-detail": Row(lambda c: f"/api/forums/{c.scheduled_forum}/", get=everyone(200)),
    "forum-detail (draft)": Row(lambda c: f"/api/forums/{c.draft_forum}/", get=everyone(404)),
    "forums:calendar_feed": Row(
        lambda c: "/forums/calendar.ics", get=everyone(200), post=everyone(405)
    ),
    "forums:calendar_feed (province)": Row(
        lambda c: "/forums/calendar.ics?province=63", get=everyone(200)
    ),
    "forums:calendar_feed (unknown province)": Row(
        lambda c: "/forums/calendar.ics?province=99", get=everyone(404)
    ),
    "forums:event_ics": Row(
        lambda c: f"/forums/{c.scheduled_forum}/event.ics", get=everyone(200), post=everyone(405)
    ),
    "forums:event_ics (draft)": Row(
        lambda c: f"/forums/{c.draft_forum}/event.ics",
        get={**everyone(404), FORUM: 200, MINISTRY: 200},
    ),
    "forums:schedule": Row(lambda c: "/forums/", get=everyone(200)),
    "forums:detail": Row(lambda c: f"/forums/{c.scheduled_forum}/", get=everyone(200)),
    "forums:detail (held)": Row(lambda c: f"/forums/{c.held_forum}/", get=everyone(200)),
    "forums:detail (draft)": Row(
        lambda c: f"/forums/{c.draft_forum}/", get={**everyone(404), **FORUM_STAFF}
    ),
    "forums:session_new": Row(
        lambda c: "/forums/new/",
        get=only(FORUM_STAFF),
        post=only(FORUM_STAFF),  # an empty form comes back with its errors
    ),
    "forums:session_edit": Row(
        lambda c: f"/forums/{c.draft_forum}/edit/", get=only(FORUM_STAFF), post=only(FORUM_STAFF)
    ),
    "forums:session_edit (held)": Row(  # back to the management page with the reason
        lambda c: f"/forums/{c.held_forum}/edit/",
        get=only(dict.fromkeys(FORUM_STAFF, 302)),
        post=only(dict.fromkeys(FORUM_STAFF, 302)),
    ),
    "forums:manage": Row(lambda c: f"/forums/{c.scheduled_forum}/manage/", get=only(FORUM_STAFF)),
    "forums:manage (held)": Row(lambda c: f"/forums/{c.held_forum}/manage/", get=only(FORUM_STAFF)),
    "forums:manage (draft)": Row(
        lambda c: f"/forums/{c.draft_forum}/manage/", get=only(FORUM_STAFF)
    ),
    "forums:manage (unknown)": Row(
        lambda c: "/forums/999999/manage/", get=only(dict.fromkeys(FORUM_STAFF, 404))
    ),
    "forums:session_schedule": forum_post(lambda c: f"/forums/{c.draft_forum}/schedule/", 302),
    "forums:session_cancel": forum_post(lambda c: f"/forums/{c.scheduled_forum}/cancel/", 200),
    "forums:session_held": forum_post(lambda c: f"/forums/{c.scheduled_forum}/held/", 302),
    "forums:attendance": forum_post(lambda c: f"/forums/{c.held_forum}/attendance/", 302),
    "forums:presentation_add": forum_post(lambda c: f"/forums/{c.draft_forum}/presentations/", 200),
    "forums:presentation_move": forum_post(
        lambda c: f"/forums/{c.draft_forum}/presentations/{c.forum_presentation}/move/", 302
    ),
    "forums:presentation_remove": forum_post(
        lambda c: f"/forums/{c.draft_forum}/presentations/{c.forum_presentation}/remove/", 302
    ),
    "forums:invite": forum_post(lambda c: f"/forums/{c.draft_forum}/invite/", 200),
    "forums:outcome_add": forum_post(lambda c: f"/forums/{c.held_forum}/outcomes/", 200),
    "forums:materials": Row(  # an empty form: the consent is missing
        lambda c: f"/forums/{c.held_forum}/presentations/{c.held_presentation}/materials/",
        get=only({**FORUM_STAFF, INNOVATOR: 200}),
        post=only({**FORUM_STAFF, INNOVATOR: 200}),
    ),
    "forums:materials (draft)": Row(
        lambda c: f"/forums/{c.draft_forum}/presentations/{c.forum_presentation}/materials/",
        get={**everyone(404), ANON: 302, **FORUM_STAFF},
    ),
    "forums:materials_remove": Row(
        lambda c: f"/forums/{c.held_forum}/presentations/{c.held_presentation}/materials/remove/",
        get=everyone(405),
        post=only({FORUM: 302, MINISTRY: 302, INNOVATOR: 302}),
    ),
    "forums:slides_download": Row(
        lambda c: f"/forums/{c.held_forum}/presentations/{c.held_presentation}/slides/",
        get=everyone(200),
    ),
    "forums:slides_download (draft)": Row(
        lambda c: f"/forums/{c.draft_forum}/presentations/{c.forum_presentation}/slides/",
        get={**everyone(404), **FORUM_STAFF},
    ),
    "forums:session_delete": Row(
        lambda c: f"/forums/{c.draft_forum}/delete/",
        get=only(FORUM_STAFF),
        post=only({FORUM: 302, MINISTRY: 302}),
    ),
    "forums:session_delete (scheduled)": Row(  # back to the management page with the reason
        lambda c: f"/forums/{c.scheduled_forum}/delete/",
        get=only({FORUM: 302, MINISTRY: 302}),
        post=only({FORUM: 302, MINISTRY: 302}),
    ),
    "forums:participant_remove": forum_post(
        lambda c: f"/forums/{c.draft_forum}/participants/{c.forum_guest}/remove/", 302
    ),
    "forums:participant_remove (other session)": forum_post(
        lambda c: f"/forums/{c.scheduled_forum}/participants/{c.forum_guest}/remove/", 404
    ),
    # Only invitees answer (an empty answer: back to the page with the reason).
    "forums:answer": Row(
        lambda c: f"/forums/{c.scheduled_forum}/answer/",
        get=everyone(405),
        post=only({KALSEL: 302}),
    ),
    "forums:answer (draft)": Row(
        lambda c: f"/forums/{c.draft_forum}/answer/",
        get=everyone(405),
        post={**signed_in(404), FORUM: 403, MINISTRY: 403},
    ),
    # The e-mailed link works without signing in (an empty answer comes back with errors).
    "forums:answer_link": Row(
        lambda c: f"/forums/answer/{c.forum_answer_token}/", get=everyone(200), post=everyone(200)
    ),
    "forums:answer_link (forged)": Row(
        lambda c: f"/forums/answer/{c.forum_answer_token}x/", get=everyone(404), post=everyone(404)
    ),
    "api-schema": Row(lambda c: "/api/schema/", get=everyone(200)),
    "api-docs": Row(lambda c: "/api/docs/", get=everyone(200)),
    "api-not-found": Row(lambda c: "/api/no-such-thing/", get=everyone(404), post=everyone(404)),
    "set_language": Row(lambda c: "/i18n/setlang/", get=everyone(405), post=everyone(302)),
    "pick_innovations": Row(
        lambda c: "/pick/innovations/?q=sahabat", get=only(FORUM_STAFF), post=everyone(405)
    ),
    "pick_institutions": Row(
        lambda c: "/pick/institutions/?q=dinas",
        get=only({**FORUM_STAFF, KALSEL: 200, JATENG: 200}),
        post=everyone(405),
    ),
    "replication:plan_list": Row(lambda c: "/replication/plans/", get=only(PLAN_ROLES)),
    "replication:plan_export_csv": Row(
        lambda c: "/replication/plans/export.csv", get=only(PLAN_ROLES)
    ),
    "replication:plan_export_xlsx": Row(
        lambda c: "/replication/plans/export.xlsx", get=only(PLAN_ROLES)
    ),
    "replication:plan_new": Row(
        lambda c: "/replication/plans/new/",
        get=only({KALSEL: 200, JATENG: 200}),
        post=only({KALSEL: 200, JATENG: 200}),  # an empty form comes back with its errors
    ),
    "replication:plan_detail": Row(
        lambda c: f"/replication/plans/{c.plan}/",
        get=plan_view(kalsel=200, ministry=200, innovator=200),
    ),
    "replication:plan_edit": Row(
        lambda c: f"/replication/plans/{c.plan}/edit/",
        get={**plan_view(kalsel=302), FORUM: 403},  # approved: back to the plan
        post={**plan_view(kalsel=302), FORUM: 403},
    ),
    "replication:plan_edit (draft)": Row(
        lambda c: f"/replication/plans/{c.draft_plan}/edit/",
        get={**plan_view(kalsel=200), FORUM: 403},
        post={**plan_view(kalsel=200), FORUM: 403},  # an empty form comes back with its errors
    ),
    # Actions refused by the plan's state redirect with the reason; wrong roles get 403.
    "replication:plan_submit": plan_post(
        lambda c: f"/replication/plans/{c.plan}/submit/", kalsel=302
    ),
    "replication:plan_approve": plan_post(
        lambda c: f"/replication/plans/{c.plan}/approve/", kalsel=403, ministry=302
    ),
    "replication:plan_return": plan_post(
        lambda c: f"/replication/plans/{c.plan}/return/", kalsel=403, ministry=302
    ),
    "replication:plan_cancel": plan_post(
        lambda c: f"/replication/plans/{c.plan}/cancel/", kalsel=302, ministry=302
    ),
    "replication:message_post": plan_post(
        lambda c: f"/replication/plans/{c.plan}/messages/", kalsel=302, ministry=302, innovator=302
    ),
    "replication:stage_start": plan_post(
        lambda c: f"/replication/plans/{c.plan}/stages/learning/start/", kalsel=302
    ),
    "replication:stage_complete": plan_post(
        lambda c: f"/replication/plans/{c.plan}/stages/learning/complete/", kalsel=302
    ),
    "replication:stage_verify": plan_post(
        lambda c: f"/replication/plans/{c.plan}/stages/identification/verify/",
        kalsel=403,
        ministry=302,
    ),
    "replication:stage_return": plan_post(
        lambda c: f"/replication/plans/{c.plan}/stages/identification/return/",
        kalsel=403,
        ministry=302,
    ),
    "replication:evidence_add": plan_post(
        lambda c: f"/replication/plans/{c.plan}/stages/identification/evidence/", kalsel=302
    ),
    "replication:due_date_request": plan_post(
        lambda c: f"/replication/plans/{c.plan}/stages/trial/due-date/", kalsel=302
    ),
    "replication:evidence_remove": plan_post(
        lambda c: f"/replication/plans/{c.plan}/evidence/{c.evidence}/remove/", kalsel=302
    ),
    "replication:due_date_decide": plan_post(
        lambda c: f"/replication/plans/{c.plan}/due-dates/{c.due_date_request}/decide/",
        kalsel=403,
        ministry=302,
    ),
    "replication:plan_indicators": Row(
        lambda c: f"/replication/plans/{c.plan}/indicators/",
        get={**plan_view(kalsel=200), FORUM: 403},
        post=everyone(405),
    ),
    "replication:indicator_add": Row(
        lambda c: f"/replication/plans/{c.plan}/indicators/add/",
        get=everyone(405),
        post={**plan_view(kalsel=200), FORUM: 403},  # an empty form comes back with its errors
    ),
    "replication:indicator_correct": Row(
        lambda c: f"/replication/plans/{c.plan}/indicators/{c.indicator}/",
        get=everyone(405),
        post={**plan_view(kalsel=200), FORUM: 403},  # an empty form comes back with its errors
    ),
    "replication:indicator_change_decide": plan_post(
        lambda c: f"/replication/plans/{c.plan}/indicator-changes/{c.indicator_change}/decide/",
        kalsel=403,
        ministry=302,
    ),
    "replication:evidence_download": Row(
        lambda c: f"/replication/evidence/{c.evidence}/",
        get=plan_view(kalsel=200, ministry=200, innovator=200),
    ),
    "replication:review": Row(lambda c: "/replication/review/", get=only({MINISTRY: 200})),
    # Declared interest: the demand view (a refused empty selection: 200), the province's
    # own and the innovator's list; Kalsel has a plan for the innovation already (refused: 200).
    "replication:interest": Row(
        lambda c: "/replication/interest/", get=only(FORUM_STAFF), post=only(FORUM_STAFF)
    ),
    "replication:interest_mine": Row(
        lambda c: "/replication/interest/mine/",
        get=only({KALSEL: 200, JATENG: 200, INNOVATOR: 200}),
    ),
    "replication:interest_declare": Row(
        lambda c: f"/replication/interest/declare/{c.innovation}/",
        get=only({KALSEL: 200, JATENG: 200}),
        post=only({KALSEL: 200, JATENG: 302}),
    ),
    "replication:interest_withdraw": Row(
        lambda c: f"/replication/interest/{kalsel_interest(c)}/withdraw/",
        get=everyone(405),
        post=only({KALSEL: 302, JATENG: 404}),
    ),
    # Dashboards: the ministry's national one, each Bappeda officer's own province.
    "dashboard": Row(lambda c: "/dashboard/", get=only(DASHBOARD_ROLES), post=everyone(405)),
    "dashboard (Jawa Tengah)": Row(
        lambda c: "/dashboard/?province=33",
        get=only({**DASHBOARD_ROLES, KALSEL: 404}),
        post=everyone(405),
    ),
    "dashboard_report": Row(
        lambda c: "/dashboard/report/?year=2026&quarter=1",
        get=only(DASHBOARD_ROLES),
        post=everyone(405),
    ),
    "dashboard_report (Jawa Tengah)": Row(
        lambda c: "/dashboard/report/?province=33",
        get=only({**DASHBOARD_ROLES, KALSEL: 404}),
    ),
    "dashboard_report_xlsx": Row(
        lambda c: "/dashboard/report.xlsx", get=only(DASHBOARD_ROLES), post=everyone(405)
    ),
    "dashboard_report_xlsx (Jawa Tengah)": Row(
        lambda c: "/dashboard/report.xlsx?province=33",
        get=only({**DASHBOARD_ROLES, KALSEL: 404}),
    ),
    "replication:figures": Row(
        lambda c: "/replication/?province=63", get=everyone(200), post=everyone(405)
    ),
    "replication-provinces-list": Row(
        lambda c: "/api/replication/provinces/", get=everyone(200), post=everyone(405)
    ),
    "replication-innovations-list": Row(
        lambda c: "/api/replication/innovations/", get=everyone(200), post=everyone(405)
    ),
    # Public cases: the approved plan for everyone; a draft is no case, even for its owner.
    "replication:case_list": Row(
        lambda c: "/replication/cases/?province=63", get=everyone(200), post=everyone(405)
    ),
    "replication:case_detail": Row(
        lambda c: f"/replication/cases/{c.plan}/", get=everyone(200), post=everyone(405)
    ),
    "replication:case_detail (draft)": Row(
        lambda c: f"/replication/cases/{c.draft_plan}/", get=everyone(404)
    ),
    "replication-cases-list": Row(
        lambda c: "/api/replication/cases/", get=everyone(200), post=everyone(405)
    ),
    "replication-cases-detail": Row(
        lambda c: f"/api/replication/cases/{c.plan}/", get=everyone(200), post=everyone(405)
    ),
    "replication-cases-detail (draft)": Row(
        lambda c: f"/api/replication/cases/{c.draft_plan}/", get=everyone(404)
    ),
}


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from url_names(entry, namespace)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"


def test_every_url_has_a_row():
    # Rows named "name (case)" are extra cases of the URL "name".
    missing = sorted(set(url_names()) - {name.split(" (")[0] for name in ROWS})
    assert not missing, f"URL patterns without an access-matrix row: {missing}"


@pytest.fixture(autouse=True)
def _api_unthrottled(monkeypatch) -> None:
    # The matrix asks the API dozens of times a run from one address (and the throttle's
    # Redis is shared by concurrent runs); throttling has its own tests.
    monkeypatch.setattr(AnonRateThrottle, "get_rate", lambda self: None)


def kit_documents(innovator, ministry, innovation) -> dict[str, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from innovations import kit_services

    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

    def add(kind: str) -> int:
        return kit_services.add_kit_document(
            innovation=innovation,
            by=innovator,
            kind=kind,
            title=f"Dokumen {kind}",
            file=SimpleUploadedFile(f"{kind}.pdf", pdf),
        ).pk

    public = kit_services.decide_kit_document(
        document=innovation.kit_documents.get(pk=add("sop")), by=ministry, decision="approve"
    )
    return {"kit_public": public.pk, "kit_pending": add("budget")}


def replication_plans(ministry, bappeda_kalsel, innovation, make_institution) -> dict[str, int]:
    """An approved plan of Kalimantan Selatan in the middle of its stages, and a draft."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from replication import due_dates, indicator_services
    from replication import services as plans
    from replication import stage_services as stages

    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    today = date.today()
    data = {
        "innovation": innovation,
        "adopter": make_institution("Dinas Kehutanan Provinsi Kalimantan Selatan", "63"),
        "start_date": today - timedelta(days=30),
        "target_end_date": today + timedelta(days=300),
        "budget_source": "apbd",
    }
    plan = plans.file_plan(by=bappeda_kalsel, data=data, indicators=indicator_rows())
    plans.submit_plan(plan=plan, by=bappeda_kalsel)
    plans.approve_plan(plan=plan, by=ministry)
    first, second = plan.stages.order_by("order")[:2]
    stages.start_stage(stage=first, by=bappeda_kalsel)
    evidence = SimpleUploadedFile("laporan.pdf", pdf, content_type="application/pdf")
    stages.complete_stage(
        stage=first, by=bappeda_kalsel, note="Selesai.", evidence_files=[evidence]
    )
    request = due_dates.request_due_date(
        stage=second,
        by=bappeda_kalsel,
        proposed_date=second.due_date + timedelta(days=1),
        reason="x",
    )
    indicator = plan.indicators.get()
    change = indicator_services.correct_indicator(
        indicator=indicator, by=bappeda_kalsel, data={"target": Decimal(90)}, reason="x"
    )
    data["adopter"] = make_institution("Dinas Sosial Provinsi Kalimantan Selatan", "63")
    draft = plans.file_plan(by=bappeda_kalsel, data=data)
    return {
        "indicator": indicator.pk,
        "indicator_change": change.pk if change else 0,
        "plan": plan.pk,
        "evidence": first.evidence.get().pk,
        "due_date_request": request.pk,
        "draft_plan": draft.pk,
    }


def calendar_forums() -> dict[str, int]:
    """A scheduled session hosted by Kalimantan Selatan, and a draft."""
    from django.utils import timezone

    from forums.models import ForumSession
    from jipp.models import Province

    starts = timezone.now() + timedelta(days=30)
    made = {}
    for name, status in (("scheduled_forum", "scheduled"), ("draft_forum", "draft")):
        made[name] = ForumSession.objects.create(
            title=f"FRIPP {name}",
            host_province=Province.objects.get(code="63"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            status=status,
            meeting_url="https://zoom.example.go.id/j/1",
        ).pk
        starts += timedelta(days=1)
    return made


def managed_forums(ministry, innovation, draft_forum: int) -> dict[str, int]:
    """A held session of Kalimantan Selatan with one outcome; a presentation on the draft."""
    from django.utils import timezone

    from forums import outcomes, programme
    from forums import services as forums
    from forums.models import ForumSession
    from jipp.models import Province

    starts = timezone.now() - timedelta(days=3)
    held = forums.create_session(
        by=ministry,
        data={
            "title": "FRIPP held",
            "level": "regional",
            "host_province": Province.objects.get(code="63"),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
        },
    )
    forums.schedule_session(session=held, by=ministry)
    forums.mark_held(session=held, by=ministry)
    outcomes.record_outcome(session=held, by=ministry, innovation=innovation)
    draft = ForumSession.objects.get(pk=draft_forum)
    presentation = programme.add_presentation(session=draft, by=ministry, innovation=innovation)
    return {"held_forum": held.pk, "forum_presentation": presentation.pk}


def forum_materials(own_approved) -> dict[str, int]:
    """Slides on the draft's presentation, and on one of innovator_diy's on the held session."""
    from forums.demo_materials import slides_pdf
    from forums.models import ForumSession, Presentation

    held = ForumSession.objects.get(title="FRIPP held")
    presentation = Presentation.objects.create(session=held, innovation=own_approved, order=1)
    for row in (presentation, Presentation.objects.get(session__status="draft")):
        row.slides.save("paparan.pdf", ContentFile(slides_pdf(["FRIPP"])), save=False)
        row.slides_name, row.slides_type, row.slides_size = "paparan.pdf", "application/pdf", 1
        row.save()
    return {"held_presentation": presentation.pk}


def forum_guests(bappeda_kalsel, scheduled_forum: int, draft_forum: int) -> tuple[int, str]:
    """The Kalsel Bappeda and a guest invited to the scheduled session; a guest of the draft."""
    from forums.links import answer_token
    from forums.models import Participant

    Participant.objects.create(session_id=scheduled_forum, institution=bappeda_kalsel.institution)
    guest = Participant.objects.create(session_id=scheduled_forum, email="tamu@example.org")
    draft_guest = Participant.objects.create(session_id=draft_forum, email="tamu@example.org")
    return draft_guest.pk, answer_token(guest)


@pytest.fixture
def context(
    ministry, innovator_diy, bappeda_kalsel, make_innovation, make_institution, settings, tmp_path
) -> Context:
    notification, _ = services.notify(
        user=ministry, kind="test", subject="S", body="B", url="/", dedupe_key="matrix"
    )
    approved = make_innovation("Sahabat Rimba")
    draft = make_innovation("Draf", status="submitted")
    own_draft = make_innovation("Draf DIY", status="draft", innovator=innovator_diy.institution)
    own_approved = make_innovation("Terbit DIY", innovator=innovator_diy.institution)
    own_approved.revisions.create(
        data={**innovation_data(own_approved), "results": "Hasil baru."}, status="draft"
    )
    settings.MEDIA_ROOT = tmp_path
    export = Export.objects.create(user=ministry, kind="innovations", status="ready")
    export.file.save("matrix.csv", ContentFile(b"Judul\r\nSahabat Rimba\r\n"))
    forums = calendar_forums()
    guest, token = forum_guests(bappeda_kalsel, forums["scheduled_forum"], forums["draft_forum"])
    return Context(
        notification_of_ministry=notification.pk,
        innovation=approved.slug,
        draft_innovation=draft.slug,
        innovator=approved.innovator.slug,
        export_of_ministry=export.pk,
        own_draft=own_draft.slug,
        own_approved=own_approved.slug,
        **replication_plans(ministry, bappeda_kalsel, own_approved, make_institution),
        **forums,
        **managed_forums(ministry, approved, forums["draft_forum"]),
        **forum_materials(own_approved),
        **kit_documents(innovator_diy, ministry, own_approved),
        forum_guest=guest,
        forum_answer_token=token,
        account_request=account_requests.submit_account_request(
            institution_name="Dinas Baru",
            institution_kind="other",
            province=None,
            contact_name="Siti",
            contact_email="siti.baru@gmail.com",
            position="Staf",
        ).pk,
    )


CASES = [
    (name, method, who, code)
    for name, row in ROWS.items()
    for method, expected in (("get", row.get), ("post", row.post))
    for who, code in expected.items()
]


def assert_secure_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["frame-ancestors"] == "'none'"  # no page inside another site's frame
    assert directives["object-src"] == "'none'"  # no plug-ins
    assert directives["base-uri"] == "'self'"  # an injected <base> cannot move our links
    assert directives["form-action"] == "'self'"  # no form posts to another site
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "who", "code"), CASES)
def test_access(name, method, who, code, persona, context):
    client = client_for(persona(who))
    # Every persona must exist in the database, even those not acting, as in life.
    for other in PERSONAS:
        persona(other)
    response = getattr(client, method)(ROWS[name].url(context))
    assert response.status_code == code, f"{method.upper()} {name} as {who}"
    if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
        assert_secure_headers(response)


def test_every_row_names_every_persona():
    for name, row in ROWS.items():
        assert set(row.get) == set(PERSONAS), name
        assert not row.post or set(row.post) == set(PERSONAS), name
