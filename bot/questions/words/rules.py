"""Rules for questions about equipment, groups, labs and the user's bookings.

Each rule is a function of a `Reading` that returns an intent, or None to let the next rule
try; `__init__.py` lists them in the order they are tried. The newer kinds of question (what is
free, who is on, where is…) are rows of the table in `kinds.py`, tried before these.
"""

from __future__ import annotations

from bot.questions.intents import (
    NOW,
    Bookings,
    EquipmentFact,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Intent,
    Labs,
    Schedule,
    Unknown,
    WhatIsFree,
)
from bot.questions.when import When
from bot.questions.words.lexicon import (
    BOOKING_NOUNS,
    DETAIL_WORDS,
    EQUIPMENT_WORDS,
    FILLER,
    FIRST_PERSON,
    FREE_WORDS,
    GROUP_WORDS,
    LAB_WORDS,
    MY_DAY_WORDS,
    NEXT_WORDS,
    SCHEDULE_WORDS,
    SPARE_WORDS,
)
from bot.questions.words.reading import Reading
from bot.questions.words.teach import said, suggest, try_equipment

TIME_HELP = (
    "I read times like today, tomorrow, next friday, 4 Dec, this weekend, in 2 hours,"
    " at 3pm, at 15:00 or from 2 to 4."
)
PRONOUNS = frozenset({"it", "that", "one"})


def other_user(r: Reading) -> Intent | None:
    if not any(r.mention) or r.equipment() is not None:
        return None
    if r.has_any(SCHEDULE_WORDS) or r.has_any(FREE_WORDS):
        return Unknown(
            r.cleaned,
            "I can only show your own bookings. To see who has an instrument, try:"
            f" who has the {r.example_equipment()} {said(r.when_or_today())}?",
        )
    return None


def bad_time(r: Reading) -> Intent | None:
    """ "at 25:00", "13pm": say which times are understood rather than guess."""
    if not r.bad_time:
        return None
    name = r.equipment() or r.example_equipment()
    return Unknown(r.cleaned, f"{TIME_HELP} Try: is the {name} free tomorrow at 3pm?")


def groups(r: Reading) -> Intent | None:
    """Questions with the word "group": one group's equipment, or the groups of a lab."""
    if not r.has_any(GROUP_WORDS):
        return None
    if "equipment" in r.names:  # "the NovaSeq's group?"
        if r.has_any(FREE_WORDS) or r.has_any(SCHEDULE_WORDS):
            return None
        return EquipmentFact(r.equipment() or "", "group")
    named = r.phrase_of("group")
    if named is not None:
        return GroupDetail(named)
    plural = r.has("groups", "categories")
    lab = r.phrase_of("lab") or (r.lab_phrase() if plural else None)
    if lab is not None:
        return Groups(lab)
    if not plural:
        adjacent = r.group_phrase()
        if adjacent is not None:
            return GroupDetail(adjacent)
    return Groups(None)


def lab_by_word(r: Reading) -> Intent | None:
    """Without a vocabulary, "what's in the Smith lab": words before "lab" name a lab."""
    if r.names or r.has_any(FREE_WORDS) or r.has_any(SCHEDULE_WORDS):
        return None
    lab = r.lab_before_word()
    return Groups(lab) if lab is not None else None


def equipment(r: Reading) -> Intent | None:
    """Questions about one instrument: free, its bookings, or its details."""
    in_use = r.has_phrase(("in", "use"))
    free = (
        r.has_any(FREE_WORDS - {"use"})
        or can_i(r)
        or (r.has("use") and not r.has("who") and not in_use)
        or (r.has_any(FIRST_PERSON) and r.has("need", "want"))
        or any(r.near(word, frozenset({"time"}), 1) for word in SPARE_WORDS)
    )
    schedule = r.has_any(SCHEDULE_WORDS) or _what_on(r) or in_use
    status = r.has("status", "broken", "working", "operational", "maintenance", "down")
    asking_what = r.has_phrase(("tell", "me")) or _what_is(r)
    details = (
        r.has_any(DETAIL_WORDS)
        or r.has_any(EQUIPMENT_WORDS)
        or r.has_phrase(("do", "we", "have"))
        or r.has_phrase(("is", "there"))
        or r.has_phrase(("are", "there"))
        or r.has_phrase(("have", "we", "got"))
        or asking_what
    )
    if not (free or schedule or details or status):
        return None
    if asking_what and not (free or schedule or status) and not r.could_be_equipment():
        return None  # "what's the weather like": no instrument by any such name
    name = r.equipment()
    if name is None:
        return None
    if status and not (free or schedule):
        return Free(name, r.when or NOW)
    if free:
        return Free(name, _free_when(r))
    if schedule:
        return Schedule(name, r.when_or_today())
    return EquipmentSearch(name)


