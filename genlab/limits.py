"""Every limit genlab puts on what a user sends, in one place.

The views (app, widgets, CLI) and the pipelines import these numbers; a value outside its limit is
an ``InputError`` naming the parameter and the limit, in English and Russian. The README's
"Limits" table is made from ``LIMITS`` (``python -m genlab.limits`` prints it; a test checks
the README carries the current one).
"""

from __future__ import annotations

# Files
MAX_UPLOAD_MB = 20                 # one uploaded file; the server refuses a bigger body before storing it

# Bookkeeping of which session uploaded which file (genlab.app.guard)
MAX_TRACKED_SESSIONS = 5_000       # the least recently active sessions are forgotten first
MAX_FILES_PER_SESSION = 500


def upload_bytes() -> int:
    return int(MAX_UPLOAD_MB * 1_000_000)
