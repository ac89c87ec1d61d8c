"""Intents as button values: compact JSON that lets a click ask the same question again.

Each intent is a row of `_SPECS`: its tag and, for each field, a short name and a kind of
value. A new intent is a new row. A value comes back from the network, so decoding trusts
nothing: any shape, type or field it does not expect raises `ValueError`. Encoding keeps the
value within Slack's 2,000 characters by clipping free text (a long `Unknown` text or
suggestion), never the structure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, Literal, get_args

from bot.questions.intents import (
    MAX_REMIND_MINUTES,
    MIN_REMIND_MINUTES,
    BookedHours,
    Bookings,
    ChannelDigestOff,
    ChannelDigestOn,
    Clarify,
    Connect,
    DigestOff,
    DigestOn,
    DigestStatus,
    Disconnect,
    EquipmentFact,
    EquipmentSearch,
    Fact,
    Free,
    GroupDetail,
    Groups,
    Help,
    Intent,
    Labs,
    Me,
    MyHours,
    MyNextBooking,
    NextFree,
    Option,
    RemindOff,
    RemindOn,
    RemindStatus,
    Schedule,
    Unknown,
    Unwatch,
    Watch,
    WatchList,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.usage import USAGE
from bot.questions.when import MAX_LATER_MINUTES, DayWord, PartOfDay, When, problem

VERSION = 1
MAX_VALUE_LENGTH = 2000  # Slack's limit on a button's value
MAX_PAGE = 10_000
MAX_OPTIONS = 5
_FREE_TEXT = 500  # characters of one free-text field before the whole value is measured
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS: dict[str, DayWord] = {word: word for word in get_args(DayWord)}
_PARTS: dict[str, PartOfDay] = {word: word for word in get_args(PartOfDay)}
_FACTS: dict[str, Fact] = {word: word for word in get_args(Fact)}

Kind = Literal[
    "text", "said", "name", "topic", "when", "clock", "lead", "length", "fact", "options"
]  # fmt: skip

# Each intent: its tag, and each field as (attribute, short name, kind of value).
_SPECS: dict[type, tuple[str, tuple[tuple[str, str, Kind], ...]]] = {
    Help: ("help", (("topic", "t", "topic"), ("suggestion", "s", "text"))),
    Connect: ("connect", ()),
    Disconnect: ("disconnect", ()),
    Me: ("me", ()),
    Labs: ("labs", ()),
    EquipmentSearch: ("equipment", (("query", "q", "text"),)),
    Groups: ("groups", (("lab", "l", "text"),)),
    GroupDetail: ("group", (("name", "n", "name"),)),
    Bookings: ("bookings", (("when", "w", "when"),)),
    Schedule: ("schedule", (("equipment", "e", "name"), ("when", "w", "when"))),
    Free: ("free", (("equipment", "e", "name"), ("when", "w", "when"))),
    WhatIsFree: (
        "what_free", (("when", "w", "when"), ("group", "g", "text"), ("lab", "l", "text"))
    ),
    NextFree: (
        "next_free",
        (("equipment", "e", "name"), ("when", "w", "when"), ("minutes", "m", "length")),
    ),
    MyNextBooking: ("my_next", ()),
    WhoIsOn: ("who_is_on", (("equipment", "e", "name"),)),
    BookedHours: ("booked_hours", (("equipment", "e", "name"), ("when", "w", "when"))),
    MyHours: ("my_hours", (("when", "w", "when"),)),
    EquipmentFact: ("fact", (("equipment", "e", "name"), ("fact", "f", "fact"))),
    DigestStatus: ("digest", ()),
    DigestOn: ("digest_on", (("time", "at", "clock"),)),
    DigestOff: ("digest_off", ()),
    ChannelDigestOn: ("channel_digest_on", (("time", "at", "clock"), ("lab", "l", "name"))),
    ChannelDigestOff: ("channel_digest_off", ()),
    RemindStatus: ("remind", ()),
    RemindOn: ("remind_on", (("minutes", "m", "lead"),)),
    RemindOff: ("remind_off", ()),
    WatchList: ("watches", ()),
    Watch: ("watch", (("equipment", "e", "name"),)),
    Unwatch: ("unwatch", (("equipment", "e", "name"),)),
    Clarify: (
        "clarify", (("text", "x", "said"), ("question", "q", "name"), ("options", "o", "options"))
    ),
    Unknown: (
        "unknown", (("text", "x", "said"), ("suggestion", "s", "text"), ("options", "o", "options"))
    ),
}  # fmt: skip
_BY_TAG = {tag: (kind, fields) for kind, (tag, fields) in _SPECS.items()}


def encode_intent(intent: Intent, page: int = 0) -> str:
    """`intent` and `page` as a compact JSON string of at most 2,000 characters."""
    if not 0 <= page <= MAX_PAGE:
        raise ValueError(f"page must be 0 to {MAX_PAGE}")
    limit = _FREE_TEXT
    while True:
        payload: dict[str, Any] = {"v": VERSION, **_payload(intent, limit)}
        if page:
            payload["p"] = page
        value = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        if len(value) <= MAX_VALUE_LENGTH:
            return value
        if limit <= 1:  # unreachable: only free text can grow this long
            raise ValueError("the intent does not fit in a button value")
        limit //= 2


def decode_intent(value: str) -> tuple[Intent, int]:
    """The intent and page `encode_intent` made; ValueError for anything else."""
    if not isinstance(value, str) or not value or len(value) > MAX_VALUE_LENGTH:
        raise ValueError("not an encoded question")
    try:
        payload = json.loads(value)
    except (ValueError, RecursionError):
        raise ValueError("not an encoded question") from None
    if not isinstance(payload, dict):
        raise ValueError("not an encoded question")
    if payload.get("v") != VERSION or isinstance(payload.get("v"), bool):
        raise ValueError("unknown question version")
    page = payload.pop("p", 0)
    if not _is_int(page) or not 0 <= page <= MAX_PAGE:
        raise ValueError("bad page")
    del payload["v"]
    return _intent(payload, nested=False), page


# --- encoding -----------------------------------------------------------------------------


def _payload(intent: Intent, limit: int) -> dict[str, Any]:
    """The intent's tag and fields under short names, leaving out what is None."""
    tag, fields = _SPECS[type(intent)]
    payload: dict[str, Any] = {"i": tag}
    for attribute, short, kind in fields:
        item = _encode_value(getattr(intent, attribute), kind, limit)
        if item is not None:
            payload[short] = item
    return payload


