"""The words the question rules look for, as tables: a new synonym is a new entry.

Each set names what its words signal ("free", "booked", "my", a greeting); the rules in
`rules.py` and the kinds in `kinds.py` read them. Time words live in `bot.questions.timewords`.
"""

from __future__ import annotations

import re

FILLER = frozenset(
    {
        "please", "pls", "plz", "pleas", "kindly", "hey", "hi", "hello", "hiya", "heya", "yo",
        "howdy", "greetings", "thanks", "thank", "thx", "thnx", "ty", "tia", "cheers", "ok",
        "okay", "um", "umm", "uh", "hmm", "btw", "sorry", "oh", "just", "bot", "cmbot",
        "quickly", "actually", "basically",
    }
)  # fmt: skip
FILLER_PHRASES: tuple[tuple[str, ...], ...] = (
    ("can", "you", "tell", "me"),
    ("could", "you", "tell", "me"),
    ("would", "you", "tell", "me"),
    ("can", "you", "check"),
    ("could", "you", "check"),
    ("can", "you"),
    ("could", "you"),
    ("would", "you"),
    ("will", "you"),
    ("i", "was", "wondering"),
    ("i", "am", "wondering"),
    ("i", "wonder"),
    ("wondering",),
    ("do", "you", "know"),
    ("quick", "question"),
    ("let", "me", "know"),
    ("thank", "you"),
    ("excuse", "me"),
    ("i", "would", "like", "to", "know"),
    ("i", "want", "to", "know"),
    ("i", "need", "to", "know"),
    ("good", "morning"),
    ("good", "afternoon"),
    ("good", "evening"),
    ("good", "day"),
)
THANKS = frozenset(
    {"thanks", "thank", "thx", "thnx", "ty", "tia", "cheers", "ta", "great", "cool", "nice",
     "awesome", "perfect", "brilliant", "lovely", "ok", "okay", "got", "it", "you", "much",
     "very", "so", "a", "lot", "many"}
)  # fmt: skip
THANKS_WORDS = frozenset(
    {"thanks", "thank", "thx", "thnx", "ty", "tia", "cheers", "ta", "great", "cool", "nice",
     "awesome", "perfect", "brilliant", "lovely", "ok", "okay"}
)  # fmt: skip
GREETINGS = frozenset(
    {"hi", "hey", "hello", "hiya", "heya", "yo", "howdy", "greetings", "there", "all", "team",
     "everyone", "folks", "good", "morning", "afternoon", "evening", "day", "bot", "cmbot"}
)  # fmt: skip

