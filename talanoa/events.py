"""What happened, announced by the app where it happened, for whoever reacts to it.

An app sends an event from its named state change (its `operations.py`); the apps above it
(webhooks in `api`, the search index in `portal`) connect receivers in their `AppConfig.ready`.
So a capability never imports the apps that react to it, and the layers stay one way down
(docs/architecture.md). Receivers run in the sender's transaction: anything slow or external
(an HTTP call, an email) is queued there as a row, and sent by the worker after commit.
"""

from django.dispatch import Signal

# A meeting was convened (announced to its invitees). Arguments: meeting.
meeting_convened = Signal()
# A paper was published. Arguments: paper.
paper_published = Signal()
# What search finds of some rows of one registered model changed: saved, or changed in a way
# their own save does not show (a file's text, many-to-many relations, positions), or inserted
# in bulk (no save signals). Arguments: instances (a list). Sent by talanoa.searchable.changed.
search_text_changed = Signal()
# A registered row was deleted. Arguments: instance.
search_entry_removed = Signal()
