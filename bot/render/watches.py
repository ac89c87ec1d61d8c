"""Block Kit for watched instruments as settings: the answers of `/cm watch …` and
`/cm unwatch …`, and the DM telling an owner their watches paused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.reply import RenderContext, Reply, fallback_text, simple
from bot.render.text import channel_mention, escape, one_line, user_mention

if TYPE_CHECKING:  # plain data; the store itself is no business of a renderer
    from bot.store import Watch

WHAT_WATCHING_DOES = (
    "I'll post here when its availability changes (maintenance, out of order, back again) or"
    " when a booking on it today is cancelled, naming no one."
)


def watch_needs_channel_reply(ctx: RenderContext) -> Reply:
    text = (
        "Watches live in channels: run this in the channel that should hear about the"
        " instrument, and invite me there."
    )
    blocks = [
        kit.section(f"📣 {escape(text)}"),
        kit.context(f"e.g. `{ctx.command} watch NovaSeq` in #lab"),
    ]
    return simple(ctx, text, blocks)


def watching_reply(
    watch: Watch,
    lab: str | None,
    ctx: RenderContext,
    *,
    previous_owner: str | None,
    member: bool | None,
) -> Reply:
    """Now watching; who owned it before, and whether I can post in the channel at all."""
    name = escape(one_line(watch.equipment_name))
    where = f" ({escape(one_line(lab))})" if lab else ""
    lines = [
        f"👀 Watching *{name}*{where} in {channel_mention(watch.channel_id)}.",
        WHAT_WATCHING_DOES,
        "It reads Clustermarket as you: if your connection breaks, the watch pauses until you"
        " connect again.",
    ]
    if previous_owner and previous_owner != watch.owner_user_id:
        lines.append(f"(It was set up by {user_mention(previous_owner)}; it now uses yours.)")
    if member is False:
        lines.append("⚠️ I'm not in this channel yet: `/invite @cmbot` so I can post here.")
    text = f"Watching {watch.equipment_name} here."
    return simple(ctx, text, [kit.section("\n".join(lines))])


def unwatched_reply(watch: Watch | None, query: str, ctx: RenderContext) -> Reply:
    if watch is None:
        text = f"Nothing called “{one_line(query)}” is watched here."
        blocks = [
            kit.section(f"🔍 {escape(text)}"),
            kit.context(f"`{ctx.command} watch` lists what is watched in this channel."),
        ]
        return simple(ctx, text, blocks)
    text = f"Stopped watching {watch.equipment_name} here."
    return simple(ctx, text, [kit.section(f"🙈 {escape(text)}")])


def _watch_line(watch: Watch, *, with_channel: bool) -> str:
    where = f"{channel_mention(watch.channel_id)}  " if with_channel else ""
    state = (
        f"  ·  ⏸ paused: {escape(watch.paused_reason or 'paused')}"
        if watch.status != ("active")
        else ""
    )
    return (
        f"•  {where}*{escape(one_line(watch.equipment_name))}*  ·  set up by"
        f" {user_mention(watch.owner_user_id)}{state}"
    )


def watch_list_reply(
    watches: Sequence[Watch], ctx: RenderContext, *, channel_id: str | None
) -> Reply:
    """The instruments watched in this channel (in a DM: the ones the asker set up)."""
    here = channel_mention(channel_id) if channel_id else "your channels"
    if not watches:
        text = f"Nothing is watched in {'this channel' if channel_id else 'your channels'}."
        blocks = [
            kit.section(f"👀 {escape(text)}"),
            kit.context(f"`{ctx.command} watch NovaSeq` in a channel starts watching it."),
        ]
        return simple(ctx, text, blocks)
    lines = [f"*👀 Watched in {here}*"]
    lines += [_watch_line(watch, with_channel=channel_id is None) for watch in watches[:40]]
    if len(watches) > 40:
        lines.append(f"…and {len(watches) - 40} more")
    blocks = [
        kit.section("\n".join(lines)),
        kit.context(f"`{ctx.command} unwatch NAME` stops one  ·  {WHAT_WATCHING_DOES}"),
    ]
    text = "Watched: " + ", ".join(one_line(watch.equipment_name) for watch in watches[:10])
    return simple(ctx, text, blocks)


def watches_paused_message(
    paused: Sequence[Watch], *, disconnected: bool, command: str = DEFAULT_COMMAND
) -> Reply:
    """The owner's DM: which watches paused, why, and how to resume them."""
    why = (
        "you disconnected your Clustermarket account"
        if disconnected
        else "your Clustermarket connection needs renewing"
    )
    lines = [f"⏸ Your watched instruments paused because {why}:"]
    lines += [_watch_line(watch, with_channel=True) for watch in paused[:40]]
    lines.append(f"`{command} connect` resumes them.")
    text = f"Your watched instruments paused because {why}. {command} connect resumes them."
    return Reply(fallback_text(text), [kit.section("\n".join(lines))])
