"""Operators' view of the bot: structured logs, the Slack request a line belongs to, metrics.

Below the Slack layer: nothing here imports Slack, so the Clustermarket client, the store and
the digest runner record their events here too.
"""

from bot.observability.context import RequestContext, current_request, slack_request
from bot.observability.logs import LogFormat, configure_logging
from bot.observability.metrics import (
    counts_answers,
    metrics_endpoint,
    record_ack,
    record_answer,
    record_cache,
    record_digests,
    record_link_lost,
    record_notification,
    record_socket_connected,
    record_token_refresh,
    record_upstream,
    render_metrics,
)

__all__ = [
    "LogFormat",
    "RequestContext",
    "configure_logging",
    "counts_answers",
    "current_request",
    "metrics_endpoint",
    "record_ack",
    "record_answer",
    "record_cache",
    "record_digests",
    "record_link_lost",
    "record_notification",
    "record_socket_connected",
    "record_token_refresh",
    "record_upstream",
    "render_metrics",
    "slack_request",
]
