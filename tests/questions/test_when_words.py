"""WHEN words to `When`, and `When` to a window of local time, including DST change days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.questions.timewords import parse_when
from bot.questions.when import When, Window, local_midnight, resolve

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC
# Wednesday 25 March 2026, 14:05 in London (GMT, the Sunday before BST starts).
NOW = dt.datetime(2026, 3, 25, 14, 5, tzinfo=LONDON)


def hours(window: Window) -> float:
    """The window's real length: subtracting in UTC, never wall time."""
    return (window.end.astimezone(UTC) - window.start.astimezone(UTC)).total_seconds() / 3600


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, tz: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


# --- parse_when ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", When()),
        ("   ", When()),
        ("now", When(day="now")),
        ("NOW", When(day="now")),
        ("today", When()),
        ("Today", When()),
        ("tomorrow", When(day="tomorrow")),
        ("TOMORROW", When(day="tomorrow")),
        ("yesterday", When(day="yesterday")),
        ("monday", When(day="weekday", weekday=0)),
        ("Mon", When(day="weekday", weekday=0)),
        ("tue", When(day="weekday", weekday=1)),
        ("Tues", When(day="weekday", weekday=1)),
        ("WEDNESDAY", When(day="weekday", weekday=2)),
        ("thu", When(day="weekday", weekday=3)),
        ("Thursday", When(day="weekday", weekday=3)),
        ("fri", When(day="weekday", weekday=4)),
        ("friday", When(day="weekday", weekday=4)),
        ("Sat", When(day="weekday", weekday=5)),
        ("sunday", When(day="weekday", weekday=6)),
        ("on friday", When(day="weekday", weekday=4)),
        ("this friday", When(day="weekday", weekday=4)),
        ("this week", When(day="this_week")),
        ("This Week", When(day="this_week")),
        ("next week", When(day="next_week")),
        ("NEXT WEEK", When(day="next_week")),
        ("2026-03-03", When(day="date", date=dt.date(2026, 3, 3))),
        ("2026-3-3", When(day="date", date=dt.date(2026, 3, 3))),
        ("tonight", When(part="night")),
        ("this morning", When(part="morning")),
        ("this afternoon", When(part="afternoon")),
        ("This Evening", When(part="evening")),
        ("morning", When(day="soonest", part="morning")),
        ("in the afternoon", When(day="soonest", part="afternoon")),
        ("tomorrow morning", When(day="tomorrow", part="morning")),
        ("tomorrow afternoon?", When(day="tomorrow", part="afternoon")),
        ("friday evening", When(day="weekday", weekday=4, part="evening")),
        ("2026-03-03 afternoon", When(day="date", date=dt.date(2026, 3, 3), part="afternoon")),
        ("at 3pm", When(day="soonest", at=dt.time(15))),
        ("at 3 pm", When(day="soonest", at=dt.time(15))),
        ("at 3 p.m.", When(day="soonest", at=dt.time(15))),
        ("at 15:00", When(day="soonest", at=dt.time(15))),
        ("at 3:30 pm", When(day="soonest", at=dt.time(15, 30))),
        ("at noon", When(day="soonest", at=dt.time(12))),
        ("at 9", When(day="soonest", at=dt.time(9))),
        ("at 3", When(day="soonest", at=dt.time(15))),
        ("at 07:00", When(day="soonest", at=dt.time(7))),
        ("at 10am", When(day="soonest", at=dt.time(10))),
        ("at 12am", When(day="soonest", at=dt.time(0))),
        ("3pm", When(day="soonest", at=dt.time(15))),
        ("tomorrow at 9", When(day="tomorrow", at=dt.time(9))),
        ("3pm tomorrow", When(day="tomorrow", at=dt.time(15))),
        ("friday at 15:00", When(day="weekday", weekday=4, at=dt.time(15))),
        ("from 2 to 4", When(day="soonest", at=dt.time(14), until=dt.time(16))),
        ("from 9 to 5", When(day="soonest", at=dt.time(9), until=dt.time(17))),
        ("from 10 until 2", When(day="soonest", at=dt.time(10), until=dt.time(14))),
        ("between 9 and 11", When(day="soonest", at=dt.time(9), until=dt.time(11))),
        ("2-4pm", When(day="soonest", at=dt.time(14), until=dt.time(16))),
        ("2 – 4pm", When(day="soonest", at=dt.time(14), until=dt.time(16))),
        ("11-1pm", When(day="soonest", at=dt.time(11), until=dt.time(13))),
        ("9am-11", When(day="soonest", at=dt.time(9), until=dt.time(11))),
        ("14:00-16:00", When(day="soonest", at=dt.time(14), until=dt.time(16))),
        ("from 22:00 to 02:00", When(day="soonest", at=dt.time(22), until=dt.time(2))),
        ("tomorrow from 2 to 4", When(day="tomorrow", at=dt.time(14), until=dt.time(16))),
        ("tomorrow morning at 9", When(day="tomorrow", part="morning", at=dt.time(9))),
        ("this afternoon at 2", When(part="afternoon", at=dt.time(14))),
        ("tonight at 11", When(part="night", at=dt.time(23))),
        ("tonight at 1am", When(part="night", at=dt.time(1))),
    ],
)
def test_when_words(text: str, expected: When) -> None:
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "confocal",
        "zeiss lsm 980",
        "980",
        "3/4",  # day/month order is ambiguous: read_when asks (see below)
        "31/2",
        "next",
        "in 3",
        "for 2 hours",  # a length of time, not a time
        "2026-02-30",
        "2026-13-01",
        "9999-01-01",
        "at",
        "on",
        "at 25",
        "at 13pm",
        "at 3:75",
        "from 3 to 3",
        "from 2",
        "2-4",  # bare numbers could be a model number
        "today tomorrow",
        "now at 3pm",
        "now afternoon",
        "next week afternoon",
        "this week at 3pm",
        "morning evening",
        "at 3pm at 4pm",
        "tomorrow; friday",
        "zoë",
    ],
)
def test_not_time_words(text: str) -> None:
    assert parse_when(text) is None


