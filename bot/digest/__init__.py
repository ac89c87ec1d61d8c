"""Daily booking digests: a personal DM and a lab channel post, each sent once per local day.

- `schedule`: pure due-ness (local send time on the local date, DST gaps and overlaps, weekends)
- `compose`: pure choice of the day's bookings, and the message metadata that marks a digest
- `runner`: one pass over the due digests (claim, look in Slack after a crash, fetch, post, record)
- `plans`: what a run works through (due digests, their batches, delivery verdicts, the report)
- `fetching`: one list per account and batch, narrowed to what the digests show, one at a time
- `scheduler`: the minute tick inside `cmbot serve`; `cli`: `cmbot digest run-due` for cron
- `commands`: the answers of `/cm digest …` and the App Home's digest summary
- `links`: what happens to channel digests when their owner's link breaks or is renewed
- `slack_io`: the few Slack calls the digests make besides posting

The package's `__init__` imports nothing, so `bot.render.digest` can use `compose` freely.
"""
