"""Settings: defaults start with nothing set; bad settings stop start-up, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.config import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    """No developer .env or exported variable leaks into these tests."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def test_defaults_need_nothing() -> None:
    settings = load_settings()
    assert settings.SLACK_COMMAND == "/cm"
    assert settings.CLUSTERMARKET_USER_PATH == "/me"
    assert settings.redirect_uri == "http://localhost:3000/clustermarket/oauth/callback"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert not settings.socket_mode
    assert settings.PORT == 3000


def test_reads_dotenv_file(tmp_path: pytest.TempPathFactory) -> None:
    key = Fernet.generate_key().decode()
    (tmp_path / ".env").write_text(  # type: ignore[operator]
        f"SLACK_COMMAND=/lab\nTOKEN_ENCRYPTION_KEY={key}\nPUBLIC_URL=https://bot.example.org/\n"
    )
    settings = load_settings()
    assert settings.SLACK_COMMAND == "/lab"
    assert settings.encryption_keys() == [key]
    assert settings.redirect_uri == "https://bot.example.org/clustermarket/oauth/callback"


def test_oauth_urls_scopes_and_client_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings()
    assert defaults.CLUSTERMARKET_SCOPES == "read_user read_accounts read_equipment read_bookings"
    assert defaults.CLUSTERMARKET_TOKEN_AUTH == "auto"
    assert defaults.CLUSTERMARKET_AUTHORIZE_URL is None
    monkeypatch.setenv("CLUSTERMARKET_AUTHORIZE_URL", "")  # as .env.example leaves it
    monkeypatch.setenv("CLUSTERMARKET_TOKEN_URL", "https://login.example/token")
    monkeypatch.setenv("CLUSTERMARKET_TOKEN_AUTH", "basic")
    monkeypatch.setenv("CLUSTERMARKET_SCOPES", "read_user  read_projects")
    settings = load_settings()
    assert settings.CLUSTERMARKET_AUTHORIZE_URL is None
    assert settings.CLUSTERMARKET_TOKEN_URL == "https://login.example/token"
    assert settings.CLUSTERMARKET_TOKEN_AUTH == "basic"
    assert settings.CLUSTERMARKET_SCOPES == "read_user read_projects"


def test_env_example_names_every_setting() -> None:
    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"\n{name}=" in example, name


def test_key_list_for_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEY", f"{first}, {second}")
    assert load_settings().encryption_keys() == [first, second]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOKEN_ENCRYPTION_KEY", "not-a-fernet-key"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind"),
        ("SLACK_COMMAND", "clustermarketbot"),
        ("CLUSTERMARKET_API_URL", "api.clustermarket.com"),
        ("CLUSTERMARKET_USER_PATH", "v1-whoami"),
        ("CLUSTERMARKET_TOKEN_URL", "login.example/token"),
        ("CLUSTERMARKET_TOKEN_AUTH", "digest"),
        ("CLUSTERMARKET_SCOPES", "   "),
    ],
)
def test_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name} is malformed")
    assert "\n" not in message
    assert value not in message  # the offending value may be a secret


def test_serve_requires_each_setting_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    required = {
        "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
        "CLUSTERMARKET_CLIENT_ID": "client",
        "CLUSTERMARKET_CLIENT_SECRET": "secret",
        "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "SLACK_SIGNING_SECRET": "signing",
    }
    for missing in required:
        for name, value in required.items():
            if name == missing:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=f"^{missing} is required"):
            load_settings().require_for_serve()
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing")
    load_settings().require_for_serve()


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-abc")
    monkeypatch.setenv("CLUSTERMARKET_CLIENT_ID", "client")
    monkeypatch.setenv("CLUSTERMARKET_CLIENT_SECRET", "secret")
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
    settings = load_settings()
    assert settings.socket_mode
    settings.require_for_serve()


def test_cli_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEY", "garbage")
    assert main(["reencrypt"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().count("\n") == 0
    assert "TOKEN_ENCRYPTION_KEY is malformed" in captured.err
    assert "garbage" not in captured.err + captured.out


def test_cli_reencrypt_without_key_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reencrypt"]) == 2
    assert "TOKEN_ENCRYPTION_KEY is required" in capsys.readouterr().err


def test_keygen_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen"]) == 0
    Fernet(capsys.readouterr().out.strip())


INSTALL = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SLACK_STATE_SECRET": "state-secret",
}


def serve_settings(monkeypatch: pytest.MonkeyPatch, **slack: str) -> Settings:
    for name, value in {
        "CLUSTERMARKET_CLIENT_ID": "client",
        "CLUSTERMARKET_CLIENT_SECRET": "secret",
        "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "SLACK_SIGNING_SECRET": "signing",
        **slack,
    }.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_many_workspaces_need_the_three_install_settings_and_no_bot_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = serve_settings(monkeypatch, **INSTALL, SLACK_BOT_TOKEN="")  # as .env.example has it
    settings.require_for_serve()
    assert settings.many_workspaces and settings.SLACK_BOT_TOKEN is None
    assert settings.slack_redirect_uri == "http://localhost:3000/slack/oauth_redirect"
    assert settings.slack_authorize_url == "https://slack.com/oauth/v2/authorize"


@pytest.mark.parametrize("missing", list(INSTALL))
def test_an_incomplete_install_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    given = {name: value for name, value in INSTALL.items() if name != missing}
    with pytest.raises(SettingsError, match=f"^{missing} is required with SLACK_"):
        serve_settings(monkeypatch, **given).require_for_serve()


def test_a_bot_token_and_the_install_settings_together_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = serve_settings(monkeypatch, **INSTALL, SLACK_BOT_TOKEN="xoxb-1-2-abc")
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set"):
        settings.require_for_serve()


def test_neither_a_bot_token_nor_the_install_settings_names_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN is required .* SLACK_CLIENT_ID"):
        serve_settings(monkeypatch).require_for_serve()


@pytest.fixture
def serve_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every setting `cmbot serve` needs, well formed; the test spoils some."""
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
        "SLACK_SIGNING_SECRET": "signing",
        "CLUSTERMARKET_CLIENT_ID": "client",
        "CLUSTERMARKET_CLIENT_SECRET": "secret",
        "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_PATH": str(tmp_path / "cmbot.db"),
    }.items():
        monkeypatch.setenv(name, value)
    return tmp_path


@pytest.mark.parametrize(
    ("where", "why"),
    [
        ("a-file/cmbot.db", "cannot create the database"),  # its folder is a file
        ("a-folder", "cannot open the database"),
        ("garbage.db", "file is not a database"),
    ],
)
def test_serve_names_an_unusable_database_with_every_other_problem(
    serve_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    why: str,
) -> None:
    (serve_env / "a-file").write_text("not a folder")
    (serve_env / "a-folder").mkdir()
    (serve_env / "garbage.db").write_bytes(b"not SQLite at all " * 100)
    monkeypatch.setenv("DATABASE_PATH", str(serve_env / where))
    monkeypatch.setenv("CLUSTERMARKET_CLIENT_SECRET", "")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-a-user-token")
    assert main(["serve"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert (
        lines[0] == "cmbot: SLACK_BOT_TOKEN is malformed: must be a bot token starting with xoxb-"
    )
    assert lines[1] == "cmbot: CLUSTERMARKET_CLIENT_SECRET is set but empty (see .env.example)"
    assert lines[2].startswith("cmbot: DATABASE_PATH: ") and why in lines[2], lines
    assert len(lines) == 3