def _encode_value(item: Any, kind: Kind, limit: int) -> Any:
    if item is None:
        return None
    if kind in ("text", "said", "name"):
        return _clip(str(item), limit)
    if kind == "when":
        return _when(item)
    if kind == "clock":
        return _clock(item)
    if kind == "options":
        options: tuple[Option, ...] = item
        return [{"l": _clip(o.label, limit), **_payload(o.intent, limit)} for o in options] or None
    return item


def _when(when: When) -> dict[str, Any]:
    fields = {
        "d": None if when.day == "today" else when.day,
        "wd": when.weekday,
        "dt": None if when.date is None else when.date.isoformat(),
        "pt": when.part,
        "at": _clock(when.at),
        "un": _clock(when.until),
        "mo": when.month,
        "dm": when.day_of_month,
        "mi": when.minutes,
        "dy": when.days,
    }
    return {name: item for name, item in fields.items() if item is not None}


def _clock(moment: dt.time | None) -> str | None:
    if moment is None:
        return None
    if moment.second or moment.microsecond:
        return moment.replace(microsecond=0).isoformat(timespec="seconds")
    return moment.isoformat(timespec="minutes")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


# --- decoding -----------------------------------------------------------------------------


def _is_int(item: object) -> bool:
    return isinstance(item, int) and not isinstance(item, bool)


def _intent(payload: dict[str, Any], *, nested: bool) -> Intent:
    tag = payload.pop("i", None)
    spec = _BY_TAG.get(tag) if isinstance(tag, str) else None
    if spec is None:
        raise ValueError("unknown question")
    kind, fields = spec
    defaults = {field.name: field for field in dataclasses.fields(kind)}
    values: dict[str, Any] = {}
    for attribute, short, value_kind in fields:
        item = payload.pop(short, None)
        if item is None and value_kind == "when":
            default = defaults[attribute].default
            item = {} if default is dataclasses.MISSING else _when(default)
        values[attribute] = _DECODERS[value_kind](item, nested)
    if payload:
        raise ValueError(f"unexpected fields {sorted(payload)}")
    intent: Intent = kind(**values)
    return intent


