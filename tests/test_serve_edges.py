"""`cmbot serve` at its edges, as a real process: it refuses bad settings with every problem
at once, and hundreds of idle sockets do not take it down."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from serve_process import ServeProcess, serve_environment

from bot.clustermarket.tokens import TokenSet, UserKey
from bot.demo.world import SIGNING_SECRET, free_port
from bot.fake_slack import FakeSlack, SlackRequester
from bot.sandbox import Sandbox
from bot.store import Store

WAIT = 30.0  # generous: a loaded test machine is slow, and waiting ends at the answer


async def test_serve_refuses_an_empty_secret_a_wrong_key_and_a_bad_port_at_once(
    upstreams: tuple[Sandbox, FakeSlack], tmp_path: Path
) -> None:
    """Each problem on its own line, all in one go, no traceback, nothing served."""
    sandbox, fake = upstreams
    database = tmp_path / "serve.db"
    earlier = await Store.open(database, [Fernet.generate_key().decode()])  # another key's
    await earlier.save_link(
        UserKey("T0CMBOT", "U0ZOE"),
        cm_user_id=15001,
        cm_user_name="Zoë Ångström",
        tokens=TokenSet("access", "refresh", None, "read_user"),
    )
    await earlier.verify_key()  # its key canary
    await earlier.aclose()
    environment = serve_environment(sandbox, fake, free_port(), str(database))
    environment.update(SLACK_SIGNING_SECRET="  ", PORT="eighty")
    bot = ServeProcess(environment, tmp_path)
    await bot.start()
    assert bot.process is not None
    await asyncio.wait_for(bot.process.wait(), timeout=WAIT)  # it stops by itself
    code, stderr = await bot.stop()
    lines = stderr.strip().splitlines()
    assert code == 2
    assert [line.split(":", 2)[1].strip().split(" ")[0] for line in lines] == [
        "PORT",
        "SLACK_SIGNING_SECRET",
        "TOKEN_ENCRYPTION_KEY",
    ], lines
    assert "set but empty" in lines[1] and "cannot be decrypted" in lines[2]
    assert "eighty" not in stderr and "Traceback" not in stderr


async def test_hundreds_of_idle_sockets_do_not_take_serve_down(
    upstreams: tuple[Sandbox, FakeSlack], tmp_path: Path
) -> None:
    """With 256 file descriptors, 400 idle connections: the oldest give way, /healthz and a
    slash command are still answered (before the cap, accept() failed once they ran out)."""
    sandbox, fake = upstreams
    port = free_port()
    environment = serve_environment(sandbox, fake, port, str(tmp_path / "serve.db"))

    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))  # soft and hard: no raising it

    bot = ServeProcess(environment, tmp_path, before=few_descriptors)
    await bot.start()
    idle: list[asyncio.StreamWriter] = []
    try:
        async with httpx.AsyncClient(timeout=WAIT) as http:
            await bot.health(http)  # a loaded machine takes a while to start Python
            for _ in range(400):
                idle.append((await asyncio.open_connection("127.0.0.1", port))[1])
            health = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200, health.text
            slack = SlackRequester(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake)
            assert (await slack.command("help", user_id="U0ZOE")).status_code == 200
            await fake.wait_for(lambda: fake.responses, timeout=WAIT)
            await slack.aclose()
    finally:
        for writer in idle:
            writer.close()
        code, stderr = await bot.stop()
    assert code == 0, stderr[-2000:]
    assert "Traceback" not in stderr


def test_the_descriptor_limit_is_raised_as_far_as_the_hard_limit_allows() -> None:
    """A service manager's soft limit (1,024) is raised at start; the hard one is the
    operator's and stays."""

    def low_soft_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 4096))

    shown = subprocess.run(
        [sys.executable, "-c", "from bot.listening import raise_descriptor_limit as r; print(r())"],
        preexec_fn=low_soft_limit,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "4096"
