"""Forgetting's messages: the offer, what went, the channel's notice; nothing from a lab name
or a stored id becomes a mention or a link."""

from __future__ import annotations

import json

from bot.render.actions import FORGET_ME
from bot.render.connect import disconnected_message
from bot.render.forget import forgotten_reply, orphaned_digest_notice, with_forget_offer


def test_the_offer_is_a_confirmed_button_after_the_reply() -> None:
    offered = with_forget_offer(disconnected_message("/cm"))
    button = offered.blocks[-1]["elements"][0]
    assert button["action_id"] == FORGET_ME and "confirm" in button
    assert offered.text == disconnected_message("/cm").text


def test_names_and_ids_never_become_mentions() -> None:
    notice = orphaned_digest_notice("<!channel> & Co", "08:00", "/cm")
    done = forgotten_reply(["personal digest (1)"], ["C0LAB", "<!here>"], "/cm")
    for reply in (notice, done):
        shown = reply.text + json.dumps(reply.blocks)
        assert "<!channel>" not in shown and "<!here>" not in shown
    assert "&lt;!channel&gt; &amp; Co" in notice.text
    assert "<#C0LAB>" in json.dumps(done.blocks)
