"""The pages of meetings, one module per family of pages; `meetings/urls.py` names them
through this package."""

from meetings.views.calendar import (  # noqa: F401
    FEED_PAST_DAYS,
    LONGEST,
    UPCOMING_SIZE,
    calendar_meetings,
    calendar_month,
    calendar_token,
    calendar_upcoming,
    calendar_year,
    group_feed,
    hash_token,
    personal_feed,
    public_feed,
    reader_zone,
    sees_online_link,
)
from meetings.views.documents import (  # noqa: F401
    document_archive,
    document_download,
    document_upload,
    documents_context,
    pack_pdf,
    pack_zip,
)
from meetings.views.meeting import (  # noqa: F401
    agenda_edit,
    agenda_with_links,
    meeting_detail,
    meeting_edit,
    meeting_ics,
    meeting_new,
    meeting_request,
    meeting_rsvp,
    meeting_status,
    rsvp,
)
from meetings.views.minutes import (  # noqa: F401
    action_new,
    attendance_edit,
    decision_new,
    diff_lines,
    minutes,
    minutes_adopt,
    minutes_circulate,
    minutes_comment,
    minutes_correct,
    minutes_diff,
    minutes_edit,
    minutes_revision,
)
from meetings.views.notices import (  # noqa: F401
    NOTICE_LANGUAGES,
    notice_edit,
    notice_list,
    notice_restore,
)
