"""The slash-command grammar of INTERFACE.md, from the text after `/cm` to one intent.

Parsing is separate from answering so the grammar can be tested on its own and every input,
however mangled by Slack or by typing, ends up as an intent: unknown or malformed input becomes
`Unknown` or `Help` with a suggestion, a date that reads two ways a `Clarify`, never an
exception. The intents themselves live in `intents.py` and are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.questions import toggles
from bot.questions.intents import (
    Bookings,
    ChannelDigestOff,
    ChannelDigestOn,
    Clarify,
    Connect,
    DigestOff,
    DigestOn,
    DigestStatus,
    Disconnect,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Intent,
    Labs,
    Me,
    Option,
    RemindOff,
    RemindOn,
    RemindStatus,
    Schedule,
    Unknown,
    Unwatch,
    Watch,
    WatchList,
)
from bot.questions.timewords import (
    MONTH_WORDS,
    PART_WORDS,
    WEEKDAY_WORDS,
    DateChoice,
    DateOrder,
    read_when,
)
from bot.questions.toggles import unquote
from bot.questions.usage import DEFAULT_COMMAND, USAGE, WHEN_WORDS
from bot.questions.when import When

__all__ = [
    "DEFAULT_COMMAND",
    "USAGE",
    "WHEN_WORDS",
    "Bookings",
    "ChannelDigestOff",
    "ChannelDigestOn",
    "Clarify",
    "Connect",
    "DigestOff",
    "DigestOn",
    "DigestStatus",
    "Disconnect",
    "EquipmentSearch",
    "Free",
    "GroupDetail",
    "Groups",
    "Help",
    "Intent",
    "Labs",
    "Me",
    "Option",
    "RemindOff",
    "RemindOn",
    "RemindStatus",
    "Schedule",
    "Unknown",
    "Unwatch",
    "Watch",
    "WatchList",
    "parse_command",
]

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
    "remind": "remind",
    "reminder": "remind",
    "reminders": "remind",
    "watch": "watch",
    "watching": "watch",
    "unwatch": "unwatch",
}
_TOPICS = {"group": "groups", "help": None, "unwatch": "watch"}
# Words a WHEN may contain, for correcting typos such as "tomorow" or "wensday".
_WHEN_VOCABULARY = sorted(
    {word for word in (*WEEKDAY_WORDS, *MONTH_WORDS, *PART_WORDS) if len(word) > 4}
    | {"now", "today", "tonight", "tomorrow", "yesterday", "this", "next", "last", "week"}
    | {"weekend", "month", "noon", "midday", "midnight", "from", "until", "between", "after"}
    | {"minutes", "hours"}
)
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_PAIRS = {'"': '"', "'": "'", "`": "`"}
_LONGEST_WHEN = 10  # words; no WHEN is longer ("on friday afternoon from 2 pm to 4 pm")
_WHEN_CUTOFF = 75.0
_WHEN_STRICT_CUTOFF = 85.0  # when the word might instead be part of an equipment name


def parse_command(
    text: str, *, command: str = DEFAULT_COMMAND, date_order: DateOrder | None = None
) -> Intent:
    """The intent of the text typed after the slash command.

    `command` is the configured slash command, used only in suggestions ("Did you mean
    `/cm bookings today`?"); `date_order` is the lab's way of writing "4/12" (None: ask).
    Any leading `/word` pasted along with the text is dropped.
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
    grammar = _Grammar(cleaned, command, date_order)
    if verb is None:
        return grammar.unknown(head, rest)
    return grammar.dispatch(verb, rest)


def _clean(text: str) -> str:
    """Undo what Slack and pasting do to text: smart quotes, invisible spaces, code ticks."""
    cleaned = _INVISIBLE.sub("", text.translate(_QUOTES)).strip()
    if len(cleaned) >= 2 and cleaned[0] == cleaned[-1] == "`":
        cleaned = cleaned.strip("`").strip()
    return cleaned


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
    found = process.extractOne(
        word, list(_VERBS), scorer=fuzz.ratio, score_cutoff=toggles.VERB_CUTOFF
    )
    return _VERBS[found[0]] if found else None


class _Grammar:
    """One command's text, the slash command's name and the lab's date order."""

    def __init__(self, cleaned: str, command: str, date_order: DateOrder | None) -> None:
        self.cleaned = cleaned
        self.command = command
        self.date_order = date_order

    def dispatch(self, verb: str, rest: list[str]) -> Intent:
        argument = unquote(" ".join(rest))
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
            return self._bookings(argument, rest)
        if verb in ("schedule", "free"):
            return self._equipment_and_when(verb, rest)
        if verb == "remind":
            return toggles.remind(rest, self.cleaned, self.command)
        if verb in ("watch", "unwatch"):
            return toggles.watch(verb, rest, self.command)
        return toggles.digest(rest, self.cleaned, self.command)

    def unknown(self, head: str, rest: list[str]) -> Intent:
        guess = _closest_verb(head.rstrip("?!.,:;"))
        if guess is not None:
            fixed = " ".join([guess, *rest])
            again = parse_command(fixed, command=self.command, date_order=self.date_order)
            if isinstance(again, Unknown) and again.suggestion:
                return Unknown(self.cleaned, again.suggestion)
            return self._did_you_mean(fixed)
        if rest and rest[0].casefold() in _VERBS:  # "my bookings today", "show schedule confocal"
            return self._did_you_mean(" ".join(rest))
        return Unknown(self.cleaned, None)

    def _did_you_mean(self, fixed: str) -> Unknown:
        return Unknown(self.cleaned, f"Did you mean `{self.command} {fixed}`?")

    def _read(self, words: list[str]) -> When | DateChoice | None:
        return read_when(" ".join(words), date_order=self.date_order)

    # --- schedule / free / bookings ---

    def _bookings(self, argument: str, rest: list[str]) -> Intent:
        when = read_when(argument, date_order=self.date_order)
        if when is None:
            return self._bad_when("bookings", [], rest)
        if isinstance(when, DateChoice):
            return self._clarify(when, Bookings)
        return Bookings(when)

    def _equipment_and_when(self, verb: str, rest: list[str]) -> Intent:
        """Split `EQUIPMENT [WHEN]`: a quoted name ends at its quote, else the longest trailing
        run of words that reads as a WHEN is the WHEN."""
        equipment_words, when_words = _split_quoted(rest) or self._split_when(rest)
        equipment = unquote(" ".join(equipment_words))
        when = self._read(when_words)
        if when is None:
            return self._bad_when(verb, equipment_words, when_words)
        if not equipment:
            return Help(topic=verb, suggestion=_needs_equipment(verb, self.command))
        # A typo may have kept WHEN words in the name: "confocal tomorow", "lsm thursady pm".
        tail = equipment_words[-3:] + when_words
        corrected = self._correct_when(tail, _WHEN_STRICT_CUTOFF, shortest=len(when_words) + 1)
        if corrected is not None and len(corrected[0]) - len(when_words) < len(equipment_words):
            kept = equipment_words[: len(equipment_words) + len(when_words) - len(corrected[0])]
            return self._did_you_mean(" ".join([verb, *kept, *corrected[1]]))
        kind = Schedule if verb == "schedule" else Free
        if isinstance(when, DateChoice):
            return self._clarify(when, lambda reading: kind(equipment, reading))
        return kind(equipment, when)

    def _clarify(self, choice: DateChoice, ask: Callable[[When], Intent]) -> Clarify:
        options = tuple(Option(reading.describe(), ask(reading)) for reading in choice.readings)
        return Clarify(self.cleaned, choice.question(), options)

    def _split_when(self, words: list[str]) -> tuple[list[str], list[str]]:
        for first in range(max(0, len(words) - _LONGEST_WHEN), len(words)):
            if self._read(words[first:]) is not None:
                return words[:first], words[first:]
        return words, []

    def _correct_when(
        self, words: list[str], cutoff: float, *, shortest: int = 1
    ) -> tuple[list[str], list[str]] | None:
        """Some trailing `words` (at least `shortest` of them) with typos fixed ("tomorow" ->
        "tomorrow") so they read as a WHEN: (the original words replaced, their corrections),
        longest first; None if no fix reads."""
        for size in range(len(words), max(shortest, 1) - 1, -1):
            tail = words[len(words) - size :]
            fixed = [_correct_word(word, cutoff) for word in tail]
            if fixed != tail and self._read(fixed) is not None:
                return tail, fixed
        return None

    def _bad_when(self, verb: str, before: list[str], when_words: list[str]) -> Intent:
        corrected = self._correct_when(when_words, _WHEN_CUTOFF)
        if corrected is not None and len(corrected[0]) == len(when_words):
            return self._did_you_mean(" ".join([verb, *before, *corrected[1]]))
        return Unknown(self.cleaned, f"`{self.command} {USAGE[verb]}` takes WHEN as {WHEN_WORDS}.")


def _split_quoted(words: list[str]) -> tuple[list[str], list[str]] | None:
    text = " ".join(words)
    if not text or text[0] not in _PAIRS:
        return None
    closing = text.find(_PAIRS[text[0]], 1)
    if closing < 0:
        return None
    return [text[: closing + 1]], text[closing + 1 :].split()


def _correct_word(word: str, cutoff: float) -> str:
    lowered = word.casefold()
    if len(lowered) < 4 or not lowered.isalpha() or lowered in _WHEN_VOCABULARY:
        return word
    found = process.extractOne(lowered, _WHEN_VOCABULARY, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else word


def _needs_equipment(verb: str, command: str) -> str:
    example = "confocal tomorrow" if verb == "schedule" else "NovaSeq tomorrow afternoon"
    return (
        f"`{command} {verb}` needs the equipment: `{command} {USAGE[verb]}`,"
        f" e.g. `{command} {verb} {example}`."
    )