# Words that never name equipment on their own. Inside a name from the vocabulary they may
# appear ("NanoDrop One", "Structural Biology Lab"), but only spelt exactly.
STOP = frozenset(
    {
        # articles, pronouns, helpers, question words, prepositions
        "the", "a", "an", "this", "that", "these", "those", "some", "any", "all", "every",
        "each", "another", "other", "which", "what", "who", "whom", "whose", "when", "where",
        "why", "how", "i", "me", "my", "mine", "myself", "you", "your", "yours", "we", "us",
        "our", "ours", "it", "its", "they", "them", "their", "he", "she", "him", "her", "his",
        "anyone", "anybody", "someone", "somebody", "everyone", "everybody", "anything",
        "something", "nothing", "everything", "one", "ones", "is", "are", "am", "was", "were",
        "be", "been", "being", "do", "does", "did", "done", "doing", "have", "has", "had",
        "having", "can", "could", "will", "would", "shall", "should", "may", "might", "must",
        "get", "got", "gets", "getting", "let", "not", "no", "yes", "on", "in", "at", "for",
        "of", "to", "from", "with", "by", "about", "between", "until", "till", "til", "into",
        "onto", "during", "after", "before", "over", "under", "up", "out", "off", "and", "or",
        "but", "if", "then", "so", "than", "as", "like", "via", "per", "around", "near",
        "inside", "within", "without", "there", "here", "else", "also", "too", "very",
        "really", "right", "only", "still", "already", "yet", "again", "ever", "even", "well",
        # the rules' own words
        "free", "available", "availability", "availabilities", "avail", "open", "vacant",
        "unbooked", "unreserved", "bookable", "slot", "slots", "gap", "gaps", "opening",
        "openings", "window", "windows", "spot", "spots", "space", "time", "times", "booked",
        "booking", "bookings", "book", "books", "reserve", "reserved", "reservation",
        "reservations", "rebook", "cancel", "extend", "schedule", "schedules", "scheduled",
        "calendar", "agenda", "diary", "timetable", "plans", "busy", "taken", "occupied",
        "use", "using", "used", "usage", "running", "run", "runs", "happening", "going",
        "queue", "list", "show", "display", "find", "search", "locate", "look", "looking",
        "lookup", "tell", "give", "send", "see", "check", "know", "want", "need", "needs",
        "details", "detail", "info", "information", "specs", "describe", "description",
        "status", "equipment", "equip", "instrument", "instruments", "machine",
        "machines", "device", "devices", "tool", "tools", "kit", "inventory", "catalog",
        "catalogue", "group", "groups", "category", "categories", "lab", "labs", "department",
        "departments", "organisation", "organisations", "organization", "organizations",
        "org", "orgs", "institute", "institutes", "facility", "facilities", "digest",
        "summary", "help", "connect", "disconnect", "link", "unlink", "login", "logout",
        "account", "profile", "next", "earliest", "soonest", "first", "last", "later", "soon",
        "asap", "currently", "hour", "hours", "minute", "minutes", "day", "days", "week",
        "weeks", "weekend", "month", "called", "named", "working", "broken", "down", "ready",
        "possible", "able", "mind", "maybe", "please", "thanks", "command", "commands",
        "work", "works", "anymore", "more", "much", "many", "lot", "matching",
        "upcoming", "coming", "future", "past", "previous", "recent", "current", "whether",
        "kind", "kinds", "type", "types", "sort", "sorts", "clustermarket", "slack", "bot",
        "cmbot", "make", "made", "makes", "love", "think", "say", "said", "ask", "asked",
        "try", "fix", "fixed", "go", "went", "come", "came", "take", "took", "put", "call",
        "leave", "left", "stay", "move", "moved", "start", "started", "finish", "finished",
        "stop", "stopped", "stuff", "things", "thing",
        # the kinds' own words
        "located", "location", "kept", "keep", "room", "rooms", "responsible",
        "charge", "contact", "contacts", "person", "manages", "manager", "maintains",
        "maintainer", "owner", "owns", "looks", "belong", "belongs", "long", "total",
        "number", "remind", "reminder", "reminders", "reminding", "watch", "watching",
        "watched", "unwatch", "anywhere", "nobody", "noone",
    }
)  # fmt: skip
# Name words too common to point at one name on their own ("touch", "one", "III").
COMMON = frozenset(
    {"touch", "plus", "ii", "iii", "iv", "r", "core", "facility", "scientific", "system",
     "systems", "series", "unit", "model", "mhz", "one", "lab", "group", "the", "of", "and"}
)  # fmt: skip

RULE_TYPOS = (
    "available", "availability", "schedule", "booked", "bookings", "reservations",
    "equipment", "instruments", "groups", "digest", "disconnect", "connect", "anyone",
)  # fmt: skip
DIGEST_CLOCK = re.compile(r"[0-9]{1,2}(?:[:h][0-9]{2})?(?:am|pm)?|noon|midday")

FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
POSSESSIVES = frozenset({"my", "your", "our", "their", "his", "her"})
DETERMINERS = frozenset({"a", "an", "on", "for", "about", "of", "at", "with", "this", "that"})

