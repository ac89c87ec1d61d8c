"""Help that teaches: for words the rules cannot place, the two closest questions they can.

The questions are built from what the user said (the instrument, group or time they named, or
the vocabulary name nearest a word they typed) into templates of the kinds of question, ranked
by the cue words the user used and by how alike the texts are. Each comes as an `Option`, so
the answer can offer them as buttons as well as words.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.questions.intents import Option, Unknown
from bot.questions.when import When
from bot.questions.words.lexicon import (
    DETAIL_WORDS,
    FIRST_PERSON,
    FREE_WORDS,
    GROUP_WORDS,
    SCHEDULE_WORDS,
)
from bot.questions.words.reading import Reading, is_content

_NEAR_NAME = 70.0  # how alike a typed word and a vocabulary name must be to stand for it


@dataclass(frozen=True)
class _Template:
    """One kind of question, as words with the user's own pieces in them."""

    cues: frozenset[str]  # words that make the user likely to mean this kind
    text: str  # with {name}, {when}, {group}


_TEMPLATES = (
    _Template(FREE_WORDS | {"can", "when"}, "is the {name} free {when}?"),
    _Template(FIRST_PERSON | {"booked", "bookings"}, "my bookings {when}"),
    _Template(SCHEDULE_WORDS | {"on"}, "what's booked on the {name} {when}?"),
    _Template(
        frozenset({"next", "soon", "earliest", "long", "until"}), "when is the {name} next free?"
    ),
    _Template(frozenset({"who", "using", "now", "anyone"}), "who is on the {name} now?"),
    _Template(DETAIL_WORDS | {"room", "located", "where"}, "where is the {name}?"),
    _Template(frozenset({"anything", "everything", "what"}), "what's free {when}?"),
    _Template(GROUP_WORDS, "what's in the {group} group?"),
    _Template(
        frozenset({"hours", "many", "much", "busy"}),
        "how many hours is the {name} booked {when}?",
    ),
)


def said(when: When) -> str:
    """Words for `when` that read back as the same WHEN, for example questions."""
    if when.day != "date" or when.date is None:
        return when.describe()
    words = [when.date.isoformat()]
    if when.part is not None:
        words.append(when.part)
    if when.at is not None and when.until is not None:
        words.append(f"from {when.at:%H:%M} to {when.until:%H:%M}")
    elif when.at is not None:
        words.append(f"at {when.at:%H:%M}")
    return " ".join(words)


def suggest(r: Reading, texts: list[str], *, lead: str = "Try:") -> Unknown:
    """`Unknown` suggesting `texts` ("Try: A or B"), each also an option when the reading's
    `reask` reads it as an answerable question."""
    options: list[Option] = []
    for text in texts:
        intent = r.reask(text) if r.reask is not None else None
        if intent is not None and not isinstance(intent, Unknown):
            options.append(Option(text, intent))
    return Unknown(r.cleaned, f"{lead} {' or '.join(texts)}", tuple(options))


def try_equipment(r: Reading, name: str) -> Unknown:
    """An instrument named and nothing asked about it: its two commonest questions."""
    when = said(r.when_or_today())
    return suggest(r, [f"is the {name} free {when}?", f"what's booked on the {name} {when}?"])


def closest(r: Reading) -> Unknown:
    """The two questions closest to words no rule could place, built from the user's words."""
    name = _name_for(r)
    theirs = name != r.example_equipment()
    group = r.phrase_of("group") or (r.index.groups[0] if r.index.groups else "Imaging")
    when = said(r.when_or_today())
    cues = set(r.cue_keys)

    def closeness(template: _Template) -> tuple[int, float]:
        """More of the user's cue words first (an instrument of theirs counts as one); among
        those, the more alike text."""
        shared = len(template.cues & cues) + (theirs and "{name}" in template.text)
        alike = fuzz.WRatio(r.cleaned, template.text, processor=utils.default_process)
        return -shared, -alike if shared else 0.0

    ranked = sorted(_TEMPLATES, key=closeness)
    texts: list[str] = []
    for template in ranked:
        text = " ".join(template.text.format(name=name, when=when, group=group).split())
        text = text.replace(" ?", "?")
        if text not in texts:
            texts.append(text)
        if len(texts) == 2:
            break
    return suggest(r, texts)


def _name_for(r: Reading) -> str:
    """The instrument to build examples on: one the user named, else the vocabulary's name
    nearest a word they typed, else the vocabulary's first; without a vocabulary, their words."""
    named = r.phrase_of("equipment")
    if named is not None:
        return named
    if r.index.example is None:
        return r.heuristic_phrase(after_the_only=True) or r.example_equipment()
    typed = [r.keys[i] for i in range(len(r.keys)) if r.usable[i] and is_content(r.keys[i])]
    if typed and r.index.equipment:
        found = process.extractOne(
            " ".join(typed),
            r.index.equipment,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=_NEAR_NAME,
        )
        if found is not None:
            return str(found[0])
    return r.example_equipment()
