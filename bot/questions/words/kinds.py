"""Kinds of question as a table: the phrasings that ask each one, and the intent it becomes.

A row is a kind of question: its cues (phrasings, as words in order; "…" skips up to three
words) and how to build its intent from the reading. The first row with a cue in the question
that can build its intent wins. A new phrasing of a kind is a new cue in its row; a new kind is
a new row. Cues are matched against the question's words with the named instrument, group or
lab taken out: "who looks after the NovaSeq" is read as "who looks after the".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.questions.intents import (
    NOW,
    BookedHours,
    EquipmentFact,
    Fact,
    Intent,
    MyHours,
    MyNextBooking,
    NextFree,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.when import When
from bot.questions.words.lexicon import FIRST_PERSON, FREE_WORDS, LAB_WORDS
from bot.questions.words.reading import Reading, cue_match, is_content
from bot.questions.words.text import phrase

Build = Callable[[Reading, frozenset[str]], Intent | None]


@dataclass(frozen=True)
class Kind:
    """One kind of question: the phrasings that ask it and how its intent is built (the
    builder gets the cue's words, to keep them out of the instrument's name)."""

    name: str
    cues: tuple[tuple[str, ...], ...]
    build: Build


def _cues(*phrasings: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(text.split()) for text in phrasings)


def _fact(fact: Fact) -> Build:
    def build(r: Reading, ignoring: frozenset[str]) -> Intent | None:
        name = r.equipment(ignoring=ignoring)
        return EquipmentFact(name, fact) if name else None

    return build


def _who_is_on(r: Reading, ignoring: frozenset[str]) -> Intent | None:
    """Who holds it now; asked about another time, it is that time's schedule instead."""
    if r.when is not None and r.when.day != "now":
        return None
    name = r.equipment(ignoring=ignoring)
    return WhoIsOn(name) if name else None


def _next_free(r: Reading, ignoring: frozenset[str]) -> Intent | None:
    name = r.equipment(ignoring=ignoring)
    return NextFree(name, r.when or NOW, r.minutes) if name else None


def _hours(r: Reading, ignoring: frozenset[str]) -> Intent | None:
    """Hours booked: the user's own when they are in the question, else the instrument's."""
    if "equipment" not in r.names and r.has_any(FIRST_PERSON):
        return MyHours(r.when or When(day="this_week"))
    name = r.equipment(ignoring=ignoring)
    return BookedHours(name, r.when_or_today()) if name else None


def _my_next(r: Reading, _: frozenset[str]) -> Intent | None:
    return MyNextBooking() if "equipment" not in r.names else None


def _what_is_free(r: Reading, ignoring: frozenset[str]) -> Intent | None:
    """Free across everything, or within the group or lab named ("in imaging")."""
    if "equipment" in r.names:
        return None
    group, lab = r.phrase_of("group"), r.phrase_of("lab")
    if group is None and lab is None:
        scope = _scope_after(r, ignoring)
        named = r.heuristic_span(ignoring=ignoring)
        if named is not None and _names_one(r, named, scope):
            return None  # "which slots are free on the cryostat": one instrument's
        scope_words = None if scope is None else phrase(r.words[scope[0] : scope[1]])
        if scope_words is not None and scope_words.casefold().split()[-1] in LAB_WORDS:
            lab = scope_words
        else:
            group = scope_words
    return WhatIsFree(r.when or NOW, group, lab)


def _free_in_scope(r: Reading, _: frozenset[str]) -> Intent | None:
    """ "is the mass spec free?" where the mass spec is a group: what is free in it."""
    named = r.phrase_of("group") or r.phrase_of("lab")
    if named is None or "equipment" in r.names or not r.has_any(FREE_WORDS - {"use"}):
        return None
    return WhatIsFree(r.when or NOW, r.phrase_of("group"), r.phrase_of("lab"))


def _names_one(r: Reading, named: tuple[int, int], scope: tuple[int, int] | None) -> bool:
    """Whether the noun phrase names one instrument: not the group or lab after "in", nor
    the kind of thing asked about ("which microscopes are free")."""
    inside = scope is not None and scope[0] <= named[0] < scope[1]
    return not inside and r.before(named[0]) not in ("which", "what", "any")


