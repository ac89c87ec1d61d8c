"""The `cmbot` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet

from bot.backup import BackupError, backup_database
from bot.config import (
    SettingsError,
    load_logging_settings,
    load_settings,
    serve_settings_problems,
)
from bot.demo.cli import add_demo_arguments, demo_command
from bot.digest.cli import add_run_due_arguments
from bot.digest.cli import run_due_command as run_due_digests
from bot.doctor.cli import add_doctor_arguments, doctor_command
from bot.forget_cli import add_forget_arguments, forget_command
from bot.health import store_problems
from bot.notify.cli import run_due_command as run_due_notifications
from bot.observability import configure_logging
from bot.sandbox import SandboxKnobs, run_sandbox
from bot.sandbox.dialects import DIALECTS, dialect_lines
from bot.serve import serve
from bot.store import Store, StoreError


def _sandbox(args: argparse.Namespace) -> int:
    if args.dialect == "list":
        print("\n".join(dialect_lines()))
        return 0
    if args.dialect not in DIALECTS:
        print(
            f"cmbot sandbox: no dialect {args.dialect!r}; `--dialect list` names them",
            file=sys.stderr,
        )
        return 2
    knobs = SandboxKnobs(
        latency=args.latency,
        error_rate=args.error_rate,
        rate_limit_rate=args.rate_limit_rate,
        access_token_ttl=args.token_ttl,
        strict_refresh=args.strict_refresh,
    )
    run_sandbox(port=args.port, host=args.host, knobs=knobs, dialect=args.dialect)
    return 0


def _serve(_: argparse.Namespace) -> int:
    """Refuse to start, naming every problem at once, or serve until stopped."""
    settings, problems = serve_settings_problems()
    problems += asyncio.run(store_problems(settings))
    if problems:
        raise SettingsError(*problems)
    asyncio.run(serve(settings))
    return 0


def _run_due(args: argparse.Namespace) -> int:
    return run_due_digests(args.now)


def _notify_run_due(args: argparse.Namespace) -> int:
    return run_due_notifications(args.now)


def _keygen(_: argparse.Namespace) -> int:
    """Print a fresh key for TOKEN_ENCRYPTION_KEY: the one secret this command is for."""
    print(Fernet.generate_key().decode())
    return 0


def _reencrypt(_: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require("TOKEN_ENCRYPTION_KEY")
    store = Store(settings.DATABASE_PATH, settings.encryption_keys())
    try:
        changed = store.reencrypt_all()
    finally:
        store.close()
    print(f"Re-encrypted the tokens of {changed} linked account(s) with the first key.")
    print("Once every cmbot process runs with the new key list, the old key can be removed.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    result = backup_database(Path(settings.DATABASE_PATH), Path(args.path))
    size = f"{result.tables} tables, {result.size:,} bytes"
    print(f"Backed up the database ({size}) to {result.path}.")
    print("To restore: stop cmbot, copy it over DATABASE_PATH, remove any -wal and -shm beside it.")
    return 0


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    """A subcommand whose `--help` says what it does, what it needs and how to use it."""
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cmbot",
        description="A Slack bot for Clustermarket equipment and bookings.",
        epilog="`cmbot COMMAND --help` explains each command.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve_command = _command(
        commands,
        "serve",
        "run the bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)",
        "Runs the bot with the digest and notification schedulers inside: Slack posts to\n"
        "{PUBLIC_URL}/slack/events"
        "on HOST:PORT, or, with SLACK_APP_TOKEN set, the bot connects to Slack (Socket Mode).\n"
        "Settings come from the environment or .env: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET\n"
        "(HTTP mode), CLUSTERMARKET_CLIENT_ID, CLUSTERMARKET_CLIENT_SECRET, PUBLIC_URL and\n"
        "TOKEN_ENCRYPTION_KEY. Bad settings stop it before it serves, every problem at once,\n"
        "one line each: a missing or malformed setting, a database it cannot open or write, a\n"
        "key that cannot decrypt the stored tokens.",
        "GET {PUBLIC_URL}/healthz answers 200 while the bot works, 503 naming the parts that\n"
        "fail. Try it first without any of this: cmbot demo.",
    )
    serve_command.set_defaults(run=_serve)

    demo = _command(
        commands,
        "demo",
        "the bot with a sandbox Clustermarket and a stand-in Slack; needs no settings",
        "Starts the sandbox Clustermarket, a stand-in Slack and the real bot between them on\n"
        "loopback, links you through the real OAuth flow and opens a prompt where you type\n"
        "what you would type in Slack: slash commands, @cmbot mentions, or a DM. No settings,\n"
        "no network, a temporary database.",
        "examples:\n  cmbot demo\n  cmbot demo --user margaret\n"
        '  cmbot demo --run "/cm bookings today" --run "@cmbot is the nanodrop free at 3?"',
    )
    add_demo_arguments(demo)
    demo.set_defaults(run=demo_command)

    doctor = _command(
        commands,
        "doctor",
        "check the settings and the live Clustermarket service (OK / WARN / FAIL)",
        "Checks every setting, reaches the OAuth authorize, token and revoke URLs, and with a\n"
        "linked user's token calls each of the API's ten operations once, reporting what it\n"
        "recognised: paging style, fields, time formats and zone, records skipped, statuses\n"
        "never seen before. Prints no token and no personal data; exits 1 on any FAIL.",
        "run it first when installing against the real service:\n  cmbot doctor\n"
        "  cmbot doctor --user U0123ABCD --json",
    )
    add_doctor_arguments(doctor)
    doctor.set_defaults(run=doctor_command)

    digest = _command(
        commands,
        "digest",
        "daily booking digests",
        "Daily booking digests: a person's own bookings by DM, a lab's in a channel. Slack\n"
        "users turn them on with /cm digest; `cmbot serve` sends them itself, and\n"
        "`cmbot digest run-due` sends them from cron instead, or as well.",
    )
    digest_commands = digest.add_subparsers(dest="digest_command", required=True, metavar="COMMAND")
    run_due = _command(
        digest_commands,
        "run-due",
        "send every digest due now and not yet sent (for cron)",
        "Sends every digest that is due at --now (default: the real now) and not yet sent for\n"
        "its local date. Each goes out once per date however often this runs, beside\n"
        "`cmbot serve` or not; a day that was missed is not sent late.",
        "example (cron, every five minutes, from the folder that holds .env):\n"
        "  */5 * * * * cd /srv/cmbot && .venv/bin/cmbot digest run-due",
    )
    add_run_due_arguments(run_due)
    run_due.set_defaults(run=_run_due)

    notify = _command(
        commands,
        "notify",
        "reminders, change notices and watched instruments",
        "Reminders before people's bookings, DMs when a booking is approved, declined,\n"
        "cancelled or moved or its instrument becomes unavailable, and posts about watched\n"
        "instruments. Slack users turn them on with /cm remind and /cm watch; `cmbot serve`\n"
        "sends them itself, and `cmbot notify run-due` from cron instead, or as well.",
    )
    notify_commands = notify.add_subparsers(dest="notify_command", required=True, metavar="COMMAND")
    notify_run_due = _command(
        notify_commands,
        "run-due",
        "one pass: poll what is due, send what is due (for cron)",
        "Polls Clustermarket for the accounts and watched instruments that are due, within\n"
        "NOTIFY_MAX_REQUESTS_PER_MINUTE, and sends every reminder, change notice and watch\n"
        "post due at --now (default: the real now). Each goes out once however often this\n"
        "runs, beside `cmbot serve` or not; work over the budget waits for the next minute.",
        "example (cron, every minute, from the folder that holds .env):\n"
        "  * * * * * cd /srv/cmbot && .venv/bin/cmbot notify run-due",
    )
    add_run_due_arguments(notify_run_due)
    notify_run_due.set_defaults(run=_notify_run_due)

    sandbox = _command(
        commands,
        "sandbox",
        "run the bundled sandbox Clustermarket (OAuth + API) on loopback",
        "Runs only the bundled sandbox Clustermarket: an OAuth server with a page to pick a\n"
        "demo user, and the API with seeded labs, equipment, groups and bookings around today.\n"
        "It prints the settings that point `cmbot serve` at it, to try the bot in a real Slack\n"
        "workspace before you have a Clustermarket OAuth application.",
        "example: cmbot sandbox --latency 0.2 --error-rate 0.05",
    )
    sandbox.add_argument("--port", type=int, default=8765, help="port to listen on (8765)")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    sandbox.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="delay every answer"
    )
    sandbox.add_argument(
        "--error-rate", type=float, default=0.0, metavar="FRACTION", help="answer 503 this often"
    )
    sandbox.add_argument(
        "--rate-limit-rate",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="answer 429 with Retry-After this often",
    )
    sandbox.add_argument(
        "--token-ttl", type=int, default=3600, metavar="SECONDS", help="access token lifetime"
    )
    sandbox.add_argument(
        "--strict-refresh",
        action="store_true",
        help="a refresh token dies when used (default: when the new access token is first used,"
        " as Doorkeeper does)",
    )
    sandbox.add_argument(
        "--dialect",
        default="reference",
        metavar="NAME",
        help="the API shape to speak (reference); `--dialect list` names them",
    )
    sandbox.set_defaults(run=_sandbox)

    keygen = _command(
        commands,
        "keygen",
        "print a new key for TOKEN_ENCRYPTION_KEY",
        "Prints a new key for TOKEN_ENCRYPTION_KEY, which encrypts the stored OAuth tokens.\n"
        "Keep it safe: without it the stored tokens cannot be read and everyone connects again.",
        "to rotate: put the new key first (TOKEN_ENCRYPTION_KEY=new,old), run\n"
        "`cmbot reencrypt`, then drop the old key.",
    )
    keygen.set_defaults(run=_keygen)

    reencrypt = _command(
        commands,
        "reencrypt",
        "re-encrypt every stored token with the first key of TOKEN_ENCRYPTION_KEY",
        "Re-encrypts every stored token with the first key of TOKEN_ENCRYPTION_KEY; rows still\n"
        "encrypted with a later key in the list are read with it. Reads DATABASE_PATH.",
        "the second step of a key rotation: see `cmbot keygen --help`.",
    )
    reencrypt.set_defaults(run=_reencrypt)

    backup = _command(
        commands,
        "backup",
        "copy the database to PATH, consistently, even while `serve` runs",
        "Copies the database at DATABASE_PATH to PATH with SQLite's online backup: one\n"
        "consistent snapshot, safe while `cmbot serve` is running. Refuses the live database.",
        "to restore: stop cmbot, copy the backup over DATABASE_PATH and remove any -wal and\n"
        "-shm files beside it, then start cmbot again.",
    )
    backup.add_argument("path", metavar="PATH", help="the file to write (not the live database)")
    backup.set_defaults(run=_backup)

    user = _command(
        commands,
        "user",
        "a Slack user's data in cmbot",
        "What cmbot keeps about one Slack user: their Clustermarket link and tokens, digests,\n"
        "time zone, sign-ins in progress with the questions waiting on them, and whatever\n"
        "else a part of cmbot stores about a person.",
    )
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="COMMAND")
    forget = _command(
        user_commands,
        "forget",
        "revoke and delete everything stored about one Slack user",
        "Revokes the user's Clustermarket tokens (and says whether Clustermarket confirmed)\n"
        "and deletes everything cmbot stores about them in one Slack workspace: link,\n"
        "digests, time zone, pending sign-ins and questions. Channel digests they set up are\n"
        "paused and kept for the channel (anyone there can take one over), no longer theirs.\n"
        "Slack user ids are per workspace: when the id has data in several, --team says which.\n"
        "Reads DATABASE_PATH with the Slack and Clustermarket settings `serve` uses.",
        "examples:\n  cmbot user forget U012AB3CD\n  cmbot user forget U012AB3CD --team T012AB3CD\n"
        "In Slack, a person can do the same for themselves: /cm disconnect, then\n"
        '"Also forget my settings".',
    )
    add_forget_arguments(forget)
    forget.set_defaults(run=forget_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        logging_settings = load_logging_settings()
        configure_logging(logging_settings.LOG_LEVEL, logging_settings.LOG_FORMAT)
        code: int = args.run(args)
    except SettingsError as error:
        for problem in error.problems:
            print(f"cmbot: {problem}", file=sys.stderr)
        return 2
    except (StoreError, BackupError) as error:
        print(f"cmbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code
