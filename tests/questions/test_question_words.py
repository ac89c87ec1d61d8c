"""Questions in words: the way scientists ask, to the intents the slash command uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from bot.questions.intents import EquipmentFact, MyNextBooking, NextFree, WhatIsFree, WhoIsOn
from bot.questions.when import DayWord, PartOfDay, When
from bot.questions.words import Vocabulary, clean_message, parse_question

VOCABULARY = Vocabulary(
    equipment=(
        "Illumina NovaSeq 6000",
        "Illumina MiSeq",
        "Zeiss LSM 980 Confocal",
        "Leica TCS SP8 Confocal",
        "Bio-Rad CFX96 Touch qPCR",
        "Eppendorf 5810 R Centrifuge",
        "Beckman Coulter Optima XPN-100 Ultracentrifuge",
        "BD FACSAria III",
        "Thermo Scientific Orbitrap Exploris 480",
        "Bruker Avance III 600 MHz NMR",
        "JEOL JEM-2100Plus TEM",
        "Agilent 2100 Bioanalyzer",
        "NanoDrop One",
        "Oxford Nanopore GridION",
        "Zoë's Spectrophotometer",
    ),
    groups=("Imaging", "Sequencing", "Flow Cytometry", "Mass Spectrometry"),
    labs=("Genomics Core Facility", "Structural Biology Lab", "Hudson Valley Biolabs"),
)

TODAY = When()
NOW = When(day="now")
TOMORROW = When(day="tomorrow")
THIS_WEEK = When(day="this_week")
NEXT_WEEK = When(day="next_week")
MONDAY = When(day="weekday", weekday=0)
THURSDAY = When(day="weekday", weekday=3)
FRIDAY = When(day="weekday", weekday=4)


def at(
    hour: int, minute: int = 0, *, day: DayWord = "soonest", part: PartOfDay | None = None
) -> When:
    """A time of day; without a day said it is the next such time ("soonest")."""
    return When(day=day, part=part, at=dt.time(hour, minute))


def try_equipment(text: str, name: str, when: str = "today") -> Unknown:
    return Unknown(text, f"Try: is the {name} free {when}? or what's booked on the {name} {when}?")


TIME_HELP = (
    "I read times like today, tomorrow, next friday, 4 Dec, this weekend, in 2 hours,"
    " at 3pm, at 15:00 or from 2 to 4."
)
WELCOME = "You're welcome! Ask again any time, e.g. is the NovaSeq free tomorrow?"

QUESTIONS: list[tuple[str, Intent]] = [
    # --- Free ---------------------------------------------------------------------------
    (
        "is the NovaSeq free tomorrow afternoon?",
        Free("NovaSeq", When(day="tomorrow", part="afternoon")),
    ),
    ("is the confocal available at 3?", Free("confocal", at(15))),
    ("can I use the qPCR now", Free("qPCR", NOW)),
    ("when is the centrifuge next free?", NextFree("centrifuge")),
    ("any free slots on the FACS on Friday", Free("FACS", FRIDAY)),
    ("is the novaseq free", Free("novaseq", TODAY)),
    ("is the novaseq free?", Free("novaseq", TODAY)),
    ("novaseq free tomorrow", Free("novaseq", TOMORROW)),
    (
        "tomorrow afternoon is the novaseq free?",
        Free("novaseq", When("tomorrow", part="afternoon")),
    ),
    ("is the novaseq tomorrow afternoon free", Free("novaseq", When("tomorrow", part="afternoon"))),
    ("tomorrow is the novaseq free at 3pm", Free("novaseq", at(15, day="tomorrow"))),
    ("IS THE NOVASEQ FREE TOMORROW?", Free("NOVASEQ", TOMORROW)),
    ("NANODROP FREE?", Free("NANODROP", TODAY)),
    ("Free Novaseq Tomorrow Afternoon", Free("Novaseq", When("tomorrow", part="afternoon"))),
    ("free novaseq friday", Free("novaseq", FRIDAY)),
    ("free confocal tomorrow afternoon", Free("confocal", When("tomorrow", part="afternoon"))),
    ("is the nova seq free", Free("nova seq", TODAY)),
    ("is the confocl free tomorow", Free("confocl", TOMORROW)),
    ("is the ultra centrifudge free", Free("ultra centrifudge", TODAY)),
    ("is the bioanalyser free", Free("bioanalyser", TODAY)),
    ("is the novaseq free wensday", Free("novaseq", When("weekday", weekday=2))),
    ("is the novaseq free on thursady", Free("novaseq", THURSDAY)),
    ("is the miseq free tmrw", Free("miseq", TOMORROW)),
    (
        "is the zeiss confocal available friday morning",
        Free("zeiss confocal", When("weekday", weekday=4, part="morning")),
    ),
    (
        "zeiss confocal availability friday morning",
        Free("zeiss confocal", When("weekday", weekday=4, part="morning")),
    ),
    (
        "is the leica free from 2 to 4",
        Free("leica", When("soonest", at=dt.time(14), until=dt.time(16))),
    ),
    (
        "is the sp8 free between 9 and 5",
        Free("sp8", When("soonest", at=dt.time(9), until=dt.time(17))),
    ),
    ("any gaps on the orbitrap this week?", Free("orbitrap", THIS_WEEK)),
    ("is the facs aria free at 10am tomorrow", Free("facs aria", at(10, day="tomorrow"))),
    ("is the qpcr free at 3:30pm", Free("qpcr", at(15, 30))),
    ("is the q-pcr free", Free("q-pcr", TODAY)),
    ("is the cfx96 free", Free("cfx96", TODAY)),
    ("is the 5810 free", Free("5810", TODAY)),
    ("is the jem free tomorrow", Free("jem", TOMORROW)),
    ("is the lsm 980 free at 2", Free("lsm 980", at(14))),
    ("is the zeiss lsm980 free", Free("zeiss lsm980", TODAY)),
    ("is the nanodrop one free", Free("nanodrop one", TODAY)),
    ("is the NanoDrop One free at noon", Free("NanoDrop One", at(12))),
    ("is the orbi free", Free("orbi", TODAY)),
    ("is the exploris free", Free("exploris", TODAY)),
    ("is the nanopore free tomorrow evening", Free("nanopore", When("tomorrow", part="evening"))),
    ("is the gridion free tonight", Free("gridion", When(part="night"))),
    ("is the avance free at noon", Free("avance", at(12))),
    ("is the bruker 600 free", Free("bruker 600", TODAY)),
    ("optima free tomorrow?", Free("optima", TOMORROW)),
    (
        "free slots for the Zeiss LSM 980 Confocal next week",
        Free("Zeiss LSM 980 Confocal", NEXT_WEEK),
    ),
    ("is Zoë's Spectrophotometer free", Free("Zoë's Spectrophotometer", TODAY)),
    ("is zoe's spectrophotometer free", Free("zoe's spectrophotometer", TODAY)),
    ("is the zoe spectrophotometer free", Free("zoe spectrophotometer", TODAY)),
    ("is zoes spectrophotometer free", Free("zoes spectrophotometer", TODAY)),
    ("Is the Spectrophotometer free?", Free("Spectrophotometer", TODAY)),
    ("I need the facs tomorrow morning", Free("facs", When("tomorrow", part="morning"))),
    ("what's the availability of the orbitrap on Thursday", Free("orbitrap", THURSDAY)),
    ("can i get on the nmr this afternoon", Free("nmr", When(part="afternoon"))),
    ("what time is the confocal free tomorrow", Free("confocal", TOMORROW)),
    ("is there any time on the miseq this week", Free("miseq", THIS_WEEK)),
    ("when can I use the miseq", NextFree("miseq")),
    ("is there a centrifuge free now", Free("centrifuge", NOW)),
    ("whens the next free slot on the nmr", NextFree("nmr")),
    ("earliest opening on the gridion?", NextFree("gridion")),
    ("is the novaseq free on 2026-03-05", Free("novaseq", When("date", date=dt.date(2026, 3, 5)))),
    (
        "is the novaseq free 2026-03-05 from 9am to 11am",
        Free(
            "novaseq",
            When("date", date=dt.date(2026, 3, 5), at=dt.time(9), until=dt.time(11)),
        ),
    ),
    ("is the novaseq free next monday", Free("novaseq", When("next_weekday", weekday=0))),
    ("is the novaseq free on friday or monday", Free("novaseq", FRIDAY)),
    ("what's the status of the NMR", Free("NMR", NOW)),
    ("is the mass spec free", WhatIsFree(NOW, group="mass spec")),
    # filler, greetings, mentions, links and emoji around a question
    ("hey <@U0CMBOT> is the novaseq free?", Free("novaseq", TODAY)),
    ("is the <@U0CMBOT> confocal free", Free("confocal", TODAY)),
    ("<@U0CMBOT|cmbot> is the TEM free at 3pm", Free("TEM", at(15))),
    ("is the novaseq free <@U0CMBOT>", Free("novaseq", TODAY)),
    (":tada: is zoe's spectrophotometer free 🎉", Free("zoe's spectrophotometer", TODAY)),
    ("is the miseq free today? 🙏🏽", Free("miseq", TODAY)),
    ("is the confocal free? :pray: :skin-tone-3:", Free("confocal", TODAY)),
    ("<https://app.clustermarket.com/e/42|NovaSeq> free tomorrow?", Free("NovaSeq", TOMORROW)),
    ("is the confocal free? <#C123|imaging-chat>", Free("confocal", TODAY)),
    ("is the “NovaSeq” free tomorrow", Free("NovaSeq", TOMORROW)),
    ("is the *NovaSeq* free _tomorrow_", Free("NovaSeq", TOMORROW)),
    ("please is the miseq free", Free("miseq", TODAY)),
    ("pls is the miseq free thx", Free("miseq", TODAY)),
    ("hey, quick question: is the nmr free this afternoon?", Free("nmr", When(part="afternoon"))),
    ("can you tell me if the TEM is free right now please", Free("TEM", NOW)),
    (
        "I wonder whether the centrifuge is available on 2026-03-05",
        Free("centrifuge", When("date", date=dt.date(2026, 3, 5))),
    ),
    ("good morning! is the confocal free this afternoon", Free("confocal", When(part="afternoon"))),
    (
        "hi, is the bioanalyzer available tomorrow morning",
        Free("bioanalyzer", When("tomorrow", part="morning")),
    ),
    ("/cm free novaseq friday", Free("novaseq", FRIDAY)),
    # --- Schedule -------------------------------------------------------------------------
    ("what's booked on the confocal today", Schedule("confocal", TODAY)),
    ("who has the qPCR at 3pm?", Schedule("qPCR", at(15))),
    ("who's on the NanoDrop", WhoIsOn("NanoDrop")),
    ("whos on the facs", WhoIsOn("facs")),
    ("schedule for the orbitrap next week", Schedule("orbitrap", NEXT_WEEK)),
    ("bookings on the NMR tomorrow", Schedule("NMR", TOMORROW)),
    ("is anyone using the TEM this morning", Schedule("TEM", When(part="morning"))),
    ("who booked the novaseq yesterday", Schedule("novaseq", When(day="yesterday"))),
    ("is Zoë's Spectrophotometer booked friday", Schedule("Zoë's Spectrophotometer", FRIDAY)),
    ("is the confocal's schedule full today", Schedule("confocal", TODAY)),
    ("the confocal's bookings tomorrow", Schedule("confocal", TOMORROW)),
    ("is the TEM in use", WhoIsOn("TEM")),
    ("is the TEM busy", WhoIsOn("TEM")),
    ("who's using the confocal tomorrow at 10", Schedule("confocal", at(10, day="tomorrow"))),
    ("show me the novaseq schedule for next week", Schedule("novaseq", NEXT_WEEK)),
    ("what's happening on the NMR", Schedule("NMR", TODAY)),
    (
        "what's on the confocal tomorrow afternoon",
        Schedule("confocal", When("tomorrow", part="afternoon")),
    ),
    ("the confocal, who has it at 3?", Schedule("confocal", at(15))),
    ("has anyone booked the LSM 980 for monday", Schedule("LSM 980", MONDAY)),
    ("what's booked on the beckman this week", Schedule("beckman", THIS_WEEK)),
    ("who's got the nano drop", WhoIsOn("nano drop")),
    ("is the spectrophotometer booked", Schedule("spectrophotometer", TODAY)),
    ("centrifudge schedule", Schedule("centrifudge", TODAY)),
    ("schedule confocal tomorow", Schedule("confocal", TOMORROW)),
    ("schedule zeiss lsm 980 next week", Schedule("zeiss lsm 980", NEXT_WEEK)),
    ("have I got the confocal tomorrow", Schedule("confocal", TOMORROW)),
    ("am I on the miseq on friday", Schedule("miseq", FRIDAY)),
    ("WHO IS USING THE ORBITRAP", WhoIsOn("ORBITRAP")),
    # --- Bookings -------------------------------------------------------------------------
    ("my bookings next week", Bookings(NEXT_WEEK)),
    ("what have I booked tomorrow", Bookings(TOMORROW)),
    ("do I have anything on friday", Bookings(FRIDAY)),
    ("show my reservations", Bookings(TODAY)),
    ("am I booked today", Bookings(TODAY)),
    ("bookings tomorrow", Bookings(TOMORROW)),
    ("bookings", Bookings(TODAY)),
    ("morning, what have I got tomorrow", Bookings(TOMORROW)),
    ("what's on my calendar this week", Bookings(THIS_WEEK)),
    ("my schedule tomorrow", Bookings(TOMORROW)),
    ("when is my next booking", MyNextBooking()),
    ("upcoming bookings", Bookings(THIS_WEEK)),
    ("am I free tomorrow", Bookings(TOMORROW)),
    ("what am I doing on thursday", Bookings(THURSDAY)),
    ("any bookings for me today?", Bookings(TODAY)),
    ("my bookings on friday afternoon", Bookings(When("weekday", weekday=4, part="afternoon"))),
    ("what do I have booked this week", Bookings(THIS_WEEK)),
    ("MY BOOKINGS", Bookings(TODAY)),
    ("what have i booked tmrw morning", Bookings(When("tomorrow", part="morning"))),
    # --- groups, labs, equipment ------------------------------------------------------------
    ("which equipment is in the imaging group?", GroupDetail("imaging")),
    ("what's in the sequencing group", GroupDetail("sequencing")),
    ("show group Flow Cytometry", GroupDetail("Flow Cytometry")),
    ("group imaging", GroupDetail("imaging")),
    ("equipment in imaging", GroupDetail("imaging")),
    ("show me imaging", GroupDetail("imaging")),
    ("what's in mass spec", GroupDetail("mass spec")),
    ("flow cytometry group", GroupDetail("flow cytometry")),
    ("what groups are there", Groups(None)),
    ("list groups", Groups(None)),
    ("groups", Groups(None)),
    ("list groups in the genomics lab", Groups("genomics")),
    ("list the groups in structural biology", Groups("structural biology")),
    ("what groups does hudson valley have", Groups("hudson valley")),
    ("groups Structural Biology Lab", Groups("Structural Biology Lab")),
    ("what's in the structural biology lab", Groups("structural biology lab")),
    ("list all equipment in the genomics core facility", Groups("genomics core facility")),
    ("what instruments are in hudson valley biolabs", Groups("hudson valley biolabs")),
    ("list the labs", Labs()),
    ("which labs can I see", Labs()),
    ("what departments", Labs()),
    ("which labs am I in", Labs()),
    ("show organisations", Labs()),
    ("labs", Labs()),
    ("what equipment is there", EquipmentSearch(None)),
    ("list instruments", EquipmentSearch(None)),
    ("equipment", EquipmentSearch(None)),
    ("what can I book", EquipmentSearch(None)),
    ("find a confocal", EquipmentSearch("confocal")),
    ("do we have a bioanalyzer", EquipmentSearch("bioanalyzer")),
    ("tell me about the NovaSeq", EquipmentSearch("NovaSeq")),
    ("where is the nanodrop", EquipmentFact("nanodrop", "room")),
    ("what is the gridion", EquipmentSearch("gridion")),
    ("tell me about the lsm 980", EquipmentSearch("lsm 980")),
    ("info on the bioanalyzer", EquipmentSearch("bioanalyzer")),
    ("specs of the TEM", EquipmentSearch("TEM")),
    ("search equipment for centrifuge", EquipmentSearch("centrifuge")),
    ("instruments called nanodrop", EquipmentSearch("nanodrop")),
    ("which group is the novaseq in", EquipmentFact("novaseq", "group")),
    ("equipment 42", EquipmentSearch("42")),
    ("do we have a cryostat?", EquipmentSearch("cryostat")),
    # --- account ----------------------------------------------------------------------------
    ("who am I", Me()),
    ("whoami", Me()),
    ("which account am I connected as", Me()),
    ("am i connected", Me()),
    ("who am i logged in as", Me()),
    ("what's my account", Me()),
    ("me", Me()),
    ("connect", Connect()),
    ("link my clustermarket account", Connect()),
    ("log in", Connect()),
    ("sign me in", Connect()),
    ("please connect me to clustermarket", Connect()),
    ("disconnect", Disconnect()),
    ("unlink me", Disconnect()),
    ("log me out", Disconnect()),
    ("forget me", Disconnect()),
    # --- digests ----------------------------------------------------------------------------
    ("send me a daily digest at 8", DigestOn(dt.time(8))),
    ("digest on", DigestOn(None)),
    ("digest on 8:30", DigestOn(dt.time(8, 30))),
    ("turn on the digest at 9pm", DigestOn(dt.time(21))),
    ("change my digest to 7:30", DigestOn(dt.time(7, 30))),
    ("send me a summary every morning at 7am", DigestOn(dt.time(7))),
    ("digest every morning", DigestOn(None)),
    ("stop the digest", DigestOff()),
    ("turn off my daily digest", DigestOff()),
    ("I don't want the digest anymore", DigestOff()),
    ("can you stop sending me the daily summary", DigestOff()),
    ("digest off please", DigestOff()),
    ("digest status", DigestStatus()),
    ("digest", DigestStatus()),
    ("is my digest on?", DigestStatus()),
    ("what time does my digest come", DigestStatus()),
    (
        "channel digest on 9:00 Genomics Core Facility",
        ChannelDigestOn(dt.time(9), "Genomics Core Facility"),
    ),
    (
        "digest channel on 08:30 Structural Biology Lab",
        ChannelDigestOn(dt.time(8, 30), "Structural Biology Lab"),
    ),
    ("channel digest off", ChannelDigestOff()),
    (
        "post a daily digest for the genomics core in this channel at 9",
        Help(
            topic="digest",
            suggestion="Use `/cm digest channel on [HH:MM] LAB` or `/cm digest channel off`,"
            " e.g. channel digest on 9:00 Genomics Core.",
        ),
    ),
    (
        "digest at 25:00",
        Unknown(
            "digest at 25:00",
            "Times are 24-hour HH:MM, like `/cm digest on 08:30` (8am and 5:30pm work too).",
        ),
    ),
    # --- help and small talk ---------------------------------------------------------------
    ("help", Help()),
    ("what can you do", Help()),
    ("hello! what can you do?", Help()),
    ("hi", Help()),
    ("hi there", Help()),
    ("good morning", Help()),
    ("hi <@U0CMBOT>", Help()),
    ("<@U0CMBOT>", Help()),
    (":wave: hello", Help()),
    ("", Help()),
    ("?", Help()),
    ("thanks", Help(topic=None, suggestion=WELCOME)),
    ("thx", Help(topic=None, suggestion=WELCOME)),
    ("thank you so much!", Help(topic=None, suggestion=WELCOME)),
    ("cheers :tada:", Help(topic=None, suggestion=WELCOME)),
    ("help with bookings", Help(topic="bookings")),
    ("help bookings", Help(topic="bookings")),
    ("how do I check free slots", Help(topic="free")),
    ("how does the digest work", Help(topic="digest")),
    # --- what it cannot do, and what it cannot place ---------------------------------------
    ("the novaseq", try_equipment("the novaseq", "novaseq")),
    ("novaseq", try_equipment("novaseq", "novaseq")),
    (
        "Illumina MiSeq tomorrow",
        try_equipment("Illumina MiSeq tomorrow", "Illumina MiSeq", "tomorrow"),
    ),
    ("Zeiss LSM 980 Confocal", try_equipment("Zeiss LSM 980 Confocal", "Zeiss LSM 980 Confocal")),
    (
        "can I book the confocal tomorrow at 3",
        Unknown(
            "can I book the confocal tomorrow at 3",
            "I can't make bookings yet; book in Clustermarket. To find a free slot, try:"
            " is the confocal free tomorrow at 15:00? (or `/cm free confocal tomorrow at 15:00`)",
        ),
    ),
    (
        "reserve the qpcr",
        Unknown(
            "reserve the qpcr",
            "I can't make bookings yet; book in Clustermarket. To find a free slot, try:"
            " is the qpcr free today? (or `/cm free qpcr today`)",
        ),
    ),
    (
        "cancel my booking tomorrow",
        Unknown(
            "cancel my booking tomorrow",
            "I can't change or cancel bookings yet; do that in Clustermarket."
            " To see yours, try: my bookings tomorrow",
        ),
    ),
    ("what's free tomorrow", WhatIsFree(TOMORROW)),
    (
        "is it free?",
        Unknown("is it free?", "Which equipment? Try: is the Illumina NovaSeq 6000 free today?"),
    ),
    (
        "what's booked today",
        Unknown(
            "what's booked today",
            "Which equipment? Try: what's booked on the Illumina NovaSeq 6000 today?"
            " For your own bookings: my bookings today",
        ),
    ),
    (
        "tomorrow?",
        Unknown(
            "tomorrow?", "Try: my bookings tomorrow or is the Illumina NovaSeq 6000 free tomorrow?"
        ),
    ),
    (
        "what has @ana booked today",  # cleaned knowing the bot: another user's mention stays
        Unknown(
            "what has @ana booked today",
            "I can only show your own bookings. To see who has an instrument, try:"
            " who has the Illumina NovaSeq 6000 today?",
        ),
    ),
    (
        "is the cryostat free at 25:00",
        Unknown(
            "is the cryostat free at 25:00",
            f"{TIME_HELP} Try: is the cryostat free tomorrow at 3pm?",
        ),
    ),
    ("is the NovaSeq free this weekend", Free("NovaSeq", When("this_weekend"))),
    ("is the miseq free on march 5th", Free("miseq", When("month_day", month=3, day_of_month=5))),
    (
        "is the miseq free on march 45th",
        Unknown(
            "is the miseq free on march 45th",
            f"{TIME_HELP} Try: is the miseq free tomorrow at 3pm?",
        ),
    ),
    (
        "asdf qwerty",
        Unknown(
            "asdf qwerty",
            "Try: is the Illumina NovaSeq 6000 free today? or my bookings today",
        ),
    ),
    ("what groups can you show", Groups(None)),
    ("how do the groups work", Help(topic="groups")),
]


def test_the_table_is_large() -> None:
    assert len(QUESTIONS) >= 150
    assert len({text for text, _ in QUESTIONS}) == len(QUESTIONS)


def without_options(intent: Intent) -> Intent:
    """The suggestions' buttons are tested on their own (test_question_teaching.py)."""
    return replace(intent, options=()) if isinstance(intent, Unknown) else intent


