"""The App Home tab in each link state, with bookings and digest settings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from render_samples import NOW, at, booking, walk

from bot.clustermarket.models import Booking
from bot.fake_slack.blocks import view_errors
from bot.render import ChannelDigestInfo, DigestSummary, home_view
from bot.render.actions import CONNECT, DISCONNECT, HOME_REFRESH
from bot.render.digest import DIGEST_INCLUDE_EMPTY, DIGEST_SKIP_WEEKENDS, DIGEST_TURN_OFF

URL = "https://app.clustermarket.com/oauth/authorize?state=abc"


def view(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "linked_as": "Zoë Ångström",
        "broken": False,
        "connect_url": URL,
        "next_bookings": [
            booking(at(25, 14), at(25, 16, 30), equipment="Bio-Rad CFX96 Touch qPCR"),
            booking(
                at(25, 20), at(26, 4, 30), equipment="Oxford Nanopore GridION", category="Repair"
            ),
            booking(at(27, 8, 30), at(27, 17, 30), equipment="Illumina NovaSeq 6000"),
        ],
        "tz_name": "Europe/London",
        "now": NOW,
        "digest": DigestSummary(
            personal=True,
            time=dt.time(8, 30),
            skip_weekends=True,
            channels=(
                ChannelDigestInfo("C0123", "Genomics Core Facility", dt.time(8), paused=True),
            ),
        ),
        "command": "/cm",
    }
    arguments.update(overrides)
    built = home_view(**arguments)
    assert view_errors(built, kind="home") == []
    assert "None" not in json.dumps(built, ensure_ascii=False)
    return built


def elements(built: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["action_id"]: node for node in walk(built["blocks"]) if node.get("type") == "button"
    }


def test_linked() -> None:
    built = view()
    dumped = json.dumps(built, ensure_ascii=False)
    assert built["type"] == "home"
    assert "Connected to Clustermarket as *Zoë Ångström*" in dumped
    buttons = elements(built)
    assert set(buttons) == {
        DISCONNECT,
        HOME_REFRESH,
        DIGEST_TURN_OFF,
        DIGEST_INCLUDE_EMPTY,
        DIGEST_SKIP_WEEKENDS,
    }
    disconnect = buttons[DISCONNECT]
    assert disconnect["style"] == "danger"
    assert disconnect["confirm"]["confirm"]["text"] == "Disconnect"
    assert "*Today  14:00–16:30*  Bio-Rad CFX96 Touch qPCR" in dumped
    assert "*Today  20:00 → 04:30 (+1)*  Oxford Nanopore GridION" in dumped
    assert "🛠 Repair" in dumped
    assert "*Fri 27 Mar  08:30–17:30*  Illumina NovaSeq 6000" in dumped
    assert "digest is *on* at 08:30  ·  skips weekends" in dumped
    assert "<#C0123>  Genomics Core Facility at 08:00 (paused)" in dumped
    assert "Times in Europe/London  ·  updated 13:05" in dumped


def test_not_linked_offers_the_connect_link() -> None:
    built = view(linked_as=None, next_bookings=[], digest=None)
    buttons = elements(built)
    assert set(buttons) == {CONNECT, HOME_REFRESH}
    assert buttons[CONNECT]["url"] == URL and buttons[CONNECT]["style"] == "primary"
    dumped = json.dumps(built, ensure_ascii=False)
    assert "Your next bookings" not in dumped
    assert "digest is *off*" in dumped


def test_a_broken_link_asks_to_reconnect() -> None:
    built = view(broken=True)
    dumped = json.dumps(built, ensure_ascii=False)
    assert "needs renewing" in dumped and CONNECT in elements(built)
    assert "Your next bookings" not in dumped


def test_without_a_connect_url_it_says_what_to_type() -> None:
    built = view(linked_as=None, connect_url=None)
    assert "`/cm connect`" in json.dumps(built, ensure_ascii=False)
    assert set(elements(built)) == {HOME_REFRESH}


def test_nothing_booked_ahead_and_an_unknown_zone() -> None:
    built = view(next_bookings=[], tz_name="Mars/Olympus_Mons")
    dumped = json.dumps(built, ensure_ascii=False)
    assert "Nothing booked ahead." in dumped
    assert "Times in UTC  ·  updated 13:05" in dumped


def test_a_booking_with_nothing_known() -> None:
    built = view(next_bookings=[Booking()], digest=DigestSummary(personal=True))
    dumped = json.dumps(built, ensure_ascii=False)
    assert "*time not set*  Equipment" in dumped
    assert "digest is *on*." in dumped


def test_unread_bookings_are_said_under_the_next_ones() -> None:
    said = json.dumps(view(unread=2), ensure_ascii=False)
    assert "2 bookings could not be read" in said
    assert "could not be read" not in json.dumps(view(), ensure_ascii=False)
