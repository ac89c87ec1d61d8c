"""The slash grammar of the settings commands: `digest …`, `remind …`, `watch …`/`unwatch …`.

Each takes the words after its verb; anything it cannot read becomes `Unknown` with the usage,
or `Help` on the command, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re

from rapidfuzz import fuzz, process

from bot.questions.intents import (
    MAX_REMIND_MINUTES,
    MIN_REMIND_MINUTES,
    ChannelDigestOff,
    ChannelDigestOn,
    DigestOff,
    DigestOn,
    DigestStatus,
    Help,
    Intent,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unknown,
    Unwatch,
    Watch,
    WatchList,
)
from bot.questions.usage import USAGE

VERB_CUTOFF = 70.0
_PAIRS = {'"': '"', "'": "'", "`": "`"}
_DIGEST_WORDS = ("on", "off", "channel", "status")
_REMIND_WORDS = ("on", "off", "status")
_CLOCK = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?(am|pm)?")
_BARE_CLOCK = re.compile(r"[0-9]{1,2}(?:[:.h][0-9]{2})?")
_CLOCK_SHAPE = re.compile(r"[0-9]+(?:[:.h][0-9]*)?(?:am|pm|a|p)?|[0-9]*[:.][0-9]+(?:am|pm)?")
_LEAD = re.compile(r"([0-9]+)\s*(m|min|mins|minute|minutes|h|hr|hrs|hour|hours)?")


class _BadClock:
    """Marks text shaped like a time that is not one ("25:00", "8:75", "13pm")."""


_BAD_CLOCK = _BadClock()


def unquote(text: str) -> str:
    """Drop the quotes around a name; a lone double quote or backtick left by typing goes too."""
    text = text.strip()
    if len(text) >= 2 and text[0] in _PAIRS and text[-1] == _PAIRS[text[0]]:
        return text[1:-1].strip()
    return text.strip('"`').strip()


def _did_you_mean(cleaned: str, command: str, fixed: str) -> Unknown:
    return Unknown(cleaned, f"Did you mean `{command} {fixed}`?")


# --- digest -------------------------------------------------------------------------------


def digest(rest: list[str], cleaned: str, command: str) -> Intent:
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
    found = process.extractOne(head, _DIGEST_WORDS, scorer=fuzz.ratio, score_cutoff=VERB_CUTOFF)
    if found is not None:
        return _did_you_mean(cleaned, command, " ".join(["digest", found[0], *rest[1:]]))
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
    lab = unquote(" ".join(rest))
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


# --- remind -------------------------------------------------------------------------------


def remind(rest: list[str], cleaned: str, command: str) -> Intent:
    """`remind`, `remind on [MINUTES]`, `remind off`; "remind 10" means "remind on 10"."""
    lowered = [word.casefold() for word in rest]
    if not rest or lowered == ["status"]:
        return RemindStatus()
    head = lowered[0]
    if head == "off" and len(rest) == 1:
        return RemindOff()
    if head == "on":
        lowered = lowered[1:]
    elif not head[:1].isdigit():
        found = process.extractOne(head, _REMIND_WORDS, scorer=fuzz.ratio, score_cutoff=70.0)
        if found is not None and found[0] != head:
            return _did_you_mean(cleaned, command, " ".join(["remind", found[0], *rest[1:]]))
        return Unknown(cleaned, f"`{command} remind` takes: {USAGE['remind']}.")
    if not lowered:
        return RemindOn(None)
    minutes = read_lead_time(" ".join(word for word in lowered if word != "before"))
    if minutes is None:
        return Unknown(cleaned, _minutes_format(command))
    return RemindOn(minutes)


def read_lead_time(text: str) -> int | None:
    """Minutes written as "10", "10m", "10 minutes", "1h", "1 hour": 1 minute to a day."""
    found = _LEAD.fullmatch(text.strip())
    if found is None or len(found.group(1)) > 5:
        return None
    minutes = int(found.group(1)) * (60 if (found.group(2) or "m").startswith("h") else 1)
    return minutes if MIN_REMIND_MINUTES <= minutes <= MAX_REMIND_MINUTES else None


def _minutes_format(command: str) -> str:
    return (
        f"Reminders come 1 to {MAX_REMIND_MINUTES} minutes before a booking starts, like"
        f" `{command} remind on 15` (or `{command} remind on 1h`)."
    )


# --- watch --------------------------------------------------------------------------------


def watch(verb: str, rest: list[str], command: str) -> Intent:
    """`watch` lists this channel's watches; `watch EQUIPMENT` and `unwatch EQUIPMENT`."""
    equipment = unquote(" ".join(rest))
    if verb == "unwatch":
        if not equipment:
            return Help(
                topic="watch",
                suggestion=f"`{command} unwatch` needs the equipment, e.g."
                f" `{command} unwatch NovaSeq`; `{command} watch` lists what is watched.",
            )
        return Unwatch(equipment)
    if not equipment or equipment.casefold() in ("list", "status"):
        return WatchList()
    return Watch(equipment)
