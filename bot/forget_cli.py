"""`cmbot user forget SLACK_ID [--team T]`: a person's data, on request.

Revokes the person's Clustermarket tokens (saying whether Clustermarket confirmed) and
deletes everything stored about them in one workspace. Slack user ids are per workspace, so
when the same id has data in several and `--team` is not given, it refuses and lists them.
Exit status 0 when done (or nothing was stored), 1 when it refused, 2 for a bad setting.
"""

from __future__ import annotations

import argparse
import asyncio

from bot.clustermarket.tokens import UserKey
from bot.config import Settings, load_settings
from bot.forgetting import PersonForgotten, forget_person
from bot.services import Services
from bot.store import CHANNEL_DIGESTS_DISOWNED

CHANNEL_DIGESTS_EXPLAINED = (
    "Channel digests they set up ({count}) are paused, not deleted: the lab and time stay, so the\n"
    "channel keeps its digest's settings, but it no longer runs on their account or names\n"
    "them. Anyone in the channel can take one over with `{command} digest channel on`."
)


def add_forget_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("user_id", metavar="SLACK_ID", help="the Slack user id, e.g. U012AB3CD")
    parser.add_argument(
        "--team",
        metavar="T",
        help="the Slack workspace (team id, e.g. T012AB3CD); needed when the id has data in"
        " several",
    )


def forget_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    settings.require(
        "CLUSTERMARKET_CLIENT_ID", "CLUSTERMARKET_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY"
    )
    return asyncio.run(_forget(settings, args.user_id.strip(), args.team))


async def _forget(settings: Settings, user_id: str, team: str | None) -> int:
    services = await Services.build(settings)
    try:
        teams = await services.store.teams_of(user_id)
        if team is None and len(teams) > 1:
            print(
                f"{user_id} has data in {len(teams)} Slack workspaces: {', '.join(teams)}."
                " Slack user ids are per workspace, so say which with --team."
            )
            return 1
        chosen = team if team is not None else (teams[0] if teams else None)
        if chosen is None or chosen not in teams:
            where = f" in {chosen}" if chosen else ""
            print(f"Nothing is stored about {user_id}{where}; nothing to forget.")
            return 0
        link = await services.store.get_link(UserKey(chosen, user_id))
        key = link.key if link is not None else UserKey(chosen, user_id)
        done = await forget_person(services, key)
    finally:
        await services.aclose()
    print(_report(done, settings.SLACK_COMMAND))
    return 0


def _report(done: PersonForgotten, command: str) -> str:
    key = done.key
    lines = [f"Forgot Slack user {key.user_id} in workspace {key.team_id}."]
    if done.revoked is None:
        lines.append("Clustermarket: no link was stored, so there were no tokens to revoke.")
    elif done.revoked:
        lines.append("Clustermarket: their tokens are revoked (Clustermarket confirmed).")
    else:
        lines.append(
            "Clustermarket: did NOT confirm revoking their tokens (unreachable or refused);"
            " they are deleted here all the same and expire on their own."
        )
    removed = {name: n for name, n in done.removed.items() if name != CHANNEL_DIGESTS_DISOWNED}
    if removed:
        lines.append("Deleted: " + ", ".join(f"{name} ({n})" for name, n in removed.items()) + ".")
    if CHANNEL_DIGESTS_DISOWNED in done.removed:
        count = done.removed[CHANNEL_DIGESTS_DISOWNED]
        lines.append(CHANNEL_DIGESTS_EXPLAINED.format(command=command, count=count))
        if done.paused_channels:
            told = ", ".join(subscription.channel_id for subscription in done.paused_channels)
            lines.append(f"Each channel was told: {told}.")
    if done.remaining:
        lines.append(f"WARNING: {done.remaining} row(s) about them are still stored.")
    else:
        lines.append(f"Nothing about {key.user_id} in {key.team_id} is left in the database.")
    return "\n".join(lines)
