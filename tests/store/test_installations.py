"""Slack installations in the store: found by workspace, or by its organisation's org-wide
install; encrypted whole, and moved to a new key with the rest; install states used once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from store_helpers import KEY_A, KEY_B

from bot.store import Store

NOW = datetime(2026, 3, 25, 8, tzinfo=UTC)


def save_bot(store: Store, enterprise_id: str | None, team_id: str | None, token: str) -> None:
    store.installations.save_bot(
        {"team_id": team_id, "bot_token": token},
        enterprise_id=enterprise_id,
        team_id=team_id,
        is_enterprise_install=team_id is None,
        installed_at=NOW,
    )


def token_for(store: Store, enterprise_id: str | None, team_id: str | None) -> str | None:
    found = store.installations.find_bot(
        enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=team_id is None
    )
    return None if found is None else str(found["bot_token"])


def test_a_workspace_finds_its_own_install_then_its_organisations(store: Store) -> None:
    save_bot(store, None, "T1", "xoxb-t1")
    save_bot(store, "E1", None, "xoxb-org")
    save_bot(store, "E1", "T2", "xoxb-t2")
    assert token_for(store, None, "T1") == "xoxb-t1"
    assert token_for(store, "E1", "T2") == "xoxb-t2"  # its own beats the organisation's
    assert token_for(store, "E1", "T3") == "xoxb-org"  # any other workspace of E1
    assert token_for(store, "E1", None) == "xoxb-org"
    assert token_for(store, None, "T3") is None  # not in an organisation we know
    save_bot(store, None, "T1", "xoxb-t1-reinstalled")
    assert token_for(store, None, "T1") == "xoxb-t1-reinstalled"
    assert store.installations.delete_bot(enterprise_id="E1", team_id=None) == 1
    assert token_for(store, "E1", "T3") is None
    assert store.installations.workspaces() == [(None, "T1"), ("E1", "T2")]


def test_documents_are_encrypted_and_move_to_a_new_key(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as store:
        save_bot(store, None, "T1", "xoxb-secret-bot-token")
        store.installations.save_installation(
            {"user_id": "U1", "user_token": "xoxp-secret-user-token"},
            enterprise_id=None,
            team_id="T1",
            user_id="U1",
            is_enterprise_install=False,
            installed_at=NOW,
        )
    raw = b"".join(path.read_bytes() for path in db_path.parent.glob(db_path.name + "*"))
    assert b"xoxb-secret-bot-token" not in raw and b"xoxp-secret-user-token" not in raw
    with Store(db_path, [KEY_B, KEY_A]) as rotating:
        rotating.reencrypt_all()
    with Store(db_path, [KEY_B]) as rotated:
        assert token_for(rotated, None, "T1") == "xoxb-secret-bot-token"
        found = rotated.installations.find_installation(
            enterprise_id=None, team_id="T1", user_id="U1", is_enterprise_install=False
        )
        assert found is not None and found["user_token"] == "xoxp-secret-user-token"


def test_an_install_state_works_once_and_not_after_it_expires(store: Store) -> None:
    states = store.install_states
    states.issue("fresh", ttl=timedelta(minutes=10), now=NOW)
    states.issue("stale", ttl=timedelta(minutes=10), now=NOW)
    assert states.consume("fresh", now=NOW + timedelta(minutes=9))
    assert not states.consume("fresh", now=NOW + timedelta(minutes=9))
    assert not states.consume("stale", now=NOW + timedelta(minutes=11))
    assert not states.consume("never-issued", now=NOW)
