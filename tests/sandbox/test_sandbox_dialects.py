"""The sandbox's dialects on the wire, and `cmbot sandbox --dialect`."""

from __future__ import annotations

import httpx
import pytest

from bot.cli import main
from bot.sandbox import Sandbox
from bot.sandbox.dialects import DIALECTS
from bot.sandbox.seed import FIRST_BOOKING_ID


def test_dialect_list_names_every_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--dialect", "list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in DIALECTS)


def test_an_unknown_dialect_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--dialect", "klingon"]) == 2
    assert "--dialect list" in capsys.readouterr().err
    with pytest.raises(ValueError, match="known: reference, rails"):
        Sandbox(dialect="klingon")


@pytest.mark.parametrize(
    ("dialect", "start_field", "start_type", "paging_header"),
    [
        ("reference", "start_time", str, "X-Total-Records"),
        ("rails", "starts_at", str, "Link"),
        ("envelope", "start_at", str, None),
        ("bare", "from", int, None),
    ],
)
async def test_each_dialect_writes_bookings_and_pages_its_way(
    dialect: str, start_field: str, start_type: type, paging_header: str | None
) -> None:
    async with Sandbox(dialect=dialect) as sandbox:
        tokens = sandbox.grant_tokens(sandbox.demo_user_id)
        async with httpx.AsyncClient() as http:
            answer = await http.get(
                sandbox.api_url + "/bookings",
                params={"per_page": 5},
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
    body = answer.json()
    records = body["data"] if dialect == "envelope" else body
    assert len(records) == 5 and isinstance(records[0][start_field], start_type)
    assert records[0]["id"] >= FIRST_BOOKING_ID
    if paging_header:
        assert paging_header in answer.headers
    if dialect == "envelope":
        assert body["meta"]["total_pages"] > 1
    if dialect == "rails":
        assert 'rel="last"' in answer.headers["Link"] and " " in records[0]["starts_at"]
        assert "requester_name" in records[0] or "requester_id" not in records[0]
    if dialect == "bare":
        assert not {"X-Total-Records", "Link"} & set(answer.headers)
