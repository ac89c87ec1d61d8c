"""A store on a fresh file, opened with KEY_A."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_helpers import KEY_A

from bot.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cmbot.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path, [KEY_A]) as opened:
        yield opened
