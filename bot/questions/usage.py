"""The slash command's words as help shows them: the usage line of each command and WHEN."""

from __future__ import annotations

DEFAULT_COMMAND = "/cm"

# Help topics and the usage line of each (without the command name), in the order help shows them.
USAGE: dict[str, str] = {
    "connect": "connect",
    "disconnect": "disconnect",
    "me": "me",
    "labs": "labs",
    "equipment": "equipment [QUERY]",
    "groups": "groups [LAB] | group NAME|ID",
    "bookings": "bookings [WHEN]",
    "schedule": "schedule EQUIPMENT [WHEN]",
    "free": "free EQUIPMENT [WHEN]",
    "digest": "digest | digest on [HH:MM] | digest off | digest channel on [HH:MM] LAB"
    " | digest channel off",
    "remind": "remind | remind on [MINUTES] | remind off",
    "watch": "watch | watch EQUIPMENT | unwatch EQUIPMENT",
}
WHEN_WORDS = (
    "now, today, tomorrow, a weekday (friday, next friday, last tuesday), this/next week,"
    " this weekend, next month, a date (4 Dec, Dec 4th, YYYY-MM-DD), in 2 hours, tonight;"
    " optionally morning/afternoon/evening, at 3 (the next 3 o'clock), from 2 to 4, after 5"
)
