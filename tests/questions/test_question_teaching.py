"""Help that teaches: words the bot cannot place get the two closest questions it can answer,
built from the user's own words and names, each also a button (an option that parses)."""

from __future__ import annotations

import pytest
from test_question_words import VOCABULARY

from bot.questions.intents import (
    BookedHours,
    Bookings,
    Free,
    Intent,
    Option,
    Schedule,
    Unknown,
)
from bot.questions.when import When
from bot.questions.words import Vocabulary, parse_question

TEACHING: list[tuple[str, list[str]]] = [
    # nothing of theirs: the commonest questions, on an instrument they can see
    ("asdf qwerty", ["is the Illumina NovaSeq 6000 free today?", "my bookings today"]),
    # a word close to one of their instruments: their word for it
    ("novaseqq pls", ["is the novaseqq free today?", "what's booked on the novaseqq today?"]),
    ("the novasek thing", ["is the novasek free today?", "what's booked on the novasek today?"]),
    # their time, kept
    ("blah blah friday", ["is the Illumina NovaSeq 6000 free Friday?", "my bookings Friday"]),
    # an instrument named and nothing asked: its two commonest questions
    ("the miseq tomorrow", ["is the miseq free tomorrow?", "what's booked on the miseq tomorrow?"]),
    (
        "Zeiss LSM 980 Confocal",
        [
            "is the Zeiss LSM 980 Confocal free today?",
            "what's booked on the Zeiss LSM 980 Confocal today?",
        ],
    ),
]


@pytest.mark.parametrize(("text", "questions"), TEACHING)
def test_the_two_closest_questions(text: str, questions: list[str]) -> None:
    intent = parse_question(text, VOCABULARY)
    assert isinstance(intent, Unknown)
    assert intent.suggestion == "Try: " + " or ".join(questions)
    assert [option.label for option in intent.options] == questions


@pytest.mark.parametrize(
    "text",
    ["asdf", "what's the weather like", "tell me a joke", "zzz tomorrow", "blorp the miseq",
     "purple monkey dishwasher", "?!", "novaseqq", "lol at 3", "the imaging"],
)  # fmt: skip
def test_every_offered_question_is_one_the_bot_answers(text: str) -> None:
    intent = parse_question(text, VOCABULARY)
    if not isinstance(intent, Unknown):
        return
    assert intent.options, intent
    for option in intent.options:
        assert not isinstance(option.intent, Unknown)
        assert parse_question(option.label, VOCABULARY) == option.intent


def test_options_carry_the_intents_of_the_questions() -> None:
    intent = parse_question("the miseq tomorrow", VOCABULARY)
    assert isinstance(intent, Unknown)
    tomorrow = When(day="tomorrow")
    assert intent.options == (
        Option("is the miseq free tomorrow?", Free("miseq", tomorrow)),
        Option("what's booked on the miseq tomorrow?", Schedule("miseq", tomorrow)),
    )


@pytest.mark.parametrize(
    ("vocabulary", "expected"),
    [
        (Vocabulary(equipment=("Cryo-EM Krios",)), "is the Cryo-EM Krios free today?"),
        (Vocabulary(), "is the NovaSeq free today?"),
    ],
)
def test_examples_use_the_users_own_instruments(vocabulary: Vocabulary, expected: str) -> None:
    intent = parse_question("xyzzy", vocabulary)
    assert isinstance(intent, Unknown)
    assert intent.suggestion is not None and expected in intent.suggestion


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("hours blorp", BookedHours("Illumina NovaSeq 6000", When())),
        ("zorp mine", Bookings(When())),
    ],
)
def test_cue_words_pick_the_kind_of_example(text: str, first: Intent) -> None:
    intent = parse_question(text, VOCABULARY)
    assert isinstance(intent, Unknown)
    assert intent.options[0].intent == first
