"""Intents survive a trip through a button value; anything else that comes back is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.questions.codec import MAX_VALUE_LENGTH, decode_intent, encode_intent
from bot.questions.commands import (
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
    parse_command,
)
from bot.questions.intents import (
    BookedHours,
    Clarify,
    EquipmentFact,
    MyHours,
    MyNextBooking,
    NextFree,
    Option,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unwatch,
    Watch,
    WatchList,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.when import When

EVERY_INTENT: list[Intent] = [
    Help(),
    Help(topic="free", suggestion="`/cm free` needs the equipment"),
    Connect(),
    Disconnect(),
    Me(),
    Labs(),
    EquipmentSearch(None),
    EquipmentSearch("Zoë's “confocal” <b>&"),
    Groups(None),
    Groups("Genomics Core Facility"),
    GroupDetail("Sample QC"),
    Bookings(When()),
    Bookings(When(day="next_week")),
    Schedule("NanoDrop One", When(day="tomorrow", part="afternoon")),
    Schedule("4105", When(day="date", date=dt.date(2026, 3, 29))),
    Free(
        "Illumina NovaSeq 6000", When(day="weekday", weekday=4, at=dt.time(14), until=dt.time(16))
    ),
    Free("ÄKTA", When(day="now")),
    Free("x", When(day="today", part="night", at=dt.time(1, 30))),
    Free("x", When(day="yesterday", at=dt.time(9, 15, 30))),
    DigestStatus(),
    DigestOn(None),
    DigestOn(dt.time(8, 30)),
    DigestOff(),
    ChannelDigestOn(None, "Smith Lab"),
    ChannelDigestOn(dt.time(7), "Łódź Lab 2"),
    ChannelDigestOff(),
    Unknown("bokings tomorow", "Did you mean `/cm bookings tomorrow`?"),
    Unknown("", None),
    Unknown(
        "novaseq",
        "Try: is the novaseq free today? or what's booked on the novaseq today?",
        (
            Option("is the novaseq free today?", Free("novaseq", When())),
            Option("what's booked on the novaseq today?", Schedule("novaseq", When())),
        ),
    ),
    WhatIsFree(When(day="now")),
    WhatIsFree(When(day="soonest", part="afternoon"), group="Imaging"),
    WhatIsFree(When(day="this_weekend"), lab="Genomics Core Facility"),
    NextFree("NovaSeq"),
    NextFree("NovaSeq", When(day="tomorrow", at=dt.time(9)), minutes=120),
    MyNextBooking(),
    WhoIsOn("Zeiss LSM 980"),
    BookedHours("confocal", When(day="last_weekday", weekday=1)),
    MyHours(When(day="this_month")),
    MyHours(When(day="last_week")),
    EquipmentFact("NanoDrop", "room"),
    EquipmentFact("NanoDrop", "contact"),
    EquipmentFact("NanoDrop", "group"),
    RemindStatus(),
    RemindOn(None),
    RemindOn(45),
    RemindOff(),
    WatchList(),
    Watch("NovaSeq"),
    Unwatch("“NovaSeq” <&>"),
    Clarify(
        "is the novaseq free 4/12?",
        "By 4/12, do you mean 4 December or 12 April?",
        (
            Option("4 Dec", Free("novaseq", When(day="month_day", month=12, day_of_month=4))),
            Option("12 Apr", Free("novaseq", When(day="month_day", month=4, day_of_month=12))),
        ),
    ),
    Free("x", When(day="later", minutes=90)),
    Free("x", When(day="in_days", days=14, at=dt.time(9))),
    Free("x", When(day="month_day", day_of_month=31)),
    Schedule("x", When(day="next_weekday", weekday=6, part="evening")),
    Bookings(When(day="date", date=dt.date(2027, 1, 5), at=dt.time(22), until=dt.time(2))),
]


def test_every_intent_type_is_covered() -> None:
    assert {type(intent) for intent in EVERY_INTENT} == set(Intent.__args__)


@pytest.mark.parametrize("intent", EVERY_INTENT, ids=lambda intent: repr(intent)[:60])
@pytest.mark.parametrize("page", [0, 1, 57])
def test_round_trip(intent: Intent, page: int) -> None:
    value = encode_intent(intent, page)
    assert len(value) <= MAX_VALUE_LENGTH
    assert decode_intent(value) == (intent, page)


@pytest.mark.parametrize(
    "text",
    [
        "free NovaSeq tomorrow afternoon",
        'schedule "Zeiss LSM 980" friday from 2 to 4pm',
        "bookings 2026-03-29",
        "bookings next week",
        "free confocal tonight at 1am",
        "digest channel on 08:30 Smith Lab",
        "grouP Sample QC",
        "help free",
        "blah",
    ],
)
def test_parsed_commands_round_trip(text: str) -> None:
    intent = parse_command(text)
    assert decode_intent(encode_intent(intent)) == (intent, 0)


def test_values_are_compact_json() -> None:
    value = encode_intent(Free("NanoDrop One", When(day="tomorrow")), 2)
    assert " " not in value.replace("NanoDrop One", "")
    assert json.loads(value) == {
        "v": 1,
        "i": "free",
        "e": "NanoDrop One",
        "w": {"d": "tomorrow"},
        "p": 2,
    }


@pytest.mark.parametrize(
    "intent",
    [
        Unknown("x" * 50_000, "y" * 50_000),
        Unknown('"\\' * 5_000, "\x00\x01" * 3_000),
        Help(suggestion="\u0007" * 10_000),
        EquipmentSearch("🧪" * 10_000),
        ChannelDigestOn(None, "\n" * 9_000),
        Schedule("\x1f" * 4_000, When(day="weekday", weekday=2)),
    ],
)
def test_long_free_text_is_clipped_to_fit(intent: Intent) -> None:
    value = encode_intent(intent)
    assert len(value) <= MAX_VALUE_LENGTH
    decoded, page = decode_intent(value)
    assert type(decoded) is type(intent) and page == 0


def test_a_page_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        encode_intent(Me(), -1)


GARBAGE = [
    "",
    "null",
    "[]",
    "42",
    '"free"',
    "{",
    "{}",
    '{"v":2,"i":"me"}',
    '{"v":true,"i":"me"}',
    '{"v":1}',
    '{"v":1,"i":"rm -rf"}',
    '{"v":1,"i":"me","extra":1}',
    '{"v":1,"i":"me","p":-1}',
    '{"v":1,"i":"me","p":1.5}',
    '{"v":1,"i":"me","p":true}',
    '{"v":1,"i":"me","p":"2"}',
    '{"v":1,"i":"me","p":99999999}',
    '{"v":1,"i":"free","w":{}}',
    '{"v":1,"i":"free","e":"","w":{}}',
    '{"v":1,"i":"free","e":"   "}',
    '{"v":1,"i":"free","e":5}',
    '{"v":1,"i":"schedule","e":"x","w":[]}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"someday"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"weekday"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"weekday","wd":7}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"weekday","wd":true}}',
    '{"v":1,"i":"schedule","e":"x","w":{"wd":2}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"date"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"date","dt":"2026-02-30"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"date","dt":"20260230"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"dt":"2026-03-01"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"pt":"brunch"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"at":"25:00"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"at":"9:00"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"un":"10:00"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"now","pt":"morning"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"d":"this_week","at":"10:00"}}',
    '{"v":1,"i":"schedule","e":"x","w":{"x":1}}',
    '{"v":1,"i":"help","t":"everything"}',
    '{"v":1,"i":"digest_on","at":"8am"}',
    '{"v":1,"i":"channel_digest_on"}',
    '{"v":1,"i":"group"}',
    '{"v":1,"i":"unknown","x":["a"]}',
    "[" * 1500 + "]" * 400,
    "x" * (MAX_VALUE_LENGTH + 1),
    '{"v":1,"i":"me"}' + " " * MAX_VALUE_LENGTH,
]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_is_a_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        decode_intent(value)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_random_text_decodes_or_raises_value_error(value: str) -> None:
    try:
        intent, page = decode_intent(value)
    except ValueError:
        return
    assert isinstance(intent, Intent.__args__) and page >= 0


@given(
    st.dictionaries(
        st.sampled_from(["v", "i", "p", "e", "w", "q", "l", "n", "t", "s", "x", "at"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-3, 3),
            st.sampled_from(["me", "free", "schedule", "help", "x", "", "08:00"]),
            st.dictionaries(
                st.sampled_from(["d", "wd", "dt", "pt", "at", "un"]), st.integers(0, 9)
            ),
        ),
    )
)
@settings(max_examples=300, deadline=None)
def test_random_payloads_decode_or_raise_value_error(payload: dict[str, object]) -> None:
    try:
        intent, _ = decode_intent(json.dumps(payload))
    except ValueError:
        return
    assert decode_intent(encode_intent(intent))[0] == intent