@pytest.mark.parametrize(("text", "intent"), QUESTIONS)
def test_questions_with_a_vocabulary(text: str, intent: Intent) -> None:
    assert without_options(parse_question(text, VOCABULARY)) == intent


# Without a vocabulary (the user has not linked yet) the noun phrase after "the" stands in.
UNLINKED: list[tuple[str, Intent]] = [
    (
        "is the NovaSeq free tomorrow afternoon?",
        Free("NovaSeq", When("tomorrow", part="afternoon")),
    ),
    ("is the cryostat free at 3pm", Free("cryostat", at(15))),
    ("who has the big centrifuge now", WhoIsOn("big centrifuge")),
    ("is the Zeiss LSM 980 free tomorrow", Free("Zeiss LSM 980", TOMORROW)),
    ("schedule for the orbitrap next week", Schedule("orbitrap", NEXT_WEEK)),
    ("any free slots on the FACS on Friday", Free("FACS", FRIDAY)),
    ("is the nanodrop one free", Free("nanodrop", TODAY)),
    ("free Centrifuge 5 tomorrow", Free("Centrifuge 5", TOMORROW)),
    ("is the centrifuge 5 free at 3", Free("centrifuge 5", at(15))),
    ("find a confocal", EquipmentSearch("confocal")),
    ("tell me about the Bio-Rad CFX96", EquipmentSearch("Bio-Rad CFX96")),
    ("what's in the sequencing group", GroupDetail("sequencing")),
    ("show group Flow Cytometry", GroupDetail("Flow Cytometry")),
    ("list groups in the smith lab", Groups("smith lab")),
    ("what's in the structural biology lab", Groups("structural biology lab")),
    ("my bookings next week", Bookings(NEXT_WEEK)),
    ("what's on my plate tomorrow", Bookings(TOMORROW)),
    ("link my clustermarket account", Connect()),
    ("hey bob, is the novaseq free", Free("novaseq", TODAY)),
    ("is the microscope free for 2 hours tomorrow", Free("microscope", TOMORROW)),
    (
        "novaseq",
        Unknown("novaseq", "Try: is the NovaSeq free today? or my bookings today"),
    ),
]


