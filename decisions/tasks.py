"""Background work of decisions and proposals: notices, sent by the worker."""

from __future__ import annotations

# --- The decision register (G2) ---------------------------------------------------------------


# --- The proposals pipeline (G3) --------------------------------------------------------------
