"""`cmbot doctor [--user SLACK_ID] [--json]`: the settings, the OAuth URLs and the ten API
operations, checked against the live service. Exit status 1 when any check fails."""

from __future__ import annotations

import argparse
import asyncio
import os

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.transport import make_http_client
from bot.config import Settings, load_settings
from bot.doctor.api_checks import OperationChecks
from bot.doctor.report import Check, Report
from bot.doctor.setup_checks import oauth_checks, settings_checks
from bot.store import Store, StoreError


def add_doctor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        metavar="SLACK_ID",
        default=None,
        help="whose Clustermarket link to call the API with (default: the first linked)",
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")


def doctor_command(args: argparse.Namespace) -> int:
    report = asyncio.run(run_doctor(load_settings(), user=args.user))
    print(report.json() if args.json else "\n".join(report.lines()))
    return report.exit_code


async def run_doctor(settings: Settings, *, user: str | None = None) -> Report:
    """Every check, in order: settings, OAuth URLs, then the API as a linked user."""
    report = Report()
    for check in settings_checks(settings):
        report.add(check)
    if not settings.CLUSTERMARKET_CLIENT_ID or settings.CLUSTERMARKET_CLIENT_SECRET is None:
        report.add(Check("FAIL", "Clustermarket", "not checked: the OAuth client is not set"))
        return report
    async with make_http_client() as http:
        oauth = OAuthClient.from_settings(settings, http)
        for check in await oauth_checks(oauth, http):
            report.add(check)
        store = await _open_store(settings, report)
        if store is None:
            return report
        try:
            key = await store.first_active_link(user)
            if key is None:
                report.add(_nobody_linked(user))
                return report
            client = ClustermarketClient(
                settings.CLUSTERMARKET_API_URL,
                settings.CLUSTERMARKET_USER_PATH,
                oauth,
                store,
                http=http,
            )
            for check in await OperationChecks(client, key).run():
                report.add(check)
        finally:
            await store.aclose()
    return report


async def _open_store(settings: Settings, report: Report) -> Store | None:
    """The database holding the links, opened only if it exists (the doctor creates nothing)."""
    return await asyncio.to_thread(_open_existing_store, settings, report)


def _open_existing_store(settings: Settings, report: Report) -> Store | None:
    path = settings.DATABASE_PATH
    if not settings.TOKEN_ENCRYPTION_KEY:
        report.add(Check("WARN", "API operations", "not checked: no TOKEN_ENCRYPTION_KEY"))
        return None
    if not os.path.exists(path):
        report.add(
            Check(
                "WARN",
                "API operations",
                f"not checked: no database at {path} yet; run `cmbot serve`, link with"
                " `/cm connect`, then run `cmbot doctor` again",
            )
        )
        return None
    try:
        return Store(path, settings.encryption_keys())
    except StoreError as error:
        report.add(Check("FAIL", f"database {path}", str(error)))
        return None


def _nobody_linked(user: str | None) -> Check:
    if user is not None:
        return Check("FAIL", "API operations", "not checked: that Slack user has no working link")
    return Check(
        "WARN",
        "API operations",
        "not checked: nobody has linked a Clustermarket account yet; `/cm connect` in Slack,"
        " then run `cmbot doctor` again",
    )
