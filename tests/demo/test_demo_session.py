"""The demo's prompt, line by line: every /cm command, mentions, DMs and the demo's own.

One world serves the module (starting one takes most of a second); each test gets a fresh
session as Zoë, linked again if an earlier test unlinked her.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.demo.session import DemoSession
from bot.demo.terminal import Style
from bot.demo.world import PEOPLE, World

JOSE, EMILY = PEOPLE[2], PEOPLE[3]
FAST_RETRIES = {"backoff_base": 0.001, "backoff_cap": 0.01}

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world() -> AsyncIterator[World]:
    async with World(client_options=FAST_RETRIES) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def session(world: World) -> DemoSession:
    demo = DemoSession(world, style=Style(width=100), quiet=0.05)
    await demo.begin()
    return demo


@pytest_asyncio.fixture(loop_scope="module")
async def own_session() -> AsyncIterator[DemoSession]:
    """A world of its own, for tests that leave it in a state others should not see."""
    async with World(client_options=FAST_RETRIES) as running:
        demo = DemoSession(running, style=Style(width=100), quiet=0.05)
        await demo.begin()
        yield demo


async def say(session: DemoSession, line: str) -> str:
    return "\n\n".join(await session.say(line))


async def test_help_and_the_bare_command(session: DemoSession) -> None:
    for line in ("/cm", "/cm help"):
        shown = await say(session, line)
        assert shown.startswith("cmbot · #lab · only visible to you")
        assert "/cm bookings [WHEN]" in shown
        assert "/cm free EQUIPMENT [WHEN]" in shown


async def test_unknown_input_gets_the_help_with_a_suggestion(session: DemoSession) -> None:
    assert "/cm bookings today" in await say(session, "/cm bookigns today")


async def test_me_labs_and_groups(session: DemoSession) -> None:
    me = await say(session, "/cm me")
    assert "Zoë Ångström" in me and "15001" in me
    labs = await say(session, "/cm labs")
    assert "Genomics Core Facility" in labs and "Structural Biology Lab" in labs
    assert "Sequencing" in await say(session, "/cm groups")
    group = await say(session, "/cm group sequencing")
    assert "Illumina NovaSeq 6000" in group and "Oxford Nanopore GridION" in group


async def test_equipment_list_and_details(session: DemoSession) -> None:
    assert "NanoDrop One" in await say(session, "/cm equipment")
    details = await say(session, "/cm equipment nanodrop")
    assert "Thermo Fisher Scientific NanoDrop One" in details
    assert "[Today's schedule]  [Free now?]  [Share in channel]" in details


async def test_bookings_by_day(session: DemoSession) -> None:
    shown = await say(session, "/cm bookings")
    assert "Today," in shown
    assert "Oxford Nanopore GridION" in shown and "(+1)" in shown
    assert "Tomorrow," in await say(session, "/cm bookings tomorrow")


async def test_schedule_which_one_and_a_choice(session: DemoSession) -> None:
    assert "NanoDrop One" in await say(session, "/cm schedule nanodrop")
    question = await say(session, "/cm schedule eppendorf")
    assert question.count("[Choose]") == 2
    ambiguous = await say(session, ":click Choose")
    assert ":click Choose 2 (Eppendorf 5810 R Centrifuge — Structural Biology Lab)" in ambiguous
    chosen = await say(session, ":click structural")
    assert "only visible to you · updated" in chosen
    assert "Eppendorf 5810 R Centrifuge" in chosen and "Structural Biology Lab" in chosen


async def test_more_pages_a_long_schedule(session: DemoSession) -> None:
    first = await say(session, "/cm schedule nanodrop next week")
    assert "[More" in first
    more = await say(session, ":click More")
    assert "updated" in more and more != first


async def test_free(session: DemoSession) -> None:
    shown = await say(session, "/cm free nanodrop")
    assert "NanoDrop One" in shown
    assert "free" in shown.lower() or "busy" in shown.lower()


async def test_share_in_channel_is_seen_by_everyone(session: DemoSession) -> None:
    await say(session, "/cm labs")
    shared = await say(session, ":click Share in channel")
    assert shared.startswith("cmbot · #lab\n")  # not "only visible to you"
    assert "Shared by @Zoë Ångström" in shared


async def test_personal_digest_on_status_and_off(session: DemoSession) -> None:
    assert "daily digest is on" in await say(session, "/cm digest on 08:00")
    assert "08:00" in await say(session, "/cm digest")
    assert "off" in await say(session, "/cm digest off")


async def test_channel_digest_on_and_off(session: DemoSession) -> None:
    on = await say(session, "/cm digest channel on 08:00 Genomics Core Facility")
    assert "Genomics Core Facility" in on and "#lab" in on
    off = await say(session, "/cm digest channel off")
    assert "off" in off.lower() or "stopped" in off.lower()


async def test_connect_disconnect_and_connect_again_answers_the_question(
    session: DemoSession,
) -> None:
    connect = await say(session, "/cm connect")
    assert "[Connect ↗]" in connect
    assert "ticket" not in connect and "http" not in connect  # the single-use link stays hidden
    assert "Disconnected" in await say(session, "/cm disconnect")
    prompt = await say(session, "/cm me")
    assert "First, connect your Clustermarket account  [Connect ↗]" in prompt
    linked = await say(session, ":click Connect")
    assert "Zoë Ångström signs in and approves" in linked
    assert "Connected to Clustermarket as Zoë Ångström" in linked
    assert "Clustermarket ID" in linked  # the question that asked for the link, answered


async def test_a_mention_is_answered_in_the_thread(session: DemoSession) -> None:
    shown = await say(session, "@cmbot what's in the sequencing group?")
    assert shown.startswith("cmbot · #lab · in thread")
    assert "Illumina MiSeq" in shown
    private = await say(session, "hey @cmbot, my bookings today")
    assert "in thread · only visible to you" in private


async def test_a_direct_message_is_answered_in_the_dm(session: DemoSession) -> None:
    shown = await say(session, "who has the nanodrop tomorrow?")
    assert shown.startswith("cmbot · direct message\n")  # in the DM itself, not a thread
    assert "NanoDrop One" in shown and "[Share in channel]" not in shown


async def test_a_reply_in_the_thread_follows_up(session: DemoSession) -> None:
    session.thread_ts = None
    assert "Ask @cmbot something in #lab first" in await say(session, ":reply and tomorrow?")
    await say(session, "@cmbot is the nanodrop free at 3?")
    assert "Say what to reply" in await say(session, ":reply")
    shown = await say(session, ":reply and tomorrow?")
    assert shown.startswith("cmbot · #lab · in thread")
    assert "Is NanoDrop One free?" in shown and "Tomorrow 15:00–16:00" in shown


async def test_the_tour_shows_a_follow_up_and_a_question_about_all_equipment(
    session: DemoSession,
) -> None:
    shown = await say(session, ":tour")
    assert "zoe › :reply and tomorrow?" in shown
    assert "Is Qubit 4 Fluorometer free?" in shown and "Tomorrow 15:00–16:00" in shown
    assert "What's free right now" in shown and "instruments free right now" in shown
    assert "What's free in Sequencing tomorrow afternoon" in shown  # a DM follow-up
    assert "Something went wrong" not in shown


async def test_digest_preview_sends_nothing(session: DemoSession) -> None:
    calls = len(session.world.fake.calls_to("chat.postMessage"))
    shown = await say(session, ":digest")
    assert "nothing sent or recorded" in shown
    assert "cmbot · direct message · preview" in shown
    assert "Your bookings ·" in shown and "GridION" in shown
    assert len(session.world.fake.calls_to("chat.postMessage")) == calls
    assert await session.world.services.store.deliveries_between(dt.date.min, dt.date.max) == []


async def test_switching_to_emily_shows_the_connect_flow(own_session: DemoSession) -> None:
    session = own_session
    assert not await session.linked(EMILY)
    shown = await say(session, ":user Emily")
    assert "You are now Emily Carter" in shown
    assert "[Connect ↗]" in shown
    assert "The browser shows cmbot's page: Connected." in shown
    assert "Connected to Clustermarket as Emily Carter" in shown
    assert "Link these accounts" not in shown  # her Slack email is her Clustermarket one
    assert session.person == EMILY and await session.linked(EMILY)
    assert "Emily Carter" in await say(session, "/cm me")
    back = await say(session, ":user zoë")
    assert back == "» You are now Zoë Ångström (@zoe, Europe/London)."


async def test_a_person_whose_emails_differ_sees_the_confirm_page(
    own_session: DemoSession,
) -> None:
    session = own_session
    fake = session.world.fake
    fake.add_user(JOSE.user_id, name=JOSE.name, real_name=JOSE.real_name, email="pepe@gmail.com")
    shown = await say(session, ":user jose")
    assert "The browser shows cmbot's page: Link these accounts?" in shown
    assert "pepe@gmail.com" in shown and "jose.nunez@northbridge.ac.uk" in shown
    assert "José checks both accounts and presses [Link these accounts]." in shown
    assert "The browser shows cmbot's page: Connected." in shown
    assert await session.linked(JOSE)


async def test_home_tab_and_its_buttons(session: DemoSession) -> None:
    home = await say(session, ":home")
    assert home.startswith("cmbot · Home tab")
    assert "Connected to Clustermarket as Zoë Ångström.  [Disconnect]" in home
    turned_on = await say(session, ":click Turn on daily digest")
    assert "Your daily digest is on at 08:00" in turned_on
    gone = await say(session, ":click Disconnect")
    assert "Slack asks “Disconnect Clustermarket?” first. Confirmed." in gone
    assert "[Connect ↗]" in gone


async def test_demo_help(session: DemoSession) -> None:
    shown = await say(session, ":help")
    assert "Demo commands" in shown and ":click LABEL" in shown
    assert ":reply" in shown and ":tour" in shown
    assert "/cm bookings [WHEN]" in shown  # the bot's own help follows


async def test_unknown_demo_commands_and_other_slash_commands(session: DemoSession) -> None:
    assert "There's no :thing in the demo." in await say(session, ":thing")
    assert "Did you mean :help?" in await say(session, ":hlep")
    assert "/foo is not a valid command" in await say(session, "/foo bar")
    assert "@margaret isn't the bot" in await say(session, "@margaret hi")
    assert await say(session, "   ") == ""


async def test_click_without_a_button_and_quit(session: DemoSession) -> None:
    assert "no buttons" in await say(session, ":click Share")
    await say(session, "/cm labs")
    assert "No button on the last reply matches" in await say(session, ":click Frobnicate")
    assert not session.done
    assert await session.say(":quit") == []
    assert session.done


async def test_a_slow_bot_gets_a_kind_no_reply_line_not_a_hang(own_session: DemoSession) -> None:
    session = own_session
    session.inbox.reply_timeout = 0.3
    session.world.sandbox.knobs.latency = 1.0
    shown = await say(session, "/cm labs")
    assert "No reply from cmbot within 0.3 seconds" in shown
    session.inbox.reply_timeout = 10.0
    session.world.sandbox.knobs.latency = 0.0
    both = await say(session, "/cm me")
    assert "Your labs" in both  # the late answer, shown with the next input
    assert "Clustermarket ID" in both


async def test_a_failure_in_the_demo_is_a_line_not_a_trace(
    own_session: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = own_session

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the pretend network fell over")

    monkeypatch.setattr(session.world.slack, "command", broken)
    shown = await say(session, "/cm me")
    assert shown == (
        "» The demo tripped over that (OSError). The bot is still running: try again, or :help."
    )
