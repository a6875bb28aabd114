"""Named state changes of reports."""
