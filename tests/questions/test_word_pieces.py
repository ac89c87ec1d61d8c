"""The pieces of the words parser, each on its own: words, names in a sentence, time words
in a sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from test_question_words import VOCABULARY

from bot.questions.timewords import DateChoice
from bot.questions.when import When
from bot.questions.words import read
from bot.questions.words.names import NameKind
from bot.questions.words.text import split_words
from bot.questions.words.times import find_time

# --- words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("what's free?", ["what", "is", "free"]),
        ("who's on it", ["who", "is", "on", "it"]),
        ("isn't it free", ["is", "not", "it", "free"]),
        ("I'm off", ["i", "am", "off"]),
        ("Zoë's spectrophotometer", ["zoe", "spectrophotometer"]),
        ("at 7.30pm", ["at", "7:30pm"]),
        ("Dec. 4th,", ["dec", "4th"]),
        ("4/12 at 3", ["4/12", "at", "3"]),
        ("3 o'clock", ["3", "o'clock"]),
        ("Bio-Rad CFX96", ["bio-rad", "cfx96"]),
        ("/cm free novaseq", ["free", "novaseq"]),
        ("see https://example.org now", ["see", "now"]),
    ],
)
def test_words(text: str, keys: list[str]) -> None:
    assert [word.key for word in split_words(text)] == keys


def test_a_pasted_log_keeps_both_ends() -> None:
    words = split_words("start " + "filler " * 500 + "end")
    assert words[0].key == "start" and words[-1].key == "end"
    assert len(words) == 300


# --- names in a sentence -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "phrase"),
    [
        ("is the novaseq free", "equipment", "novaseq"),
        ("is the nova seq free", "equipment", "nova seq"),
        ("is the confocl free tomorrow", "equipment", "confocl"),
        ("zoe's spectrophotometer", "equipment", "zoe's spectrophotometer"),
        ("the NanoDrop One at 3", "equipment", "NanoDrop One"),
        ("ultra centrifudge schedule", "equipment", "ultra centrifudge"),
        ("what's in the imaging group", "group", "imaging"),
        ("anything free in flow cytometry", "group", "flow cytometry"),
        ("groups of the structural biology lab", "lab", "structural biology lab"),
        ("hudson valley biolabs", "lab", "hudson valley biolabs"),
    ],
)
def test_names_found_in_a_sentence(text: str, kind: NameKind, phrase: str) -> None:
    assert read(text, VOCABULARY).phrase_of(kind) == phrase


@pytest.mark.parametrize(
    "text", ["is it free", "what's the weather", "free at 3", "my bookings", "the one"]
)
def test_no_name_where_there_is_none(text: str) -> None:
    assert read(text, VOCABULARY).names == {}


# --- time words in a sentence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when", "minutes"),
    [
        ("is the novaseq free tomorrow at 3?", When("tomorrow", at=dt.time(15)), None),
        ("tomorrow afternoon is the novaseq free", When("tomorrow", part="afternoon"), None),
        ("is the centrifuge 5 free", None, None),  # "5" of a name is no time
        ("free for 2 hours on friday", When("weekday", weekday=4), 120),
        ("next free slot for an hour", None, 60),
        ("in 2 hours", When("later", minutes=120), None),
        ("today or tomorrow", When(), None),  # the first one said
        (
            "on the 4th of july at noon",
            When("month_day", month=7, day_of_month=4, at=dt.time(12)),
            None,
        ),
        ("may I use the confocal", None, None),  # "may" is no month here
        (
            "is it free from 2 to 4 on friday",
            When("weekday", weekday=4, at=dt.time(14), until=dt.time(16)),
            None,
        ),
    ],
)
def test_time_in_a_sentence(text: str, when: When | None, minutes: int | None) -> None:
    keys = [word.key for word in split_words(text)]
    found = find_time(keys, [False] * len(keys), "DMY")
    assert (found.when, found.minutes) == (when, minutes)
    assert not found.bad


@pytest.mark.parametrize(
    "text", ["free at 25:00", "free at 13pm", "on the 45th", "in december", "in a fortnight"]
)
def test_times_it_cannot_read_are_flagged(text: str) -> None:
    keys = [word.key for word in split_words(text)]
    assert find_time(keys, [False] * len(keys), None).bad


def test_a_date_that_reads_two_ways_is_a_choice() -> None:
    keys = [word.key for word in split_words("free on 4/12 at 3")]
    found = find_time(keys, [False] * len(keys), None)
    assert found.when is None
    assert isinstance(found.choice, DateChoice)
    assert found.used == frozenset({1, 2, 3, 4})


def test_words_of_a_name_are_not_time_words() -> None:
    reading = read("is the NanoDrop One free", VOCABULARY)
    assert reading.when is None
    assert reading.phrase_of("equipment") == "NanoDrop One"
