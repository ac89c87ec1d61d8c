"""Settings, read once from the environment and `.env` (names fixed in INTERFACE.md).

Every field has a default so `cmbot sandbox` and `cmbot demo` start with nothing set; the
commands that talk to real services require what they need. A bad start names every
problem at once, one line each: each malformed setting, each required one unset or empty.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

OAUTH_CALLBACK_PATH = "/clustermarket/oauth/callback"
SLACK_INSTALL_PATH = "/slack/install"
SLACK_OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"
INSTALL_SETTINGS = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")
"""Together, they turn on Slack's install flow: many workspaces instead of one bot token."""


class SettingsError(Exception):
    """Settings are missing, empty or malformed: one line per problem, each naming the setting
    (never its value, which may be a secret)."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class LoggingSettings(BaseSettings):
    """The settings every command reads before it runs, so each logs the same way."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: Literal["text", "json"] = "text"

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        level = value.strip().upper() if isinstance(value, str) else value
        level = "WARNING" if level == "WARN" else level
        if level not in LOG_LEVELS:
            raise ValueError("must be one of " + ", ".join(LOG_LEVELS))
        return level

    @field_validator("LOG_FORMAT", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class Settings(LoggingSettings):
    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_API_URL: str = "https://slack.com/api/"
    SLACK_COMMAND: str = "/cm"
    SLACK_CLIENT_ID: str | None = None
    SLACK_CLIENT_SECRET: SecretStr | None = None
    SLACK_STATE_SECRET: SecretStr | None = None
    CLUSTERMARKET_API_URL: str = "https://api.clustermarket.com/v1"
    CLUSTERMARKET_OAUTH_URL: str = "https://app.clustermarket.com"
    CLUSTERMARKET_CLIENT_ID: str | None = None
    CLUSTERMARKET_CLIENT_SECRET: SecretStr | None = None
    CLUSTERMARKET_USER_PATH: str = "/me"
    CLUSTERMARKET_AUTHORIZE_URL: str | None = None
    CLUSTERMARKET_TOKEN_URL: str | None = None
    CLUSTERMARKET_REVOKE_URL: str | None = None
    CLUSTERMARKET_SCOPES: str = "read_user read_accounts read_equipment read_bookings"
    CLUSTERMARKET_TOKEN_AUTH: Literal["auto", "basic", "body"] = "auto"  # noqa: S105 - a mode
    CLUSTERMARKET_WEB_URL: str | None = None
    CLUSTERMARKET_WEB_EQUIPMENT_PATH: str = "/equipment/{id}"
    CLUSTERMARKET_WEB_BOOKING_PATH: str = "/bookings/{id}"
    NOTIFY_MAX_REQUESTS_PER_MINUTE: int = Field(default=600, ge=1, le=100_000)
    PUBLIC_URL: str = "http://localhost:3000"
    DATABASE_PATH: str = "cmbot.db"
    TOKEN_ENCRYPTION_KEY: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    HOST: str = "0.0.0.0"  # noqa: S104 - a server's listener; set HOST to narrow it
    PORT: int = Field(default=3000, ge=1, le=65535)

    @field_validator(
        "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"
    )
    @classmethod
    def _blank_is_unset(cls, value: SecretStr | str | None) -> SecretStr | str | None:
        """`NAME=` left empty in .env (as .env.example has it) means not set."""
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        return None if raw is None or not raw.strip() else value

    @field_validator("SLACK_BOT_TOKEN")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return value  # unset or empty: `require` says so when it is needed
        if not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("SLACK_APP_TOKEN")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("SLACK_COMMAND")
    @classmethod
    def _command_shape(cls, value: str) -> str:
        if not value.startswith("/") or " " in value or len(value) < 2:
            raise ValueError("must be a slash command such as /cm")
        return value

    @field_validator(
        "SLACK_API_URL",
        "CLUSTERMARKET_API_URL",
        "CLUSTERMARKET_OAUTH_URL",
        "CLUSTERMARKET_AUTHORIZE_URL",
        "CLUSTERMARKET_TOKEN_URL",
        "CLUSTERMARKET_REVOKE_URL",
        "CLUSTERMARKET_WEB_URL",
        "PUBLIC_URL",
    )
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")) or len(value.split("://", 1)[1]) == 0:
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator(
        "CLUSTERMARKET_AUTHORIZE_URL",
        "CLUSTERMARKET_TOKEN_URL",
        "CLUSTERMARKET_REVOKE_URL",
        "CLUSTERMARKET_WEB_URL",
        mode="before",
    )
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("CLUSTERMARKET_SCOPES")
    @classmethod
    def _scopes(cls, value: str) -> str:
        if not value.split():
            raise ValueError("must name at least one scope, space-separated")
        return " ".join(value.split())

    @field_validator("CLUSTERMARKET_USER_PATH")
    @classmethod
    def _user_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must be a path starting with /")
        return value

    @field_validator("CLUSTERMARKET_WEB_EQUIPMENT_PATH", "CLUSTERMARKET_WEB_BOOKING_PATH")
    @classmethod
    def _web_path(cls, value: str) -> str:
        if not value.startswith("/") or value.count("{id}") != 1:
            raise ValueError(
                "must be a path starting with / holding {id} once, e.g. /equipment/{id}"
            )
        if any(char in value.replace("{id}", "") for char in '{}<>| "?#'):
            raise ValueError("must be a plain path: no braces but {id}, spaces, <, >, |, ? or #")
        return value

    @field_validator("TOKEN_ENCRYPTION_KEY", mode="before")
    @classmethod
    def _fernet_keys(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            for key in value:
                raw = key.get_secret_value() if isinstance(key, SecretStr) else str(key)
                try:
                    Fernet(raw)
                except (ValueError, TypeError):
                    raise ValueError(
                        "must be Fernet keys (urlsafe base64 of 32 bytes), comma-separated;"
                        " make one with `cmbot keygen`"
                    ) from None
        return value

    @property
    def slack_api_url(self) -> str:
        """slack-sdk joins method names onto the base, so it must end in a slash."""
        return self.SLACK_API_URL if self.SLACK_API_URL.endswith("/") else self.SLACK_API_URL + "/"

    @property
    def redirect_uri(self) -> str:
        return self.PUBLIC_URL.rstrip("/") + OAUTH_CALLBACK_PATH

    @property
    def socket_mode(self) -> bool:
        return self.SLACK_APP_TOKEN is not None

    @property
    def many_workspaces(self) -> bool:
        """Slack's install flow (SLACK_CLIENT_ID set) instead of one SLACK_BOT_TOKEN."""
        return self.SLACK_CLIENT_ID is not None

    @property
    def slack_redirect_uri(self) -> str:
        """Where Slack sends the browser back after an install (the app's Redirect URL)."""
        return self.PUBLIC_URL.rstrip("/") + SLACK_OAUTH_REDIRECT_PATH

    @property
    def slack_authorize_url(self) -> str:
        """Slack's install page, beside the Web API: https://slack.com/oauth/v2/authorize
        for https://slack.com/api/ (and the same for a proxy or a test's fake)."""
        return self.slack_api_url.removesuffix("/").removesuffix("/api") + "/oauth/v2/authorize"

    def encryption_keys(self) -> list[str]:
        return [key.get_secret_value() for key in self.TOKEN_ENCRYPTION_KEY]

    def missing(self, *names: str) -> list[str]:
        """One line for each of `names` that is unset, or set to nothing but spaces."""
        problems = []
        for name in names:
            value = getattr(self, name)
            if value is None or value == []:
                problems.append(f"{name} is required but not set (see .env.example)")
            elif isinstance(value, SecretStr | str) and not _text(value).strip():
                problems.append(f"{name} is set but empty (see .env.example)")
        return problems

    def require(self, *names: str) -> None:
        """Stop with one line for each of `names` that is unset or empty."""
        problems = self.missing(*names)
        if problems:
            raise SettingsError(*problems)

    def slack_problems(self) -> list[str]:
        """Either one workspace's SLACK_BOT_TOKEN or the three install settings, not both:
        one line per problem."""
        given = [name for name in INSTALL_SETTINGS if getattr(self, name) is not None]
        if self.SLACK_BOT_TOKEN is not None and given:
            return [
                f"SLACK_BOT_TOKEN and {given[0]} are both set: set SLACK_BOT_TOKEN for one"
                " workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET"
                " for many (the install flow), not both"
            ]
        if given:
            return [
                f"{name} is required with {given[0]} (the install flow needs"
                " SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)"
                for name in INSTALL_SETTINGS
                if getattr(self, name) is None
            ]
        if self.SLACK_BOT_TOKEN is None:
            return [
                "SLACK_BOT_TOKEN is required but not set (or, for many workspaces,"
                " SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET; see .env.example)"
            ]
        return self.missing("SLACK_BOT_TOKEN")

    def require_slack(self) -> None:
        problems = self.slack_problems()
        if problems:
            raise SettingsError(*problems)

    @property
    def needed_for_serve(self) -> tuple[str, ...]:
        """What `cmbot serve` cannot run without besides Slack's token or install settings
        (`slack_problems`); a signing secret only in HTTP mode."""
        needed = (
            "CLUSTERMARKET_CLIENT_ID",
            "CLUSTERMARKET_CLIENT_SECRET",
            "TOKEN_ENCRYPTION_KEY",
        )
        return needed if self.socket_mode else (*needed, "SLACK_SIGNING_SECRET")

    def require_for_serve(self) -> None:
        problems = [*self.slack_problems(), *self.missing(*self.needed_for_serve)]
        if problems:
            raise SettingsError(*problems)


def _text(value: SecretStr | str) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


AnySettings = TypeVar("AnySettings", bound=BaseSettings)


def read_settings(kind: type[AnySettings], **overrides: object) -> tuple[AnySettings, list[str]]:
    """`kind` from the environment and `.env`, with each malformed setting left at its
    default, and one line per malformed setting (pydantic's multi-line report, folded to one
    line each, values left out)."""
    try:
        return kind(**overrides), []  # type: ignore[arg-type]
    except ValidationError as error:
        reasons: dict[str, str] = {}
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "settings"
            reasons.setdefault(name, problem["msg"].removeprefix("Value error, "))
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in kind.model_fields.items()
        if name in reasons
    }
    settings = kind(**{**overrides, **defaults})
    return settings, [f"{name} is malformed: {reason}" for name, reason in reasons.items()]


def _load(kind: type[AnySettings], **overrides: object) -> AnySettings:
    settings, problems = read_settings(kind, **overrides)
    if problems:
        raise SettingsError(*problems)
    return settings


def load_settings(**overrides: object) -> Settings:
    """Read settings; SettingsError names every malformed one."""
    return _load(Settings, **overrides)


def load_logging_settings() -> LoggingSettings:
    """Only LOG_LEVEL and LOG_FORMAT: enough for `cmbot sandbox` to log, whatever else is set."""
    return _load(LoggingSettings)


def serve_settings_problems() -> tuple[Settings, list[str]]:
    """What `cmbot serve` would run with, and every problem with it: each malformed setting
    and each needed one unset or empty (a malformed one is not named twice)."""
    settings, problems = read_settings(Settings)
    named = {line.split(" ", 1)[0] for line in problems}
    needed = [name for name in settings.needed_for_serve if name not in named]
    slack = [line for line in settings.slack_problems() if line.split(" ", 1)[0] not in named]
    return settings, [*problems, *slack, *settings.missing(*needed)]
