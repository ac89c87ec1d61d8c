"""One HTTP session for everything the bot sends Slack: Web API calls and response_url posts.

slack-sdk's clients open (and close) a new aiohttp session for every call unless they are
given one, so each answer cost a fresh connection and resident memory crept up with every
request (issue 12). The session is the process's, kept alive and shared: any number of
`AsyncWebClient`s (one per workspace's token) and every response_url post
(`bot.slack_posts.respond`) go through it, and its connector bounds the connections to Slack.
"""

from __future__ import annotations

import aiohttp

SLACK_CONNECTIONS = 64
"""Connections to Slack at once; more requests wait for one (Slack allows ~1 post/s/channel)."""
KEEPALIVE_SECONDS = 30.0


def open_slack_session() -> aiohttp.ClientSession:
    """The process's session for Slack (call inside the running event loop)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS)
    )
