"""Which way round a lab writes "4/12": by the country its time zone is in.

Clustermarket tells a lab's zone, not its country's habits, so the zone stands in: a lab in
the United States (or the Philippines, or a Pacific state that follows the US) writes the
month first, as do China, Japan, Korea and Taiwan, whose year-month-day dates keep that order
when the year is left off; a lab in Canada may write either, a lab anywhere else the day
first. A zone that
names no country (UTC) says nothing; nor do labs that disagree. Saying nothing means the bot
asks "By 4/12, do you mean 4 December or 12 April?" rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.clustermarket.times import zone_named
from bot.questions.timewords import DateOrder

# The zones of the countries that write the month first, from the tz database's zone1970.tab.
_MONTH_FIRST = frozenset(
    {
        "America/New_York", "America/Detroit", "America/Kentucky/Louisville",
        "America/Kentucky/Monticello", "America/Indiana/Indianapolis",
        "America/Indiana/Vincennes", "America/Indiana/Winamac", "America/Indiana/Marengo",
        "America/Indiana/Petersburg", "America/Indiana/Vevay", "America/Chicago",
        "America/Indiana/Tell_City", "America/Indiana/Knox", "America/Menominee",
        "America/North_Dakota/Center", "America/North_Dakota/New_Salem",
        "America/North_Dakota/Beulah", "America/Denver", "America/Boise", "America/Phoenix",
        "America/Los_Angeles", "America/Anchorage", "America/Juneau", "America/Sitka",
        "America/Metlakatla", "America/Yakutat", "America/Nome", "America/Adak",
        "Pacific/Honolulu", "America/Puerto_Rico", "Pacific/Guam", "Pacific/Pago_Pago",
        "Asia/Manila", "Pacific/Palau", "Pacific/Majuro", "Pacific/Kwajalein",
        "Pacific/Chuuk", "Pacific/Pohnpei", "Pacific/Kosrae",
        "Asia/Shanghai", "Asia/Urumqi", "Asia/Tokyo", "Asia/Seoul", "Asia/Taipei",
    }
)  # fmt: skip
# Canada writes both ways, as much by province as by person.
_EITHER = frozenset(
    {
        "America/St_Johns", "America/Halifax", "America/Glace_Bay", "America/Moncton",
        "America/Goose_Bay", "America/Toronto", "America/Iqaluit", "America/Winnipeg",
        "America/Resolute", "America/Rankin_Inlet", "America/Regina",
        "America/Swift_Current", "America/Edmonton", "America/Cambridge_Bay",
        "America/Inuvik", "America/Dawson_Creek", "America/Fort_Nelson",
        "America/Whitehorse", "America/Dawson", "America/Vancouver", "America/Atikokan",
        "America/Blanc-Sablon", "America/Creston",
    }
)  # fmt: skip
_NO_COUNTRY = ("UTC", "GMT", "Etc/", "Universal", "Zulu", "Factory")


def zone_date_order(zone: str | None) -> DateOrder | None:
    """How "4/12" is read in a lab in `zone` (an IANA or Rails name); None when the zone
    does not settle it."""
    found = zone_named(zone)
    if found is None:
        return None
    key = found.key
    if key in _MONTH_FIRST or key.startswith("US/"):
        return "MDY"
    if key in _EITHER or key.startswith("Canada/") or key.startswith(_NO_COUNTRY):
        return None
    return "DMY"


def labs_date_order(zones: Iterable[str | None]) -> DateOrder | None:
    """The order every one of the user's labs agrees on; None when they do not (or none
    says), so that a date that reads two ways is asked about."""
    orders = {zone_date_order(zone) for zone in zones}
    return orders.pop() if len(orders) == 1 else None
