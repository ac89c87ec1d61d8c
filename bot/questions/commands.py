"""The slash-command grammar of INTERFACE.md, from the text after `/cm` to one intent.

Parsing is separate from answering so the grammar can be tested on its own and every input,
however mangled by Slack or by typing, ends up as an intent: unknown or malformed input becomes
`Unknown` or `Help` with a suggestion, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.questions.when import When, parse_when

DEFAULT_COMMAND = "/cm"


@dataclass(frozen=True)
class Help:
    """What the bot can do, or one command in detail; `suggestion` says what was missing."""

    topic: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Connect:
    """Link the Slack user to a Clustermarket account."""


@dataclass(frozen=True)
class Disconnect:
    """Revoke and forget the user's Clustermarket tokens."""


@dataclass(frozen=True)
class Me:
    """Who the user is in Clustermarket."""


@dataclass(frozen=True)
class Labs:
    """The organisations, departments and labs the user can see."""


@dataclass(frozen=True)
class EquipmentSearch:
    """Equipment the user can see, optionally matched by name; an id or exact name gives details."""

    query: str | None


@dataclass(frozen=True)
class Groups:
    """Equipment groups, optionally of one lab."""

    lab: str | None


@dataclass(frozen=True)
class GroupDetail:
    """One group and the equipment in it."""

    name: str


@dataclass(frozen=True)
class Bookings:
    """The user's own bookings."""

    when: When


@dataclass(frozen=True)
class Schedule:
    """All bookings of one piece of equipment."""

    equipment: str
    when: When


@dataclass(frozen=True)
class Free:
    """Whether equipment is free now, and its free slots (the caller shows "now" too)."""

    equipment: str
    when: When


@dataclass(frozen=True)
class DigestStatus:
    """Whether the user's daily DM digest is on, and when."""


@dataclass(frozen=True)
class DigestOn:
    """Turn on the daily DM digest; None keeps the current time (default 08:00)."""

    time: dt.time | None


@dataclass(frozen=True)
class DigestOff:
    """Turn off the daily DM digest."""


@dataclass(frozen=True)
class ChannelDigestOn:
    """A lab's daily digest in the channel the command came from."""

    time: dt.time | None
    lab: str


@dataclass(frozen=True)
class ChannelDigestOff:
    """Stop the channel's lab digest."""


@dataclass(frozen=True)
class Unknown:
    """Input that is not a command; answered with help and, when something is close, a hint."""

    text: str
    suggestion: str | None


Intent = (
    Help
    | Connect
    | Disconnect
    | Me
    | Labs
    | EquipmentSearch
    | Groups
    | GroupDetail
    | Bookings
    | Schedule
    | Free
    | DigestStatus
    | DigestOn
    | DigestOff
    | ChannelDigestOn
    | ChannelDigestOff
    | Unknown
)

# Help topics and the usage line of each (without the command name), in the order help shows them.
USAGE: dict[str, str] = {
    "connect": "connect",
    "disconnect": "disconnect",
    "me": "me",
    "labs": "labs",
    "equipment": "equipment [QUERY]",
    "groups": "groups [LAB] | group NAME|ID",
    "bookings": "bookings [WHEN]",
    "schedule": "schedule EQUIPMENT [WHEN]",
    "free": "free EQUIPMENT [WHEN]",
    "digest": "digest | digest on [HH:MM] | digest off | digest channel on [HH:MM] LAB"
    " | digest channel off",
}
WHEN_WORDS = (
    "now, today, tomorrow, yesterday, a weekday (friday), this week, next week or YYYY-MM-DD;"
    " optionally morning/afternoon/evening, at 3pm, from 2 to 4"
)

