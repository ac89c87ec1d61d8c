"""The questions users ask, as pure functions: words to intents, time words to windows,
names to equipment, bookings to days and free slots. No I/O here, so every answer is testable
with a fixed "now" and zone.
"""
