"""The small HTML pages a person sees in the browser while linking their account.

Every name and email on them comes from Slack or Clustermarket and is escaped. Every page
that ends the journey early says the one lifetime of a connect link and how to get a fresh
one.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.linking.flow import LinkResult, Outcome, SlackPerson
from bot.linking.lifetime import LIFETIME_WORDS
from bot.linking.tickets import TicketRefusal


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    body: str


def _again(command: str) -> str:
    return (
        f"Connect links work once, for {LIFETIME_WORDS}. Go back to Slack and type"
        f" <code>{escape(command)} connect</code> to get a fresh one."
    )


def _account(name: str | None, email: str | None) -> str:
    who = f"<b>{escape(name)}</b>" if name else "<i>name unknown</i>"
    address = escape(email) if email else "<i>email unknown</i>"
    return f"{who}<br>{address}"


def link_page(result: LinkResult, *, command: str) -> Page:
    """What to tell the person for each way the callback or the confirm page can end."""
    if result.outcome == "linked":
        who = escape(result.name or "your Clustermarket account")
        address = f" ({escape(result.email)})" if result.email else ""
        return Page(
            200,
            "Connected",
            f"<p>Your Slack account is now connected to Clustermarket as <b>{who}</b>"
            f"{address}.</p><p>You can close this tab and go back to Slack: I've sent you a"
            " message there.</p>",
        )
    return _ended_page(result.outcome, command)


_ENDINGS: dict[Outcome, tuple[int, str, str]] = {
    "cancelled": (
        200,
        "Not connected",
        "You chose not to link these accounts, so nothing was connected and nothing changed."
        " I've handed back the access Clustermarket had just given me.",
    ),
    "denied": (
        200,
        "Not connected",
        "You chose not to give cmbot access, so nothing was connected and nothing changed.",
    ),
    "expired": (
        400,
        "This took too long",
        f"Each step of connecting must be done within {LIFETIME_WORDS}, and this one ran out."
        " Nothing was connected and nothing changed.",
    ),
    "used": (
        400,
        "This was already used",
        "This sign-in or confirmation has already been used, and each works once. If you just"
        " connected, you're all set: check your messages from cmbot in Slack.",
    ),
    "unknown": (
        400,
        "This sign-in link isn't one of ours",
        "I don't recognise this sign-in, so I didn't connect anything. Nothing changed.",
    ),
    "incomplete": (
        400,
        "This sign-in link is incomplete",
        "The address is missing a part it needs. Nothing was connected and nothing changed.",
    ),
    "other_browser": (
        400,
        "Please finish in the browser you started in",
        "This sign-in was started in another browser (or this one's cookies were cleared), so"
        " I didn't connect anything. To be sure the right person is linked, connecting has to"
        " finish in the browser that opened the connect link.",
    ),
    "failed": (
        502,
        "Clustermarket didn't complete the sign-in",
        "Clustermarket did not confirm the sign-in, so nothing was connected and nothing"
        " changed. This is usually temporary.",
    ),
}


def _ended_page(outcome: Outcome, command: str) -> Page:
    status, title, text = _ENDINGS.get(outcome, _ENDINGS["failed"])
    return Page(status, title, f"<p>{text}</p><p>{_again(command)}</p>")


def _why_confirm(slack_email: str | None, cm_email: str | None) -> str:
    if slack_email and cm_email:
        return "Your Slack profile's email and this Clustermarket account's email differ."
    if slack_email:
        return "Clustermarket didn't tell me this account's email, so I can't match it to you."
    if cm_email:
        return "Slack didn't tell me your profile's email, so I can't match it to this account."
    return "Neither Slack nor Clustermarket told me an email, so I can't match the two."


def confirm_page(result: LinkResult, *, action: str, command: str) -> Page:
    """Both sides of a sign-in whose emails do not match, and the one-time choice to link
    them, posted to `action` from this browser only."""
    slack = result.slack or SlackPerson(name=None, email=None, workspace=None)
    workspace = f"<br>in the workspace <b>{escape(slack.workspace)}</b>" if slack.workspace else ""
    slack_name = escape(slack.name or "you")
    cm_name = escape(result.name or "this account")
    return Page(
        200,
        "Link these accounts?",
        "<p>Before I connect anything, check that both of these are you.</p>"
        '<table><tr><th scope="row">Slack</th>'
        f"<td>{_account(slack.name, slack.email)}{workspace}</td></tr>"
        '<tr><th scope="row">Clustermarket</th>'
        f"<td>{_account(result.name, result.email)}</td></tr></table>"
        f"<p>{_why_confirm(slack.email, result.email)} Once linked, <b>{slack_name}</b> in"
        f" Slack sees Clustermarket as <b>{cm_name}</b> does: labs, equipment and bookings.</p>"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="token" value="{escape(result.confirm_token or "")}">'
        '<button type="submit" name="choice" value="link">Link these accounts</button> '
        '<button type="submit" name="choice" value="cancel" class="quiet">Cancel</button>'
        "</form>"
        f"<p><small>This choice works once, for {LIFETIME_WORDS}. If someone forwarded you"
        f" their connect link, press Cancel. <code>{escape(command)} disconnect</code> in"
        " Slack unlinks any time.</small></p>",
    )


_TICKET_ENDINGS: dict[TicketRefusal, tuple[str, str]] = {
    "damaged": (
        "This connect link is damaged",
        "Part of the address is missing or changed, so I can't tell whose link it is.",
    ),
    "expired": ("This connect link has expired", "This one is older than that."),
    "used": (
        "This connect link was already used",
        "If you just connected, you're all set: check your messages from cmbot in Slack.",
    ),
}


def ticket_page(reason: TicketRefusal, command: str) -> Page:
    """The start page refusing a connect link; nothing changed."""
    title, text = _TICKET_ENDINGS[reason]
    return Page(400, title, f"<p>{_again(command)}</p><p>{text} Nothing changed.</p>")


def unavailable_page(command: str) -> Page:
    return Page(
        503,
        "cmbot can't finish this right now",
        "<p>Something went wrong on cmbot's side, usually only for a moment; nothing changed."
        f" Please try again in a minute.</p><p>{_again(command)}</p>",
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
table {{ border-collapse: collapse; width: 100%; margin: 0 0 1rem; }}
th {{ text-align: left; vertical-align: top; padding: .5rem 1rem .5rem 0; color: #555; }}
td {{ padding: .5rem 0; border-bottom: 1px solid #eef1f5; }}
button {{ font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 0;
          background: #1d4e89; color: #fff; cursor: pointer; }}
button.quiet {{ background: #eef1f5; color: #1d2330; }}
</style></head>
<body><main><h1>{escape(page.title)}</h1>{page.body}</main></body></html>
"""
