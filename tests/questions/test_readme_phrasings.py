"""The README's command reference only shows phrasings the bot reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.questions.intents import Unknown
from bot.questions.timewords import read_when
from bot.questions.words import parse_question

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def examples(start: str, stop: str) -> list[str]:
    """The backticked examples in the table rows between two headings of the README."""
    section = README[README.index(start) : README.index(stop)]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [found for row in rows[1:] for found in re.findall(r"`([^`]+)`", row)]


QUESTIONS = examples("### Questions in words", "### `cmbot` on the command line")
WHENS = examples("`WHEN` is written", "### Questions in words")


def test_every_family_has_examples() -> None:
    assert len(QUESTIONS) >= 25
    assert len(WHENS) >= 40


@pytest.mark.parametrize("text", QUESTIONS)
def test_question_examples_are_understood(text: str) -> None:
    assert not isinstance(parse_question(text), Unknown)


@pytest.mark.parametrize("text", WHENS)
def test_when_examples_are_read(text: str) -> None:
    assert read_when(text) is not None
