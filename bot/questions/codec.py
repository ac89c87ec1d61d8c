"""Intents as button values: compact JSON that lets a click ask the same question again.

A value comes back from the network, so decoding trusts nothing: any shape, type or field it
does not expect raises `ValueError`. Encoding keeps the value within Slack's 2,000 characters
by clipping free text (a long `Unknown` text or suggestion), never the structure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any, get_args

from bot.questions.commands import (
    USAGE,
    Bookings,
    ChannelDigestOff,
    ChannelDigestOn,
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
    Schedule,
    Unknown,
)
from bot.questions.when import DayWord, PartOfDay, When

VERSION = 1
MAX_VALUE_LENGTH = 2000  # Slack's limit on a button's value
MAX_PAGE = 10_000
_FREE_TEXT = 500  # characters of one free-text field before the whole value is measured
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAYS: dict[str, DayWord] = {word: word for word in get_args(DayWord)}
_PARTS: dict[str, PartOfDay] = {word: word for word in get_args(PartOfDay)}

_TAGS: dict[type, str] = {
    Help: "help",
    Connect: "connect",
    Disconnect: "disconnect",
    Me: "me",
    Labs: "labs",
    EquipmentSearch: "equipment",
    Groups: "groups",
    GroupDetail: "group",
    Bookings: "bookings",
    Schedule: "schedule",
    Free: "free",
    DigestStatus: "digest",
    DigestOn: "digest_on",
    DigestOff: "digest_off",
    ChannelDigestOn: "channel_digest_on",
    ChannelDigestOff: "channel_digest_off",
    Unknown: "unknown",
}


def encode_intent(intent: Intent, page: int = 0) -> str:
    """`intent` and `page` as a compact JSON string of at most 2,000 characters."""
    if not 0 <= page <= MAX_PAGE:
        raise ValueError(f"page must be 0 to {MAX_PAGE}")
    fields = _fields(intent)
    texts = [name for name in _TEXT_FIELDS.get(type(intent), ()) if fields.get(name)]
    for name in texts:
        fields[name] = _clip(fields[name], _FREE_TEXT)
    payload: dict[str, Any] = {"v": VERSION, "i": _TAGS[type(intent)], **fields}
    if page:
        payload["p"] = page
    value = _dumps(payload)
    while len(value) > MAX_VALUE_LENGTH and texts:
        longest = max(texts, key=lambda name: len(payload[name]))
        if len(payload[longest]) <= 1:
            break
        payload[longest] = _clip(payload[longest], len(payload[longest]) // 2)
        value = _dumps(payload)
    if len(value) > MAX_VALUE_LENGTH:  # unreachable: only free text can grow this long
        raise ValueError("the intent does not fit in a button value")
    return value


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
    tag = payload.get("i")
    build = _BUILDERS.get(tag) if isinstance(tag, str) else None
    if build is None:
        raise ValueError("unknown question")
    page = payload.get("p", 0)
    if not _is_int(page) or not 0 <= page <= MAX_PAGE:
        raise ValueError("bad page")
    fields = {name: item for name, item in payload.items() if name not in ("v", "i", "p")}
    return build(_Fields(fields)), page


# --- encoding -----------------------------------------------------------------------------

_TEXT_FIELDS: dict[type, tuple[str, ...]] = {
    Help: ("s",),
    EquipmentSearch: ("q",),
    Groups: ("l",),
    GroupDetail: ("n",),
    Schedule: ("e",),
    Free: ("e",),
    ChannelDigestOn: ("l",),
    Unknown: ("x", "s"),
}


def _fields(intent: Intent) -> dict[str, Any]:
    """The intent's fields under short names, leaving out what is None."""
    fields: dict[str, Any]
    if isinstance(intent, Help):
        fields = {"t": intent.topic, "s": intent.suggestion}
    elif isinstance(intent, EquipmentSearch):
        fields = {"q": intent.query}
    elif isinstance(intent, Groups):
        fields = {"l": intent.lab}
    elif isinstance(intent, GroupDetail):
        fields = {"n": intent.name}
    elif isinstance(intent, Bookings):
        fields = {"w": _when(intent.when)}
    elif isinstance(intent, Schedule | Free):
        fields = {"e": intent.equipment, "w": _when(intent.when)}
    elif isinstance(intent, DigestOn):
        fields = {"at": _clock(intent.time)}
    elif isinstance(intent, ChannelDigestOn):
        fields = {"at": _clock(intent.time), "l": intent.lab}
    elif isinstance(intent, Unknown):
        fields = {"x": intent.text, "s": intent.suggestion}
    else:
        fields = {}
    return {name: item for name, item in fields.items() if item is not None}


