"""What the notifier sends, as Block Kit: every kind within Slack's limits, names escaped in
the blocks and the fallback text, links to the web app only when its URL is known, channel
posts without anyone's name; links read back from pasted URLs; the App Home's settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from render_samples import LONDON, NANODROP, at, booking, buttons, check

from bot.answers.free_time import availability
from bot.digest.compose import day_window, personal_digest
from bot.notify.snapshot import SeenBooking
from bot.questions.intents import WhatIsFree
from bot.questions.when import When
from bot.render.anywhere import what_is_free_reply
from bot.render.digest import personal_digest_message
from bot.render.equipment import equipment_list_reply
from bot.render.facts import room_reply
from bot.render.home import home_view
from bot.render.notices import notice_message
from bot.render.reminders import NotifySummary, notify_home_blocks
from bot.render.reply import RenderContext, Reply
from bot.render.unfurls import instrument_unfurl
from bot.render.views import Availability, InstrumentFree
from bot.render.weblinks import WebLinks, linked

LINKS = WebLinks("https://app.clustermarket.test")
NOW = at(25, 9, 15)
NASTY = "<!channel> Ray & <b>Co</b>"
MINE = SeenBooking(
    7974013, "approved", at(25, 9, 30), at(25, 10), 4105, NASTY, "G.12 <QC> Lab", False
)
BEFORE = SeenBooking(7974013, "approved", at(25, 8), at(25, 8, 30), 4105, NASTY, None)


def payloads() -> list[tuple[str, dict[str, Any]]]:
    booking_json = MINE.json()
    return [
        ("remind_start", {"booking": booking_json}),
        ("remind_end", {"booking": booking_json}),
        ("approved", {"booking": booking_json, "before": BEFORE.json()}),
        ("declined", {"booking": {**booking_json, "status": "rejected"}}),
        ("cancelled", {"booking": booking_json, "gone": True}),
        ("cancelled", {"booking": {**booking_json, "status": "cancelled"}}),
        ("moved", {"booking": booking_json, "before": BEFORE.json()}),
        (
            "unavailable",
            {"equipment_id": 4105, "equipment": NASTY, "status": "Under Maintenance",
             "affected": [booking_json] * 14},
        ),
        ("watch_availability", {"equipment_id": 4105, "equipment": NASTY, "status": "Broken"}),
        ("watch_availability", {"equipment_id": 4105, "equipment": NASTY, "status": "Available"}),
        (
            "watch_slot",
            {"equipment_id": 4105, "equipment": NASTY, "start": at(25, 12).isoformat(),
             "end": at(25, 12, 30).isoformat()},
        ),
    ]  # fmt: skip


@pytest.mark.parametrize(("kind", "payload"), payloads())
@pytest.mark.parametrize("links", [None, LINKS])
def test_every_notice_is_valid_escaped_and_links_only_when_it_can(
    kind: str, payload: dict[str, Any], links: WebLinks | None
) -> None:
    reply = notice_message(kind, payload, tz=LONDON, now=NOW, links=links)
    dumped = check(reply)
    assert "<!channel>" not in dumped and "<b>" not in dumped
    assert "&lt;!channel&gt; Ray &amp; &lt;b&gt;Co&lt;/b&gt;" in dumped
    assert ("app.clustermarket.test" in dumped) == (links is not None)
    if kind.startswith("watch_"):
        assert not buttons(reply)  # a channel post: nothing to click, no one named


def test_what_each_notice_says() -> None:
    said = {
        kind + str(i): notice_message(kind, payload, tz=LONDON, now=NOW).text
        for i, (kind, payload) in enumerate(payloads())
    }
    assert said["remind_start0"].endswith("starts in 15 min: today 09:30–10:00")
    assert "moved: now today 09:30–10:00" in said["moved6"]
    assert "is no longer in Clustermarket" in said["cancelled4"]
    assert "was cancelled" in said["cancelled5"]
    assert said["watch_availability9"].endswith("is in service again")
    assert said["watch_slot10"].endswith("today: 12:00–12:30")


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://app.clustermarket.test/equipment/4105", ("equipment", 4105)),
        ("https://APP.clustermarket.test/equipment/4105/?tab=calendar#x", ("equipment", 4105)),
        ("http://app.clustermarket.test/bookings/7974013", ("booking", 7974013)),
        ("https://app.clustermarket.test/equipment/", None),
        ("https://app.clustermarket.test/equipment/41a05", None),
        ("https://app.clustermarket.test:8443/equipment/4105", None),
        ("https://evil.test/equipment/4105", None),
        ("javascript:alert(1)", None),
    ],
)
def test_pasted_links_read_back_through_the_templates(
    url: str, page: tuple[str, int] | None
) -> None:
    assert LINKS.parse(url) == page


def test_templates_under_a_base_path_and_what_a_link_cannot_hold() -> None:
    links = WebLinks("https://cm.test/lab", "/instruments/{id}/view", "/b/{id}")
    assert links.equipment(7) == "https://cm.test/lab/instruments/7/view"
    assert links.parse("https://cm.test/lab/instruments/7/view") == ("equipment", 7)
    assert links.parse("https://cm.test/instruments/7/view") is None
    assert links.booking(None) is None and links.domain == "cm.test"
    assert linked("x", "https://a.test/?q=<x>") == "x"  # a URL that would break the link


def test_answers_digests_and_the_home_tab_link_to_the_web_app() -> None:
    ctx = RenderContext(now=NOW, links=LINKS)
    listed = check(equipment_list_reply([(NANODROP.lab, [NANODROP])], ctx))
    assert "<https://app.clustermarket.test/equipment/4105|NanoDrop One>" in listed
    own = booking(at(25, 14), at(25, 15), id=77)
    digest = personal_digest([own], 15003, dt.date(2026, 3, 25), LONDON)
    dm = check(personal_digest_message(digest, links=LINKS))
    assert "<https://app.clustermarket.test/bookings/77|NanoDrop One>" in dm
    home = home_view(
        linked_as="Zoë",
        broken=False,
        connect_url=None,
        next_bookings=[own],
        tz_name="Europe/London",
        now=NOW,
        digest=None,
        links=LINKS,
    )
    assert "/bookings/77|" in str(home)
    window = day_window(dt.date(2026, 3, 25), LONDON)
    free = RenderContext(now=NOW, links=LINKS, intent=WhatIsFree(When()))
    anywhere = what_is_free_reply(
        [InstrumentFree(NANODROP, Availability(window))], window, LONDON, free
    )
    assert "<https://app.clustermarket.test/equipment/4105|NanoDrop One>" in check(anywhere)
    assert "/equipment/4105|" in check(room_reply(NANODROP, "G.12", ctx))
    assert "app.clustermarket.test" not in check(
        equipment_list_reply([(None, [NANODROP])], RenderContext())
    )


def test_the_home_tab_settings_and_their_toggles() -> None:
    summary = NotifySummary(15, True, frozenset({"moved"}), (("C0LAB", "NanoDrop One", True),))
    blocks = notify_home_blocks(summary, linked=True)
    reply = Reply("home", blocks)
    check(reply)
    values = {b["action_id"]: b.get("value") for b in buttons(reply)}
    assert values["cm_end_nudge"] == "off" and values["cm_remind_off"] == "off"
    assert values["cm_notice_kind:moved"] == "moved:on"
    assert values["cm_notice_kind:approved"] == "approved:off"
    assert "<#C0LAB>" in str(blocks) and "(paused)" in str(blocks)
    assert not buttons(Reply("home", notify_home_blocks(summary, linked=False)))


def test_an_unfurl_names_no_one() -> None:
    bookings = [booking(at(25, 9), at(25, 10)), booking(at(25, 13), at(25, 14), id=2)]
    facts = availability(bookings, day_window(NOW.date(), LONDON), NOW, status="Available")
    blocks = instrument_unfurl(NANODROP, facts, LONDON, links=LINKS, pasted_by="U0ZOE")
    dumped = check(Reply("unfurl", blocks))
    assert "José" not in dumped and "@northbridge" not in dumped
    assert "Free today: 10:00–13:00, 14:00–00:00" in dumped
    assert "<@U0ZOE>" in dumped
