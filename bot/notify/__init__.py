"""Reminders before bookings, notices of changes to them, and watched instruments in channels.

Clustermarket offers no webhooks, so this polls, frugally: one scheduler for all of it, every
Clustermarket account polled once for all the Slack users linked to it, an interval that
adapts to what is booked, and a budget of requests per minute that is never exceeded.

- `snapshot`, `changes`, `timing`: pure: what a poll saw, what changed between two polls,
  which reminders are due and when to poll next
- `polling`, `watching`: one account's or one watched instrument's poll, and its notices
- `reading`: every read from Clustermarket, in one place; `budget`: the requests they spend
- `sending`: the exactly-once outbox sender (claim, post with metadata, record; recovery
  from Slack history after a crash), as the digests send
- `runner`: one pass; `scheduler`: the minute tick inside `cmbot serve`; `cli`:
  `cmbot notify run-due` for cron
- `commands`: `/cm remind …`, `/cm watch …` and the App Home settings; `links`: watches
  pause when their owner's link breaks; `unfurls`: pasted Clustermarket links unfurled
"""