# Every word accepted as a verb, with the command it means.
_VERBS: dict[str, str] = {
    "help": "help",
    "?": "help",
    "connect": "connect",
    "link": "connect",
    "login": "connect",
    "disconnect": "disconnect",
    "unlink": "disconnect",
    "logout": "disconnect",
    "me": "me",
    "whoami": "me",
    "labs": "labs",
    "equipment": "equipment",
    "equip": "equipment",
    "instrument": "equipment",
    "instruments": "equipment",
    "groups": "groups",
    "group": "group",
    "bookings": "bookings",
    "booking": "bookings",
    "schedule": "schedule",
    "free": "free",
    "digest": "digest",
}
_TOPICS = {"group": "groups", "help": None}
# Words a WHEN may contain, for correcting typos such as "tomorow" or "wensday".
_WHEN_VOCABULARY = [
    "now",
    "today",
    "tonight",
    "tomorrow",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "this",
    "next",
    "week",
    "morning",
    "afternoon",
    "evening",
    "night",
    "noon",
    "midday",
    "from",
    "until",
    "between",
]
_DIGEST_WORDS = ("on", "off", "channel", "status")
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_PAIRS = {'"': '"', "'": "'", "`": "`"}
_CLOCK = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?(am|pm)?")
_BARE_CLOCK = re.compile(r"[0-9]{1,2}(?:[:.h][0-9]{2})?")
_CLOCK_SHAPE = re.compile(r"[0-9]+(?:[:.h][0-9]*)?(?:am|pm|a|p)?|[0-9]*[:.][0-9]+(?:am|pm)?")
_LONGEST_WHEN = 10  # words; no WHEN is longer ("on friday afternoon from 2 pm to 4 pm")
_VERB_CUTOFF = 70.0
_WHEN_CUTOFF = 75.0
_WHEN_STRICT_CUTOFF = 85.0  # when the word might instead be part of an equipment name


class _BadClock:
    """Marks text shaped like a time that is not one ("25:00", "8:75", "13pm")."""


_BAD_CLOCK = _BadClock()


def parse_command(text: str, *, command: str = DEFAULT_COMMAND) -> Intent:
    """The intent of the text typed after the slash command.

    `command` is the configured slash command, used only in suggestions ("Did you mean
    `/cm bookings today`?"). Any leading `/word` pasted along with the text is dropped.
    """
    cleaned = _clean(text)
    words = cleaned.split()
    while words and words[0].startswith("/"):
        words.pop(0)
    cleaned = " ".join(words)
    if not words:
        return Help()
    head = words[0].casefold()
    verb = _VERBS.get(head) or _VERBS.get(head.rstrip("?!.,:;"))
    rest = words[1:]
    if verb is None:
        return _unknown(cleaned, head, rest, command)
    return _dispatch(verb, rest, cleaned, command)


def _dispatch(verb: str, rest: list[str], cleaned: str, command: str) -> Intent:
    argument = _unquote(" ".join(rest))
    simple: dict[str, Intent] = {
        "connect": Connect(),
        "disconnect": Disconnect(),
        "me": Me(),
        "labs": Labs(),
    }
    if verb in simple:
        return simple[verb]
    if verb == "help":
        return Help(topic=_topic(rest[0]) if rest else None)
    if verb == "equipment":
        return EquipmentSearch(argument or None)
    if verb == "groups":
        return Groups(argument or None)
    if verb == "group":
        return GroupDetail(argument) if argument else Groups(None)
    if verb == "bookings":
        when = parse_when(argument)
        if when is None:
            return _bad_when(cleaned, "bookings", [], rest, command)
        return Bookings(when)
    if verb in ("schedule", "free"):
        return _equipment_and_when(verb, rest, cleaned, command)
    return _digest(rest, cleaned, command)


def _clean(text: str) -> str:
    """Undo what Slack and pasting do to text: smart quotes, invisible spaces, code ticks."""
    cleaned = _INVISIBLE.sub("", text.translate(_QUOTES)).strip()
    if len(cleaned) >= 2 and cleaned[0] == cleaned[-1] == "`":
        cleaned = cleaned.strip("`").strip()
    return cleaned


def _unquote(text: str) -> str:
    """Drop the quotes around a name; a lone double quote or backtick left by typing goes too."""
    text = text.strip()
    if len(text) >= 2 and text[0] in _PAIRS and text[-1] == _PAIRS[text[0]]:
        return text[1:-1].strip()
    return text.strip('"`').strip()


def _topic(word: str) -> str | None:
    verb = _VERBS.get(word.casefold()) or _closest_verb(word.casefold())
    if verb is None:
        return None
    return _TOPICS.get(verb, verb)


def _closest_verb(word: str) -> str | None:
    """The command a misspelt or shortened verb most likely means, if any is close."""
    if len(word) >= 3:
        prefixed = {verb for spelling, verb in _VERBS.items() if spelling.startswith(word)}
        if len(prefixed) == 1:
            return prefixed.pop()
    found = process.extractOne(word, list(_VERBS), scorer=fuzz.ratio, score_cutoff=_VERB_CUTOFF)
    return _VERBS[found[0]] if found else None