def _scope_after(r: Reading, ignoring: frozenset[str]) -> tuple[int, int] | None:
    """Where the words after "in" are ("anything free in imaging"), when no vocabulary name
    them."""
    for i, key in enumerate(r.keys):
        if key not in ("in", "within", "across", "among"):
            continue
        start = i + 1
        while start < len(r.words) and r.keys[start] in ("the", "a", "our", "my"):
            start += 1
        end = start
        while (
            end < len(r.words)
            and r.usable[end]
            and r.keys[end] not in ignoring
            and (is_content(r.keys[end]) or r.keys[end] in LAB_WORDS)
        ):
            end += 1
        if end > start:
            return start, end
    return None


KINDS: tuple[Kind, ...] = (
    Kind(
        "contact",
        _cues(
            "who looks after", "who is looking after", "who is responsible for",
            "responsible for", "who manages", "who maintains", "who is in charge of",
            "in charge of", "contact for", "contact person", "who is the contact",
            "who do i ask about", "who should i ask about", "who can i ask about",
            "who to ask about", "who do i talk to about", "who to contact", "who do i contact",
            "who owns", "owner of", "manager of", "who runs", "who is the manager",
            "who is the owner", "who takes care of", "who administers", "who supervises",
            "admin for", "admin of", "administrator", "superuser", "technician for",
            "who is the technician", "who is the expert on",
        ),
        _fact("contact"),
    ),
    Kind(
        "room",
        _cues(
            "where is", "where are", "where can i find", "where do we keep", "where do i find",
            "where is … kept", "where is … located", "which room", "what room", "location of",
            "located", "where to find", "whereabouts", "how do i find",
        ),
        _fact("room"),
    ),
    Kind(
        "group of",
        _cues(
            "which group", "what group", "in which group", "group is … in", "belong to",
            "belongs to", "part of which group", "which category", "what category",
        ),
        _fact("group"),
    ),
    Kind(
        "hours",
        _cues(
            "how many hours", "how much time", "how long … booked", "how long … reserved",
            "hours booked", "hours … booked", "total hours", "number of hours", "how busy",
            "my hours", "hours have i", "hours did i", "how many hours … used",
        ),
        _hours,
    ),
    Kind(
        "my next booking",
        _cues(
            "my next booking", "my next reservation", "next booking", "next reservation",
            "my next slot", "when am i next", "what is next for me", "what have i got next",
            "what do i have next", "my next session", "when is my next",
        ),
        _my_next,
    ),
    Kind(
        "next free",
        _cues(
            "next free", "next available", "next availability", "next opening", "next slot",
            "next gap", "next time", "earliest", "soonest", "first free", "first available",
            "first opening", "when can i use", "when could i use", "when can we use",
            "when can i get on", "when can i get", "when will … be free",
            "when will … be available", "when will … free up", "when does … free up",
            "when does … become free", "when does … become available", "free up", "frees up",
            "become free", "becomes free", "free again", "available again", "how long until",
            "how long till", "when is … free next", "when is … available next",
        ),
        _next_free,
    ),
    Kind(
        "who is on",
        _cues(
            "who is on", "who is using", "who has", "who has got", "who is got", "who got",
            "who is in", "who is at", "anyone on", "anyone using", "anybody using",
            "anybody on", "someone using", "someone on", "in use", "being used", "busy",
            "occupied", "taken", "doing",
        ),
        _who_is_on,
    ),
    Kind(
        "what is free",
        _cues(
            "what is free", "what is available", "what is open", "what is not booked",
            "what is unbooked", "anything free", "anything available", "anything open",
            "which equipment is free", "what equipment is free", "which equipment is available",
            "what equipment is available", "which instruments are free",
            "what instruments are free", "which instruments are available",
            "what instruments are available", "which machines are free", "free equipment",
            "free instruments", "available equipment", "available instruments",
            "what can i use now", "what is not in use", "what is idle", "which … are free",
            "which … is free", "what … are free", "which … are available", "everything free",
            "is there anything free", "what is free in", "anything i can use",
            "anything we can use", "what can we use",
        ),
        _what_is_free,
    ),
    Kind("free in a group or lab", (), _free_in_scope),
)  # fmt: skip


def kind_of(r: Reading) -> Intent | None:
    """The intent of the first kind whose cue is in the question and that can be built."""
    keys = r.cue_keys
    for kind in KINDS:
        matched = [cue for cue in kind.cues if cue_match(keys, cue)]
        if kind.cues and not matched:
            continue
        ignoring = frozenset(word for cue in matched for word in cue)
        intent = kind.build(r, ignoring)
        if intent is not None:
            return intent
    return None
