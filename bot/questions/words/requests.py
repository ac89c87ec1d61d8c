"""Rules for what is asked of the bot rather than about equipment: slash-style text, digests,
reminders, watches, linking, booking (which it cannot do), help and small talk.

Each rule is a function of a `Reading` that returns an intent, or None to let the next rule
try; `__init__.py` lists them in the order they are tried.
"""

from __future__ import annotations

from bot.questions.commands import parse_command
from bot.questions.intents import (
    Connect,
    DigestOff,
    DigestOn,
    DigestStatus,
    Disconnect,
    EquipmentSearch,
    Help,
    Intent,
    Me,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unknown,
    Unwatch,
    Watch,
    WatchList,
)
from bot.questions.toggles import read_lead_time
from bot.questions.words.lexicon import (
    ACCOUNT_WORDS,
    BOOK_VERBS,
    BOOKING_NOUNS,
    CANCEL_VERBS,
    CONNECT_WORDS,
    DIGEST_CLOCK,
    DIGEST_OFF,
    DIGEST_ON,
    DIGEST_VERBS,
    DIGEST_WORDS,
    DISCONNECT_WORDS,
    FILLER,
    HELP_PHRASES,
    HELP_TOPICS,
    HELP_WORDS,
    LINKED_WORDS,
    NOT_COMMAND,
    PERIODIC_WORDS,
    QUESTION_STARTS,
    REMIND_OFF,
    REMIND_WORDS,
    SLASH_VERBS,
    SUMMARY_WORDS,
    THANKS_WORDS,
    UNWATCH_WORDS,
    WATCH_WORDS,
)
from bot.questions.words.reading import Reading
from bot.questions.words.teach import said
from bot.questions.words.text import phrase

WELCOME = "You're welcome! Ask again any time, e.g. is the NovaSeq free tomorrow?"
_SETTING_WORDS = frozenset(
    {"before", "on", "off", "enable", "disable", "start", "stop", "turn", "set", "status",
     "reminders", "reminder", "every", "each", "all", "prior"}
)  # fmt: skip


def social(r: Reading) -> Intent:
    if any(key in THANKS_WORDS for key in r.keys):
        return Help(topic=None, suggestion=WELCOME)
    return Help()


def slash(r: Reading) -> Intent | None:
    """Text typed the slash way ("bookings tomorrow", "free novaseq friday")."""
    content = r.content()
    if content[0].key not in SLASH_VERBS:
        return None
    if any(word.key in NOT_COMMAND for word in content[1:]):
        return None
    if len(content) == 1 and content[0].key in ("link", "login"):
        return Connect()
    intent = parse_command(phrase(content), command=r.command, date_order=r.date_order)
    if isinstance(intent, Unknown) or (isinstance(intent, Help) and intent.suggestion):
        return None
    return intent


def channel_digest(r: Reading) -> Intent | None:
    """Only the explicit "channel digest on 9:00 Genomics Core" shape sets a channel's."""
    keys = r.keys
    for i in range(len(keys) - 1):
        if {keys[i], keys[i + 1]} == {"channel", "digest"}:
            rest = [word for word in r.words[i + 2 :] if word.key not in FILLER]
            intent = parse_command(
                " ".join(["digest", "channel", *(word.raw for word in rest)]), command=r.command
            )
            if isinstance(intent, Unknown):
                return Unknown(r.cleaned, intent.suggestion or channel_usage(r.command))
            return intent
    return None


def digest(r: Reading) -> Intent | None:
    periodic = r.has_any(PERIODIC_WORDS)
    if r.keys == ["unsubscribe"]:
        return DigestOff()
    if not (
        r.has_any(DIGEST_WORDS)
        or (periodic and r.has_any(SUMMARY_WORDS))
        or (periodic and r.has("send") and r.has("morning", "day"))
    ):
        return None
    if r.has("channel", "channels"):  # a channel's digest only in the explicit shape
        return Help(topic="digest", suggestion=channel_usage(r.command))
    first = r.content()[0].key
    imperative = r.has_any(DIGEST_VERBS)
    clock = _digest_clock(r)
    if (first in QUESTION_STARTS or r.has("status")) and not imperative and not clock:
        if r.has("how", "help") and not r.has("is", "status"):
            return Help(topic="digest")
        return DigestStatus()
    if _says_off(r, DIGEST_OFF):
        return DigestOff()
    if clock:
        intent = parse_command(f"digest on {clock}", command=r.command)
        if isinstance(intent, Unknown):
            return Unknown(r.cleaned, intent.suggestion)
        return intent
    if r.has_any(DIGEST_ON):
        return DigestOn(None)
    if r.has("help", "how"):
        return Help(topic="digest")
    return DigestStatus()


def _says_off(r: Reading, words: frozenset[str]) -> bool:
    return (
        r.has_any(words)
        or r.has_phrase(("no", "more"))
        or r.near("not", frozenset({"send", "want", "need", "remind"}))
    )


def _digest_clock(r: Reading) -> str:
    keys = r.cue_keys
    for i, key in enumerate(keys):
        if DIGEST_CLOCK.fullmatch(key):
            following = keys[i + 1] if i + 1 < len(keys) else ""
            return key + following if following in ("am", "pm") else key
    return ""


