"""Running `cmbot demo` as a person would: a separate process (`python -m bot demo`, what
`cmbot demo` runs), no settings, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDTH = "100"
POISON = {
    "SLACK_API_URL": "http://192.0.2.1/api/",
    "CLUSTERMARKET_API_URL": "http://192.0.2.1/v1",
    "TOKEN_ENCRYPTION_KEY": "not-a-key",
    "DATABASE_PATH": "/nonexistent/cmbot.db",
}
"""Settings that would break the demo if it read them from the environment or `.env`."""


def run_demo(
    args: Sequence[str], cwd: Path, *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The demo in a fresh process, in a folder whose `.env` and environment are wrong."""
    (cwd / ".env").write_text("".join(f"{name}={value}\n" for name, value in POISON.items()))
    env = {**os.environ, **POISON, "COLUMNS": WIDTH, "PYTHONIOENCODING": "utf-8"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("NO_COLOR", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", "demo", *args],
        input=stdin if stdin is not None else "",
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
