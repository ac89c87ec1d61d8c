"""How long each step of linking an account stays open: one lifetime, said the same way on
the connect prompt, the start page, the confirm page and every error page.

A connect link must be opened within it, the sign-in at Clustermarket finished within it of
opening the link, and the confirm page answered within it of the sign-in.
"""

from __future__ import annotations

from datetime import timedelta

LINK_LIFETIME = timedelta(minutes=15)
LIFETIME_WORDS = f"{int(LINK_LIFETIME.total_seconds() // 60)} minutes"
"""The lifetime as people read it: "15 minutes"."""

CONNECT_PATH = "/clustermarket/connect"
"""The bot's own start page, the target of every Connect button."""
CONFIRM_PATH = "/clustermarket/confirm"
"""Where the confirm page's "Link these accounts" and "Cancel" are posted."""
