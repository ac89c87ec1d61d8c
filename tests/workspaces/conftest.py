"""Two workspaces installed through Slack's flow (see `teams_world`), and the listener tests'
helpers for asking the bot as a Slack user."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "listeners"))

from teams_world import TEAM_A, TEAM_B, TeamsWorld


@pytest.fixture
async def world() -> AsyncIterator[TeamsWorld]:
    """Both workspaces installed; nobody linked yet; acting in A."""
    async with TeamsWorld(client_options={"backoff_base": 0.001, "backoff_cap": 0.01}) as running:
        for team_id in (TEAM_A, TEAM_B):
            page = await running.install(team_id)
            assert page.status_code == 200, page.text
        running.switch(TEAM_A)
        yield running
