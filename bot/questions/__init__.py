"""The questions users ask, as pure functions: words to intents, time words to windows,
names to equipment, bookings to days and free slots. No I/O here, so every answer is testable
with a fixed "now" and zone.

`intents` (what can be asked), `commands` and `toggles` (the slash grammar), `words` (questions
in words), `followup` (a thread's next message), `timewords` (dates and times as people write
them), `when` and `understood` (their windows, said back), `codec` (intents in buttons),
`matching` (names), `days` (bookings in a window), `stand_in` (honest help for the kinds
no answer takes yet: reminders and watches).
"""
