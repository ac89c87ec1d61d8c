"""Account linking: connect links that work once, the OAuth journey, and the confirm page
that makes sure the right person is linked. See `flow` for the journey, `tickets` for what a
Connect button carries, `web` for the browser's side and `pages` for what it shows."""

from bot.linking.flow import (
    Choice,
    Linker,
    LinkResult,
    Outcome,
    SlackLookup,
    SlackPerson,
    same_email,
    unlink,
)
from bot.linking.lifetime import CONFIRM_PATH, CONNECT_PATH, LIFETIME_WORDS, LINK_LIFETIME
from bot.linking.tickets import ConnectTickets, TicketError

__all__ = [
    "CONFIRM_PATH",
    "CONNECT_PATH",
    "LIFETIME_WORDS",
    "LINK_LIFETIME",
    "Choice",
    "ConnectTickets",
    "LinkResult",
    "Linker",
    "Outcome",
    "SlackLookup",
    "SlackPerson",
    "TicketError",
    "same_email",
    "unlink",
]
