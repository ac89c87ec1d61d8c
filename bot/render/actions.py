"""The action ids of every button cmbot renders; the Slack layer routes clicks by them.

Re-run buttons ("which one did you mean?", "Today's schedule") are numbered within a message,
`f"{CHOOSE}:{i}"`, because Slack wants action ids unique in a message: match the prefix.
"""

from __future__ import annotations

SHARE = "cm_share"
"""Post this answer in the channel; value: the encoded question and page."""
MORE = "cm_more"
"""The next page of a long answer; value: the encoded question and the next page."""
CHOOSE = "cm_choose"
"""Ask a question again, usually naming one thing by id; value: the encoded question."""
CONNECT = "cm_connect"
"""Link a Clustermarket account (a URL button: the click only needs acknowledging)."""
DISCONNECT = "cm_disconnect"
"""Unlink the Clustermarket account (behind a confirm dialog)."""
HOME_REFRESH = "cm_home_refresh"
"""Rebuild the App Home tab."""
BOOKING = "cm_booking"
"""Open one booking in full (Booking Details); numbered like CHOOSE; value: the booking id."""


def choose_action(index: int) -> str:
    """The action id of the `index`-th re-run button in a message."""
    return f"{CHOOSE}:{index}"


def booking_action(index: int) -> str:
    """The action id of the `index`-th Details button in a message."""
    return f"{BOOKING}:{index}"