@pytest.mark.parametrize(
    ("when", "words"),
    [
        (When(), "today"),
        (When(day="now"), "now"),
        (When(day="tomorrow", part="afternoon"), "tomorrow afternoon"),
        (When(day="weekday", weekday=4), "Friday"),
        (When(day="next_week"), "next week"),
        (When(day="this_week"), "this week"),
        (When(day="date", date=dt.date(2026, 3, 3)), "Tue 3 Mar"),
        (When(at=dt.time(15)), "today at 15:00"),
        (When(at=dt.time(14), until=dt.time(16)), "today 14:00–16:00"),
        (When(part="night"), "tonight"),
        (When(part="morning"), "this morning"),
    ],
)
def test_describe(when: When, words: str) -> None:
    assert when.describe() == words


# --- resolve ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "start", "end", "label"),
    [
        (When(), local(2026, 3, 25), local(2026, 3, 26), "Today, Wed 25 Mar"),
        (When(day="tomorrow"), local(2026, 3, 26), local(2026, 3, 27), "Tomorrow, Thu 26 Mar"),
        (When(day="yesterday"), local(2026, 3, 24), local(2026, 3, 25), "Yesterday, Tue 24 Mar"),
        (
            When(day="tomorrow", part="afternoon"),
            local(2026, 3, 26, 12),
            local(2026, 3, 26, 18),
            "Tomorrow afternoon, Thu 26 Mar",
        ),
        (
            When(part="morning"),
            local(2026, 3, 25, 6),
            local(2026, 3, 25, 12),
            "This morning, Wed 25 Mar",
        ),
        (
            When(part="evening"),
            local(2026, 3, 25, 18),
            local(2026, 3, 26),
            "This evening, Wed 25 Mar",
        ),
        (When(part="night"), local(2026, 3, 25, 18), local(2026, 3, 26, 6), "Tonight, Wed 25 Mar"),
        (
            When(at=dt.time(15)),
            local(2026, 3, 25, 15),
            local(2026, 3, 25, 16),
            "Today at 15:00, Wed 25 Mar",
        ),
        (
            When(at=dt.time(14), until=dt.time(16)),
            local(2026, 3, 25, 14),
            local(2026, 3, 25, 16),
            "Today 14:00–16:00, Wed 25 Mar",
        ),
        (
            When(at=dt.time(22), until=dt.time(2)),
            local(2026, 3, 25, 22),
            local(2026, 3, 26, 2),
            "Today 22:00–02:00, Wed 25 Mar",
        ),
        (
            When(part="night", at=dt.time(1)),
            local(2026, 3, 26, 1),
            local(2026, 3, 26, 2),
            "Tonight at 01:00, Wed 25 Mar",
        ),
        (
            When(day="date", date=dt.date(2026, 3, 3)),
            local(2026, 3, 3),
            local(2026, 3, 4),
            "Tue 3 Mar",
        ),
        (
            When(day="date", date=dt.date(2027, 1, 5), part="afternoon"),
            local(2027, 1, 5, 12),
            local(2027, 1, 5, 18),
            "Tue 5 Jan 2027 afternoon",
        ),
        (When(day="weekday", weekday=4), local(2026, 3, 27), local(2026, 3, 28), "Friday, 27 Mar"),
        (
            When(day="this_week"),
            local(2026, 3, 25),  # from today's midnight, not Monday's
            local(2026, 3, 30),
            "This week, 25 Mar – 29 Mar",
        ),
        (When(day="next_week"), local(2026, 3, 30), local(2026, 4, 6), "Next week, 30 Mar – 5 Apr"),
    ],
)
def test_resolve_london(when: When, start: dt.datetime, end: dt.datetime, label: str) -> None:
    window = resolve(when, LONDON, NOW)
    assert window.start == start
    assert window.end == end
    assert window.label == label


