"""Forgetting whole workspaces when cmbot is uninstalled from them or their bot token is
revoked.

The database goes first, in one transaction, so nothing can use what is being forgotten;
then, best effort, the Clustermarket tokens are revoked (from memory). What each part of the
store forgets is its own business (see `bot.store.repository`); in-memory caches drop theirs
through `Services.forget_cached`.
"""

from __future__ import annotations

import asyncio
import logging

from bot.linking import revoke_tokens
from bot.services import Services
from bot.store import Forgotten, Link

logger = logging.getLogger(__name__)

REVOKE_CONCURRENCY = 8
"""Revocations in flight at once when a whole workspace goes."""


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
