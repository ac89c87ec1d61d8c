"""Properties: no text breaks the parsers, and every resolved window is a real span of time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.questions.commands import Intent, Unknown, parse_command
from bot.questions.matching import Candidate, match_name
from bot.questions.timewords import parse_when
from bot.questions.when import When, resolve

ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "Australia/Lord_Howe",  # a 30-minute DST shift
        "America/Santiago",  # DST changes at midnight: some days start at 01:00
        "America/Havana",  # likewise
        "Pacific/Apia",  # skipped 30 December 2011 entirely
        "Asia/Kolkata",
    )
]
WORDS = [
    "now", "today", "tonight", "tomorrow", "yesterday", "friday", "sun", "this", "next", "week",
    "morning", "afternoon", "evening", "night", "at", "from", "to", "between", "and", "3pm",
    "15:00", "2", "4pm", "noon", "-", "2026-03-29", "on", "in", "the", "am", "pm", "12",
]  # fmt: skip
VERBS = [
    "help", "bookings", "schedule", "free", "digest", "on", "off", "channel", "group", "groups",
    "equipment", "me", "labs", "connect", "/cm", "“", "'", "`", "25:00", "8am", "Smith",
]  # fmt: skip
INTENT_TYPES = Intent.__args__
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(st.text())
def test_parse_command_never_raises(text: str) -> None:
    assert isinstance(parse_command(text), INTENT_TYPES)


@FAST
@given(st.lists(st.sampled_from(VERBS + WORDS), max_size=8).map(" ".join))
def test_parse_command_never_raises_on_near_commands(text: str) -> None:
    intent = parse_command(text)
    assert isinstance(intent, INTENT_TYPES)
    if isinstance(intent, Unknown):
        assert intent.suggestion is None or intent.suggestion.startswith(("Did you", "`", "Times"))


@FAST
@given(st.text())
def test_parse_when_never_raises(text: str) -> None:
    assert parse_when(text) is None or isinstance(parse_when(text), When)


@FAST
@given(
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    st.sampled_from(ZONES),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 12, 31)),
)
def test_parsed_words_always_resolve_to_a_real_window(
    text: str, tz: ZoneInfo, now: dt.datetime
) -> None:
    when = parse_when(text)
    if when is not None:
        window = resolve(when, tz, now.replace(tzinfo=dt.UTC))
        assert window.start.astimezone(dt.UTC) < window.end.astimezone(dt.UTC)
        assert window.days()


WHENS = st.one_of(
    st.builds(
        When,
        day=st.sampled_from(["now", "today", "tomorrow", "yesterday", "this_week", "next_week"]),
    ),
    st.builds(When, day=st.just("weekday"), weekday=st.integers(0, 6)),
    st.builds(
        When,
        day=st.sampled_from(["today", "tomorrow", "date"]),
        date=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
        part=st.sampled_from([None, "morning", "afternoon", "evening", "night"]),
    ),
    st.builds(
        When,
        day=st.just("date"),
        date=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
        part=st.sampled_from([None, "night"]),
        at=st.times(),
        until=st.one_of(st.none(), st.times()),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    WHENS,
    st.sampled_from(ZONES),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 12, 31)),
)
def test_resolve_always_gives_start_before_end(when: When, tz: ZoneInfo, now: dt.datetime) -> None:
    window = resolve(when, tz, now.replace(tzinfo=dt.UTC))
    assert window.start.astimezone(dt.UTC) < window.end.astimezone(dt.UTC)
    assert window.start.tzinfo is tz
    assert window.end.tzinfo is tz
    assert window.label


def test_the_day_samoa_skipped_still_resolves() -> None:
    apia = ZoneInfo("Pacific/Apia")
    when = When(day="date", date=dt.date(2011, 12, 30))
    window = resolve(when, apia, dt.datetime(2011, 12, 1, tzinfo=dt.UTC))
    assert window.start.astimezone(dt.UTC) < window.end.astimezone(dt.UTC)


@FAST
@given(st.text(), st.lists(st.text(max_size=30), max_size=8))
def test_match_name_never_raises(query: str, names: list[str]) -> None:
    candidates = [Candidate(i, name, None, name) for i, name in enumerate(names)]
    match = match_name(query, candidates)
    assert match.kind in ("exact", "one", "ambiguous", "none")
    assert all(c in candidates for c in match.chosen + match.suggestions)
