"""`cmbot backup PATH`: consistent while another connection writes, never over the live file,
and the README's restore brings every link back."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.config import Settings
from bot.store import Store

KEY = Fernet.generate_key().decode()
ZOE = UserKey("T1", "U0ZOE")


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A store with one linked user, as `cmbot serve` leaves it; DATABASE_PATH points at it."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data #1?" / "cmbot.db"
    path.parent.mkdir()
    monkeypatch.setenv("DATABASE_PATH", str(path))
    with Store(path, [KEY]) as store:
        tokens = TokenSet("access-secret", "refresh-secret", None, "read_user")
        store.links.save(ZOE, cm_user_id=15001, cm_user_name="Zoë", tokens=tokens)
    yield path


def _write_steadily(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Another process's writes: each transaction adds a row and bumps a counter with it."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("CREATE TABLE IF NOT EXISTS ledger (n INTEGER)")
    connection.execute("CREATE TABLE IF NOT EXISTS total (n INTEGER)")
    connection.execute("INSERT INTO total VALUES (0)")
    n = 0
    while not stop.is_set():
        n += 1
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO ledger VALUES (?)", (n,))
        connection.execute("UPDATE total SET n = ?", (n,))
        connection.execute("COMMIT")
        written.append(n)
    connection.close()


def test_copies_are_consistent_while_another_connection_writes(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop, written = threading.Event(), list[int]()
    writer = threading.Thread(target=_write_steadily, args=(live, stop, written))
    writer.start()
    try:
        while len(written) < 50:
            stop.wait(0.005)
        copies = [tmp_path / f"copy-{i}.db" for i in range(3)]
        for copy in copies:
            assert main(["backup", str(copy)]) == 0
    finally:
        stop.set()
        writer.join()
    assert len(written) > 50  # the writer kept going while the copies were taken
    for copy in copies:
        with sqlite3.connect(copy) as database:
            assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert database.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            rows, total = database.execute(
                "SELECT (SELECT count(*) FROM ledger), (SELECT n FROM total)"
            ).fetchone()
        assert rows == total  # one committed state, never half a transaction
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not copy.with_name(copy.name + "-wal").exists()
    assert sorted(p.name for p in tmp_path.glob(".copy-*")) == []  # no partial files left
    assert f"to {copies[-1]}" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_refuses_to_write_over_the_live_database(
    live: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(live, [KEY]):  # serving: the -wal and -shm files exist
        target = live.with_name(live.name + suffix)
        before = live.read_bytes()
        assert main(["backup", str(target)]) == 2
        assert live.read_bytes() == before
    error = capsys.readouterr().err.strip()
    assert error == f"cmbot: {target} is the live database; give the backup another path"


def test_without_a_database_says_so_and_creates_nothing(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "elsewhere.db"
    monkeypatch.setenv("DATABASE_PATH", str(missing))
    assert main(["backup", str(tmp_path / "copy.db")]) == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "copy.db").exists()


def test_a_folder_or_a_missing_folder_is_refused(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "no" / "such" / "copy.db")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_documented_restore_brings_the_links_back(live: Path, tmp_path: Path) -> None:
    copy = tmp_path / "nightly.db"
    assert main(["backup", str(copy)]) == 0
    live.unlink()  # the disaster
    for side in ("-wal", "-shm"):
        live.with_name(live.name + side).unlink(missing_ok=True)
    live.write_bytes(copy.read_bytes())  # README: stop cmbot, copy the backup over DATABASE_PATH
    with Store(live, [KEY]) as store:
        link = store.links.get(ZOE)
    assert link is not None and link.tokens.refresh_token == "refresh-secret"
