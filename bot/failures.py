"""One log line for a failure: its type and where in cmbot it happened, never its message.

An exception's message and a traceback's locals can quote what a user typed, a payload or a
URL with a credential in it; the type and our own innermost frame are enough to find the bug.
"""

from __future__ import annotations

import traceback
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def failure_line(error: BaseException) -> str:
    """'KeyError at bot/listeners/commands/cm.py:22 in answer_command'."""
    ours = None
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename)
        if path.is_relative_to(_PACKAGE):
            ours = frame
    name = type(error).__name__
    if ours is None:
        return name
    where = Path(ours.filename).relative_to(_PACKAGE.parent).as_posix()
    return f"{name} at {where}:{ours.lineno} in {ours.name}"