def reminders(r: Reading) -> Intent | None:
    """Reminders before the user's bookings: "remind me 10 minutes before my bookings",
    "stop reminding me", "are my reminders on?"; not "remind me what I booked"."""
    if not r.has_any(REMIND_WORDS) or "equipment" in r.names:
        return None
    if r.has("how") and r.has("work", "works", "do", "use"):  # "how do reminders work?"
        return None
    minutes = r.minutes or _lead_minutes(r)
    if r.when is not None or not (minutes or r.has_any(_SETTING_WORDS | REMIND_OFF)):
        return None
    if _says_off(r, REMIND_OFF):
        return RemindOff()
    first = r.content()[0].key
    if first in QUESTION_STARTS and minutes is None and not r.has("turn", "set", "enable"):
        return RemindStatus()
    return RemindOn(minutes)


def _lead_minutes(r: Reading) -> int | None:
    """A bare number of minutes after "remind", as in the slash form ("remind on 10")."""
    numbers = [key for key in r.cue_keys if key.isdigit()]
    return read_lead_time(numbers[0]) if len(numbers) == 1 else None


def watches(r: Reading) -> Intent | None:
    """Watching an instrument in a channel: "watch the NovaSeq", "stop watching the NovaSeq",
    "what are we watching?"."""
    watching = r.has_any(WATCH_WORDS) or r.has_phrase(("keep", "an", "eye", "on"))
    stopping = r.has_any(UNWATCH_WORDS) or (
        watching and r.has("stop", "not", "no", "cancel", "remove", "unsubscribe")
    )
    if not (watching or stopping):
        return None
    ignoring = WATCH_WORDS | UNWATCH_WORDS | frozenset({"keep", "eye"})
    equipment = r.equipment(ignoring=ignoring)
    asking = r.has("what", "which", "list", "show")
    if equipment is None or (asking and "equipment" not in r.names):
        return WatchList()
    return Unwatch(equipment) if stopping else Watch(equipment)


def account(r: Reading) -> Intent | None:
    """Linking: disconnect, who am I, connect; never when a name was mentioned."""
    if r.names:
        return None
    if (
        r.has_any(DISCONNECT_WORDS)
        or r.near("log", frozenset({"out"}), 2)
        or r.near("sign", frozenset({"out"}), 2)
        or r.has_phrase(("forget", "me"))
    ):
        return Disconnect()
    if r.has_phrase(("who", "am", "i")) or r.near("am", LINKED_WORDS, 3):
        return Me()
    asks_which = r.has("which", "what", "who")
    if r.has_any(ACCOUNT_WORDS) and asks_which and not r.has_any(CONNECT_WORDS):
        return Me()
    if (
        r.has_any(CONNECT_WORDS)
        or r.near("log", frozenset({"in", "on"}), 2)
        or r.near("sign", frozenset({"in", "up"}), 2)
        or r.has_phrase(("hook", "up"))
    ):
        return Connect()
    if r.has_any(ACCOUNT_WORDS) and r.has("my", "me") and r.has_any(LINKED_WORDS):
        return Me()
    if r.has_phrase(("my", "account")) or r.has_phrase(("my", "profile")):
        return Me()
    return None


def booking_request(r: Reading) -> Intent | None:
    """The bot cannot book: say so, and show how to find a free slot instead."""
    making = r.has_any(BOOK_VERBS) or any(
        r.near(verb, frozenset({"booking", "reservation", "bookings"}), 2)
        for verb in ("make", "create", "new", "add")
    )
    cancelling = r.has_any(CANCEL_VERBS) and r.has_any(BOOKING_NOUNS)
    looking_back = r.has("did") or (r.has("how") and r.has("much", "many", "long"))
    if not (making or cancelling) or looking_back:  # "how much time did I book?"
        return None
    equipment = r.equipment()
    if making and equipment is None and r.has("what", "which"):
        return EquipmentSearch(None)  # "what can I book?"
    when = said(r.when_or_today())
    if cancelling and not making:
        return Unknown(
            r.cleaned,
            "I can't change or cancel bookings yet; do that in Clustermarket."
            f" To see yours, try: my bookings {when}",
        )
    name = equipment or r.example_equipment()
    return Unknown(
        r.cleaned,
        "I can't make bookings yet; book in Clustermarket. To find a free slot, try:"
        f" is the {name} free {when}? (or `{r.command} free {name} {when}`)",
    )


def asks_help(r: Reading) -> Intent | None:
    """ "help with bookings", "how do I check free slots", "what can you do" — unless an
    instrument is named ("help me find a confocal")."""
    asks = (
        r.has_any(HELP_WORDS)
        or any(r.has_phrase(words) for words in HELP_PHRASES)
        or any(r.has_phrase(("how", verb, "i")) for verb in ("do", "can", "could"))
        or r.has_phrase(("how", "to"))
        or (r.has("how") and r.has("work", "works"))
    )
    if not asks or r.equipment() is not None:
        return None
    return help_topic(r)


def how_help(r: Reading) -> Intent | None:
    """ "how do the groups work": help on the topic named."""
    if r.has("how") and r.has_any(frozenset(HELP_TOPICS)):
        return help_topic(r)
    return None


def help_topic(r: Reading) -> Help:
    topics = [HELP_TOPICS[key] for key in r.cue_keys if key in HELP_TOPICS]
    return Help(topic=topics[0] if topics else None)


def channel_usage(command: str) -> str:
    return (
        f"Use `{command} digest channel on [HH:MM] LAB` or `{command} digest channel off`,"
        f" e.g. channel digest on 9:00 Genomics Core."
    )