def test_now_is_one_minute_from_now_in_the_users_zone() -> None:
    window = resolve(When(day="now"), NEW_YORK, dt.datetime(2026, 3, 25, 14, 5, 30, tzinfo=UTC))
    assert window.start == dt.datetime(2026, 3, 25, 14, 5, 30, tzinfo=UTC)
    assert window.start.tzinfo is NEW_YORK
    assert hours(window) * 60 == pytest.approx(1)
    assert window.label == "Now (10:05)"


def test_naive_now_is_taken_as_utc() -> None:
    window = resolve(When(), NEW_YORK, dt.datetime(2026, 3, 25, 2, 0))
    assert window.start == local(2026, 3, 24, tz=NEW_YORK)  # still the 24th in New York


@pytest.mark.parametrize(
    ("tz", "day", "length", "label"),
    [
        (LONDON, dt.date(2026, 3, 29), 23, "Today, Sun 29 Mar"),
        (LONDON, dt.date(2026, 10, 25), 25, "Today, Sun 25 Oct"),
        (LONDON, dt.date(2026, 3, 28), 24, "Today, Sat 28 Mar"),
        (NEW_YORK, dt.date(2026, 3, 8), 23, "Today, Sun 8 Mar"),
        (NEW_YORK, dt.date(2026, 11, 1), 25, "Today, Sun 1 Nov"),
    ],
)
def test_dst_change_days_have_their_real_length(
    tz: ZoneInfo, day: dt.date, length: int, label: str
) -> None:
    now = dt.datetime.combine(day, dt.time(12), tzinfo=tz)
    window = resolve(When(), tz, now)
    assert hours(window) == length
    assert window.label == label
    assert (window.start.hour, window.end.hour) == (0, 0)
    assert window.days() == [day]


def test_tomorrow_across_the_spring_change_starts_at_local_midnight() -> None:
    window = resolve(When(day="tomorrow"), LONDON, local(2026, 3, 28, 20))
    assert window.start == local(2026, 3, 29)
    assert window.end.astimezone(UTC) == dt.datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    assert hours(window) == 23


def test_week_containing_the_autumn_change_is_a_week_and_an_hour() -> None:
    window = resolve(When(day="next_week"), LONDON, local(2026, 10, 15, 9))
    assert window.start == local(2026, 10, 19)
    assert window.end == local(2026, 10, 26)
    assert hours(window) == 7 * 24 + 1
    assert window.label == "Next week, 19 Oct – 25 Oct"
    assert len(window.days()) == 7


def test_parts_of_the_day_on_dst_days() -> None:
    night = resolve(When(part="night"), LONDON, local(2026, 3, 28, 9))
    assert hours(night) == 11  # 18:00 GMT to 06:00 BST
    assert night.days() == [dt.date(2026, 3, 28), dt.date(2026, 3, 29)]
    evening = resolve(When(part="evening"), NEW_YORK, local(2026, 11, 1, 9, tz=NEW_YORK))
    assert hours(evening) == 6
    assert evening.end == local(2026, 11, 2, tz=NEW_YORK)


