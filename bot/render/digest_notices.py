"""What the channel hears when its digest changes, and the answer to someone who may not
change it.

A channel digest posts with its owner's Clustermarket access, so who runs it matters to the
whole channel: every change (set up, another time, another lab, taken over, turned off) is
announced there, naming who did it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.digest import user_mention, when_text
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import escape, one_line

ChangeKind = Literal["set_up", "changed", "turned_off"]


@dataclass(frozen=True)
class ChannelDigestChange:
    """One change of a channel's digest: by whom, what it is now, and what it was."""

    kind: ChangeKind
    actor_user_id: str
    lab_name: str
    send_time: dt.time
    timezone: str
    next_send: dt.datetime | None = None
    previous_owner: str | None = None
    previous_lab: str | None = None
    previous_time: dt.time | None = None
    resumed: bool = False
    """It was paused and runs again."""

    @property
    def moved(self) -> bool:
        return self.previous_time is not None and self.previous_time != self.send_time

    @property
    def switched(self) -> bool:
        return self.previous_lab is not None and self.previous_lab != self.lab_name

    @property
    def taken_over(self) -> bool:
        return self.previous_owner is not None and self.previous_owner != self.actor_user_id

    @property
    def anything(self) -> bool:
        """Whether there is anything to announce."""
        return self.kind != "changed" or (
            self.moved or self.switched or self.taken_over or self.resumed
        )


def _what_changed(change: ChannelDigestChange) -> tuple[str, str]:
    """The change in mrkdwn (after the actor's mention) and in plain words (for the
    notification, which names nobody)."""
    lab = escape(one_line(change.lab_name))
    if change.kind == "set_up":
        return (
            f"set up a daily digest here: *{lab}*'s bookings each day at"
            f" *{change.send_time:%H:%M}* ({escape(change.timezone)}).",
            f"This channel now gets {one_line(change.lab_name)}'s bookings each day at"
            f" {change.send_time:%H:%M}.",
        )
    if change.kind == "turned_off":
        set_up_by = (
            f" (set up by {user_mention(change.previous_owner)})"
            if change.taken_over and change.previous_owner is not None
            else ""
        )
        return (
            f"turned off this channel's daily digest of *{lab}*{set_up_by}.",
            f"This channel's daily digest of {one_line(change.lab_name)} is off.",
        )
    parts = []
    if change.moved:
        parts.append(f"moved this channel's digest to *{change.send_time:%H:%M}*")
    if change.switched:
        parts.append(f"switched this channel's digest to *{lab}*")
    if not parts:
        parts.append(
            "took over this channel's digest"
            if change.taken_over
            else "turned this channel's digest back on"
        )
    return (
        " and ".join(parts) + ".",
        f"This channel's digest changed: {one_line(change.lab_name)} at {change.send_time:%H:%M}.",
    )


def channel_change_notice(
    change: ChannelDigestChange, *, now: dt.datetime, command: str = DEFAULT_COMMAND
) -> Reply:
    """The message posted in the channel about a change of its digest."""
    said, plain = _what_changed(change)
    lines = [f"📰 {user_mention(change.actor_user_id)} {said}"]
    if change.kind == "changed" and change.taken_over and change.previous_owner is not None:
        lines.append(
            f"It now uses {user_mention(change.actor_user_id)}'s Clustermarket access (it was"
            f" set up by {user_mention(change.previous_owner)})."
        )
    if change.kind != "turned_off" and change.next_send is not None:
        lines.append(
            f"{'First' if change.kind == 'set_up' else 'Next'}: {when_text(change.next_send, now)}."
        )
    blocks = [
        kit.section("\n".join(lines)),
        kit.context(f"`{command} digest` in this channel shows its settings."),
    ]
    return simple(RenderContext(command=command), plain, blocks)


def channel_owner_only_reply(owner_user_id: str, *, command: str = DEFAULT_COMMAND) -> Reply:
    """Someone who neither set up this channel's digest nor administers the workspace."""
    text = (
        f"🔒 This channel's digest was set up by {user_mention(owner_user_id)}. Only they or a"
        " workspace admin can change it or turn it off, so nothing changed."
    )
    blocks = [
        kit.section(text),
        kit.context(
            f"`{command} digest` shows its settings; `{command} digest on` sends your own"
            " bookings to you instead."
        ),
    ]
    return simple(
        RenderContext(command=command),
        "Only the person who set up this channel's digest or a workspace admin can change it.",
        blocks,
    )
