"""Forms of the decision register and of the proposals pipeline."""

from __future__ import annotations

# --- The decision register (G2) ---------------------------------------------------------------


# --- The proposals pipeline (G3) --------------------------------------------------------------
