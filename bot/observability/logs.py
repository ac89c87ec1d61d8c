"""Logging for every `cmbot` command: LOG_LEVEL, and LOG_FORMAT `text` or `json`.

`json` writes one object a line (`time`, `level`, `logger`, `message`, and when known
`request_id`, `team`, `kind`, `latency_ms`, `exception`) for log shippers. Both formats add
the Slack request a line belongs to (see `context`). What never reaches a line: tokens, OAuth
codes and states, request bodies and message text. Our own code logs none; the libraries that
would at DEBUG (slack_bolt and slack_sdk log whole payloads, httpx full URLs) are held at a
floor whatever LOG_LEVEL says.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Literal, TextIO

from bot.observability.context import current_request

LogFormat = Literal["text", "json"]

LIBRARY_FLOORS = {
    "httpx": logging.WARNING,  # its lines carry full request URLs, query strings included
    "httpcore": logging.WARNING,
    "slack_sdk": logging.WARNING,  # a line per retried 429; at DEBUG, every API argument
    "slack_sdk.socket_mode": logging.INFO,  # connection changes, worth an operator's eye
    "slack_bolt": logging.INFO,  # at DEBUG, every payload it receives
    "aiohttp": logging.INFO,
}
"""The lowest level each library may log at: below it they print what must stay private."""

EXTRA_FIELDS = ("latency_ms",)
"""`extra=` keys a json line carries; anything else passed as extra is left out."""

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _context_fields() -> dict[str, str]:
    request = current_request()
    if request is None:
        return {}
    fields = {"request_id": request.request_id, "kind": request.kind}
    if request.team is not None:
        fields["team"] = request.team
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(_context_fields())
        for name in EXTRA_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, with `[request=… team=… kind=…]` while a Slack request is handled."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        fields = _context_fields()
        if not fields:
            return text
        names = {"request_id": "request"}
        tail = " ".join(f"{names.get(key, key)}={value}" for key, value in fields.items())
        return f"{text} [{tail}]"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (as logging's last resort does); being
    ours, configuring again replaces it and leaves other handlers (a test's) alone."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: object) -> None:
        """StreamHandler sets a fixed stream; this one has none to keep."""


class NoLibraryTracebacks(logging.Filter):
    """A library's failure (asyncio running out of descriptors on accept, aiohttp refusing a
    malformed request) becomes one line naming the exception's type: its traceback and
    message could quote a request's raw bytes, and one line is all an operator needs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.name.startswith("bot"):
            failure = record.exc_info[1]
            if failure is not None:
                record.msg = f"{record.getMessage()} ({type(failure).__name__})"
                record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(level: str = "INFO", log_format: LogFormat = "text") -> None:
    """Route every logger to stderr in the chosen format; libraries kept at their floors."""
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(NoLibraryTracebacks())
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    numeric = logging.getLevelNamesMapping()[level]
    root.setLevel(numeric)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(numeric, floor))
        _let_children_inherit(name)


def _let_children_inherit(name: str) -> None:
    """Loggers below a floored library that set their own level (Bolt copies the root's
    into `slack_bolt.AsyncApp` when an app is made) inherit the library's floor again."""
    for child_name, child in list(logging.root.manager.loggerDict.items()):
        floored = child_name in LIBRARY_FLOORS
        if child_name.startswith(f"{name}.") and not floored and isinstance(child, logging.Logger):
            child.setLevel(logging.NOTSET)
