"""Forms of the indicators app."""

from __future__ import annotations

from django import forms  # noqa: F401

# --- Pages ---


# --- Imports and flags ---
