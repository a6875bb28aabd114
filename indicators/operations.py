"""Named state changes of the indicators app: imports (preview, apply, discard, roll back) and
flags. Views validate, then call these."""

from __future__ import annotations
