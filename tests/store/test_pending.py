"""Sign-ins held for confirming: encrypted, settled exactly once, only from the browser that
opened the link, swept (for revoking) once past their deadline; and the connect link's id
and the browser kept with the OAuth state."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import ACCESS, ALICE, BOB, KEY_A, KEY_B, NOW, REFRESH, tokens

from bot.store import PendingError, StateError, Store

BROWSER = "b" * 43
TTL = timedelta(minutes=15)


def hold(store: Store, *, email: str | None = "alice@example.org", browser: str = BROWSER) -> str:
    return store.pending.hold(
        ALICE,
        browser=browser,
        cm_user_id=42,
        cm_user_name="Alice Liddell",
        cm_email=email,
        tokens=tokens(),
        resume={"intent": "me"},
        ttl=TTL,
        now=NOW,
    )


def refusal(store: Store, token: str, browser: str | None, minutes: int = 1) -> str:
    with pytest.raises(PendingError) as caught:
        store.pending.take(token, browser=browser, now=NOW + timedelta(minutes=minutes))
    assert token not in str(caught.value)
    return caught.value.reason


def test_a_held_sign_in_is_taken_once_from_its_browser(store: Store) -> None:
    token = hold(store)
    assert refusal(store, token, None) == "other_browser"
    assert refusal(store, token, "c" * 43) == "other_browser"

    taken = store.pending.take(token, browser=BROWSER, now=NOW + timedelta(minutes=1))

    assert (taken.key, taken.cm_user_id, taken.cm_email) == (ALICE, 42, "alice@example.org")
    assert taken.tokens == tokens() and taken.resume == {"intent": "me"}
    assert ACCESS not in repr(taken) and "alice@example.org" not in repr(taken)
    assert refusal(store, token, BROWSER) == "used"
    assert refusal(store, "never-issued", BROWSER) == "unknown"
    assert store.pending.open_count() == 0


def test_only_digests_and_ciphertext_are_stored_and_settling_clears_them(
    store: Store, db_path: Path
) -> None:
    token = hold(store)
    raw = str(list(Database(db_path).query("SELECT * FROM pending_links")))
    for secret in (token, BROWSER, ACCESS, REFRESH, "alice@example.org"):
        assert secret not in raw
    store.pending.take(token, browser=BROWSER, now=NOW)
    [row] = Database(db_path).query("SELECT * FROM pending_links")
    assert (row["access_token"], row["refresh_token"], row["cm_email"]) == (None, None, None)


def test_past_its_deadline_a_sign_in_is_refused_and_swept_once(store: Store) -> None:
    token = hold(store, email=None)
    other = hold(store)
    assert refusal(store, token, BROWSER, minutes=15) == "expired"
    assert store.pending.sweep(now=NOW + timedelta(minutes=14)) == []

    swept = store.pending.sweep(now=NOW + timedelta(minutes=15))

    assert [pending.tokens for pending in swept] == [tokens(), tokens()]
    assert store.pending.sweep(now=NOW + timedelta(minutes=16)) == []
    assert refusal(store, token, BROWSER, minutes=16) == "used"
    assert refusal(store, other, BROWSER, minutes=16) == "used"


def test_settled_rows_are_purged_after_a_day(store: Store, db_path: Path) -> None:
    store.pending.take(hold(store), browser=BROWSER, now=NOW)
    store.pending.hold(
        BOB,
        browser=BROWSER,
        cm_user_id=7,
        cm_user_name="Bob",
        cm_email=None,
        tokens=tokens("bob", None),
        resume=None,
        ttl=TTL,
        now=NOW + timedelta(days=1, minutes=1),
    )
    rows = list(Database(db_path).query("SELECT slack_user_id FROM pending_links"))
    assert rows == [{"slack_user_id": BOB.user_id}]


def test_held_sign_ins_move_to_the_new_key(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        token = hold(old)
    with Store(db_path, [KEY_B, KEY_A]) as rotating:
        rotating.reencrypt_all()
    with Store(db_path, [KEY_B]) as new_only:
        taken = new_only.pending.take(token, browser=BROWSER, now=NOW)
        assert taken.tokens == tokens() and taken.cm_email == "alice@example.org"


def test_a_connect_link_mints_one_state_and_the_state_knows_its_browser(store: Store) -> None:
    state = store.states.create(ALICE, ticket="link-1", browser=BROWSER, now=NOW)
    with pytest.raises(StateError) as caught:
        store.states.create(ALICE, ticket="link-1", browser="c" * 43, now=NOW)
    assert caught.value.reason == "used"
    store.states.create(ALICE, ticket="link-2", now=NOW)  # another link is another matter

    claim = store.states.consume(state, now=NOW)

    assert claim.opened_by(BROWSER)
    assert not claim.opened_by("c" * 43) and not claim.opened_by(None)
    assert not store.states.consume(store.states.create(BOB, now=NOW), now=NOW).opened_by(
        BROWSER
    )  # a state minted without a browser is nobody's


async def test_pending_links_through_the_async_api(store: Store) -> None:
    token = await store.hold_pending_link(
        ALICE,
        browser=BROWSER,
        cm_user_id=42,
        cm_user_name="Alice",
        cm_email=None,
        tokens=tokens(),
        resume=None,
        ttl=TTL,
    )
    assert await store.count_pending_links() == 1
    assert (await store.take_pending_link(token, browser=BROWSER)).cm_user_id == 42
    assert await store.sweep_pending_links() == []
