"""Linking a Clustermarket account: the prompt with its Connect button, and the outcomes."""

from __future__ import annotations

from typing import Any, Literal

from bot.linking.lifetime import LIFETIME_WORDS
from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.actions import CONNECT, DISCONNECT
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
    linking means: your own access, read-only, a link that works once, for its lifetime."""
    title, lead = _LEADS[reason]
    blocks = [
        kit.section(
            f"*{title}*\n{lead}",
            accessory=kit.button("Connect", CONNECT, url=url, style="primary"),
        ),
        kit.context(
            "You sign in on Clustermarket and I only ever see what your account can see. I read"
            " your labs, equipment and bookings and change nothing.",
            f"This link is just for you: it works once, for {LIFETIME_WORDS}."
            f"  ·  `{command} disconnect` unlinks any time.",
        ),
    ]
    return simple(RenderContext(command=command), f"{title}: {lead}", blocks)


def disconnect_button() -> dict[str, Any]:
    """Unlink, behind Slack's "are you sure?" dialog (the App Home and the linked DM)."""
    confirm = kit.confirm_dialog(
        "Disconnect Clustermarket?",
        "The bot revokes and forgets your Clustermarket tokens. Your digests stop until you"
        " connect again.",
        "Disconnect",
        "Cancel",
        style="danger",
    )
    return kit.button("Disconnect", DISCONNECT, style="danger", confirm=confirm)


def connected_message(name: str, email: str | None = None, command: str = DEFAULT_COMMAND) -> Reply:
    """Linking worked: which Clustermarket account (name, and email when known), and a way
    out if that is not the account the person meant."""
    who = one_line(name) or "your Clustermarket account"
    address = one_line(email or "")
    shown = f"*{escape(who)}*" + (f" ({escape(address)})" if address else "")
    blocks = [
        kit.section(f"✅ *Connected* to Clustermarket as {shown}.", accessory=disconnect_button()),
        kit.context(
            f"Try `{command} bookings today`, `{command} free NanoDrop` or `{command} help`."
            "  ·  Not your account? Disconnect, then connect again."
        ),
    ]
    text = f"Connected to Clustermarket as {who}" + (f" ({address})." if address else ".")
    return simple(RenderContext(command=command), text, blocks)


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
