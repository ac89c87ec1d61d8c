"""Connect tickets: what a Connect button carries to the bot's start page.

A ticket is encrypted and signed (Fernet, with a key derived from TOKEN_ENCRYPTION_KEY) and
names the Slack user, what they had asked, a random id and when it stops working. Minting
one writes nothing, so the App Home and every connect prompt can offer a fresh link; the id
is what makes it work once (the OAuth state minted when it is opened keeps the id).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.clustermarket.tokens import UserKey
from bot.linking.lifetime import CONNECT_PATH, LINK_LIFETIME

TicketRefusal = Literal["damaged", "expired", "used"]


class TicketError(Exception):
    """The connect link is damaged or forged, past its lifetime, or already used."""

    def __init__(self, reason: TicketRefusal) -> None:
        super().__init__(f"connect link is {reason}")
        self.reason: TicketRefusal = reason


@dataclass(frozen=True)
class Ticket:
    """A connect link that was read: whose, what to answer once linked, and its id."""

    key: UserKey
    resume: dict[str, Any] | None
    id: str = field(repr=False)


def _ticket_key(encryption_key: str) -> str:
    """A key of its own for tickets, so a ticket can never decrypt a stored token."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cmbot connect tickets"
    ).derive(base64.urlsafe_b64decode(encryption_key))
    return base64.urlsafe_b64encode(derived).decode()


class ConnectTickets:
    """Issue and read connect tickets; any configured key reads, the first one issues."""

    def __init__(self, encryption_keys: Sequence[str], public_url: str) -> None:
        if not encryption_keys:
            raise ValueError("connect tickets need at least one encryption key")
        self._fernet = MultiFernet([Fernet(_ticket_key(key)) for key in encryption_keys])
        self._start_url = public_url.rstrip("/") + CONNECT_PATH

    def url(self, key: UserKey, resume: dict[str, Any] | None = None) -> str:
        """The connect button's target: the bot's own start page with a fresh ticket."""
        payload = {
            "team": key.team_id,
            "user": key.user_id,
            "resume": resume,
            "id": secrets.token_urlsafe(16),
            "exp": int(time.time() + LINK_LIFETIME.total_seconds()),
        }
        ticket = self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode())
        return f"{self._start_url}?{urlencode({'ticket': ticket.decode()})}"

    def read(self, ticket: str) -> Ticket:
        """The ticket's contents; TicketError('damaged' | 'expired') when it cannot be used."""
        try:
            payload = json.loads(self._fernet.decrypt(ticket.encode()))
            key = UserKey(str(payload["team"]), str(payload["user"]))
            ticket_id, expires = str(payload["id"]), float(payload["exp"])
        except (InvalidToken, ValueError, KeyError, TypeError):
            raise TicketError("damaged") from None
        if time.time() >= expires:
            raise TicketError("expired")
        resume = payload.get("resume")
        return Ticket(key, resume if isinstance(resume, dict) else None, ticket_id)
