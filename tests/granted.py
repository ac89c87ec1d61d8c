"""Tokens the sandbox grants a user directly, for tests that need a link but not the flow."""

from __future__ import annotations

import datetime as dt

from bot.clustermarket.tokens import TokenSet
from bot.sandbox import Sandbox

FOR_GOOD = dt.timedelta(days=3650)


def long_lived_tokens(sandbox: Sandbox, cm_user_id: int) -> TokenSet:
    """A fresh grant for `cm_user_id`, stored as if it never expired (no renewal mid-test)."""
    grant = sandbox.grant_tokens(cm_user_id)
    return TokenSet(
        access_token=str(grant["access_token"]),
        refresh_token=str(grant["refresh_token"]),
        expires_at=dt.datetime.now(dt.UTC) + FOR_GOOD,
        scopes=str(grant.get("scope", "")),
    )
