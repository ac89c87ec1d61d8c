"""Times, durations and zone names in every shape a Clustermarket-like server may send.

Times: ISO 8601 with `Z` or an offset, Ruby's default `2026-12-01 09:00:00 +0000` (and
`… UTC`), epoch seconds (or milliseconds), and naive wall times. A naive time is returned
naive on purpose: it is in the lab's zone, which only the caller can know, and reading it as
UTC would move every booking by hours without a word. Durations: minutes as a number, "4h 30m"
and its spelled-out kin, "1:30", or ISO 8601 ("PT4H30M"). Zones: IANA names or Rails' names.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clustermarket.rails_zones import RAILS_ZONES

_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|[+-]\d{2}|Z|UTC|GMT)")
_UTC_WORDS = frozenset({"Z", "UTC", "GMT"})
_EPOCH_MS = 100_000_000_000  # larger epoch numbers are milliseconds (year 5138 in seconds)
_LATEST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z


def parse_time(value: Any) -> datetime | None:
    """The moment `value` names: aware when it carries a zone or is an epoch, naive when it is
    a wall time without one; None when absent. Raises ValueError when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a time")
    if isinstance(value, int | float):
        return _epoch(float(value))
    if not isinstance(value, str):
        raise ValueError("not a time")
    text = value.strip()
    if not text:
        return None
    if _is_number(text):
        return _epoch(float(text))
    return datetime.fromisoformat(ruby_time(text))


def ruby_time(text: str) -> str:
    """Ruby's `2026-12-01 09:00:00 +0000` (or `… UTC`) as ISO 8601; other text unchanged."""
    head, space, tail = text.rpartition(" ")
    if space and ":" in head and _OFFSET.fullmatch(tail):
        return head + ("+00:00" if tail in _UTC_WORDS else tail)
    return text


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def _epoch(seconds: float) -> datetime:
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("not a time")
    if seconds >= _EPOCH_MS:
        seconds /= 1000
    if seconds > _LATEST_EPOCH:
        raise ValueError("not a time")
    return datetime.fromtimestamp(seconds, UTC)


def time_format(value: Any) -> str | None:
    """How `value` writes a time, in words for the doctor; None when it is not a time."""
    try:
        moment = parse_time(value)
    except (ValueError, OverflowError):
        return None
    if moment is None:
        return None
    text = str(value).strip()
    if isinstance(value, int | float) or _is_number(text):
        return "epoch seconds"
    if moment.tzinfo is None:
        return "date only (no zone)" if len(text) <= 10 else "wall time without a zone"
    head, space, tail = text.rpartition(" ")
    if space and ":" in head and _OFFSET.fullmatch(tail):
        return "Ruby default (with offset)"
    if text.endswith(("Z", "z")):
        return "ISO 8601 in UTC (Z)"
    return "ISO 8601 with offset"


_ISO_DURATION = re.compile(
    r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?",
    re.IGNORECASE,
)
_PART = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>d(?:ays?)?|h(?:(?:ou)?rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?P<h>\d+):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?")
_JOINERS = re.compile(r",|\band\b", re.IGNORECASE)
_MINUTES = {"d": 1440.0, "h": 60.0, "m": 1.0, "s": 1 / 60}


_HOURS_MINUTES = re.compile(r"(?:(\d+)h)? ?(?:(\d+)m)?")


def parse_duration(value: Any) -> int | None:
    """Minutes from a number of minutes, "4h 30m", "1:30" or "PT4H30M"; None when absent.
    Raises ValueError when unreadable."""
    if value.__class__ is str:
        short = _HOURS_MINUTES.fullmatch(value)  # "4h 30m", the common case, read quickly
        if short is not None and (short[1] or short[2]):
            return int(short[1] or 0) * 60 + int(short[2] or 0)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a duration")
    if isinstance(value, int):
        return _minutes(float(value))
    if isinstance(value, float):
        return _minutes(value)
    if not isinstance(value, str):
        raise ValueError("not a duration")
    text = value.strip()
    if not text:
        return None
    if _is_number(text):
        return _minutes(float(text))
    return _minutes(_text_minutes(text))


def _text_minutes(text: str) -> float:
    if text[:1] in "Pp":
        iso = _ISO_DURATION.fullmatch(text)
        if iso is None or not any(iso.groupdict().values()):
            raise ValueError("not a duration")
        parts = iso.groupdict()
        return sum(float(parts[unit] or 0) * _MINUTES[unit] for unit in "dhms")
    clock = _CLOCK.fullmatch(text)
    if clock is not None:
        return int(clock["h"]) * 60 + int(clock["m"]) + int(clock["s"] or 0) / 60
    found = list(_PART.finditer(text))
    rest = _JOINERS.sub(" ", _PART.sub("", text))
    if not found or rest.strip():
        raise ValueError("not a duration")
    return sum(float(part["n"]) * _MINUTES[part["unit"][0].lower()] for part in found)


def _minutes(minutes: float) -> int:
    if not math.isfinite(minutes) or minutes < 0 or minutes > 366 * 24 * 60:
        raise ValueError("not a duration")
    return round(minutes)


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone an account names: an IANA name, or Rails' name for it; None when unknown."""
    if not name or not name.strip():
        return None
    text = name.strip()
    iana = RAILS_ZONES.get(text, text)
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def iana_name(name: str | None) -> str | None:
    """The IANA key for a zone name in either spelling, or the name as given when unknown."""
    zone = zone_named(name)
    return zone.key if zone is not None else name