@pytest.mark.parametrize(("text", "intent"), UNLINKED)
def test_questions_without_a_vocabulary(text: str, intent: Intent) -> None:
    assert without_options(parse_question(text)) == intent


def test_the_command_name_is_used_in_suggestions() -> None:
    intent = parse_question("book the miseq friday", VOCABULARY, command="/lab")
    assert isinstance(intent, Unknown)
    assert intent.suggestion is not None
    assert "`/lab free miseq Friday`" in intent.suggestion


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("book the miseq friday", FRIDAY),
        (
            "book the miseq on 2026-03-05 from 9 to 11",
            When("date", date=dt.date(2026, 3, 5), at=dt.time(9), until=dt.time(11)),
        ),
        ("can I reserve the zeiss confocal tonight at 8pm", at(20, day="today", part="night")),
        ("book me in on the TEM next week", NEXT_WEEK),
        ("I want to book the nmr tomorrow morning", When("tomorrow", part="morning")),
    ],
)
def test_the_slash_command_offered_instead_of_booking_works(text: str, when: When) -> None:
    intent = parse_question(text, VOCABULARY)
    assert isinstance(intent, Unknown)
    assert intent.suggestion is not None
    offered = intent.suggestion.split("`")[1]
    assert offered.startswith("/cm free ")
    answer = parse_command(offered.removeprefix("/cm "))
    assert isinstance(answer, Free)
    assert answer.when == when