def named_group_or_lab(r: Reading) -> Intent | None:
    group = r.phrase_of("group")
    if group is not None and "equipment" not in r.names:
        return GroupDetail(group)
    lab = r.phrase_of("lab")
    if lab is not None and "equipment" not in r.names:
        return Groups(lab)
    return None


def labs(r: Reading) -> Intent | None:
    if (
        r.has_any(LAB_WORDS - {"core", "cores", "facility"})
        and "equipment" not in r.names
        and not r.has_any(SCHEDULE_WORDS)
    ):
        return Labs()
    return None


def equipment_list(r: Reading) -> Intent | None:
    if not r.has_any(EQUIPMENT_WORDS) and not r.has_phrase(("what", "can", "i", "use")):
        return None
    if r.has_any(FREE_WORDS - {"use"}) or r.has_any(SCHEDULE_WORDS):
        return None
    searching = r.has("find", "search", "called", "named", "matching", "like")
    return EquipmentSearch(r.equipment() if searching else None)


def named_equipment(r: Reading) -> Intent | None:
    """A name from the vocabulary: on it if the asker is in the sentence, else a hint."""
    if "equipment" not in r.names:
        return None
    name = r.equipment() or ""
    if r.has_any(FIRST_PERSON):
        return Schedule(name, r.when_or_today())
    return try_equipment(r, name)


def bookings(r: Reading) -> Intent | None:
    """The asker's own bookings: "my bookings", "what have I booked", "am I free"."""
    mine = r.has_any(FIRST_PERSON) and (r.has_any(MY_DAY_WORDS) or r.when is not None)
    if not (mine or r.has_any(BOOKING_NOUNS)):
        return None
    if r.when is None and (r.has("next", "upcoming", "coming") or next_free(r)):
        return Bookings(When(day="this_week"))
    return Bookings(r.when_or_today())


def anything_free(r: Reading) -> Intent | None:
    """Free, and no instrument named nor pointed at ("any free slots tomorrow?"): whatever is
    free, within the group or lab named."""
    if not (r.has_any(FREE_WORDS - {"use"}) or can_i(r)) or r.has_any(PRONOUNS):
        return None
    if r.has_phrase(("am", "i")) or r.has_phrase(("are", "we")):
        return None
    return WhatIsFree(r.when or NOW, r.phrase_of("group"), r.phrase_of("lab"))


def missing_equipment(r: Reading) -> Intent | None:
    """Free or booked, but no instrument named: ask which, with an example."""
    when = said(r.when_or_today())
    example = r.example_equipment()
    if r.has_any(FREE_WORDS) or can_i(r):
        return suggest(r, [f"is the {example} free {when}?"], lead="Which equipment? Try:")
    if r.has_any(SCHEDULE_WORDS):
        return Unknown(
            r.cleaned,
            f"Which equipment? Try: what's booked on the {example} {when}?"
            f" For your own bookings: my bookings {when}",
        )
    found = r.heuristic_phrase(after_the_only=True)
    if found is not None:
        return try_equipment(r, found if r.could_be_equipment() else example)
    return None


def time_only(r: Reading) -> Intent | None:
    if r.when is None or r.any_content():
        return None
    when = said(r.when)
    return suggest(r, [f"my bookings {when}", f"is the {r.example_equipment()} free {when}?"])


def next_free(r: Reading) -> bool:
    """Whether the question is after the next free time ("earliest", "next free slot")."""
    keys = r.cue_keys
    for i, key in enumerate(keys):
        if key in NEXT_WORDS:
            return True
        if key == "next" and any(
            near in FREE_WORDS or near in ("booking", "bookings", "reservation")
            for near in keys[max(0, i - 2) : i + 3]
        ):
            return True
    return False


def can_i(r: Reading) -> bool:
    return any(
        r.has_phrase((modal, person, verb))
        for modal in ("can", "could", "may")
        for person in ("i", "we")
        for verb in ("use", "get", "have", "go", "hop", "jump", "grab", "borrow", "take")
    )


def _free_when(r: Reading) -> When:
    if r.when is not None:
        return r.when
    if next_free(r) or r.has_phrase(("when", "can", "i")):
        return NOW
    return When()


def _what_on(r: Reading) -> bool:
    """ "what is on the confocal" ("who is on" has "who")."""
    return r.has_phrase(("what", "is", "on")) or r.has_phrase(("what", "on"))


def _what_is(r: Reading) -> bool:
    keys = [key for key in r.cue_keys if key not in FILLER]
    return keys[:2] == ["what", "is"] or keys[:2] == ["which", "is"]
