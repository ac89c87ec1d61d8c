"""Links into the Clustermarket web app: a booking's or an instrument's own page.

Built from `CLUSTERMARKET_WEB_URL` and two path templates (settings, `{id}` in each); without
the base URL there are no links and every renderer draws plain names as before. The same
templates read a pasted link back (`parse`), which is how unfurls know what was pasted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from bot.render.limits import MAX_URL

if TYPE_CHECKING:
    from bot.config import Settings

PageKind = Literal["equipment", "booking"]
OPEN_LABEL = "Open in Clustermarket"


@dataclass(frozen=True)
class WebLinks:
    """Where bookings and equipment live in the web app."""

    base: str
    equipment_path: str = "/equipment/{id}"
    booking_path: str = "/bookings/{id}"

    @classmethod
    def from_settings(cls, settings: Settings) -> WebLinks | None:
        """None when CLUSTERMARKET_WEB_URL is not set: then nothing links."""
        if not settings.CLUSTERMARKET_WEB_URL:
            return None
        return cls(
            settings.CLUSTERMARKET_WEB_URL.rstrip("/"),
            settings.CLUSTERMARKET_WEB_EQUIPMENT_PATH,
            settings.CLUSTERMARKET_WEB_BOOKING_PATH,
        )

    @property
    def domain(self) -> str:
        """The host Slack sends `link_shared` for (the manifest's unfurl domain)."""
        return (urlsplit(self.base).hostname or "").lower()

    def equipment(self, equipment_id: int | None) -> str | None:
        return self._url(self.equipment_path, equipment_id)

    def booking(self, booking_id: int | None) -> str | None:
        return self._url(self.booking_path, booking_id)

    def _url(self, template: str, record_id: int | None) -> str | None:
        if record_id is None or record_id < 0:
            return None
        url = self.base + template.replace("{id}", str(int(record_id)))
        return url if len(url) <= MAX_URL else None

    def parse(self, url: str) -> tuple[PageKind, int] | None:
        """What a pasted link shows, when it is one of ours; trailing slashes, queries and
        fragments are allowed, other hosts and paths are not."""
        split, base = urlsplit(url.strip()), urlsplit(self.base)
        if split.scheme not in ("http", "https") or (split.hostname or "").lower() != (
            (base.hostname or "").lower()
        ):
            return None
        if split.port != base.port:
            return None
        path = split.path.rstrip("/") or "/"
        prefix = base.path.rstrip("/")
        if not path.startswith(prefix):
            return None
        rest = path[len(prefix) :]
        kinds: tuple[tuple[PageKind, str], ...] = (
            ("equipment", self.equipment_path),
            ("booking", self.booking_path),
        )
        for kind, template in kinds:
            found = _pattern(template).fullmatch(rest)
            if found is not None:
                return kind, int(found.group(1))
        return None


def _pattern(template: str) -> re.Pattern[str]:
    before, _, after = template.rstrip("/").partition("{id}")
    return re.compile(re.escape(before) + r"([0-9]{1,18})" + re.escape(after))


def linked(text: str, url: str | None) -> str:
    """mrkdwn `text` (already escaped) as a link to `url`; as it was without a URL."""
    if not url or any(char in url for char in "<>| \n"):
        return text
    return f"<{url}|{text}>"


def equipment_url(links: WebLinks | None, equipment_id: int | None) -> str | None:
    """An instrument's page, when links are configured."""
    return None if links is None else links.equipment(equipment_id)


def booking_url(links: WebLinks | None, booking_id: int | None) -> str | None:
    """A booking's page, when links are configured."""
    return None if links is None else links.booking(booking_id)


def open_line(url: str | None) -> str | None:
    """The "Open in Clustermarket" link for a context line; None without a URL."""
    return None if url is None else f"🔗 {linked(OPEN_LABEL, url)}"
