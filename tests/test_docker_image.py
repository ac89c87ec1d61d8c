"""The image, built and run: it comes up healthy. Skipped where no Docker engine answers
(`docker info` fails), as on machines with only the client; test_deploy_files.py reads the
same files everywhere.

Three containers share one network namespace, as compose.yaml's sandbox profile does: the
sandbox Clustermarket, the stand-in Slack and the bot in Socket Mode, so /healthz has every
part it checks. The bot's settings are the compose file's own.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HEALTH_TIMEOUT = 120.0


DOCKER = shutil.which("docker")


def _run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    assert DOCKER is not None
    return subprocess.run(  # noqa: S603 - our own fixed arguments
        [DOCKER, *args], capture_output=True, text=True, timeout=timeout
    )


def _engine_answers() -> bool:
    try:
        return DOCKER is not None and _run("info", timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.skipif(not _engine_answers(), reason="no Docker engine answers here")


def _docker(*args: str, timeout: float = 600) -> str:
    done = _run(*args, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def _health(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - our own loopback URL
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def test_the_image_builds_and_answers_healthz() -> None:
    tag = f"cmbot-test:{uuid.uuid4().hex[:8]}"
    _docker("build", "-t", tag, str(ROOT), timeout=900)
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    environment = services["sandbox-bot"]["environment"]
    names: list[str] = []
    try:
        hub = f"cmbot-test-{uuid.uuid4().hex[:8]}"
        _docker("run", "-d", "--name", hub, "-p", "127.0.0.1::3000", tag,
                *services["sandbox"]["command"])  # fmt: skip
        names.append(hub)
        for role, command in (("slack", services["slack"]["command"]), ("bot", [])):
            name = f"{hub}-{role}"
            settings = [f"--env={key}={value}" for key, value in environment.items()]
            _docker("run", "-d", "--name", name, f"--network=container:{hub}",
                    *(settings if role == "bot" else []), tag, *command)  # fmt: skip
            names.append(name)
        port = _docker("port", hub, "3000/tcp").splitlines()[0].rsplit(":", 1)[1]
        deadline = time.monotonic() + HEALTH_TIMEOUT
        status = 0
        while time.monotonic() < deadline and status != 200:
            time.sleep(1)
            status = _health(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, _docker("logs", names[-1])
        inspected = _docker("inspect", "--format", "{{.Config.User}}", names[-1])
        assert inspected not in {"", "root", "0"}
    finally:
        for name in reversed(names):
            _run("rm", "-f", "-v", name, timeout=60)
        _run("rmi", "-f", tag, timeout=60)
