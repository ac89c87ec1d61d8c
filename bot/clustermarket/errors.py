"""What can go wrong talking to Clustermarket, in the terms the Slack layer answers in."""

from __future__ import annotations


class ClustermarketError(Exception):
    """Base of every error the Clustermarket client raises."""


class NotLinked(ClustermarketError):
    """This Slack user has not connected a Clustermarket account."""


class ReconnectRequired(ClustermarketError):
    """The stored link no longer works (refresh refused); the user must connect again."""


class NotFound(ClustermarketError):
    """The record does not exist, or is not visible to this user."""


class Forbidden(ClustermarketError):
    """The token's scopes or the user's rights do not cover this record."""


class UpstreamUnavailable(ClustermarketError):
    """Clustermarket is down, slow, rate-limiting us, or answered something unreadable."""


class UpstreamTimeout(UpstreamUnavailable):
    """Clustermarket took longer to answer than we wait."""


class RateLimited(UpstreamUnavailable):
    """Clustermarket kept answering 429 beyond our patience."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BadResponse(UpstreamUnavailable):
    """Clustermarket answered with something that is not the JSON we asked for."""


class OAuthError(ClustermarketError):
    """The OAuth server refused a grant (code exchange, refresh) or could not be reached."""

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error

    @property
    def invalid_grant(self) -> bool:
        return self.error == "invalid_grant"


class MissingScope(Forbidden):
    """The token lacks an OAuth scope the operation needs (RFC 6750 `insufficient_scope`).

    `scope` names it (from the server's answer, else the operation's documented scope);
    `granted` says whether the user's stored token claims it all the same.
    """

    def __init__(self, message: str, scope: str | None, granted: bool | None = None) -> None:
        super().__init__(message)
        self.scope = scope
        self.granted = granted