def test_a_long_message_is_still_read() -> None:
    chatter = "we ran the samples yesterday and the results look fine " * 40
    intent = parse_question(chatter + "is the novaseq free tomorrow?", VOCABULARY)
    assert isinstance(intent, Free)
    assert intent.equipment == "novaseq"


def test_a_question_about_someone_else_is_not_read_as_ones_own() -> None:
    cleaned = clean_message("<@U0CMBOT> what has <@U0ANA> booked?", bot_user_id="U0CMBOT")
    intent = parse_question(cleaned, VOCABULARY)
    assert isinstance(intent, Unknown)
    assert intent.suggestion is not None
    assert intent.suggestion.startswith("I can only show your own bookings.")


# --- clean_message --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("<@U0CMBOT> is the novaseq free?", "is the novaseq free?"),
        ("is the <@U0CMBOT> confocal free", "is the confocal free"),
        ("is the <@U0CMBOT|cmbot> confocal free", "is the confocal free"),
        ("ask <@U0ANA> and <@U0BEN|ben>", "ask and"),
        ("post it in <#C123|lab-chat> please", "post it in lab-chat please"),
        ("see <#C123>", "see"),
        ("the <https://example.com/e/42|NovaSeq> page", "the NovaSeq page"),
        ("the <https://example.com/e/42> page", "the https://example.com/e/42 page"),
        ("mail <mailto:ana@example.com|ana@example.com>", "mail ana@example.com"),
        ("mail <mailto:ana@example.com>", "mail ana@example.com"),
        ("<!here> is the TEM free", "is the TEM free"),
        ("<!subteam^S1|@imaging> the confocal", "@imaging the confocal"),
        (":tada: free? :+1::skin-tone-2:", "free?"),
        ("free 🎉🎉 now 👩🏽‍🔬 ok ❤️", "free now ok"),
        ("at 10:30:00 sharp", "at 10:30:00 sharp"),
        ("Zoë’s “spectrophotometer”", 'Zoë\'s "spectrophotometer"'),
        ("R&amp;D &lt;lab&gt; &amp;amp;", "R&D lab &"),
        ("a\u200bb  \n\t c", "ab c"),
        ("", ""),
    ],
)
def test_clean_message(raw: str, cleaned: str) -> None:
    assert clean_message(raw) == cleaned


