"""Forgetting: one person on request (`cmbot user forget`, "Also forget my settings"), and
whole workspaces when cmbot is uninstalled from them or their bot token is revoked.

The database goes first, in one transaction, so nothing can use what is being forgotten;
then, best effort, the Clustermarket tokens are revoked (from memory) and the channels that
lose a digest are told. What each part of the store forgets is its own business (see
`bot.store.repository`); in-memory caches drop theirs through `Services.forget_cached`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.clustermarket.tokens import UserKey
from bot.digest.slack_io import SlackFailure, describe
from bot.linking.flow import revoke_tokens
from bot.render.forget import orphaned_digest_notice
from bot.services import Services
from bot.store import Forgotten, Link, Subscription

logger = logging.getLogger(__name__)

REVOKE_CONCURRENCY = 8
"""Revocations in flight at once when a whole workspace goes."""


@dataclass(frozen=True)
class PersonForgotten:
    """What forgetting one person did."""

    key: UserKey
    removed: Forgotten
    """What the store removed or changed, by kind."""
    revoked: bool | None
    """Whether Clustermarket confirmed revoking their tokens; None when they had no link."""
    paused_channels: list[Subscription]
    """Channel digests they set up, now paused and ownerless (each channel was told)."""
    remaining: int
    """Rows still about them afterwards (0)."""


async def forget_person(services: Services, key: UserKey) -> PersonForgotten:
    """Revoke and delete everything stored about one Slack user in one workspace."""
    store = services.store
    link = await store.get_link(key)
    owned = [
        subscription
        for subscription in await store.list_subscriptions(team_id=key.team_id)
        if subscription.kind == "channel" and subscription.owner_user_id == key.user_id
    ]
    removed = await store.forget_person(key)
    services.forget_cached(key)
    revoked = None if link is None else await revoke_tokens(services.clustermarket, link.tokens)
    for subscription in owned:  # paused before or not, only a take-over restarts it now
        await _tell_channel(services, subscription)
    remaining = await store.mentions(key)
    logger.info(
        "forgot team=%s user=%s: %s; Clustermarket revocation %s",
        key.team_id,
        key.user_id,
        ", ".join(f"{name} {count}" for name, count in removed.items()) or "nothing stored",
        {None: "not needed", True: "confirmed", False: "not confirmed"}[revoked],
    )
    return PersonForgotten(key, removed, revoked, owned, remaining)


async def _tell_channel(services: Services, subscription: Subscription) -> None:
    """Say in the channel that its digest paused and how anyone there can take it over."""
    notice = orphaned_digest_notice(
        subscription.lab_name, subscription.send_time, services.settings.SLACK_COMMAND
    )
    try:
        slack = await services.slack.for_team(subscription.team_id, subscription.enterprise_id)
        await slack.chat_postMessage(
            channel=subscription.channel_id,
            text=notice.text,
            blocks=notice.blocks,
            unfurl_links=False,
        )
    except SlackFailure as error:
        logger.warning(
            "could not tell %s its digest paused: %s", subscription.channel_id, describe(error)
        )


async def forget_workspace(
    services: Services, *, team_id: str | None, enterprise_id: str | None, org_wide: bool
) -> Forgotten:
    """cmbot was uninstalled from a workspace (or an organisation, `org_wide`), or its bot
    token was revoked: its installation, every link (tokens revoked, best effort), digest,
    pending sign-in and cache go."""
    store = services.store
    installations = services.slack.installations
    if org_wide and enterprise_id:
        teams = await store.teams_in(enterprise_id) | {enterprise_id}
    elif team_id:
        teams = {team_id}
    else:
        return {}
    if installations is not None:
        await installations.async_delete_all(
            enterprise_id=enterprise_id, team_id=None if org_wide else team_id
        )
        teams = {team for team in teams if not await _installed_apart(services, team)}
    ordered = sorted(teams)
    links = await store.links_of_teams(ordered)
    removed = await store.forget_teams(ordered)
    for link in links:
        services.forget_cached(link.key)
    confirmed = await _revoke_all(services, links)
    logger.info(
        "forgot Slack workspace(s) %s: %s; Clustermarket confirmed %d of %d revocations",
        ", ".join(ordered),
        ", ".join(f"{name} {count}" for name, count in removed.items()) or "nothing stored",
        confirmed,
        len(links),
    )
    return removed


async def _installed_apart(services: Services, team_id: str) -> bool:
    """Whether a workspace of an organisation has an install of its own, which outlives the
    organisation's."""
    installations = services.slack.installations
    if installations is None:
        return False
    bot = await installations.async_find_bot(enterprise_id=None, team_id=team_id)
    return bot is not None


async def _revoke_all(services: Services, links: list[Link]) -> int:
    """Revoke every link's tokens, a few at a time; how many Clustermarket confirmed."""
    slots = asyncio.Semaphore(REVOKE_CONCURRENCY)

    async def revoke(link: Link) -> bool:
        async with slots:
            return await revoke_tokens(services.clustermarket, link.tokens)

    results = await asyncio.gather(*(revoke(link) for link in links))
    return sum(results)