def test_times_skipped_or_repeated_by_dst_never_raise() -> None:
    skipped = resolve(When(at=dt.time(1, 30)), LONDON, local(2026, 3, 29, 9))
    assert skipped.start.astimezone(UTC) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (skipped.start.hour, skipped.start.minute) == (2, 30)  # the wall time that exists
    assert hours(skipped) == 1
    repeated = resolve(When(at=dt.time(1, 30)), LONDON, local(2026, 10, 25, 9))
    assert repeated.start.astimezone(UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert hours(repeated) == 1  # fold=0: the first 01:30, in summer time
    ranged = resolve(
        When(at=dt.time(1), until=dt.time(2)), NEW_YORK, local(2026, 3, 8, tz=NEW_YORK)
    )
    assert hours(ranged) > 0


@pytest.mark.parametrize(
    ("today", "weekday", "expected"),
    [
        (dt.date(2026, 3, 25), 2, dt.date(2026, 3, 25)),  # Wednesday on a Wednesday: today
        (dt.date(2026, 3, 25), 4, dt.date(2026, 3, 27)),  # the next Friday
        (dt.date(2026, 3, 25), 0, dt.date(2026, 3, 30)),  # Monday: next week's
        (dt.date(2026, 3, 25), 1, dt.date(2026, 3, 31)),  # Tuesday: six days on
        (dt.date(2026, 3, 29), 6, dt.date(2026, 3, 29)),  # Sunday on a Sunday
        (dt.date(2026, 12, 31), 4, dt.date(2027, 1, 1)),  # across the year
    ],
)
def test_weekday_is_the_next_one_and_today_is_today(
    today: dt.date, weekday: int, expected: dt.date
) -> None:
    now = dt.datetime.combine(today, dt.time(10), tzinfo=LONDON)
    window = resolve(When(day="weekday", weekday=weekday), LONDON, now)
    assert window.start == local_midnight(expected, LONDON)
    assert window.days() == [expected]


@pytest.mark.parametrize(
    ("today", "this_week", "next_week"),
    [
        (
            dt.date(2026, 3, 23),  # Monday
            (dt.date(2026, 3, 23), dt.date(2026, 3, 30)),
            (dt.date(2026, 3, 30), dt.date(2026, 4, 6)),
        ),
        (
            dt.date(2026, 3, 29),  # Sunday: this week is just today
            (dt.date(2026, 3, 29), dt.date(2026, 3, 30)),
            (dt.date(2026, 3, 30), dt.date(2026, 4, 6)),
        ),
        (
            dt.date(2026, 12, 30),  # across the year
            (dt.date(2026, 12, 30), dt.date(2027, 1, 4)),
            (dt.date(2027, 1, 4), dt.date(2027, 1, 11)),
        ),
    ],
)
def test_week_bounds(
    today: dt.date, this_week: tuple[dt.date, dt.date], next_week: tuple[dt.date, dt.date]
) -> None:
    now = dt.datetime.combine(today, dt.time(23, 59), tzinfo=NEW_YORK)
    for day, (first, stop) in (("this_week", this_week), ("next_week", next_week)):
        window = resolve(When(day=day), NEW_YORK, now)  # type: ignore[arg-type]
        assert window.start == local_midnight(first, NEW_YORK)
        assert window.end == local_midnight(stop, NEW_YORK)
        assert window.days()[0] == first
        assert window.days()[-1] == stop - dt.timedelta(days=1)


def test_week_labels() -> None:
    sunday = resolve(When(day="this_week"), LONDON, local(2026, 3, 29, 10))
    assert sunday.label == "This week, Sun 29 Mar"
    new_year = resolve(When(day="next_week"), LONDON, local(2026, 12, 30, 10))
    assert new_year.label == "Next week, 4 Jan 2027 – 10 Jan 2027"


def test_parsed_words_resolve_end_to_end() -> None:
    when = parse_when("from 2 to 4")
    assert when is not None
    window = resolve(when, NEW_YORK, local(2026, 3, 8, 9, tz=NEW_YORK))
    assert window.start == local(2026, 3, 8, 14, tz=NEW_YORK)
    assert hours(window) == 2
    at = parse_when("at 3pm")
    assert at is not None
    assert resolve(at, LONDON, NOW).start == local(2026, 3, 25, 15)


def test_window_days_for_a_midnight_end() -> None:
    window = Window(local(2026, 3, 25, 22), local(2026, 3, 27), "two nights")
    assert window.days() == [dt.date(2026, 3, 25), dt.date(2026, 3, 26)]
