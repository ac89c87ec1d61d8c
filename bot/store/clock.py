"""How the store writes times and checks zone names, the same way in every table."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc(moment: datetime | None) -> datetime:
    """`moment` in UTC (now when None); a naive datetime is taken to be UTC already."""
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime | None) -> str:
    """Fixed-width UTC ISO-8601, so stored times also compare correctly as text in SQL."""
    return utc(moment).isoformat(timespec="microseconds")


def iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def parse(text: str) -> datetime:
    return utc(datetime.fromisoformat(text))


def parse_or_none(text: str | None) -> datetime | None:
    return None if text is None else parse(text)


def check_timezone(tz: str) -> str:
    """Refuse a zone name the scheduler could not use later."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone: {tz!r}") from None
    return tz
