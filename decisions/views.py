"""Pages of the decision register (G2) and of the proposals pipeline (G3)."""

from __future__ import annotations

from decisions import operations  # noqa: F401

# --- The decision register (G2) ---------------------------------------------------------------


# --- The proposals pipeline (G3) --------------------------------------------------------------
