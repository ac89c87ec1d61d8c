"""`cmbot digest run-due` as cron runs it: settings from the environment, one run, one line."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from digest_world import MORNING, PRIYA, digests_in

from bot.cli import main
from bot.config import SettingsError
from bot.digest import cli
from bot.fake_slack import FakeSlack
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.store import Store


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sandbox: Sandbox, fake: FakeSlack
) -> str:
    key = Fernet.generate_key().decode()
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_API_URL": fake.api_url,
        "CLUSTERMARKET_API_URL": sandbox.api_url,
        "CLUSTERMARKET_OAUTH_URL": sandbox.oauth_url,
        "CLUSTERMARKET_CLIENT_ID": DEMO_CLIENT_ID,
        "CLUSTERMARKET_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "DATABASE_PATH": str(tmp_path / "cron.db"),
        "TOKEN_ENCRYPTION_KEY": key,
    }.items():
        monkeypatch.setenv(name, value)
    return key


async def test_run_due_sends_and_prints_one_line(
    environment: str,
    tmp_path: Path,
    sandbox: Sandbox,
    fake: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.clustermarket.tokens import TokenSet

    store = await Store.open(tmp_path / "cron.db", [environment])
    grant = sandbox.grant_tokens(PRIYA.cm_user_id)
    await store.save_link(
        PRIYA.key,
        cm_user_id=PRIYA.cm_user_id,
        cm_user_name="Priya",
        tokens=TokenSet(
            str(grant["access_token"]),
            str(grant["refresh_token"]),
            dt.datetime.now(dt.UTC) + dt.timedelta(days=3650),
            str(grant["scope"]),
        ),
    )
    await store.save_subscription(
        kind="personal",
        team_id=PRIYA.key.team_id,
        owner_user_id=PRIYA.user_id,
        channel_id=fake.dm_channel_id(PRIYA.user_id),
        send_time="08:00",
        timezone="Europe/London",
    )
    await store.aclose()
    # cron's process has its own event loop; the sandbox and the fake keep serving from ours
    code = await asyncio.to_thread(cli.run_due_command, MORNING)
    assert code == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("digests due 1: sent 1")
    assert await asyncio.to_thread(main, ["digest", "run-due", "--now", MORNING.isoformat()]) == 0
    assert "already sent 1" in capsys.readouterr().out
    assert len(digests_in(fake, PRIYA.user_id)) == 1


def test_now_must_be_iso_8601() -> None:
    assert cli.parse_now("2026-03-25T08:05:00Z") == MORNING
    assert cli.parse_now("2026-03-25T08:05") == MORNING  # no offset: UTC
    assert cli.parse_now("2026-03-25T09:05:00+01:00") == MORNING
    with pytest.raises(argparse.ArgumentTypeError, match="ISO-8601"):
        cli.parse_now("tomorrow at eight")


def test_bad_now_and_missing_settings_are_one_line_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["digest", "run-due", "--now", "soon"])
    assert exit_info.value.code == 2
    assert "ISO-8601" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "CLUSTERMARKET_CLIENT_ID", "TOKEN_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError):
        cli.run_due_command(None)
    assert main(["digest", "run-due"]) == 2
    assert "SLACK_BOT_TOKEN is required" in capsys.readouterr().err


def test_a_database_that_cannot_be_opened_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-unused")
    monkeypatch.setenv("CLUSTERMARKET_CLIENT_ID", "id")
    monkeypatch.setenv("CLUSTERMARKET_CLIENT_SECRET", "secret")
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing-folder" / "cmbot.db"))
    assert main(["digest", "run-due"]) == 2
    assert "cannot create the database" in capsys.readouterr().err