def _when(when: When) -> dict[str, Any]:
    fields = {
        "d": None if when.day == "today" else when.day,
        "wd": when.weekday,
        "dt": None if when.date is None else when.date.isoformat(),
        "pt": when.part,
        "at": _clock(when.at),
        "un": _clock(when.until),
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


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


# --- decoding -----------------------------------------------------------------------------


def _is_int(item: object) -> bool:
    return isinstance(item, int) and not isinstance(item, bool)


class _Fields:
    """The fields of one payload, each read once and checked; leftovers are refused."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self._fields = dict(fields)

    def text(self, name: str, *, required: bool = False) -> str | None:
        item = self._fields.pop(name, None)
        if item is None:
            if required:
                raise ValueError(f"missing {name}")
            return None
        if not isinstance(item, str) or (required and not item.strip()):
            raise ValueError(f"bad {name}")
        return item

    def name(self, name: str) -> str:
        text = self.text(name, required=True)
        assert text is not None  # required=True raised otherwise
        return text

    def raw(self, name: str) -> object:
        return self._fields.pop(name, None)

    def clock(self, name: str) -> dt.time | None:
        item = self.text(name)
        if item is None:
            return None
        if not _CLOCK.fullmatch(item):
            raise ValueError(f"bad {name}")
        return dt.time.fromisoformat(item)

    def when(self) -> When:
        item = self._fields.pop("w", None)
        if item is None:
            return When()
        if not isinstance(item, dict):
            raise ValueError("bad w")
        return _decode_when(_Fields(item))

    def done(self) -> None:
        if self._fields:
            raise ValueError(f"unexpected fields {sorted(self._fields)}")


def _decode_when(fields: _Fields) -> When:
    day = _DAYS.get(fields.text("d") or "today")
    if day is None:
        raise ValueError("bad day")
    weekday = fields.raw("wd")
    if day == "weekday":
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
            raise ValueError("bad weekday")
    elif weekday is not None:
        raise ValueError("weekday without day=weekday")
    date_text = fields.text("dt")
    date: dt.date | None = None
    if day == "date":
        if date_text is None or not _DATE.fullmatch(date_text):
            raise ValueError("bad date")
        date = dt.date.fromisoformat(date_text)  # ValueError for 2026-02-30
    elif date_text is not None:
        raise ValueError("date without day=date")
    part_text = fields.text("pt")
    part = None if part_text is None else _PARTS.get(part_text)
    if part_text is not None and part is None:
        raise ValueError("bad part")
    at = fields.clock("at")
    until = fields.clock("un")
    if until is not None and at is None:
        raise ValueError("until without at")
    if day in ("now", "this_week", "next_week") and (part or at):
        raise ValueError(f"{day} takes no part of the day or time")
    fields.done()
    return When(
        day=day,
        weekday=weekday if isinstance(weekday, int) else None,
        date=date,
        part=part,
        at=at,
        until=until,
    )


def _help(fields: _Fields) -> Intent:
    topic = fields.text("t")
    if topic is not None and topic not in USAGE:
        raise ValueError("unknown help topic")
    suggestion = fields.text("s")
    fields.done()
    return Help(topic=topic, suggestion=suggestion)


def _simple(kind: Callable[[], Intent]) -> Callable[[_Fields], Intent]:
    def build(fields: _Fields) -> Intent:
        fields.done()
        return kind()

    return build


def _equipment(fields: _Fields) -> Intent:
    query = fields.text("q")
    fields.done()
    return EquipmentSearch(query)


def _groups(fields: _Fields) -> Intent:
    lab = fields.text("l")
    fields.done()
    return Groups(lab)


def _group(fields: _Fields) -> Intent:
    name = fields.name("n")
    fields.done()
    return GroupDetail(name)


def _bookings(fields: _Fields) -> Intent:
    when = fields.when()
    fields.done()
    return Bookings(when)


def _schedule(fields: _Fields) -> Intent:
    equipment = fields.name("e")
    when = fields.when()
    fields.done()
    return Schedule(equipment, when)


def _free(fields: _Fields) -> Intent:
    equipment = fields.name("e")
    when = fields.when()
    fields.done()
    return Free(equipment, when)


def _digest_on(fields: _Fields) -> Intent:
    time = fields.clock("at")
    fields.done()
    return DigestOn(time)


def _channel_digest_on(fields: _Fields) -> Intent:
    time = fields.clock("at")
    lab = fields.name("l")
    fields.done()
    return ChannelDigestOn(time, lab)


def _unknown(fields: _Fields) -> Intent:
    text = fields.text("x")
    suggestion = fields.text("s")
    fields.done()
    return Unknown(text or "", suggestion)


_BUILDERS: dict[str, Callable[[_Fields], Intent]] = {
    "help": _help,
    "connect": _simple(Connect),
    "disconnect": _simple(Disconnect),
    "me": _simple(Me),
    "labs": _simple(Labs),
    "equipment": _equipment,
    "groups": _groups,
    "group": _group,
    "bookings": _bookings,
    "schedule": _schedule,
    "free": _free,
    "digest": _simple(DigestStatus),
    "digest_on": _digest_on,
    "digest_off": _simple(DigestOff),
    "channel_digest_on": _channel_digest_on,
    "channel_digest_off": _simple(ChannelDigestOff),
    "unknown": _unknown,
}
