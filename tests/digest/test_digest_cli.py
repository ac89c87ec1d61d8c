"""`cmbot digest run-due` as cron runs it: settings from the environment, one run, one line."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from digest_world import MORNING, PRIYA, digests_in

from bot.cli import main
from bot.config import SettingsError
from bot.digest import cli
from bot.fake_slack import FakeSlack


@pytest.mark.usefixtures("cron_environment")
async def test_run_due_sends_and_prints_one_line(
    link, personal, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    await link(PRIYA)
    await personal(PRIYA)
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
