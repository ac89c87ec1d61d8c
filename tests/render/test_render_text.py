"""Limits helpers and the words replies use for times, dates, states and people."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clustermarket.models import Person
from bot.render.limits import clip, clip_lines, clip_mrkdwn, text_length
from bot.render.text import (
    category_label,
    date_text,
    duration,
    escape,
    money,
    person_link,
    person_name,
    redact_emails,
    span,
    status_badge,
)

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: int, hour: int, minute: int = 0, tz: dt.tzinfo = LONDON) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=tz)


# --- limits -------------------------------------------------------------------------------


def test_clip_keeps_short_text_and_marks_a_cut() -> None:
    assert clip("NanoDrop", 10) == "NanoDrop"
    assert clip("NanoDrop One", 8) == "NanoDro…"
    assert len(clip("x" * 5000, 3000)) == 3000


def test_astral_characters_count_twice() -> None:
    assert text_length("🧪a") == 3
    clipped = clip("🧪" * 100, 11)
    assert text_length(clipped) <= 11 and clipped.endswith("…")


def test_clip_mrkdwn_never_leaves_half_a_link_or_entity() -> None:
    text = "see <mailto:zoe@example.org|Zoë Ångström> now"
    assert clip_mrkdwn(text, 20) == "see…"
    assert clip_mrkdwn("fish &amp; chips", 9) == "fish…"


def test_clip_lines_says_how_many_were_left_out() -> None:
    lines = [f"line {index:02d}" for index in range(100)]
    text = clip_lines(lines, 60)
    assert len(text) <= 60
    kept = text.split("\n")
    assert kept[-1] == f"…and {100 - (len(kept) - 1)} more"
    assert clip_lines(["short", "lines"], 100) == "short\nlines"
    assert clip_lines(["x" * 500], 100).endswith("…")


@given(st.lists(st.text(max_size=400), max_size=40), st.integers(1, 3000))
@settings(max_examples=200, deadline=None)
def test_clipped_text_is_always_within_the_limit(lines: list[str], limit: int) -> None:
    for line in lines:
        assert text_length(clip(line, limit)) <= limit
        assert text_length(clip_mrkdwn(line, limit)) <= limit
    if limit >= 20:
        assert text_length(clip_lines(lines, limit)) <= limit


# --- times and dates ----------------------------------------------------------------------


def test_a_plain_span() -> None:
    assert span(at(25, 9, 30), at(25, 11), LONDON) == "09:30–11:00"


def test_a_booking_crossing_midnight_reads_from_either_day() -> None:
    start, end = at(25, 22), at(26, 4, 30)
    assert span(start, end, LONDON) == "22:00 → 04:30 (+1)"
    assert span(start, end, LONDON, dt.date(2026, 3, 25)) == "22:00 → 04:30 (+1)"
    assert span(start, end, LONDON, dt.date(2026, 3, 26)) == "22:00 (−1) → 04:30"


def test_an_end_at_midnight_is_not_a_crossing_and_a_whole_day_is_all_day() -> None:
    assert span(at(25, 22), at(26, 0), LONDON) == "22:00–00:00"
    assert span(at(25, 0), at(26, 0), LONDON) == "all day"


def test_times_are_shown_in_the_readers_zone_across_dst() -> None:
    # 29 March 2026: London springs forward at 01:00 UTC.
    start = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)
    end = dt.datetime(2026, 3, 29, 2, 0, tzinfo=dt.UTC)
    assert span(start, end, LONDON) == "00:30–03:00"
    assert span(start, end, TOKYO) == "09:30–11:00"


def test_missing_times_never_show_none() -> None:
    assert span(None, None, LONDON) == "time not set"
    assert span(at(25, 9), None, LONDON) == "from 09:00"
    assert span(None, at(25, 9), LONDON) == "until 09:00"


def test_dates() -> None:
    assert date_text(dt.date(2026, 3, 25)) == "Wed 25 Mar"
    assert date_text(dt.date(2026, 3, 25), this_year=2026) == "Wed 25 Mar"
    assert date_text(dt.date(2027, 1, 4), this_year=2026) == "Mon 4 Jan 2027"


def test_durations() -> None:
    assert [duration(m) for m in (15, 60, 90, 600, 3 * 24 * 60)] == [
        "15 min",
        "1 h",
        "1 h 30 min",
        "10 h",
        "3 days",
    ]


# --- states and people --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        ("approved", "✅ Approved"),
        ("Requested", "⏳ Requested"),
        ("completed", "✔️ Completed"),
        ("canceled", "🚫 Cancelled"),
        ("declined", "⛔ Declined"),
        ("on hold", "• On hold"),
        (None, None),
        ("  ", None),
    ],
)
def test_status_badges(status: str | None, badge: str | None) -> None:
    assert status_badge(status) == badge


@pytest.mark.parametrize(
    ("category", "label"),
    [
        ("Preventative Maintenance", "🛠 Preventative Maintenance"),
        ("Repair", "🛠 Repair"),
        ("Breakdown", "🛠 Breakdown"),
        ("Training", "Training"),
        ("Use", None),
        (None, None),
    ],
)
def test_categories(category: str | None, label: str | None) -> None:
    assert category_label(category) == label


def test_people_and_money() -> None:
    zoe = Person(id=1, name="Zoë Ångström", email="zoe@example.org")
    assert person_name(zoe) == "Zoë Ångström"
    assert person_link(zoe) == "<mailto:zoe@example.org|Zoë Ångström>"
    assert person_name(Person(id=7)) == "user 7"
    assert person_name(None) == "someone"
    assert person_link(Person(name="<!channel>", email="bad address")) == "&lt;!channel&gt;"
    assert money("12.50", "GBP") == "12.50 GBP"
    assert money("0", "GBP") is None
    assert money(None, None) is None
    assert money("n/a", "GBP") is None


def test_escaping_and_redaction() -> None:
    assert escape("a < b & <!here>") == "a &lt; b &amp; &lt;!here&gt;"
    assert redact_emails("mail zoe.a@uni.ac.uk now") == "mail (email hidden) now"
