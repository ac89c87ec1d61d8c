"""When a digest is due: local send time on the local date, across zones and DST changes.

The clock is moved with time-machine and read the way the scheduler reads it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.schedule import (
    due_date,
    format_send_time,
    next_send,
    parse_send_time,
    send_instant,
    zone_of,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
EIGHT = dt.time(8, 0)


def due_now(send_time: dt.time, tz: ZoneInfo, *, skip_weekends: bool = False) -> dt.date | None:
    """Due-ness as the scheduler sees it: at the current (travelled) time."""
    return due_date(dt.datetime.now(dt.UTC), send_time, tz, skip_weekends=skip_weekends)


@pytest.mark.parametrize(
    ("tz", "before", "after", "day"),
    [
        # 08:00 local, one minute before and one minute after, in three zones at once
        (LONDON, "2026-03-25T07:59:00Z", "2026-03-25T08:00:00Z", dt.date(2026, 3, 25)),
        (NEW_YORK, "2026-03-25T11:59:00Z", "2026-03-25T12:00:00Z", dt.date(2026, 3, 25)),
        (TOKYO, "2026-03-24T22:59:00Z", "2026-03-24T23:00:00Z", dt.date(2026, 3, 25)),
    ],
)
def test_due_from_the_local_send_time(tz: ZoneInfo, before: str, after: str, day: dt.date) -> None:
    with time_machine.travel(before, tick=False):
        assert due_now(EIGHT, tz) is None
    with time_machine.travel(after, tick=False):
        assert due_now(EIGHT, tz) == day


def test_one_instant_is_a_different_day_in_each_zone() -> None:
    # 23:30 UTC on the 25th: London's 25th is due, Tokyo is already on the 26th, New York's
    # 25th is due too, and a 20:00 digest in New York is not yet (it is 19:30 there).
    with time_machine.travel("2026-03-25T23:30:00Z", tick=False):
        assert due_now(EIGHT, LONDON) == dt.date(2026, 3, 25)
        assert due_now(EIGHT, TOKYO) == dt.date(2026, 3, 26)
        assert due_now(EIGHT, NEW_YORK) == dt.date(2026, 3, 25)
        assert due_now(dt.time(20, 0), NEW_YORK) is None


def test_a_missed_yesterday_is_never_due() -> None:
    # Just after local midnight the new day's 08:00 has not come: nothing is due, not even
    # yesterday's digest that was never sent.
    with time_machine.travel("2026-03-26T00:01:00Z", tick=False):
        assert due_now(EIGHT, LONDON) is None


def test_spring_forward_gap_sends_when_the_clock_jumps_past() -> None:
    # New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never exists.
    day = dt.date(2026, 3, 8)
    assert send_instant(day, dt.time(2, 30), NEW_YORK) == dt.datetime(2026, 3, 8, 7, tzinfo=dt.UTC)
    with time_machine.travel("2026-03-08T06:59:00Z", tick=False):  # 01:59 EST
        assert due_now(dt.time(2, 30), NEW_YORK) is None
    with time_machine.travel("2026-03-08T07:00:00Z", tick=False):  # 03:00 EDT
        assert due_now(dt.time(2, 30), NEW_YORK) == day
    # London's gap is 01:00-02:00 on 29 March: 01:30 goes out at 02:00 BST (01:00 UTC)
    london = send_instant(dt.date(2026, 3, 29), dt.time(1, 30), LONDON)
    assert london == dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC)
    assert london.astimezone(LONDON).strftime("%H:%M %Z") == "02:00 BST"


def test_fall_back_overlap_is_due_at_the_first_reading_and_stays_due() -> None:
    # New York, 1 November 2026: 01:00-02:00 happens twice (EDT, then EST).
    day = dt.date(2026, 11, 1)
    first = send_instant(day, dt.time(1, 30), NEW_YORK)
    assert first == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)  # 01:30 EDT
    with time_machine.travel("2026-11-01T05:29:00Z", tick=False):
        assert due_now(dt.time(1, 30), NEW_YORK) is None
    with time_machine.travel("2026-11-01T05:30:00Z", tick=False):
        assert due_now(dt.time(1, 30), NEW_YORK) == day
    # at 01:15 EST the wall clock reads earlier than 01:30 again, but the day stays due:
    # it is keyed by date, so it goes out once
    with time_machine.travel("2026-11-01T06:15:00Z", tick=False):
        assert due_now(dt.time(1, 30), NEW_YORK) == day


def test_dst_day_send_times_follow_the_new_offset() -> None:
    # 08:00 London on the spring-forward day is 07:00 UTC, on the fall-back day 08:00 UTC
    assert send_instant(dt.date(2026, 3, 29), EIGHT, LONDON).hour == 7
    assert send_instant(dt.date(2026, 10, 25), EIGHT, LONDON).hour == 8
    with time_machine.travel("2026-03-29T07:00:00Z", tick=False):
        assert due_now(EIGHT, LONDON) == dt.date(2026, 3, 29)


def test_weekends_are_skipped_on_request() -> None:
    with time_machine.travel("2026-03-28T09:00:00Z", tick=False):  # Saturday in London
        assert due_now(EIGHT, LONDON, skip_weekends=True) is None
        assert due_now(EIGHT, LONDON) == dt.date(2026, 3, 28)
    # Monday 09:00 in Tokyo is still Sunday in London: each zone decides its own weekend
    with time_machine.travel("2026-03-30T00:00:00Z", tick=False):
        assert due_now(EIGHT, TOKYO, skip_weekends=True) == dt.date(2026, 3, 30)
        assert due_now(EIGHT, LONDON, skip_weekends=True) is None


def test_next_send() -> None:
    friday_noon = dt.datetime(2026, 3, 27, 12, tzinfo=dt.UTC)
    assert next_send(friday_noon, dt.time(13, 0), LONDON).isoformat() == (
        "2026-03-27T13:00:00+00:00"
    )
    # sent today and skipping weekends: Monday, now on summer time
    assert next_send(
        friday_noon, EIGHT, LONDON, skip_weekends=True, sent_today=True
    ).isoformat() == ("2026-03-30T08:00:00+01:00")
    # due but not sent yet: today's, which goes out at the next tick
    assert next_send(friday_noon, EIGHT, LONDON).date() == dt.date(2026, 3, 27)


def test_settings_text() -> None:
    assert parse_send_time("07:45") == dt.time(7, 45)
    assert parse_send_time("7:45") == EIGHT  # the store keeps HH:MM; anything else is default
    assert parse_send_time(None) == EIGHT
    assert format_send_time(dt.time(9, 5, 30)) == "09:05"
    assert zone_of("Asia/Tokyo") == TOKYO
    assert zone_of("Mars/Olympus_Mons").key == "UTC"
    assert zone_of(None).key == "UTC"


ZONES = st.sampled_from(
    [LONDON, NEW_YORK, TOKYO, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Pacific/Apia")]
)
INSTANTS = st.datetimes(
    min_value=dt.datetime(2011, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.just(dt.UTC),
)
CLOCKS = st.times().map(lambda clock: clock.replace(second=0, microsecond=0))


@settings(max_examples=300, deadline=None)
@given(now=INSTANTS, clock=CLOCKS, tz=ZONES)
def test_only_today_is_ever_due_and_only_after_its_send_instant(
    now: dt.datetime, clock: dt.time, tz: ZoneInfo
) -> None:
    day = due_date(now, clock, tz)
    today = now.astimezone(tz).date()
    instant = send_instant(today, clock, tz)
    assert day in (None, today)
    assert (day is not None) == (now >= instant)
    # the send instant is the first moment the local clock shows the send time or later
    assert instant.astimezone(tz).time() >= clock or instant.astimezone(tz).date() > today
    earlier = instant - dt.timedelta(seconds=1)
    local_earlier = earlier.astimezone(tz)
    assert local_earlier.date() < today or local_earlier.time() < clock
