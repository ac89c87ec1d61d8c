"""Whatever is typed after /cm, the user gets a reply and never a trace."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_helpers import EMILY, ZOE, ask, words

from bot.demo.world import World

WORDLIKE = st.lists(
    st.sampled_from(
        ["bookings", "schedule", "free", "equipment", "group", "groups", "digest", "channel",
         "on", "off", "today", "tomorrow", "next", "week", "friday", "2026-02-30", "25:99",
         "nanodrop", "eppendorf", "zoë", "🎉", "<@U0ZOE>", "'", '"', "%", "--", "\u200b"]
    ),
    max_size=6,
).map(" ".join)  # fmt: skip


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.one_of(st.text(max_size=60), WORDLIKE))
async def test_any_text_gets_a_reply_and_never_a_trace(linked: World, text: str) -> None:
    for person in (ZOE, EMILY):  # linked and not linked
        reply = await ask(linked, text, person)
        said = words(reply)
        assert said.strip()
        assert "Traceback" not in said and "Error:" not in said
