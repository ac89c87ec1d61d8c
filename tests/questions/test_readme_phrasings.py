"""The README's command reference only shows phrasings the bot reads, and only kinds of
question it answers (follow-ups read as follow-ups)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answers.answerer import is_question
from bot.digest.commands import is_digest_intent
from bot.questions.followup import follow_up
from bot.questions.intents import Connect, Disconnect, Help, Unknown
from bot.questions.stand_in import stand_in
from bot.questions.timewords import read_when
from bot.questions.words import parse_question

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def examples(start: str, stop: str, *, follow_ups: bool = False) -> list[str]:
    """The backticked examples in the table rows between two headings of the README: those of
    the follow-ups row, or of every other."""
    section = README[README.index(start) : README.index(stop)]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [
        found
        for row in rows[1:]
        if row.startswith("| follow-ups") == follow_ups
        for found in re.findall(r"`([^`]+)`", row)
    ]


QUESTIONS = examples("### Questions in words", "### `cmbot` on the command line")
FOLLOW_UPS = examples("### Questions in words", "### `cmbot` on the command line", follow_ups=True)
WHENS = examples("`WHEN` is written", "### Questions in words")
FIRST = parse_question("is the confocal free at 3?")


def test_every_family_has_examples() -> None:
    assert len(QUESTIONS) >= 25
    assert len(WHENS) >= 40


@pytest.mark.parametrize("text", QUESTIONS)
def test_question_examples_are_understood_and_answered(text: str) -> None:
    intent = parse_question(text)
    assert not isinstance(intent, Unknown | Help)
    assert stand_in(intent) == intent  # answered, not "not switched on yet"
    assert (
        is_question(intent) or is_digest_intent(intent) or isinstance(intent, Connect | Disconnect)
    )


@pytest.mark.parametrize("text", FOLLOW_UPS)
def test_follow_up_examples_carry_the_question_before(text: str) -> None:
    assert len(FOLLOW_UPS) >= 3
    intent = follow_up(FIRST, text)
    assert not isinstance(intent, Unknown | Help)
    assert intent != FIRST


@pytest.mark.parametrize("text", WHENS)
def test_when_examples_are_read(text: str) -> None:
    assert read_when(text) is not None
