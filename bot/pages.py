"""The small HTML pages a person sees in the browser while linking their account."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.linking import Outcome


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    body: str


def _again(command: str) -> str:
    return f"Go back to Slack and type <code>{escape(command)} connect</code> to get a fresh link."


def link_page(outcome: Outcome, *, command: str, name: str | None = None) -> Page:
    """What to tell the person for each way the OAuth callback can end."""
    if outcome == "linked":
        who = escape(name or "your Clustermarket account")
        return Page(
            200,
            "Connected",
            f"<p>Your Slack account is now connected to Clustermarket as <b>{who}</b>.</p>"
            "<p>You can close this tab and go back to Slack: I've sent you a message there.</p>",
        )
    if outcome == "denied":
        return Page(
            200,
            "Not connected",
            "<p>You chose not to give cmbot access, so nothing was connected and nothing "
            f"changed.</p><p>If that was a slip: {_again(command)}</p>",
        )
    if outcome == "expired":
        return Page(
            400,
            "This sign-in took too long",
            f"<p>Sign-in links are valid for 10 minutes, and this one ran out.</p>"
            f"<p>{_again(command)}</p>",
        )
    if outcome == "used":
        return Page(
            400,
            "This sign-in was already used",
            "<p>Each sign-in link works once. If you just connected, you're all set: check "
            f"your messages from cmbot in Slack.</p><p>Otherwise: {_again(command)}</p>",
        )
    if outcome == "unknown":
        return Page(
            400,
            "This sign-in link isn't one of ours",
            "<p>I don't recognise this sign-in, so I didn't connect anything. Nothing "
            f"changed.</p><p>{_again(command)}</p>",
        )
    if outcome == "incomplete":
        return Page(
            400,
            "This sign-in link is incomplete",
            "<p>The address is missing a part Clustermarket normally adds. Nothing changed."
            f"</p><p>{_again(command)}</p>",
        )
    return Page(
        502,
        "Clustermarket didn't complete the sign-in",
        "<p>Clustermarket did not confirm the sign-in, so nothing was connected and nothing "
        f"changed. This is usually temporary.</p><p>{_again(command)}</p>",
    )


def ticket_page(command: str) -> Page:
    return Page(
        400,
        "This connect link has expired",
        f"<p>Connect links from cmbot work for a day, and this one is older or damaged.</p>"
        f"<p>{_again(command)}</p>",
    )


def unavailable_page(command: str) -> Page:
    return Page(
        503,
        "cmbot can't start the sign-in right now",
        f"<p>Something went wrong on cmbot's side; nothing changed.</p><p>{_again(command)}</p>",
    )


def install_unavailable_page() -> Page:
    return Page(
        503,
        "cmbot can't be installed right now",
        "<p>Something went wrong on cmbot's side; nothing changed. Please try again in a"
        " moment.</p>",
    )


def render(page: Page) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page.title)} · cmbot</title>
<style>
body {{ font: 16px/1.5 -apple-system, system-ui, sans-serif; background: #f6f7f9; margin: 0; }}
main {{ max-width: 32rem; margin: 12vh auto; background: #fff; padding: 2rem 2.25rem;
        border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.35rem; margin: 0 0 1rem; color: #1d4e89; }}
code {{ background: #eef1f5; padding: .1rem .35rem; border-radius: 4px; }}
</style></head>
<body><main><h1>{escape(page.title)}</h1>{page.body}</main></body></html>
"""
