"""The phrasing table (phrasings.py): every row gives its intent at fixed clocks (mid-morning,
19:00, 23:30 and a Sunday) in two zones far from UTC, and its time resolves to a real window
that has not already ended where the words mean "the next one". And any text at all gets an
answer or a question back, never an exception."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phrasings import FAMILIES, LAB_VOCABULARY, PHRASINGS

from bot.questions.followup import follow_up
from bot.questions.intents import Clarify, Free, Intent, Unknown
from bot.questions.understood import understood
from bot.questions.when import When, resolve
from bot.questions.words import parse_question

ZONES = [ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/Adak")]
CLOCKS = [
    (dt.date(2026, 3, 25), dt.time(10)),  # a Wednesday morning
    (dt.date(2026, 3, 25), dt.time(19)),  # late: "at 3" is tomorrow's
    (dt.date(2026, 3, 25), dt.time(23, 30)),
    (dt.date(2026, 3, 29), dt.time(12)),  # a Sunday
]
FORWARD = ("soonest", "weekday", "next_weekday", "tomorrow", "later")


def without_options(intent: Intent) -> Intent:
    return replace(intent, options=()) if isinstance(intent, Unknown) else intent


def test_the_table_is_large_and_every_family_is_there() -> None:
    assert len(PHRASINGS) >= 300
    assert len({text for text, _ in PHRASINGS}) == len(PHRASINGS)
    assert all(len(rows) >= 5 for rows in FAMILIES.values())


@pytest.mark.parametrize(("text", "intent"), PHRASINGS)
def test_phrasing(text: str, intent: Intent) -> None:
    assert without_options(parse_question(text, LAB_VOCABULARY)) == intent


def _whens(intent: Intent) -> list[When]:
    if isinstance(intent, Clarify):
        return [when for option in intent.options for when in _whens(option.intent)]
    when = getattr(intent, "when", None)
    return [when] if isinstance(when, When) else []


@pytest.mark.parametrize("zone", ZONES, ids=str)
@pytest.mark.parametrize("clock", CLOCKS, ids=lambda clock: f"{clock[0]:%a} {clock[1]:%H:%M}")
def test_the_table_at_a_fixed_clock(zone: ZoneInfo, clock: tuple[dt.date, dt.time]) -> None:
    now = dt.datetime.combine(*clock, tzinfo=zone)
    today = now.date()
    wrong: list[str] = []
    with time_machine.travel(now, tick=False):
        for text, expected in PHRASINGS:
            intent = parse_question(text, LAB_VOCABULARY)
            if without_options(intent) != expected:
                wrong.append(f"{text!r}: {intent}")
                continue
            for when in _whens(intent):
                window = resolve(when, zone, now)
                if not window.start < window.end:
                    wrong.append(f"{text!r}: empty window {window}")
                if when.day in FORWARD and window.end <= now:
                    wrong.append(f"{text!r}: {window.label} is over at {now:%a %H:%M}")
                if when.day == "last_weekday" and window.start.date() >= today:
                    wrong.append(f"{text!r}: {window.label} is not in the past")
                if not understood(when, zone, now):
                    wrong.append(f"{text!r}: nothing said back")
    assert not wrong, "\n".join(wrong)


def test_at_3_late_in_the_evening_is_tomorrow_afternoon() -> None:
    """The issue's own example: asked at 19:00, "at 3" answers for tomorrow 15:00."""
    for zone in ZONES:
        now = dt.datetime(2026, 3, 25, 19, tzinfo=zone)
        intent = parse_question("is the krios free at 3?", LAB_VOCABULARY)
        assert isinstance(intent, Free)
        assert understood(intent.when, zone, now) == "Tomorrow 15:00–16:00"
        window = resolve(intent.when, zone, now)
        assert window.start == dt.datetime(2026, 3, 26, 15, tzinfo=zone)


# --- any text ------------------------------------------------------------------------------

INTENT_TYPES = Intent.__args__
PIECES = [
    "is", "the", "krios", "free", "at", "3", "next", "last", "friday", "4", "dec", "4/12",
    "25/12/2026", "this", "weekend", "month", "in", "2", "hours", "tonight", "between", "and",
    "from", "to", "after", "half", "past", "who", "where", "how", "many", "my", "booking",
    "remind", "watch", "me", "what", "about", "it", "group", "light", "microscopy", "lab",
    "<@U1>", "🎉", "25:00", "13pm", "o'clock", "?", "-", "for", "minutes", "the 4th",
]  # fmt: skip
TEXTS = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=14).map(" ".join),
)
ANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answers_or_asks(intent: Intent) -> bool:
    """An answer, or a question back with something to say or to pick."""
    if isinstance(intent, Unknown):
        return bool(intent.suggestion)
    if isinstance(intent, Clarify):
        return bool(intent.question and intent.options)
    return isinstance(intent, INTENT_TYPES)


@ANY
@given(TEXTS, st.sampled_from([None, "DMY", "MDY"]))
def test_any_text_gets_an_answer_or_a_question_back(text: str, order: str | None) -> None:
    intent = parse_question(text, LAB_VOCABULARY, date_order=order)  # type: ignore[arg-type]
    assert answers_or_asks(intent), intent


@ANY
@given(TEXTS, st.sampled_from([row[1] for row in PHRASINGS]))
def test_any_follow_up_gets_an_answer_or_a_question_back(text: str, previous: Intent) -> None:
    assert answers_or_asks(follow_up(previous, text, LAB_VOCABULARY)), (previous, text)