def _text(item: object, _: bool) -> str | None:
    if item is None:
        return None
    if not isinstance(item, str):
        raise ValueError("bad text")
    return item


def _said(item: object, nested: bool) -> str:
    """What the user typed: may be empty, and is "" when left out."""
    return _text(item, nested) or ""


def _name(item: object, _: bool) -> str:
    if not isinstance(item, str) or not item.strip():
        raise ValueError("missing or blank name")
    return item


def _topic(item: object, nested: bool) -> str | None:
    topic = _text(item, nested)
    if topic is not None and topic not in USAGE:
        raise ValueError("unknown help topic")
    return topic


def _clock_value(item: object, _: bool) -> dt.time | None:
    if item is None:
        return None
    if not isinstance(item, str) or not _CLOCK.fullmatch(item):
        raise ValueError("bad clock")
    return dt.time.fromisoformat(item)


def _bounded(low: int, high: int) -> Callable[[object, bool], int | None]:
    def decode(item: object, _: bool) -> int | None:
        if item is None:
            return None
        if not isinstance(item, int) or isinstance(item, bool) or not low <= item <= high:
            raise ValueError("bad number")
        return item

    return decode


def _fact(item: object, _: bool) -> Fact:
    fact = _FACTS.get(item) if isinstance(item, str) else None
    if fact is None:
        raise ValueError("bad fact")
    return fact


def _options(item: object, nested: bool) -> tuple[Option, ...]:
    if item is None:
        return ()
    if nested or not isinstance(item, list) or not 0 < len(item) <= MAX_OPTIONS:
        raise ValueError("bad options")
    options: list[Option] = []
    for entry in item:
        if not isinstance(entry, dict):
            raise ValueError("bad option")
        entry = dict(entry)
        label = _name(entry.pop("l", None), nested)
        options.append(Option(label, _intent(entry, nested=True)))
    return tuple(options)


def _when_value(item: object, _: bool) -> When:
    if not isinstance(item, dict):
        raise ValueError("bad w")
    fields = dict(item)
    day = _DAYS.get(str(fields.pop("d", "today")))
    if day is None:
        raise ValueError("bad day")
    numbers: dict[str, int | None] = {}
    for short in ("wd", "mo", "dm", "mi", "dy"):
        number = fields.pop(short, None)
        if number is not None and not _is_int(number):
            raise ValueError(f"bad {short}")
        numbers[short] = number
    date_text = fields.pop("dt", None)
    date: dt.date | None = None
    if date_text is not None:
        if not isinstance(date_text, str) or not _DATE.fullmatch(date_text):
            raise ValueError("bad date")
        date = dt.date.fromisoformat(date_text)  # ValueError for 2026-02-30
    part_text = fields.pop("pt", None)
    part = None if part_text is None else _PARTS.get(str(part_text))
    if part_text is not None and part is None:
        raise ValueError("bad part")
    at = _clock_value(fields.pop("at", None), False)
    until = _clock_value(fields.pop("un", None), False)
    if fields:
        raise ValueError(f"unexpected fields {sorted(fields)}")
    when = When(
        day=day,
        weekday=numbers["wd"],
        date=date,
        part=part,
        at=at,
        until=until,
        month=numbers["mo"],
        day_of_month=numbers["dm"],
        minutes=numbers["mi"],
        days=numbers["dy"],
    )
    wrong = problem(when)
    if wrong is not None:
        raise ValueError(wrong)
    return when


_DECODERS: dict[Kind, Callable[[Any, bool], Any]] = {
    "text": _text,
    "said": _said,
    "name": _name,
    "topic": _topic,
    "when": _when_value,
    "clock": _clock_value,
    "lead": _bounded(MIN_REMIND_MINUTES, MAX_REMIND_MINUTES),
    "length": _bounded(1, MAX_LATER_MINUTES),
    "fact": _fact,
    "options": _options,
}