def _unknown(cleaned: str, head: str, rest: list[str], command: str) -> Intent:
    guess = _closest_verb(head.rstrip("?!.,:;"))
    if guess is not None:
        fixed = " ".join([guess, *rest])
        again = parse_command(fixed, command=command)
        if isinstance(again, Unknown) and again.suggestion:
            return Unknown(cleaned, again.suggestion)
        return Unknown(cleaned, f"Did you mean `{command} {fixed}`?")
    if rest and rest[0].casefold() in _VERBS:  # "my bookings today", "show schedule confocal"
        return Unknown(cleaned, f"Did you mean `{command} {' '.join(rest)}`?")
    return Unknown(cleaned, None)


# --- schedule / free / bookings -----------------------------------------------------------


def _equipment_and_when(verb: str, rest: list[str], cleaned: str, command: str) -> Intent:
    """Split `EQUIPMENT [WHEN]`: a quoted name ends at its quote, else the longest trailing run
    of words that reads as a WHEN is the WHEN."""
    equipment_words, when_words = _split_quoted(rest) or _split_when(rest)
    equipment = _unquote(" ".join(equipment_words))
    when = parse_when(" ".join(when_words))
    if when is None:
        return _bad_when(cleaned, verb, equipment_words, when_words, command)
    if not equipment:
        return Help(topic=verb, suggestion=_needs_equipment(verb, command))
    # A typo may have kept WHEN words in the name: "confocal tomorow", "lsm thursady afternoon".
    tail = equipment_words[-3:] + when_words
    corrected = _correct_when(tail, _WHEN_STRICT_CUTOFF, shortest=len(when_words) + 1)
    if corrected is not None and len(corrected[0]) - len(when_words) < len(equipment_words):
        kept = equipment_words[: len(equipment_words) + len(when_words) - len(corrected[0])]
        fixed = " ".join([verb, *kept, *corrected[1]])
        return Unknown(cleaned, f"Did you mean `{command} {fixed}`?")
    if verb == "schedule":
        return Schedule(equipment, when)
    return Free(equipment, when)


def _split_quoted(words: list[str]) -> tuple[list[str], list[str]] | None:
    text = " ".join(words)
    if not text or text[0] not in _PAIRS:
        return None
    closing = text.find(_PAIRS[text[0]], 1)
    if closing < 0:
        return None
    return [text[: closing + 1]], text[closing + 1 :].split()


def _split_when(words: list[str]) -> tuple[list[str], list[str]]:
    for first in range(max(0, len(words) - _LONGEST_WHEN), len(words)):
        if parse_when(" ".join(words[first:])) is not None:
            return words[:first], words[first:]
    return words, []


def _correct_when(
    words: list[str], cutoff: float, *, shortest: int = 1
) -> tuple[list[str], list[str]] | None:
    """Some trailing `words` (at least `shortest` of them) with typos fixed ("tomorow" ->
    "tomorrow") so they read as a WHEN: (the original words replaced, their corrections),
    longest first; None if no fix reads."""
    for size in range(len(words), max(shortest, 1) - 1, -1):
        tail = words[len(words) - size :]
        fixed = [_correct_word(word, cutoff) for word in tail]
        if fixed != tail and parse_when(" ".join(fixed)) is not None:
            return tail, fixed
    return None


