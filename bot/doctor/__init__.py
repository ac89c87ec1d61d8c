"""`cmbot doctor`: what a lab manager runs first, against the real Clustermarket service.

It checks each setting, reaches the OAuth authorize, token and revoke URLs, and with a linked
user's token calls each of the API's ten operations once, reporting in plain words what it
recognised: paging style, fields known and unknown, time format and the zone assumed, records
skipped and why, statuses never seen before. OK / WARN / FAIL lines or JSON; never a token,
secret or personal data (names, emails, ids of people).
"""

from bot.doctor.report import Check, Level, Report

__all__ = ["Check", "Level", "Report"]
