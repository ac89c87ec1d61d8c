"""Connect tickets (what a Connect button carries) and when two emails are one person's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from cryptography.fernet import Fernet

from bot.clustermarket.tokens import UserKey
from bot.linking.flow import same_email
from bot.linking.lifetime import LIFETIME_WORDS, LINK_LIFETIME
from bot.linking.tickets import ConnectTickets, TicketError

KEY = UserKey("T0001", "U0ALICE")
START = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)


def ticket_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["ticket"][0]


def test_a_ticket_names_its_user_and_question_and_each_is_new() -> None:
    tickets = ConnectTickets([Fernet.generate_key().decode()], "https://bot.example.org/")
    first = tickets.url(KEY, {"intent": "me"})
    assert first.startswith("https://bot.example.org/clustermarket/connect?ticket=")
    read = tickets.read(ticket_of(first))
    assert (read.key, read.resume) == (KEY, {"intent": "me"})
    assert tickets.read(ticket_of(tickets.url(KEY))).id != read.id
    assert read.id not in repr(read)


def test_a_ticket_lives_its_one_lifetime() -> None:
    assert LIFETIME_WORDS == "15 minutes"
    tickets = ConnectTickets([Fernet.generate_key().decode()], "http://localhost:3000")
    with time_machine.travel(START, tick=False):
        ticket = ticket_of(tickets.url(KEY))
    with time_machine.travel(START + LINK_LIFETIME - timedelta(seconds=1), tick=False):
        assert tickets.read(ticket).key == KEY
    with (
        time_machine.travel(START + LINK_LIFETIME, tick=False),
        pytest.raises(TicketError) as caught,
    ):
        tickets.read(ticket)
    assert caught.value.reason == "expired"


@pytest.mark.parametrize("ticket", ["", "garbage", "gAAAAA" + "x" * 80])
def test_a_damaged_or_foreign_ticket_is_refused(ticket: str) -> None:
    tickets = ConnectTickets([Fernet.generate_key().decode()], "http://localhost:3000")
    stranger = ConnectTickets([Fernet.generate_key().decode()], "http://localhost:3000")
    for candidate in (ticket, ticket_of(stranger.url(KEY))):
        with pytest.raises(TicketError) as caught:
            tickets.read(candidate)
        assert caught.value.reason == "damaged"


def test_an_old_key_still_reads_the_tickets_it_issued() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    issued = ticket_of(ConnectTickets([old], "http://x").url(KEY))
    assert ConnectTickets([new, old], "http://x").read(issued).key == KEY


@pytest.mark.parametrize(
    ("slack", "clustermarket", "same"),
    [
        ("zoe@lab.org", "zoe@lab.org", True),
        (" Zoe@Lab.ORG ", "zoe@lab.org", True),
        ("zoe@lab.org", "zoe@lab.org.evil", False),
        ("zoe@lab.org", "margaret@lab.org", False),
        (None, "zoe@lab.org", False),
        ("zoe@lab.org", None, False),
        ("", "", False),
        ("not-an-email", "not-an-email", False),
    ],
)
def test_emails_are_the_same_ignoring_case_and_spaces_and_unknown_is_never_the_same(
    slack: str | None, clustermarket: str | None, same: bool
) -> None:
    assert same_email(slack, clustermarket) is same
