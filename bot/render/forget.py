"""Forgetting a person on request: the offer after a disconnect, what was done, and the note
to a channel whose digest lost the person who set it up."""

from __future__ import annotations

from collections.abc import Sequence

from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.actions import FORGET_ME
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import channel_mention, escape, one_line, plural


def with_forget_offer(reply: Reply) -> Reply:
    """`reply` with an "Also forget my settings" button (behind a confirm dialog) at its end."""
    offer = kit.actions(
        [
            kit.button(
                "Also forget my settings",
                FORGET_ME,
                value="forget",
                confirm=kit.confirm_dialog(
                    "Forget everything?",
                    "cmbot deletes your digests, time zone and anything else it keeps about you."
                    " Channel digests you set up pause until someone here takes them over.",
                    "Forget me",
                    "Keep them",
                    style="danger",
                ),
            )
        ]
    )
    return Reply(reply.text, [*reply.blocks, offer], reply.shareable, reply.failure)


def forgotten_reply(
    removed: Sequence[str], paused_channels: Sequence[str], command: str = DEFAULT_COMMAND
) -> Reply:
    """Done: what went (`removed`, already in words) and which channels' digests paused."""
    if removed:
        lead = "🧹 *Done.* cmbot no longer keeps anything about you here."
        went = "Deleted: " + ", ".join(escape(item) for item in removed) + "."
    else:
        lead = "🧹 *Done.* cmbot kept nothing else about you here."
        went = None
    lines = [lead]
    if went:
        lines.append(went)
    if paused_channels:
        where = ", ".join(channel_mention(channel) for channel in paused_channels)
        lines.append(
            f"The {plural(len(paused_channels), 'channel digest')} you set up ({where}) paused;"
            " anyone there can take one over."
        )
    blocks = [
        kit.section("\n".join(lines)),
        kit.context(f"`{command} connect` starts afresh any time."),
    ]
    return simple(RenderContext(command=command), "Done: cmbot forgot your settings.", blocks)


def orphaned_digest_notice(lab_name: str | None, send_time: str, command: str) -> Reply:
    """To a channel: its digest paused because the person who set it up was forgotten."""
    lab = one_line(lab_name or "the lab") or "the lab"
    text = (
        f"This channel's daily digest of {lab} ({send_time}) is paused: the person who set it"
        " up asked cmbot to forget them."
    )
    blocks = [
        kit.section(f"⏸ {escape(text)}"),
        kit.context(
            f"Anyone here can take it over: `{command} digest channel on {send_time}"
            f" {escape(lab)}`."
        ),
    ]
    return simple(RenderContext(command=command), text, blocks)
