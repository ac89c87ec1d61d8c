"""The `cmbot` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from cryptography.fernet import Fernet

from bot.config import SettingsError, load_settings, serve_settings_problems
from bot.demo.cli import add_demo_arguments, demo_command
from bot.digest.cli import add_run_due_arguments, run_due_command
from bot.health import store_problems
from bot.sandbox import SandboxKnobs, run_sandbox
from bot.serve import serve
from bot.store import Store, StoreError


def _sandbox(args: argparse.Namespace) -> int:
    knobs = SandboxKnobs(
        latency=args.latency,
        error_rate=args.error_rate,
        rate_limit_rate=args.rate_limit_rate,
        access_token_ttl=args.token_ttl,
    )
    run_sandbox(port=args.port, host=args.host, knobs=knobs)
    return 0


def _serve(_: argparse.Namespace) -> int:
    """Refuse to start, naming every problem at once, or serve until stopped."""
    settings, problems = serve_settings_problems()
    problems += store_problems(settings)
    if problems:
        raise SettingsError(*problems)
    asyncio.run(serve(settings))
    return 0


def _run_due(args: argparse.Namespace) -> int:
    return run_due_command(args.now)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cmbot", description="A Slack bot for Clustermarket equipment and bookings."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve_command = commands.add_parser(
        "serve", help="run the bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)"
    )
    serve_command.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo",
        help="the bot with a sandbox Clustermarket and a stand-in Slack; needs no settings",
    )
    add_demo_arguments(demo)
    demo.set_defaults(run=demo_command)

    digest = commands.add_parser("digest", help="daily booking digests")
    digest_commands = digest.add_subparsers(dest="digest_command", required=True, metavar="COMMAND")
    run_due = digest_commands.add_parser(
        "run-due", help="send every digest due now and not yet sent (for cron)"
    )
    add_run_due_arguments(run_due)
    run_due.set_defaults(run=_run_due)

    sandbox = commands.add_parser(
        "sandbox", help="run the bundled sandbox Clustermarket (OAuth + API) on loopback"
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
    sandbox.set_defaults(run=_sandbox)

    keygen = commands.add_parser("keygen", help="print a new key for TOKEN_ENCRYPTION_KEY")
    keygen.set_defaults(run=_keygen)

    reencrypt = commands.add_parser(
        "reencrypt",
        help="re-encrypt every stored token with the first key of TOKEN_ENCRYPTION_KEY",
    )
    reencrypt.set_defaults(run=_reencrypt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines carry full request URLs
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)  # a line per retried 429

    try:
        code: int = args.run(args)
    except SettingsError as error:
        for problem in error.problems:
            print(f"cmbot: {problem}", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"cmbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code
