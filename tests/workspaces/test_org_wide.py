"""Enterprise Grid: an org-wide install answers for every workspace of its organisation that
has no install of its own, for Bolt's requests and for the bot's own calls alike; uninstalling
it forgets those workspaces and keeps the ones installed apart."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store import Installation

from bot.clustermarket.tokens import TokenSet, UserKey
from bot.config import Settings
from bot.demo.world import free_port
from bot.fake_slack import FakeSlack
from bot.forgetting import forget_workspace
from bot.services import Services
from bot.workspaces.clients import NotInstalled
from bot.workspaces.install import install_authorize, install_flow

ORG = "E0ORG"
IN_ORG, INSTALLED_APART, ELSEWHERE = "T0GRID1", "T0GRID2", "T0OTHER"


def installation(team_id: str | None, token: str, *, org_wide: bool) -> Installation:
    return Installation(
        app_id="A0CMBOT",
        enterprise_id=ORG,
        team_id=team_id,
        bot_token=token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        bot_scopes="chat:write,commands",
        user_id="W0ADMIN",
        is_enterprise_install=org_wide,
        installed_at=time.time(),
    )


@pytest.fixture
async def org(tmp_path: Path) -> AsyncIterator[tuple[Services, FakeSlack]]:
    """Services in install mode, an org-wide install and one workspace installed apart."""
    slack = FakeSlack(bot_token="xoxb-org-wide", team_id=IN_ORG)
    async with slack:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            SLACK_CLIENT_ID="1.2",
            SLACK_CLIENT_SECRET=SecretStr("client-secret"),
            SLACK_STATE_SECRET=SecretStr("state-secret"),
            SLACK_API_URL=slack.api_url,
            CLUSTERMARKET_OAUTH_URL=f"http://127.0.0.1:{free_port()}",  # revocations fail fast
            CLUSTERMARKET_CLIENT_ID="cm",
            CLUSTERMARKET_CLIENT_SECRET=SecretStr("cm-secret"),
            DATABASE_PATH=str(tmp_path / "org.db"),
            TOKEN_ENCRYPTION_KEY=[SecretStr(Fernet.generate_key().decode())],
        )
        services = await Services.build(settings)
        installations = services.slack.installations
        assert installations is not None
        await installations.async_save(installation(None, "xoxb-org-wide", org_wide=True))
        await installations.async_save(installation(INSTALLED_APART, "xoxb-apart", org_wide=False))
        yield services, slack
        await services.aclose()


async def test_a_workspace_of_the_org_resolves_to_the_org_wide_install(
    org: tuple[Services, FakeSlack],
) -> None:
    services, _ = org
    clients = services.slack
    assert (await clients.for_team(IN_ORG, ORG)).token == "xoxb-org-wide"
    assert (await clients.for_key(UserKey(IN_ORG, "W1", ORG))).token == "xoxb-org-wide"
    assert (await clients.for_team(INSTALLED_APART, ORG)).token == "xoxb-apart"
    with pytest.raises(NotInstalled):
        await clients.for_team(ELSEWHERE)
    assert clients.installations is not None
    found = await clients.installations.async_find_installation(
        enterprise_id=ORG, team_id=None, is_enterprise_install=True
    )
    assert found is not None and found.bot_token == "xoxb-org-wide" and found.team_id is None


async def test_bolt_authorizes_a_request_from_the_org_with_its_token(
    org: tuple[Services, FakeSlack],
) -> None:
    services, slack = org
    base = services.slack.base
    authorize = install_authorize(install_flow(services.settings, services.store, base), base)
    context = AsyncBoltContext(
        {"client": base, "is_enterprise_install": True, "enterprise_id": ORG}
    )
    result = await authorize(context=context, enterprise_id=ORG, team_id=IN_ORG, user_id="W1")
    assert result is not None and result.bot_token == "xoxb-org-wide"
    assert [call.token for call in slack.calls_to("auth.test")] == ["xoxb-org-wide"]


async def test_uninstalling_the_org_forgets_its_workspaces_but_not_one_installed_apart(
    org: tuple[Services, FakeSlack],
) -> None:
    services, _ = org
    store = services.store
    tokens = TokenSet("access", "refresh", None, "")
    for team in (IN_ORG, INSTALLED_APART):
        await store.save_link(
            UserKey(team, "W1", ORG), cm_user_id=1, cm_user_name="W", tokens=tokens
        )

    await forget_workspace(services, team_id=None, enterprise_id=ORG, org_wide=True)

    assert await store.get_link(UserKey(IN_ORG, "W1")) is None
    assert await store.get_link(UserKey(INSTALLED_APART, "W1")) is not None
    with pytest.raises(NotInstalled):
        await services.slack.for_team(IN_ORG, ORG)
    assert (await services.slack.for_team(INSTALLED_APART, ORG)).token == "xoxb-apart"


async def test_a_grid_members_organisation_travels_with_their_link_sign_in_and_digests(
    org: tuple[Services, FakeSlack],
) -> None:
    """Rows the bot acts on without a request from Slack keep the organisation, so the
    org-wide install's token is found for the welcome DM and the digests."""
    services, _ = org
    store = services.store
    key = UserKey(IN_ORG, "W1", ORG)
    ticket = services.tickets.url(key).split("ticket=", 1)[1]
    read = services.tickets.read(unquote(ticket)).key
    assert read.enterprise_id == ORG
    claim = await store.consume_state(await store.create_state(read))
    assert claim.key == key and claim.key.enterprise_id == ORG
    tokens = TokenSet("access", "refresh", None, "")
    linked = await store.save_link(key, cm_user_id=1, cm_user_name="W", tokens=tokens)
    assert linked.key.enterprise_id == ORG
    saved = await store.save_subscription(
        kind="personal",
        team_id=IN_ORG,
        owner_user_id="W1",
        channel_id="D1",
        send_time="08:00",
        enterprise_id=ORG,
    )
    changed = await store.save_subscription(  # an update that does not name it keeps it
        kind="personal", team_id=IN_ORG, owner_user_id="W1", channel_id="D1", send_time="09:00"
    )
    assert saved.owner.enterprise_id == changed.owner.enterprise_id == ORG
    held = await store.hold_pending_link(
        key,
        browser="b",
        cm_user_id=1,
        cm_user_name="W",
        cm_email=None,
        tokens=tokens,
        resume=None,
        ttl=dt.timedelta(minutes=15),
    )
    assert (await store.take_pending_link(held, browser="b")).key == key
    assert (await services.slack.for_key(changed.owner)).token == "xoxb-org-wide"
