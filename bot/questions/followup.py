"""Follow-ups in a thread: "and tomorrow?", "what about the NovaSeq?", "and at 4?".

Given what the thread was about (the previous question's intent) and a new message, the new
intent carries over the instrument, group or lab and the time where the new message leaves
them out. A message that is only a time or a name ("tomorrow?", "the MiSeq?", "and at 4?")
asks the previous question again with it; a question that points back ("is it free at 4?",
"who's on it now?") gets the thread's instrument; a question of its own starts fresh.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from bot.questions.intents import (
    NOW,
    BookedHours,
    Bookings,
    EquipmentFact,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Intent,
    MyHours,
    MyNextBooking,
    NextFree,
    Schedule,
    Unknown,
    Unwatch,
    Watch,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.timewords import DateOrder
from bot.questions.usage import DEFAULT_COMMAND
from bot.questions.when import SPANS, When, problem
from bot.questions.words import (
    NO_VOCABULARY,
    Reading,
    Vocabulary,
    ask_which_date,
    intent_of,
    read,
)
from bot.questions.words.reading import is_content

# Words that open a follow-up and say nothing else: "and", "what about", "same for".
_OPENERS: tuple[tuple[str, ...], ...] = (
    ("and", "what", "about"),
    ("and", "how", "about"),
    ("what", "about"),
    ("how", "about"),
    ("what", "if"),
    ("same", "for"),
    ("same", "on"),
    ("same", "at"),
    ("and", "for"),
    ("and", "also"),
    ("and",),
    ("also",),
    ("or",),
    ("then",),
    ("same",),
    ("but",),
)
_WITH_EQUIPMENT = (Free, Schedule, NextFree, WhoIsOn, BookedHours, EquipmentFact, Watch, Unwatch)
_WITH_WHEN = (Bookings, Schedule, Free, NextFree, BookedHours, MyHours, WhatIsFree)
_NO_DAY: frozenset[str] = frozenset({"now", "later"}) | SPANS
# Words a fragment may have besides its time and names: "the MiSeq then?", "at 4 instead?".
_GLUE = frozenset(
    {"the", "a", "an", "at", "on", "for", "in", "of", "with", "about", "to", "then", "instead",
     "too", "as", "well", "also", "same", "one", "ones", "please", "again", "there", "that",
     "group", "lab", "instrument", "machine", "equipment", "facility", "core"}
)  # fmt: skip


def follow_up(
    previous: Intent,
    text: str,
    vocabulary: Vocabulary = NO_VOCABULARY,
    *,
    command: str = DEFAULT_COMMAND,
    date_order: DateOrder | None = None,
) -> Intent:
    """The intent of `text` asked in a thread whose last question was `previous`."""
    fresh = read(text, vocabulary, command=command, date_order=date_order)
    rest = _without_opener(fresh, vocabulary, command, date_order)
    opened = rest is not fresh
    if rest.choice is not None and rest.when is None:  # "and 4/12?": which date, about the thread
        return ask_which_date(
            rest,
            lambda each: _follow(previous, each, opened=opened),
            text=fresh.cleaned,
            otherwise=intent_of(fresh),
        )
    followed = _follow(previous, rest, opened=opened)
    return intent_of(fresh) if isinstance(followed, Unknown) else followed


def _follow(previous: Intent, rest: Reading, *, opened: bool) -> Intent:
    """A fragment carries the previous question; a question pointing back gets its subject."""
    intent = intent_of(rest)
    if _is_fragment(rest, intent, opened=opened):
        carried = _carry(previous, rest)
        if carried is not None:
            return carried
    subject = _subject(previous)
    if subject is not None and isinstance(intent, Unknown):
        pointed = copy.copy(rest)
        pointed.subject = subject
        again = intent_of(pointed)
        if not isinstance(again, Unknown):
            before = _when(previous)
            if pointed.when is None:
                return _keep_time(again, before)
            return _at(again, merge_when(before, pointed.when)) if before is not None else again
    return intent


def merge_when(old: When, new: When) -> When:
    """The time of a follow-up: what it says, with the rest from the previous question.

    "and tomorrow?" after "free at 3?" is tomorrow at 3; "and at 4?" after "free tomorrow?"
    is tomorrow at 4; a new part of the day drops the old time of day; a week, a month or
    "now" replaces everything.
    """
    if new.day in _NO_DAY or old.day in _NO_DAY:
        return new
    if new.day != "soonest" and new.part is None and new.at is None:
        merged = replace(new, part=old.part, at=old.at, until=old.until)
    elif new.day == "soonest":
        part = new.part if new.part is not None or new.at is not None else old.part
        merged = replace(old, part=part, at=new.at, until=new.until)
    else:
        merged = new
    return merged if problem(merged) is None else new


def _subject(intent: Intent) -> str | None:
    """The instrument a thread is about."""
    if isinstance(intent, _WITH_EQUIPMENT):
        return intent.equipment
    if isinstance(intent, EquipmentSearch):
        return intent.query
    return None


def _when(intent: Intent) -> When | None:
    return intent.when if isinstance(intent, _WITH_WHEN) else None


def _without_opener(
    r: Reading, vocabulary: Vocabulary, command: str, date_order: DateOrder | None
) -> Reading:
    """The message without "and", "what about", … at its start, read again."""
    words = [word for word, filler in zip(r.words, r.filler, strict=True) if not filler]
    keys = tuple(word.key for word in words)
    for opener in _OPENERS:
        if keys[: len(opener)] == opener and len(keys) > len(opener):
            text = " ".join(word.raw for word in words[len(opener) :])
            return read(text, vocabulary, command=command, date_order=date_order)
    return r


def _is_fragment(r: Reading, intent: Intent, *, opened: bool) -> bool:
    """Only a time and/or a name, no question of its own: "tomorrow?", "the MiSeq at 4?",
    "what about the imaging group?" (after an opener, naming a group or an instrument is all
    it does); "who's on it now?" asks a question of its own."""
    asks = any(
        r.usable[i] and not is_content(key) and key not in _GLUE for i, key in enumerate(r.keys)
    )
    if asks:
        return False
    if opened and isinstance(intent, EquipmentSearch | GroupDetail | Groups):
        return True
    if not isinstance(intent, Unknown):
        return False
    loose = r.index.example is None or opened  # without names to go by, any noun phrase
    named = bool(r.names) or r.heuristic_phrase(after_the_only=not loose) is not None
    return r.when is not None or named


def _carry(previous: Intent, r: Reading) -> Intent | None:
    """The previous question asked again with what the fragment says."""
    equipment = r.phrase_of("equipment") or r.heuristic_phrase()
    group = r.phrase_of("group") or (r.group_phrase() if r.has("group") else None)
    lab = r.phrase_of("lab") or r.lab_before_word()
    if group is not None or lab is not None:
        equipment = None
    asked = _about(previous, equipment, group, lab)
    if asked is None or r.when is None:
        return asked
    before = _when(previous)
    return _at(asked, merge_when(before, r.when) if before is not None else r.when)


def _about(
    previous: Intent, equipment: str | None, group: str | None, lab: str | None
) -> Intent | None:
    """`previous` about the instrument, group or lab named instead (itself if none is)."""
    when = _when(previous)
    if equipment is None and group is None and lab is None:
        timed = when is not None or isinstance(previous, WhoIsOn | MyNextBooking)
        return previous if timed else None
    if equipment is not None:
        if isinstance(previous, _WITH_EQUIPMENT):
            return replace(previous, equipment=equipment)
        if isinstance(previous, EquipmentSearch):
            return EquipmentSearch(equipment)
        if isinstance(previous, WhatIsFree):
            return Free(equipment, previous.when)
        if isinstance(previous, Bookings | MyHours | MyNextBooking):
            return Schedule(equipment, when or When())
        return None
    if isinstance(previous, Free | NextFree | WhatIsFree):
        return WhatIsFree(when or NOW, group, lab)
    if isinstance(previous, Groups | GroupDetail):
        return GroupDetail(group) if group is not None else Groups(lab)
    return None


def _at(intent: Intent, when: When) -> Intent:
    """`intent` at the time a follow-up names."""
    if isinstance(intent, _WITH_WHEN):
        return replace(intent, when=when)
    if isinstance(intent, WhoIsOn) and when.day != "now":
        return Schedule(intent.equipment, when)
    if isinstance(intent, MyNextBooking):
        return Bookings(when)
    return intent


def _keep_time(intent: Intent, before: When | None) -> Intent:
    """A question pointing back ("who has it booked?") at the thread's time, when it says
    none and asks about a span of time (not "next free", which is from now)."""
    if before is None or isinstance(intent, NextFree):
        return intent
    if isinstance(intent, WhoIsOn):
        return intent if before.day == "now" else Schedule(intent.equipment, before)
    return replace(intent, when=before) if isinstance(intent, _WITH_WHEN) else intent
