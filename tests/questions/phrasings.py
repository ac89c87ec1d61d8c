"""Over 300 phrasings, written fresh for issue 13 (not taken from test_question_words.py or any
list), with the intent each must give, against a vocabulary of their own.

Grouped by family; `test_phrasing_table.py` runs them at fixed clocks in two zones.
"""

from __future__ import annotations

import datetime as dt

from bot.questions.intents import (
    NOW,
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
from bot.questions.when import DayWord, PartOfDay, When
from bot.questions.words import Vocabulary

LAB_VOCABULARY = Vocabulary(
    equipment=(
        "Titan Krios G4 Cryo-EM",
        "Orbitrap Eclipse Tribrid",
        "ChemiDoc MP Imager",
        "Opentrons OT-2",
        "Leica Stellaris 8 Confocal",
        "Seahorse XFe96 Analyzer",
        "Nikon Ti2 Widefield",
        "Qubit 4 Fluorometer",
        "Covaris ME220 Sonicator",
        "Optima XE-90 Ultracentrifuge",
        "NextSeq 2000",
        "Spark Plate Reader",
        "Cytek Aurora",
        "QuantStudio 5 qPCR",
        "TapeStation 4200",
    ),
    groups=("Light Microscopy", "Proteomics", "Genomics", "Liquid Handling", "Flow"),
    labs=("Cell Biology Core", "Keller Lab", "Marine Station"),
)
EXAMPLE = "Titan Krios G4 Cryo-EM"

TODAY = When()
TOMORROW = When(day="tomorrow")
YESTERDAY = When(day="yesterday")
TONIGHT = When(part="night")
THIS_WEEK = When(day="this_week")
NEXT_WEEK = When(day="next_week")
LAST_WEEK = When(day="last_week")
THIS_WEEKEND = When(day="this_weekend")
NEXT_WEEKEND = When(day="next_weekend")
THIS_MONTH = When(day="this_month")
NEXT_MONTH = When(day="next_month")
LAST_MONTH = When(day="last_month")
TIME_HELP = (
    "I read times like today, tomorrow, next friday, 4 Dec, this weekend, in 2 hours,"
    " at 3pm, at 15:00 or from 2 to 4."
)
WELCOME = "You're welcome! Ask again any time, e.g. is the NovaSeq free tomorrow?"


def soon(hour: int, minute: int = 0, until: int | None = None) -> When:
    """A time of day with no day said: the next one."""
    end = None if until is None else dt.time(until % 24)
    return When(day="soonest", at=dt.time(hour, minute), until=end)


def on(day: DayWord, *, part: PartOfDay | None = None, at: int | None = None) -> When:
    return When(day=day, part=part, at=None if at is None else dt.time(at))


def weekday(day: int, kind: DayWord = "weekday", part: PartOfDay | None = None) -> When:
    return When(day=kind, weekday=day, part=part)


def dated(month: int | None, day: int) -> When:
    return When(day="month_day", month=month, day_of_month=day)


def later(minutes: int) -> When:
    return When(day="later", minutes=minutes)


def after(hour: int) -> When:
    return When(day="soonest", at=dt.time(hour), until=dt.time(0))


def part(name: PartOfDay, day: DayWord = "today") -> When:
    return When(day=day, part=name)


def unknown(text: str, suggestion: str) -> Unknown:
    return Unknown(text, suggestion)


def both(
    text: str, question: str, first: tuple[str, Intent], second: tuple[str, Intent]
) -> Clarify:
    return Clarify(text, question, (Option(*first), Option(*second)))


FREE: list[tuple[str, Intent]] = [
    ("is the krios free tomorrow?", Free("krios", TOMORROW)),
    ("is the stellaris available at 3?", Free("stellaris", soon(15))),
    ("can I use the seahorse now?", Free("seahorse", NOW)),
    ("qubit free?", Free("qubit", TODAY)),
    ("is the covaris free next tuesday", Free("covaris", weekday(1, "next_weekday"))),
    ("is the chemidoc free this friday afternoon", Free("chemidoc", weekday(4, part="afternoon"))),
    ("any slots on the aurora this weekend?", Free("aurora", THIS_WEEKEND)),
    ("is the nextseq free on 4 dec", Free("nextseq", dated(12, 4))),
    ("is the nextseq free dec 4th?", Free("nextseq", dated(12, 4))),
    ("is the quantstudio free on the 21st", Free("quantstudio", dated(None, 21))),
    ("is the tapestation free in 2 hours", Free("tapestation", later(120))),
    ("is the opentrons free in half an hour?", Free("opentrons", later(30))),
    ("is the widefield free tonight", Free("widefield", TONIGHT)),
    ("is the widefield free this evening", Free("widefield", part("evening"))),
    ("is the orbitrap free between 2 and 4", Free("orbitrap", soon(14, until=16))),
    (
        "is the orbitrap free from 14:00 to 16:30 on friday",
        Free("orbitrap", When("weekday", weekday=4, at=dt.time(14), until=dt.time(16, 30))),
    ),
    ("is the stellaris free next month", Free("stellaris", NEXT_MONTH)),
    ("is the krios free this month", Free("krios", THIS_MONTH)),
    ("is the seahorse free next weekend", Free("seahorse", NEXT_WEEKEND)),
    ("is the qubit free after 5", Free("qubit", after(17))),
    ("is the covaris available at half past 2", Free("covaris", soon(14, 30))),
    ("could we get on the aurora tomorrow morning", Free("aurora", part("morning", "tomorrow"))),
    ("I need the chemidoc on monday", Free("chemidoc", weekday(0))),
    ("is there time on the nextseq friday", Free("nextseq", weekday(4))),
    ("nextseq availability next week", Free("nextseq", NEXT_WEEK)),
    ("free slots for the spark plate reader tomorrow", Free("spark plate reader", TOMORROW)),
    ("is the plate reader free at 11am", Free("plate reader", soon(11))),
    (
        "is the ultracentrifuge free on 2026-07-01",
        Free("ultracentrifuge", When("date", date=dt.date(2026, 7, 1))),
    ),
    ("is the cryo-em free at 9 tomorrow", Free("cryo-em", on("tomorrow", at=9))),
    ("Is The Krios Free Tomorrow", Free("Krios", TOMORROW)),
    ("IS THE QUBIT FREE", Free("QUBIT", TODAY)),
    ("is the qubit free at 3 o'clock", Free("qubit", soon(15))),
    ("is the qubit free at quarter to 5", Free("qubit", soon(16, 45))),
    ("is the stellaris free at midday", Free("stellaris", soon(12))),
    ("is the tapestation free in the morning", Free("tapestation", part("morning", "soonest"))),
    ("is the tapestation free on saturday", Free("tapestation", weekday(5))),
    ("is the krios open thursday", Free("krios", weekday(3))),
    (
        "is the seahorse free 9-11am tomorrow",
        Free("seahorse", When("tomorrow", at=dt.time(9), until=dt.time(11))),
    ),
    ("is the orbitrap eclipse free right now", Free("orbitrap eclipse", NOW)),
    ("is the covaris free over the weekend", Free("covaris", THIS_WEEKEND)),
    ("is the aurora free today?", Free("aurora", TODAY)),
    ("hey is the quantstudio free later today", Free("quantstudio", TODAY)),
    ("is the nikon free in 45 minutes", Free("nikon", later(45))),
    ("any gaps on the nextseq on the 3rd", Free("nextseq", dated(None, 3))),
    ("is the opentrons free on the 4th of july", Free("opentrons", dated(7, 4))),
    ("is the chemidoc free 4 dec 2026", Free("chemidoc", When("date", date=dt.date(2026, 12, 4)))),
    ("is the qubit free this coming wednesday", Free("qubit", weekday(2))),
    ("is the qubit free tmrw arvo", Free("qubit", part("afternoon", "tomorrow"))),
    ("is the widefield free at 8 tonight", Free("widefield", When(part="night", at=dt.time(20)))),
    ("krios free last friday?", Free("krios", weekday(4, "last_weekday"))),
    ("is the stellaris free monday next week", Free("stellaris", weekday(0, "next_weekday"))),
    ("is the aurora free at 10 past 9", Free("aurora", soon(9, 10))),
    ("is the krios free the day after tomorrow", Free("krios", When("in_days", days=2))),
    ("can i grab the qubit for an hour at 2", Free("qubit", soon(14))),
    ("is the krios broken?", Free("krios", NOW)),
    ("is the seahorse free in 3 days", Free("seahorse", When("in_days", days=3))),
    (
        "is the qubit free before noon",
        Free("qubit", When("soonest", at=dt.time(0), until=dt.time(12))),
    ),
]

SCHEDULE: list[tuple[str, Intent]] = [
    ("what's booked on the krios tomorrow", Schedule("krios", TOMORROW)),
    ("who has the stellaris at 3pm?", Schedule("stellaris", soon(15))),
    ("who's using the seahorse on friday", Schedule("seahorse", weekday(4))),
    ("schedule for the aurora next week", Schedule("aurora", NEXT_WEEK)),
    ("bookings on the nextseq this weekend", Schedule("nextseq", THIS_WEEKEND)),
    (
        "what's on the chemidoc tomorrow afternoon",
        Schedule("chemidoc", part("afternoon", "tomorrow")),
    ),
    ("who booked the qubit last tuesday", Schedule("qubit", weekday(1, "last_weekday"))),
    ("who had the covaris yesterday", Schedule("covaris", YESTERDAY)),
    (
        "is anyone on the orbitrap tomorrow morning",
        Schedule("orbitrap", part("morning", "tomorrow")),
    ),
    ("who's got the tapestation on 4 dec", Schedule("tapestation", dated(12, 4))),
    (
        "what's happening on the widefield next monday",
        Schedule("widefield", weekday(0, "next_weekday")),
    ),
    ("show me the quantstudio schedule for this month", Schedule("quantstudio", THIS_MONTH)),
    ("reservations on the opentrons last week", Schedule("opentrons", LAST_WEEK)),
    ("is the krios booked in 2 hours", Schedule("krios", later(120))),
    ("who is on the aurora between 10 and 12", Schedule("aurora", soon(10, until=12))),
    ("calendar for the nikon tomorrow", Schedule("nikon", TOMORROW)),
    ("who's using the stellaris tonight", Schedule("stellaris", TONIGHT)),
    ("has anyone booked the seahorse for saturday", Schedule("seahorse", weekday(5))),
    ("krios schedule", Schedule("krios", TODAY)),
    ("schedule stellaris friday", Schedule("stellaris", weekday(4))),
    (
        "what is booked on the plate reader this afternoon",
        Schedule("plate reader", part("afternoon")),
    ),
    ("who has the covaris after 4", Schedule("covaris", after(16))),
    ("is the qubit taken tomorrow", Schedule("qubit", TOMORROW)),
    ("is the nextseq busy next week", Schedule("nextseq", NEXT_WEEK)),
    ("what's running on the orbitrap this morning", Schedule("orbitrap", part("morning"))),
    ("is the chemidoc in use at 3", Schedule("chemidoc", soon(15))),
    ("who's on the krios on the 21st", Schedule("krios", dated(None, 21))),
    ("bookings for the aurora next weekend", Schedule("aurora", NEXT_WEEKEND)),
    (
        "who's booked the quantstudio next friday",
        Schedule("quantstudio", weekday(4, "next_weekday")),
    ),
    (
        "whats booked on the widefield in the evening",
        Schedule("widefield", part("evening", "soonest")),
    ),
]

BOOKINGS: list[tuple[str, Intent]] = [
    ("my bookings tomorrow", Bookings(TOMORROW)),
    ("what have I booked next week?", Bookings(NEXT_WEEK)),
    ("do I have anything on next tuesday", Bookings(weekday(1, "next_weekday"))),
    ("my reservations this weekend", Bookings(THIS_WEEKEND)),
    ("what am I doing on 4 dec", Bookings(dated(12, 4))),
    ("my bookings last week", Bookings(LAST_WEEK)),
    ("what did I book yesterday", Bookings(YESTERDAY)),
    ("am I booked this afternoon", Bookings(part("afternoon"))),
    ("what's on my calendar next month", Bookings(NEXT_MONTH)),
    ("my schedule for monday", Bookings(weekday(0))),
    ("show my bookings", Bookings(TODAY)),
    ("what do I have tonight", Bookings(TONIGHT)),
    ("my bookings in 2 hours", Bookings(later(120))),
    ("any bookings for me on the 3rd", Bookings(dated(None, 3))),
    ("what have I got on friday afternoon", Bookings(weekday(4, part="afternoon"))),
    ("bookings next weekend", Bookings(NEXT_WEEKEND)),
    ("bookings 2026-05-06", Bookings(When("date", date=dt.date(2026, 5, 6)))),
    ("my bookings this month", Bookings(THIS_MONTH)),
    ("upcoming reservations", Bookings(THIS_WEEK)),
    ("am I free tomorrow afternoon", Bookings(part("afternoon", "tomorrow"))),
    ("what did I have last friday", Bookings(weekday(4, "last_weekday"))),
    ("do i have any bookings after 5", Bookings(after(17))),
    ("what's in my diary for next wednesday", Bookings(weekday(2, "next_weekday"))),
    ("bookings tmrw", Bookings(TOMORROW)),
    (
        "my bookings between 9 and 12 tomorrow",
        Bookings(When("tomorrow", at=dt.time(9), until=dt.time(12))),
    ),
]

NEXT_FREE: list[tuple[str, Intent]] = [
    ("when is the krios next free?", NextFree("krios")),
    ("when will the stellaris be available", NextFree("stellaris")),
    ("next free slot on the seahorse", NextFree("seahorse")),
    ("earliest opening on the aurora tomorrow", NextFree("aurora", TOMORROW)),
    ("when can I use the nextseq", NextFree("nextseq")),
    ("when does the chemidoc free up", NextFree("chemidoc")),
    ("how long until the qubit is free", NextFree("qubit")),
    ("next available time on the covaris", NextFree("covaris")),
    ("when is the orbitrap next free for 3 hours", NextFree("orbitrap", NOW, 180)),
    ("soonest slot on the tapestation next week", NextFree("tapestation", NEXT_WEEK)),
    ("first free slot on the opentrons for 30 minutes", NextFree("opentrons", NOW, 30)),
    ("when's the widefield free again", NextFree("widefield")),
    ("when could I use the nikon", NextFree("nikon")),
    ("when does the quantstudio become available", NextFree("quantstudio")),
    ("next opening on the plate reader after 3", NextFree("plate reader", after(15))),
]

WHO_IS_ON: list[tuple[str, Intent]] = [
    ("who's on the krios?", WhoIsOn("krios")),
    ("who is using the stellaris right now", WhoIsOn("stellaris")),
    ("is anyone using the seahorse", WhoIsOn("seahorse")),
    ("who has the aurora", WhoIsOn("aurora")),
    ("is the nextseq in use", WhoIsOn("nextseq")),
    ("is the chemidoc busy", WhoIsOn("chemidoc")),
    ("is the qubit occupied right now", WhoIsOn("qubit")),
    ("who's got the covaris", WhoIsOn("covaris")),
    ("anybody on the orbitrap?", WhoIsOn("orbitrap")),
    ("is the tapestation being used", WhoIsOn("tapestation")),
    ("who is in the widefield now", WhoIsOn("widefield")),
    ("someone using the opentrons?", WhoIsOn("opentrons")),
    ("what's the krios doing right now", WhoIsOn("krios")),
]

HOURS: list[tuple[str, Intent]] = [
    ("how many hours is the krios booked tomorrow", BookedHours("krios", TOMORROW)),
    ("how busy is the stellaris this week", BookedHours("stellaris", THIS_WEEK)),
    ("total hours booked on the seahorse last month", BookedHours("seahorse", LAST_MONTH)),
    ("how long is the aurora booked today", BookedHours("aurora", TODAY)),
    ("hours booked on the nextseq on friday", BookedHours("nextseq", weekday(4))),
    ("number of hours booked on the chemidoc yesterday", BookedHours("chemidoc", YESTERDAY)),
    ("how busy is the qubit", BookedHours("qubit", TODAY)),
    ("how many hours have I booked this week", MyHours(THIS_WEEK)),
    ("how many hours did I use last month", MyHours(LAST_MONTH)),
    ("my hours this month", MyHours(THIS_MONTH)),
    ("how much time have I booked", MyHours(THIS_WEEK)),
    ("how many hours have i got next week", MyHours(NEXT_WEEK)),
]

MY_NEXT: list[tuple[str, Intent]] = [
    ("what's my next booking?", MyNextBooking()),
    ("when is my next reservation", MyNextBooking()),
    ("my next booking", MyNextBooking()),
    ("what have I got next", MyNextBooking()),
    ("when am I next on anything", MyNextBooking()),
    ("next booking?", MyNextBooking()),
]

FACTS: list[tuple[str, Intent]] = [
    ("where is the krios?", EquipmentFact("krios", "room")),
    ("where's the stellaris kept", EquipmentFact("stellaris", "room")),
    ("which room is the seahorse in", EquipmentFact("seahorse", "room")),
    ("where can I find the aurora", EquipmentFact("aurora", "room")),
    ("location of the nextseq", EquipmentFact("nextseq", "room")),
    ("where is the chemidoc located", EquipmentFact("chemidoc", "room")),
    ("who looks after the qubit", EquipmentFact("qubit", "contact")),
    ("who's responsible for the covaris", EquipmentFact("covaris", "contact")),
    ("who manages the orbitrap", EquipmentFact("orbitrap", "contact")),
    ("contact person for the tapestation", EquipmentFact("tapestation", "contact")),
    ("who do I ask about the widefield", EquipmentFact("widefield", "contact")),
    ("who is in charge of the opentrons", EquipmentFact("opentrons", "contact")),
    ("who maintains the nikon", EquipmentFact("nikon", "contact")),
    ("who owns the quantstudio", EquipmentFact("quantstudio", "contact")),
    ("who is the admin for the krios", EquipmentFact("krios", "contact")),
    ("which group is the krios in", EquipmentFact("krios", "group")),
    ("what group does the stellaris belong to", EquipmentFact("stellaris", "group")),
    ("which category is the seahorse in", EquipmentFact("seahorse", "group")),
    ("what group is the aurora part of", EquipmentFact("aurora", "group")),
]

ACROSS: list[tuple[str, Intent]] = [
    ("what's free now?", WhatIsFree(NOW)),
    ("anything free this afternoon?", WhatIsFree(part("afternoon"))),
    ("what's available tomorrow", WhatIsFree(TOMORROW)),
    ("which instruments are free at 3", WhatIsFree(soon(15))),
    ("is anything free in light microscopy", WhatIsFree(NOW, group="light microscopy")),
    ("what's free in the keller lab tomorrow", WhatIsFree(TOMORROW, lab="keller lab")),
    ("anything available in proteomics this weekend", WhatIsFree(THIS_WEEKEND, group="proteomics")),
    ("what equipment is free next monday", WhatIsFree(weekday(0, "next_weekday"))),
    ("any free instruments tonight", WhatIsFree(TONIGHT)),
    ("is the light microscopy group free tomorrow", WhatIsFree(TOMORROW, group="light microscopy")),
    ("what's free in the cell biology core", WhatIsFree(NOW, lab="cell biology core")),
    ("which machines are free in 2 hours", WhatIsFree(later(120))),
    ("what's not booked on friday", WhatIsFree(weekday(4))),
    ("is anything free right now", WhatIsFree(NOW)),
    ("anything open next week", WhatIsFree(NEXT_WEEK)),
    ("what can i use now", WhatIsFree(NOW)),
    ("what's free between 2 and 4", WhatIsFree(soon(14, until=16))),
    ("is the genomics group free", WhatIsFree(NOW, group="genomics")),
    ("any free slots tomorrow?", WhatIsFree(TOMORROW)),
    ("anything i can use right now?", WhatIsFree(NOW)),
    ("what's free in flow on monday", WhatIsFree(weekday(0), group="flow")),
]

CATALOGUE: list[tuple[str, Intent]] = [
    ("what's in the light microscopy group", GroupDetail("light microscopy")),
    ("show me the proteomics group", GroupDetail("proteomics")),
    ("what groups are there", Groups(None)),
    ("groups in the keller lab", Groups("keller lab")),
    ("which labs can I see", Labs()),
    ("list departments", Labs()),
    ("what equipment is there", EquipmentSearch(None)),
    ("find a sonicator", EquipmentSearch("sonicator")),
    ("tell me about the krios", EquipmentSearch("krios")),
    ("info on the stellaris", EquipmentSearch("stellaris")),
    ("do we have a mass photometer", EquipmentSearch("mass photometer")),
    ("what's in the marine station", Groups("marine station")),
    ("group liquid handling", GroupDetail("liquid handling")),
    ("list instruments", EquipmentSearch(None)),
    ("equipment qubit", EquipmentSearch("qubit")),
    ("describe the seahorse", EquipmentSearch("seahorse")),
    ("specs of the aurora", EquipmentSearch("aurora")),
    ("what is the covaris", EquipmentSearch("covaris")),
    ("instruments called tapestation", EquipmentSearch("tapestation")),
    ("what groups does the cell biology core have", Groups("cell biology core")),
]

ACCOUNT: list[tuple[str, Intent]] = [
    ("who am i", Me()),
    ("am I connected?", Me()),
    ("which account am I linked to", Me()),
    ("whoami", Me()),
    ("connect me", Connect()),
    ("link my account", Connect()),
    ("log me in", Connect()),
    ("disconnect", Disconnect()),
    ("unlink my account", Disconnect()),
    ("sign me out", Disconnect()),
]

DIGESTS: list[tuple[str, Intent]] = [
    ("send me a digest every morning at 7", DigestOn(dt.time(7))),
    ("digest on 9:15", DigestOn(dt.time(9, 15))),
    ("turn off the digest", DigestOff()),
    ("is my digest on", DigestStatus()),
    ("stop the daily summary", DigestOff()),
    ("change my digest to 6:45", DigestOn(dt.time(6, 45))),
    ("digest off", DigestOff()),
    ("channel digest on 8:00 Keller Lab", ChannelDigestOn(dt.time(8), "Keller Lab")),
    ("channel digest off", ChannelDigestOff()),
    ("digest", DigestStatus()),
    ("when does my digest arrive", DigestStatus()),
    ("enable the digest", DigestOn(None)),
]

REMINDERS_AND_WATCHES: list[tuple[str, Intent]] = [
    ("remind me 10 minutes before my bookings", RemindOn(10)),
    ("remind me an hour before", RemindOn(60)),
    ("turn reminders on", RemindOn(None)),
    ("stop my reminders", RemindOff()),
    ("are reminders on", RemindStatus()),
    ("remind on 20", RemindOn(20)),
    ("remind off", RemindOff()),
    ("remind", RemindStatus()),
    ("watch the krios", Watch("krios")),
    ("keep an eye on the stellaris", Watch("stellaris")),
    ("unwatch the seahorse", Unwatch("seahorse")),
    ("stop watching the aurora", Unwatch("aurora")),
    ("what are we watching", WatchList()),
    ("watch nextseq", Watch("nextseq")),
]

HELP_AND_SMALL_TALK: list[tuple[str, Intent]] = [
    ("help", Help()),
    ("what can you do?", Help()),
    ("hi", Help()),
    ("hello there", Help()),
    ("good morning!", Help()),
    ("?", Help()),
    ("thanks!", Help(suggestion=WELCOME)),
    ("thank you so much", Help(suggestion=WELCOME)),
    ("how do I check free slots", Help(topic="free")),
    ("help with digests", Help(topic="digest")),
    ("how do reminders work", Help(topic="remind")),
    ("help watch", Help(topic="watch")),
]

DATES_THAT_READ_TWO_WAYS: list[tuple[str, Intent]] = [
    (
        "is the krios free 4/12?",
        both(
            "is the krios free 4/12?",
            "By 4/12, do you mean 4 December or 12 April?",
            ("4 Dec", Free("krios", dated(12, 4))),
            ("12 Apr", Free("krios", dated(4, 12))),
        ),
    ),
    (
        "my bookings 3/5",
        both(
            "my bookings 3/5",
            "By 3/5, do you mean 3 May or 5 March?",
            ("3 May", Bookings(dated(5, 3))),
            ("5 Mar", Bookings(dated(3, 5))),
        ),
    ),
    (
        "who has the nextseq on 1/2/2027",
        both(
            "who has the nextseq on 1/2/2027",
            "By 1/2/2027, do you mean 1 February 2027 or 2 January 2027?",
            ("Mon 1 Feb", Schedule("nextseq", When("date", date=dt.date(2027, 2, 1)))),
            ("Sat 2 Jan", Schedule("nextseq", When("date", date=dt.date(2027, 1, 2)))),
        ),
    ),
    ("is the qubit free 25/12", Free("qubit", dated(12, 25))),
    ("what's booked on the aurora 12/25", Schedule("aurora", dated(12, 25))),
    ("is the chemidoc free 7/7", Free("chemidoc", dated(7, 7))),
]

NOT_UNDERSTOOD: list[tuple[str, Intent]] = [
    (
        "is the krios free at 25:00",
        unknown(
            "is the krios free at 25:00", f"{TIME_HELP} Try: is the krios free tomorrow at 3pm?"
        ),
    ),
    (
        "is the qubit free at 13pm",
        unknown(
            "is the qubit free at 13pm", f"{TIME_HELP} Try: is the qubit free tomorrow at 3pm?"
        ),
    ),
    (
        "is the seahorse free in december",
        unknown(
            "is the seahorse free in december",
            f"{TIME_HELP} Try: is the seahorse free tomorrow at 3pm?",
        ),
    ),
    (
        "is the aurora free in a fortnight",
        unknown(
            "is the aurora free in a fortnight",
            f"{TIME_HELP} Try: is the aurora free tomorrow at 3pm?",
        ),
    ),
    (
        "is the qubit free at 15h",
        unknown("is the qubit free at 15h", f"{TIME_HELP} Try: is the qubit free tomorrow at 3pm?"),
    ),
    (
        "is the qubit free at 1500",
        unknown(
            "is the qubit free at 1500", f"{TIME_HELP} Try: is the qubit free tomorrow at 3pm?"
        ),
    ),
    (
        "is the krios free 3-5",
        unknown("is the krios free 3-5", f"{TIME_HELP} Try: is the krios free tomorrow at 3pm?"),
    ),
    (
        "is the covaris free for 3 days",
        unknown(
            "is the covaris free for 3 days",
            f"{TIME_HELP} Try: is the covaris free tomorrow at 3pm?",
        ),
    ),
    (
        "is the nikon free on the 45th",
        unknown(
            "is the nikon free on the 45th", f"{TIME_HELP} Try: is the nikon free tomorrow at 3pm?"
        ),
    ),
    (
        "book the stellaris tomorrow",
        unknown(
            "book the stellaris tomorrow",
            "I can't make bookings yet; book in Clustermarket. To find a free slot, try:"
            " is the stellaris free tomorrow? (or `/cm free stellaris tomorrow`)",
        ),
    ),
    (
        "cancel my booking on friday",
        unknown(
            "cancel my booking on friday",
            "I can't change or cancel bookings yet; do that in Clustermarket."
            " To see yours, try: my bookings Friday",
        ),
    ),
    ("is it free?", unknown("is it free?", f"Which equipment? Try: is the {EXAMPLE} free today?")),
    (
        "the krios",
        unknown("the krios", "Try: is the krios free today? or what's booked on the krios today?"),
    ),
    (
        "tomorrow?",
        unknown("tomorrow?", f"Try: my bookings tomorrow or is the {EXAMPLE} free tomorrow?"),
    ),
    (
        "qwertyuiop",
        unknown("qwertyuiop", f"Try: is the {EXAMPLE} free today? or my bookings today"),
    ),
    (
        "next friday at 3",
        unknown(
            "next friday at 3",
            f"Try: my bookings next Friday at 15:00 or is the {EXAMPLE} free next Friday at 15:00?",
        ),
    ),
    (
        "in 2 hours",
        unknown("in 2 hours", f"Try: my bookings in 2 hours or is the {EXAMPLE} free in 2 hours?"),
    ),
]

GREETINGS_MENTIONS_AND_TYPOS: list[tuple[str, Intent]] = [
    ("hey <@U0CMBOT> is the krios free tmrw?", Free("krios", TOMORROW)),
    ("<@U0CMBOT> who's on the stellaris", WhoIsOn("stellaris")),
    ("morning! anything free this afternoon?", WhatIsFree(part("afternoon"))),
    ("quick question: where's the qubit?", EquipmentFact("qubit", "room")),
    ("pls is the covaris free at 4", Free("covaris", soon(16))),
    ("is the seahorse free tomorow", Free("seahorse", TOMORROW)),
    ("is the aurora free on wensday", Free("aurora", weekday(2))),
    ("is the stelaris free", Free("stelaris", TODAY)),
    ("is the krios free next satuday", Free("krios", weekday(5, "next_weekday"))),
    ("is the *nextseq* free _tomorrow_ :pray:", Free("nextseq", TOMORROW)),
    ("is the “chemidoc” free at 3 🙏", Free("chemidoc", soon(15))),
    ("<https://app.clustermarket.com/e/7|Qubit> free tomorrow?", Free("Qubit", TOMORROW)),
    ("could you tell me who's using the widefield please", WhoIsOn("widefield")),
    ("thx, and is the nikon free friday?", Free("nikon", weekday(4))),
    ("hi! when's my next booking", MyNextBooking()),
    ("yo what's free rn", WhatIsFree(NOW)),
    ("hiya, who looks after the tapestation?", EquipmentFact("tapestation", "contact")),
    ("good afternoon, how many hours have I booked this month?", MyHours(THIS_MONTH)),
    (
        "sorry, is the orbitrap free at 7.30 tonight?",
        Free("orbitrap", When(part="night", at=dt.time(19, 30))),
    ),
    ("/cm free krios next friday", Free("krios", weekday(4, "next_weekday"))),
    ("free krios 4 dec", Free("krios", dated(12, 4))),
    ("schedule aurora this weekend", Schedule("aurora", THIS_WEEKEND)),
    ("bookings last month", Bookings(LAST_MONTH)),
    ("my bookings in two weeks", Bookings(When("in_days", days=14))),
    ("is the optima free in an hour", Free("optima", later(60))),
    ("is the plate reader free for 2 hours tomorrow", Free("plate reader", TOMORROW)),
    (
        "is the qpcr free at noon on the 2nd",
        Free("qpcr", When("month_day", day_of_month=2, at=dt.time(12))),
    ),
    ("who's on the sonicator this evening", Schedule("sonicator", part("evening"))),
    ("where do we keep the ultracentrifuge", EquipmentFact("ultracentrifuge", "room")),
    ("is anything free at the weekend", WhatIsFree(THIS_WEEKEND)),
    ("what's free in light microscopy after 6", WhatIsFree(after(18), group="light microscopy")),
    ("when's the cytek free next", NextFree("cytek")),
    (
        "is the krios free from 9 till 11 next monday",
        Free("krios", When("next_weekday", weekday=0, at=dt.time(9), until=dt.time(11))),
    ),
    ("what did I have booked last month", Bookings(LAST_MONTH)),
    ("how busy is the krios next week", BookedHours("krios", NEXT_WEEK)),
    ("is the qubit free at 3 tomorrow or friday", Free("qubit", on("tomorrow", at=15))),
    ("who's on the qubit at half 2", Schedule("qubit", soon(14, 30))),
    ("is the stellaris free from 6pm onwards", Free("stellaris", after(18))),
    ("when is the aurora next free tomorrow", NextFree("aurora", TOMORROW)),
    (
        "is the opentrons free at 2 on saturday",
        Free("opentrons", When("weekday", weekday=5, at=dt.time(14))),
    ),
    ("is the widefield free on sunday evening", Free("widefield", weekday(6, part="evening"))),
]

FAMILIES: dict[str, list[tuple[str, Intent]]] = {
    "free": FREE,
    "schedule": SCHEDULE,
    "bookings": BOOKINGS,
    "next free": NEXT_FREE,
    "who is on": WHO_IS_ON,
    "hours": HOURS,
    "my next booking": MY_NEXT,
    "facts": FACTS,
    "across equipment": ACROSS,
    "catalogue": CATALOGUE,
    "account": ACCOUNT,
    "digests": DIGESTS,
    "reminders and watches": REMINDERS_AND_WATCHES,
    "help and small talk": HELP_AND_SMALL_TALK,
    "dates that read two ways": DATES_THAT_READ_TWO_WAYS,
    "not understood": NOT_UNDERSTOOD,
    "greetings, mentions and typos": GREETINGS_MENTIONS_AND_TYPOS,
}
PHRASINGS: list[tuple[str, Intent]] = [row for rows in FAMILIES.values() for row in rows]
