"""Keys, people and tokens the store's tests share."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.fernet import Fernet

from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store import Link, Store

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()

ALICE = UserKey("T0001", "U0ALICE")
BOB = UserKey("T0001", "U0BOB")
NOW = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

ACCESS = "cm-access-PLAINTEXT-0123456789abcdef"
REFRESH = "cm-refresh-PLAINTEXT-fedcba9876543210"


def tokens(access: str = ACCESS, refresh: str | None = REFRESH) -> TokenSet:
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        scopes="bookings:read equipment:read",
    )


def link_alice(store: Store, access: str = ACCESS, refresh: str | None = REFRESH) -> Link:
    return store.links.save(
        ALICE, cm_user_id=42, cm_user_name="Alice Liddell", tokens=tokens(access, refresh)
    )