def test_clean_message_keeps_other_people_when_it_knows_the_bot() -> None:
    text = "<@U0CMBOT> what has <@U0ANA> booked? ask <@U0BEN|ben smith>"
    assert clean_message(text, bot_user_id="U0CMBOT") == "what has @someone booked? ask @bensmith"
    assert clean_message(text) == "what has booked? ask"


# --- properties -----------------------------------------------------------------------------

INTENT_TYPES = Intent.__args__
WORDS = [
    "is", "the", "novaseq", "free", "tomorrow", "at", "3pm", "who", "has", "my", "bookings",
    "digest", "on", "off", "channel", "group", "groups", "lab", "in", "book", "cancel", "help",
    "me", "i", "<@U1>", "<#C1|x>", ":tada:", "🎉", "&amp;", "&lt;", "25:00", "next", "week",
    "from", "2", "to", "4", "-", "'s", "Zoë", "connect", "what", "equipment", "find", "a",
    "nova", "seq", "one", "iii", "@ana", "good", "morning", "!", "?", "thanks", "2026-02-30",
]  # fmt: skip
TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=12).map(" ".join),
)
NAMES = st.lists(st.one_of(st.text(max_size=25), st.sampled_from(WORDS)), max_size=5)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(TEXTS, NAMES, NAMES, NAMES)
def test_parse_question_never_raises(
    text: str, equipment: list[str], groups: list[str], labs: list[str]
) -> None:
    intent = parse_question(text, Vocabulary(equipment, groups, labs))
    assert isinstance(intent, INTENT_TYPES)
    for name in ("equipment", "name", "lab"):
        assert getattr(intent, name, None) != ""


@PROPERTY
@given(TEXTS)
def test_parse_question_never_raises_without_a_vocabulary(text: str) -> None:
    assert isinstance(parse_question(text), INTENT_TYPES)


@PROPERTY
@given(TEXTS, st.sampled_from([None, "U1", "U0CMBOT"]))
def test_clean_message_is_idempotent(text: str, bot_user_id: str | None) -> None:
    cleaned = clean_message(text, bot_user_id=bot_user_id)
    assert clean_message(cleaned, bot_user_id=bot_user_id) == cleaned
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned


@PROPERTY
@given(TEXTS)
def test_cleaned_and_raw_text_give_the_same_intent(text: str) -> None:
    assert parse_question(clean_message(text), VOCABULARY) == parse_question(text, VOCABULARY)


@pytest.mark.parametrize(
    "text", ["what's the weather like", "what is the meaning of life", "tell me a joke"]
)
def test_small_talk_names_no_instrument_and_gets_a_real_example(text: str) -> None:
    intent = parse_question(text, VOCABULARY)
    assert isinstance(intent, Unknown)
    assert intent.suggestion is not None
    assert any(name in intent.suggestion for name in ("NovaSeq", "Illumina", "Zeiss"))
