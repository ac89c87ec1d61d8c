"""Linking a Clustermarket account: the prompt with its Connect button, and the outcomes."""

from __future__ import annotations

from typing import Literal

from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.actions import CONNECT
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import escape, one_line

ConnectReason = Literal["requested", "not_linked", "reconnect"]

_LEADS: dict[ConnectReason, tuple[str, str]] = {
    "requested": (
        "🔗 Connect your Clustermarket account",
        "Link your Clustermarket account to ask about equipment and bookings from Slack.",
    ),
    "not_linked": (
        "🔗 First, connect your Clustermarket account",
        "To answer that I need to see Clustermarket as you do. Connect once and I'll answer"
        " right away.",
    ),
    "reconnect": (
        "🔄 Please reconnect Clustermarket",
        "Your Clustermarket connection has expired or was revoked. Connect again to carry on.",
    ),
}


def connect_prompt(url: str, *, reason: ConnectReason, command: str = DEFAULT_COMMAND) -> Reply:
    """The Connect button (a link to Clustermarket's sign-in, action id CONNECT) and what
    linking means: your own access, read-only, single-use link that expires."""
    title, lead = _LEADS[reason]
    blocks = [
        kit.section(
            f"*{title}*\n{lead}",
            accessory=kit.button("Connect", CONNECT, url=url, style="primary"),
        ),
        kit.context(
            "You sign in on Clustermarket and I only ever see what your account can see. I read"
            " your labs, equipment and bookings and change nothing.",
            "This link is just for you: it works once and expires in a few minutes."
            f"  ·  `{command} disconnect` unlinks any time.",
        ),
    ]
    return simple(RenderContext(command=command), f"{title}: {lead}", blocks)


def connected_message(name: str, command: str = DEFAULT_COMMAND) -> Reply:
    """Linking worked."""
    who = one_line(name) or "your Clustermarket account"
    blocks = [
        kit.section(f"✅ *Connected* as *{escape(who)}*."),
        kit.context(
            f"Try `{command} bookings today`, `{command} free NanoDrop` or `{command} help`."
        ),
    ]
    return simple(RenderContext(command=command), f"Connected to Clustermarket as {who}.", blocks)


def disconnected_message(command: str = DEFAULT_COMMAND, *, revoked: bool = True) -> Reply:
    """The link and its tokens are gone here; whether Clustermarket confirmed it revoked them
    is said as it is."""
    if revoked:
        lead = "👋 *Disconnected.* Clustermarket confirmed it revoked cmbot's access, and I"
        lead += " deleted your tokens."
        text = "Disconnected from Clustermarket: access revoked and tokens deleted."
    else:
        lead = (
            "👋 *Disconnected here.* I deleted your Clustermarket tokens, but Clustermarket did"
            " not confirm it revoked them. To be sure, remove cmbot from the authorised"
            " applications in your Clustermarket account settings."
        )
        text = "Disconnected here; Clustermarket did not confirm it revoked cmbot's access."
    blocks = [
        kit.section(lead),
        kit.context(f"`{command} connect` links your account again any time."),
    ]
    return simple(RenderContext(command=command), text, blocks)


def not_connected_message(command: str = DEFAULT_COMMAND) -> Reply:
    """Disconnect asked for by someone who was never connected."""
    blocks = [
        kit.section("You weren't connected to Clustermarket, so there was nothing to undo."),
        kit.context(f"`{command} connect` links your account."),
    ]
    return simple(RenderContext(command=command), "You weren't connected to Clustermarket.", blocks)
