"""`cmbot doctor` against the sandbox in every dialect: what differs shows, nothing secret or
personal is ever printed, and any FAIL makes the exit status non-zero."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.cli import main
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.config import Settings
from bot.demo.world import free_port
from bot.doctor import Report
from bot.doctor.cli import run_doctor
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, build_world
from bot.sandbox.dialects import DIALECTS
from bot.store import Store

TODAY = date(2026, 3, 25)
KENJI = 15010  # sees only the Tokyo lab, where the messy dialect puts its unreadable records
KEY = UserKey("T1", "U1")

SAYS: dict[str, tuple[str, ...]] = {
    "reference": ("X-Total-Records header", "ISO 8601 in UTC (Z)", "by HTTP Basic"),
    "rails": (
        "Link header (next and last)",
        "wall time without a zone",
        "read in the lab's zone: Asia/Tokyo",
        "Tokyo (read as Asia/Tokyo)",
        "by HTTP Basic",
    ),
    "envelope": ("envelope meta (total_count, total_pages)", "ISO 8601 with offset", "form fields"),
    "bare": ("no totals: read until a short page", "epoch seconds"),
    "messy": (
        "WARN  List Bookings",
        "records skipped: start_time unreadable ×1, not an object ×1",
        "statuses never seen before: on_hold",
        "WARN  List Equipment",
        "WARN  List Groups",
    ),
}


@pytest.fixture
def key_text() -> str:
    return Fernet.generate_key().decode()


Configure = Callable[..., Settings]


@pytest.fixture
def configure(tmp_path: Path, key_text: str) -> Configure:
    def settings(sandbox: Sandbox, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "SLACK_BOT_TOKEN": SecretStr("xoxb-doctor"),
            "SLACK_SIGNING_SECRET": SecretStr("doctor-signing-secret"),
            "CLUSTERMARKET_API_URL": sandbox.api_url,
            "CLUSTERMARKET_OAUTH_URL": sandbox.oauth_url,
            "CLUSTERMARKET_CLIENT_ID": DEMO_CLIENT_ID,
            "CLUSTERMARKET_CLIENT_SECRET": SecretStr(DEMO_CLIENT_SECRET),
            "DATABASE_PATH": str(tmp_path / "cm.db"),
            "TOKEN_ENCRYPTION_KEY": [SecretStr(key_text)],
        }
        return Settings(_env_file=None, **(values | overrides))  # type: ignore[arg-type]

    return settings


def token_set(grant: dict[str, object]) -> TokenSet:
    scopes = str(grant["scope"])
    return TokenSet(str(grant["access_token"]), str(grant["refresh_token"]), None, scopes)


async def save_link(settings: Settings, user_id: int, grant: dict[str, object]) -> None:
    store = await Store.open(settings.DATABASE_PATH, settings.encryption_keys())
    try:
        await store.save_link(
            UserKey("T1", "U1"), cm_user_id=user_id, cm_user_name="K", tokens=token_set(grant)
        )
    finally:
        await store.aclose()


async def link(sandbox: Sandbox, settings: Settings, user_id: int = KENJI) -> list[str]:
    """Links a Slack user to `user_id`; the tokens, for checking none is ever printed."""
    grant = sandbox.grant_tokens(user_id)
    await save_link(settings, user_id, grant)
    return [str(grant["access_token"]), str(grant["refresh_token"])]


def never_said(report: Report, secrets: list[str]) -> None:
    """No token, secret, or name or email of anyone in the world, in either output."""
    outputs = ["\n".join(report.lines()), report.json()]
    people = build_world(TODAY).people.values()
    private = [*secrets, DEMO_CLIENT_SECRET, "cmsa_", "cmsr_"]
    private += [part for person in people for part in (person.name, person.email) if part]
    for output in outputs:
        for word in private:
            assert word not in output, word


@pytest.fixture(params=list(DIALECTS))
async def dialect_sandbox(request: pytest.FixtureRequest) -> AsyncIterator[Sandbox]:
    async with Sandbox(today=TODAY, dialect=request.param) as sandbox:
        yield sandbox


async def test_every_dialect_shows_what_differs(
    dialect_sandbox: Sandbox, configure: Configure
) -> None:
    settings = configure(dialect_sandbox)
    tokens = await link(dialect_sandbox, settings)
    report = await run_doctor(settings)
    text = "\n".join(report.lines())
    assert report.level != "FAIL", text
    assert report.exit_code == 0
    operations = [check for check in report.checks if "operation" in check.facts]
    assert len(operations) == 10, text
    for phrase in SAYS[dialect_sandbox.dialect.name]:
        assert phrase in text, f"{dialect_sandbox.dialect.name}: {phrase!r} not in\n{text}"
    never_said(report, tokens)
    parsed = json.loads(report.json())
    assert parsed["level"] == report.level
    bookings = next(check for check in parsed["checks"] if check["name"] == "List Bookings")
    assert bookings["paging"] and bookings["fields_recognised"]


async def test_a_refused_client_secret_fails_with_a_non_zero_exit(configure: Configure) -> None:
    async with Sandbox(today=TODAY) as sandbox:
        settings = configure(sandbox, CLUSTERMARKET_CLIENT_SECRET=SecretStr("wrong-secret"))
        report = await run_doctor(settings)
    token = next(check for check in report.checks if check.name.startswith("token URL"))
    assert token.level == "FAIL" and "tried HTTP Basic and form fields" in token.said
    assert report.exit_code == 1
    never_said(report, ["wrong-secret"])


async def test_unreachable_urls_and_missing_links_are_said(configure: Configure) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/oauth/authorize"
    async with Sandbox(today=TODAY) as sandbox:
        settings = configure(sandbox, CLUSTERMARKET_AUTHORIZE_URL=nowhere)
        no_database = await run_doctor(settings)
        await link(sandbox, settings)
        unknown_user = await run_doctor(settings, user="UNOBODY")
    authorize = next(c for c in no_database.checks if c.name.startswith("authorize URL"))
    assert authorize.level == "FAIL" and "unreachable" in authorize.said
    assert any("no database" in check.said for check in no_database.checks)
    assert any(
        check.level == "FAIL" and "no working link" in check.said for check in unknown_user.checks
    )


async def test_a_missing_scope_is_named_per_operation(configure: Configure) -> None:
    async with Sandbox(today=TODAY) as sandbox:
        settings = configure(sandbox, CLUSTERMARKET_SCOPES="read_user read_accounts")
        grant = sandbox.grant_tokens(KENJI, scopes="read_user read_accounts")
        await save_link(settings, KENJI, grant)
        report = await run_doctor(settings)
    scopes = next(c for c in report.checks if c.name == "setting CLUSTERMARKET_SCOPES")
    assert scopes.level == "WARN" and "read_equipment" in scopes.said
    equipment = next(c for c in report.checks if c.name == "List Equipment")
    assert equipment.level == "FAIL" and "read_equipment scope" in equipment.said


def test_the_command_prints_json_and_exits_non_zero_on_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("CLUSTERMARKET_CLIENT_ID", "CLUSTERMARKET_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    code = main(["doctor", "--json"])
    parsed = json.loads(capsys.readouterr().out)
    assert code == 1 and parsed["level"] == "FAIL"
    assert any(check["name"] == "setting CLUSTERMARKET_CLIENT_ID" for check in parsed["checks"])