FREE_WORDS = frozenset(
    {"free", "available", "availability", "availabilities", "avail", "vacant", "open",
     "unbooked", "unreserved", "bookable", "slot", "slots", "gap", "gaps", "opening",
     "openings", "window", "windows", "spot", "spots", "space", "use"}
)  # fmt: skip
SCHEDULE_WORDS = frozenset(
    {"booked", "booking", "bookings", "reserved", "reservation", "reservations", "schedule",
     "schedules", "scheduled", "calendar", "agenda", "diary", "timetable", "busy", "taken",
     "occupied", "using", "used", "who", "whom", "whose", "anyone", "anybody", "someone",
     "somebody", "queue", "running", "happening"}
)  # fmt: skip
SPARE_WORDS = frozenset({"any", "some", "spare", "there", "free", "much"})
BOOKING_NOUNS = frozenset({"bookings", "booking", "reservations", "reservation"})
MY_DAY_WORDS = frozenset(
    {"booked", "booking", "bookings", "reserved", "reservation", "reservations", "schedule",
     "calendar", "agenda", "diary", "plans", "anything", "something", "have", "got", "doing",
     "on", "free", "day"}
)  # fmt: skip
NEXT_WORDS = frozenset({"earliest", "soonest", "asap", "first", "soon"})
DETAIL_WORDS = frozenset(
    {"about", "details", "detail", "info", "information", "specs", "spec", "specifications",
     "describe", "description", "find", "search", "locate", "where", "look", "looking",
     "lookup", "show", "called", "named", "location", "located", "model"}
)  # fmt: skip
EQUIPMENT_WORDS = frozenset(
    {"equipment", "equip", "instrument", "instruments", "machine", "machines", "device",
     "devices", "tools", "kit", "inventory", "catalog", "catalogue"}
)  # fmt: skip
GROUP_WORDS = frozenset({"group", "groups", "category", "categories"})
LAB_WORDS = frozenset(
    {"lab", "labs", "department", "departments", "organisation", "organisations",
     "organization", "organizations", "org", "orgs", "institute", "institutes", "facility",
     "facilities", "core", "cores"}
)  # fmt: skip
BOOK_VERBS = frozenset({"book", "reserve", "rebook", "unbook", "extend", "reschedule"})
CANCEL_VERBS = frozenset({"cancel", "delete", "remove", "shorten"})
HELP_WORDS = frozenset(
    {"help", "commands", "command", "usage", "instructions", "manual", "guide", "tutorial",
     "howto", "docs", "documentation", "faq", "features"}
)  # fmt: skip
HELP_PHRASES: tuple[tuple[str, ...], ...] = (
    ("what", "can", "you", "do"),
    ("what", "do", "you", "do"),
    ("what", "can", "i", "ask"),
    ("what", "can", "i", "say"),
    ("how", "does", "this", "work"),
    ("how", "does", "it", "work"),
    ("how", "do", "you", "work"),
    ("how", "do", "i", "use"),
    ("how", "to", "use"),
    ("who", "are", "you"),
    ("what", "are", "you"),
    ("what", "can", "this", "do"),
    ("who", "made", "you"),
)
HELP_TOPICS: dict[str, str] = {
    "bookings": "bookings", "booking": "bookings", "reservations": "bookings",
    "schedule": "schedule", "calendar": "schedule", "free": "free", "slots": "free",
    "availability": "free", "available": "free", "digest": "digest", "digests": "digest",
    "summary": "digest", "group": "groups", "groups": "groups", "equipment": "equipment",
    "instruments": "equipment", "instrument": "equipment", "labs": "labs", "lab": "labs",
    "connect": "connect", "link": "connect", "login": "connect", "disconnect": "disconnect",
    "unlink": "disconnect", "account": "me", "remind": "remind", "reminders": "remind",
    "reminder": "remind", "watch": "watch", "watching": "watch", "unwatch": "watch",
}  # fmt: skip
CONNECT_WORDS = frozenset(
    {"connect", "link", "login", "signin", "authorize", "authorise", "authenticate",
     "reconnect", "relink"}
)  # fmt: skip
DISCONNECT_WORDS = frozenset(
    {"disconnect", "unlink", "logout", "signout", "deauthorize", "deauthorise", "revoke",
     "disconnected"}
)  # fmt: skip
ACCOUNT_WORDS = frozenset({"account", "profile", "user", "username", "email", "identity"})
LINKED_WORDS = frozenset(
    {"connected", "linked", "logged", "signed", "authorized", "authorised", "authenticated"}
)  # fmt: skip
DIGEST_WORDS = frozenset({"digest", "digests"})
REMIND_WORDS = frozenset({"remind", "reminder", "reminders", "reminding", "nudge", "nudges"})
REMIND_OFF = frozenset({"off", "stop", "disable", "cancel", "no", "not", "pause", "mute", "never"})
WATCH_WORDS = frozenset({"watch", "watching", "watches", "monitor", "monitoring"})
UNWATCH_WORDS = frozenset({"unwatch", "unfollow"})
SUMMARY_WORDS = frozenset(
    {"summary", "summaries", "email", "emails", "dm", "dms", "message", "messages", "update",
     "updates", "report", "reports", "roundup", "recap", "rundown", "overview"}
)  # fmt: skip
PERIODIC_WORDS = frozenset({"daily", "every", "each", "weekday", "weekdays"})
DIGEST_OFF = frozenset(
    {"off", "stop", "disable", "cancel", "unsubscribe", "end", "pause", "mute", "quit",
     "kill", "remove", "delete", "halt", "never", "opt"}
)  # fmt: skip
DIGEST_ON = frozenset(
    {"on", "start", "enable", "send", "subscribe", "resume", "activate", "set", "setup",
     "want", "give", "move", "change", "switch", "every", "daily", "schedule"}
)  # fmt: skip
DIGEST_VERBS = frozenset(
    {"turn", "stop", "start", "enable", "disable", "send", "set", "cancel", "unsubscribe",
     "subscribe", "pause", "resume", "switch", "change", "move", "want", "give"}
)  # fmt: skip
QUESTION_STARTS = frozenset(
    {"is", "am", "are", "do", "does", "did", "what", "when", "which", "how", "check",
     "status", "show", "have", "has"}
)  # fmt: skip
SLASH_VERBS = frozenset(
    {"help", "connect", "link", "login", "disconnect", "unlink", "logout", "me", "whoami",
     "labs", "equipment", "equip", "instrument", "instruments", "groups", "group", "bookings",
     "booking", "schedule", "free", "digest", "remind", "reminder", "reminders", "watch",
     "watching", "unwatch"}
)  # fmt: skip
# Words that make a sentence out of what would otherwise read as a slash command.
NOT_COMMAND = frozenset(
    {"the", "a", "an", "is", "are", "am", "was", "were", "be", "any", "anything", "anyone",
     "anybody", "someone", "who", "what", "which", "when", "where", "how", "why", "i", "me",
     "my", "mine", "we", "our", "us", "you", "your", "it", "its", "there", "of", "in", "with",
     "about", "can", "could", "do", "does", "did", "have", "has", "had", "will", "would",
     "should", "slot", "slots", "time", "available", "availability", "booked", "using", "use",
     "not", "list", "all", "show", "find", "see", "check", "please", "so", "if", "and", "or",
     "called", "named", "matching", "like", "for", "equipment", "instrument", "instruments",
     "machine", "machines", "kit", "tools", "everything"}
)  # fmt: skip

SOCIAL = FILLER | THANKS | GREETINGS
# Every word the rules know, never "corrected" into another one.
KNOWN = (
    STOP
    | FILLER
    | FREE_WORDS
    | SCHEDULE_WORDS
    | MY_DAY_WORDS
    | DETAIL_WORDS
    | EQUIPMENT_WORDS
    | GROUP_WORDS
    | LAB_WORDS
    | BOOK_VERBS
    | CANCEL_VERBS
    | HELP_WORDS
    | CONNECT_WORDS
    | DISCONNECT_WORDS
    | ACCOUNT_WORDS
    | LINKED_WORDS
    | DIGEST_WORDS
    | REMIND_WORDS
    | WATCH_WORDS
    | UNWATCH_WORDS
    | SUMMARY_WORDS
    | PERIODIC_WORDS
    | DIGEST_OFF
    | DIGEST_ON
    | DIGEST_VERBS
    | SLASH_VERBS
    | frozenset(HELP_TOPICS)
    | frozenset(RULE_TYPOS)
)