def _correct_word(word: str, cutoff: float) -> str:
    lowered = word.casefold()
    if len(lowered) < 4 or not lowered.isalpha() or lowered in _WHEN_VOCABULARY:
        return word
    found = process.extractOne(lowered, _WHEN_VOCABULARY, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else word


def _bad_when(
    cleaned: str, verb: str, before: list[str], when_words: list[str], command: str
) -> Intent:
    corrected = _correct_when(when_words, _WHEN_CUTOFF)
    if corrected is not None and len(corrected[0]) == len(when_words):
        fixed = " ".join([verb, *before, *corrected[1]])
        return Unknown(cleaned, f"Did you mean `{command} {fixed}`?")
    return Unknown(
        cleaned,
        f"`{command} {USAGE[verb]}` takes WHEN as {WHEN_WORDS}.",
    )


def _needs_equipment(verb: str, command: str) -> str:
    example = "confocal tomorrow" if verb == "schedule" else "NovaSeq tomorrow afternoon"
    return (
        f"`{command} {verb}` needs the equipment: `{command} {USAGE[verb]}`,"
        f" e.g. `{command} {verb} {example}`."
    )


# --- digest -------------------------------------------------------------------------------


def _digest(rest: list[str], cleaned: str, command: str) -> Intent:
    lowered = [word.casefold() for word in rest]
    if not rest or lowered == ["status"]:
        return DigestStatus()
    head = lowered[0]
    if head == "off":
        return DigestOff()
    if head == "on":
        return _digest_on(rest[1:], cleaned, command)
    if head == "channel":
        if len(rest) > 1 and lowered[1] == "off":
            return ChannelDigestOff()
        if len(rest) > 1 and lowered[1] == "on":
            return _channel_digest_on(rest[2:], cleaned, command)
        return Help(
            topic="digest",
            suggestion=f"Use `{command} digest channel on [HH:MM] LAB`"
            f" or `{command} digest channel off`.",
        )
    if head == "at" or _CLOCK_SHAPE.fullmatch(head):  # "digest 8:30" means "digest on 8:30"
        return _digest_on(rest, cleaned, command)
    found = process.extractOne(head, _DIGEST_WORDS, scorer=fuzz.ratio, score_cutoff=_VERB_CUTOFF)
    if found is not None:
        fixed = " ".join(["digest", found[0], *rest[1:]])
        return Unknown(cleaned, f"Did you mean `{command} {fixed}`?")
    return Unknown(cleaned, f"`{command} digest` takes: {USAGE['digest']}.")


def _digest_on(rest: list[str], cleaned: str, command: str) -> Intent:
    if rest and rest[0].casefold() == "at":
        rest = rest[1:]
    if not rest:
        return DigestOn(None)
    read = _read_clock(rest)
    if isinstance(read, tuple) and read[1] == len(rest):
        return DigestOn(read[0])
    return Unknown(cleaned, _time_format(command))


def _channel_digest_on(rest: list[str], cleaned: str, command: str) -> Intent:
    if rest and rest[0].casefold() == "at":
        rest = rest[1:]
    clock: dt.time | None = None
    read = _read_clock(rest, strict=True) if rest else None
    if isinstance(read, _BadClock):
        return Unknown(cleaned, _time_format(command))
    if read is not None:
        clock, rest = read[0], rest[read[1] :]
    else:
        trailing = _trailing_clock(rest)
        if isinstance(trailing, _BadClock):
            return Unknown(cleaned, _time_format(command))
        if trailing is not None:
            clock, rest = trailing
    lab = _unquote(" ".join(rest))
    if not lab:
        return Help(
            topic="digest",
            suggestion=f"`{command} digest channel on` needs the lab: "
            f"`{command} digest channel on [HH:MM] LAB`, e.g. "
            f"`{command} digest channel on 08:30 Smith Lab`.",
        )
    return ChannelDigestOn(clock, lab)


def _trailing_clock(words: list[str]) -> tuple[dt.time, list[str]] | _BadClock | None:
    """A time after the lab ("Smith Lab 9:00"), only when written unmistakably as a time, so
    that a lab called "Lab 2" keeps its number."""
    for size in (2, 1):
        if len(words) <= size:
            continue
        tail = words[len(words) - size :]
        if not re.search(r"[:.h]|am|pm", "".join(tail).casefold()):
            continue
        read = _read_clock(tail, strict=True)
        if isinstance(read, _BadClock):
            if size == 1:
                return read
            continue
        if read is not None and read[1] == size:
            kept = words[: len(words) - size]
            if kept and kept[-1].casefold() == "at":
                kept = kept[:-1]
            return read[0], kept
    return None


def _read_clock(
    words: list[str], *, strict: bool = False
) -> tuple[dt.time, int] | _BadClock | None:
    """A digest time at the start of `words` and how many words it took: 24-hour HH:MM (7 is
    07:00, digests are for mornings), or with am/pm. None if the words do not look like a time;
    `strict` also wants a separator or am/pm, so that a bare number can belong to a lab's name."""
    first = words[0].casefold()
    if first in ("noon", "midday"):
        return dt.time(12), 1
    used = 1
    if len(words) > 1 and words[1].casefold() in ("am", "pm") and _BARE_CLOCK.fullmatch(first):
        first, used = first + words[1].casefold(), 2
    first = first.replace("a.m.", "am").replace("p.m.", "pm")
    if not _CLOCK_SHAPE.fullmatch(first) or (strict and first.isdigit()):
        return None
    found = _CLOCK.fullmatch(first)
    if found is None:
        return _BAD_CLOCK
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    meridiem = found.group(3)
    if minute > 59:
        return _BAD_CLOCK
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return _BAD_CLOCK
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif hour > 23:
        return _BAD_CLOCK
    return dt.time(hour, minute), used


def _time_format(command: str) -> str:
    return f"Times are 24-hour HH:MM, like `{command} digest on 08:30` (8am and 5:30pm work too)."
