"""Kind words when an answer cannot be given. Never a trace, an endpoint or an error class:
what happened in plain words, whose side it is on, and what to do next."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

from bot.clustermarket.errors import (
    ClustermarketError,
    Forbidden,
    NotFound,
    RateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import escape

ErrorKind = Literal[
    "unavailable",
    "slow",
    "rate_limited",
    "forbidden",
    "not_found",
    "stale_button",
    "storage",
    "unexpected",
]


def _wait(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return "in a minute"
    if seconds < 90:
        return f"in {max(math.ceil(seconds), 1)} seconds"
    return f"in {math.ceil(seconds / 60)} minutes"


def error_reply(
    kind: ErrorKind,
    command: str = DEFAULT_COMMAND,
    *,
    retry_after: float | None = None,
    ctx: RenderContext | None = None,
) -> Reply:
    """The reply for one kind of failure, the same for any audience (`ctx` gives the command):
    it is only ever shown to the asker."""
    messages: dict[ErrorKind, tuple[str, str]] = {
        "unavailable": (
            "😕 Clustermarket isn't answering right now.",
            "Nothing is wrong on your side. Please try again in a minute.",
        ),
        "slow": (
            "🐢 Clustermarket is taking too long to answer.",
            "It may be busy. Please try again in a moment.",
        ),
        "rate_limited": (
            "🚦 Clustermarket asked us to slow down.",
            f"Too many questions at once. Please try again {_wait(retry_after)}.",
        ),
        "forbidden": (
            "🔒 Clustermarket doesn't let your account see that.",
            "If you think you should have access, ask your lab manager to add you in"
            f" Clustermarket, or run `{command} connect` to link again with more access.",
        ),
        "not_found": (
            "🔍 Clustermarket couldn't find that.",
            "It may have been removed, or it isn't shared with your account."
            f" `{command} equipment` lists what you can see.",
        ),
        "stale_button": (
            "⌛ That button is out of date.",
            f"Ask again with `{command}` and I'll give you a fresh answer.",
        ),
        "storage": (
            "💾 I couldn't save that just now.",
            "My database is busy or full. Nothing was changed; please try again in a minute.",
        ),
        "unexpected": (
            "😬 Something went wrong on our side while answering.",
            f"It has been logged. Please try again, or see `{command} help`.",
        ),
    }
    title, advice = messages[kind]
    blocks = [kit.section(f"*{title}*\n{advice}")]
    context = RenderContext(command=ctx.command if ctx else command)
    return replace(simple(context, f"{title} {advice}", blocks), failure=True)


def unexpected_error_reply(command: str = DEFAULT_COMMAND) -> Reply:
    """Something broke that should not have; the details are for the log, not the user."""
    return error_reply("unexpected", command)


def error_kind(error: BaseException) -> ErrorKind:
    """Which kind reply a failure deserves. (NotLinked and ReconnectRequired are not
    failures to apologise for: they get the connect prompt.)"""
    if isinstance(error, RateLimited):
        return "rate_limited"
    if isinstance(error, TimeoutError | UpstreamTimeout):
        return "slow"
    if isinstance(error, UpstreamUnavailable):
        return "unavailable"
    if isinstance(error, Forbidden):
        return "forbidden"
    if isinstance(error, NotFound):
        return "not_found"
    if isinstance(error, ClustermarketError):
        return "unavailable"
    return "unexpected"


def reply_for_error(
    error: BaseException, command: str = DEFAULT_COMMAND, *, ctx: RenderContext | None = None
) -> Reply:
    """The kind reply for `error`, with the wait Clustermarket asked for when rate-limited."""
    retry_after = error.retry_after if isinstance(error, RateLimited) else None
    return error_reply(error_kind(error), command, retry_after=retry_after, ctx=ctx)


def missing_scope_reply(
    scope: str | None, *, app_asks: bool, token_has: bool, command: str = DEFAULT_COMMAND
) -> Reply:
    """Clustermarket refused for want of an OAuth scope: say which, and who can fix it, rather
    than send the user round the connect loop when connecting again cannot help. The text
    is plain (`simple` escapes the fallback); the blocks escape it themselves."""
    scope = scope or None
    named = f"`{scope}`" if scope else "a permission it needs"
    title = f"🔑 Clustermarket hasn't given cmbot {named} for this."
    if not app_asks:
        advice = (
            f"cmbot doesn't ask for {named} when you connect, so connecting again won't help."
            f" Ask whoever runs cmbot to add {scope or 'it'} to CLUSTERMARKET_SCOPES."
        )
    elif token_has:
        advice = (
            f"Your connection includes {named}, but Clustermarket still refuses: its OAuth"
            " application for cmbot may not be allowed that scope. Ask whoever runs cmbot to"
            " check the application's scopes in Clustermarket."
        )
    else:
        advice = (
            f"Your connection was made without {named}. Run `{command} connect` once to grant"
            " it, then ask again."
        )
    blocks = [kit.section(f"*{escape(title)}*\n{escape(advice)}")]
    return replace(
        simple(RenderContext(command=command), f"{title} {advice}", blocks), failure=True
    )


SLOW_NOTE = "⏳ Clustermarket is slow, still working…"


def still_working_reply(command: str = DEFAULT_COMMAND) -> Reply:
    """The note a person sees while a slow Clustermarket keeps the answer waiting; the answer
    replaces or follows it."""
    blocks = [kit.section(SLOW_NOTE), kit.context("The answer will show up here when it comes.")]
    return simple(RenderContext(command=command), SLOW_NOTE, blocks)
