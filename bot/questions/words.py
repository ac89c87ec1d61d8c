"""Questions asked in words, in a DM or a mention, to the intents the slash command uses.

"is the NovaSeq free tomorrow afternoon?" becomes `Free("NovaSeq", When("tomorrow",
part="afternoon"))`, exactly what `/cm free NovaSeq tomorrow afternoon` gives, so both are answered
by the same code. The parser is a set of plain rules over the words: no network, no language
model, the same answer every time, and an `Unknown` with an example close to what was asked when
no rule fits.

Names are not resolved here. The intent carries the user's own words for the equipment, group or
lab ("novaseq", "nova seq", "confocl"); the answerer matches them with `match_name` and asks back
when they are ambiguous, as for slash commands. The names the user can see (`Vocabulary`) only
help to find where a name starts and ends inside a sentence; without them the noun phrase after
"the" stands in.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process, utils

from bot.questions.commands import (
    DEFAULT_COMMAND,
    Bookings,
    Connect,
    DigestOff,
    DigestOn,
    DigestStatus,
    Disconnect,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Intent,
    Labs,
    Me,
    Schedule,
    Unknown,
    parse_command,
)
from bot.questions.matching import fold
from bot.questions.when import WEEKDAY_NAMES, When, parse_when


@dataclass(frozen=True)
class Vocabulary:
    """Names this user can see, so the parser can find them inside a sentence."""

    equipment: Sequence[str] = ()
    groups: Sequence[str] = ()
    labs: Sequence[str] = ()


NO_VOCABULARY = Vocabulary()


def clean_message(text: str, *, bot_user_id: str | None = None) -> str:
    """Slack's markup to the words a person sees, on one line.

    User mentions go: all of them when `bot_user_id` is None, else the bot's, while another
    user's becomes "@name" (or "@someone") so that "what has @ana booked?" is not read as a
    question about the asker. Channels and links become their labels (a bare link stays as
    typed), emoji (`:tada:` and 🎉) go, quotes are straightened, `&amp;` `&lt;` `&gt;` are
    unescaped and whitespace is collapsed. Cleaning cleaned text changes nothing.
    """
    cleaned = _INVISIBLE.sub("", text)
    cleaned = _MARKUP.sub(lambda found: _unmarkup(found.group(1), bot_user_id), cleaned)
    cleaned = _ENTITY.sub(lambda found: _ENTITIES[found.group(1)], cleaned)
    cleaned = _ANGLES.sub(" ", cleaned)
    cleaned = _EMOJI.sub(" ", cleaned)
    cleaned = _EMOJI_CODE.sub(" ", cleaned)
    return " ".join(cleaned.translate(_QUOTES).split())


def parse_question(
    text: str, vocabulary: Vocabulary = NO_VOCABULARY, *, command: str = DEFAULT_COMMAND
) -> Intent:
    """The intent of a question asked in words (raw Slack text or already cleaned); never raises.

    `vocabulary` holds the names the user can see; `command` is the slash command, used only in
    suggestions. Whatever cannot be placed is `Unknown` with an example question close to it.
    """
    cleaned = clean_message(text)
    return _Question(cleaned, _words(cleaned), _index_of(vocabulary), command).intent()


# --- cleaning -----------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200e\u200f\u2060\u2061\u2062\u2063\ufeff]")
_MARKUP = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(?:amp;)*(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_ANGLES = re.compile(r"[<>]")
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, flags, skin tones, ...
    "\U0001fb00-\U0001fbff"
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats
    "\u2b00-\u2bff"  # stars, arrows and squares used as emoji
    "\u231a\u231b\u2328\u23cf\u23e9-\u23fa\u24c2\u25aa-\u25fe\u3030\u303d\u3297\u3299"
    "\ufe00-\ufe0f\u200d\u20e3"  # variation selectors, joiners, keycaps
    "\U000e0020-\U000e007f"  # tag characters of subdivision flags
    "]+"
)
_EMOJI_CODE = re.compile(r":(?:[+\-]1|[a-z_][a-z0-9_+\-]*):")  # not "10:30:00", "9:00am:"
_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
    }
)
_SPACES = re.compile(r"\s+")


def _unmarkup(inner: str, bot_user_id: str | None) -> str:
    target, _, label = inner.partition("|")
    target = target.strip()
    label = label.strip()
    if target.startswith("@"):
        if bot_user_id is None or target[1:] == bot_user_id:
            return " "
        name = _SPACES.sub("", label.lstrip("@")) or "someone"
        return f" @{name} "
    if target.startswith(("#", "!")):  # channels; <!here>, <!subteam^S1|@team>, <!date^…|text>
        return f" {label} "
    if label:
        return f" {label} "
    if target.casefold().startswith("mailto:"):
        return f" {target[len('mailto:') :]} "
    return f" {target} "


# --- words --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    raw: str  # as typed, without the punctuation around it: "Zoë's", "NovaSeq", "3pm"
    base: str  # `raw` without a possessive: "Zoë"
    key: str  # lower-case and accent-free, for the rules: "zoe", "3pm", "bio-rad"
    parts: tuple[str, ...]  # the folded words of `base`, for names: ("bio", "rad")
    pause: bool  # punctuation followed it: "morning!"


_EDGE = "?!.,;:\"'`()[]{}*_~…¡¿|\\"
_PAUSES = frozenset("?!.,;:…")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-"})
_DOTTED_CLOCK = re.compile(r"([0-9]{1,2})\.([0-9]{2})(am|pm)?")
_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    **{
        f"{word}{suffix}": (word, "is")
        for word in ("what", "who", "where", "when", "how", "that", "there", "it", "here")
        for suffix in ("'s", "s")
        if f"{word}{suffix}" not in ("its", "hows", "thats", "heres")
    },
    "hows": ("how", "is"),
    "i'm": ("i", "am"),
    "im": ("i", "am"),
    "i've": ("i", "have"),
    "ive": ("i", "have"),
    "i'll": ("i", "will"),
    "i'd": ("i", "would"),
    "cannot": ("can", "not"),
    "cant": ("can", "not"),
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "wont": ("will", "not"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "havent": ("have", "not"),
    "what're": ("what", "are"),
    "who're": ("who", "are"),
    "you're": ("you", "are"),
    "we're": ("we", "are"),
    "let's": ("let", "us"),
    "whoami": ("who", "am", "i"),
    "gimme": ("give", "me"),
    "wanna": ("want", "to"),
}


def _words(text: str) -> list[_Word]:
    pieces = text.split()
    while pieces and pieces[0].startswith("/"):  # "/cm free novaseq" pasted into a DM
        pieces.pop(0)
    words: list[_Word] = []
    for piece in pieces:
        raw = piece.strip(_EDGE)
        if not raw or "://" in raw or raw.casefold().startswith("www."):
            continue
        pause = piece[-1] in _PAUSES
        key = _key(raw)
        if key in _CONTRACTIONS:
            expanded = _CONTRACTIONS[key]
            words.extend(_Word(w, w, w, (w,), False) for w in expanded[:-1])
            words.append(_Word(expanded[-1], expanded[-1], expanded[-1], (expanded[-1],), pause))
        elif key.endswith("n't") and len(key) > 3:
            stem = key[:-3]
            words.append(_Word(stem, stem, stem, tuple(fold(stem).split()), False))
            words.append(_Word("not", "not", "not", ("not",), pause))
        elif len(raw) > 2 and raw[-2:] in ("'s", "'S"):
            base = raw[:-2]
            words.append(_Word(raw, base, _key(base), tuple(fold(base).split()), pause))
        else:
            words.append(_Word(raw, raw, key, tuple(fold(raw).split()), pause))
    if len(words) > _LONGEST_READ:  # a pasted log: the question is at one end or the other
        half = _LONGEST_READ // 2
        words = words[:half] + words[-half:]
    return words


def _key(raw: str) -> str:
    text = unicodedata.normalize("NFKD", raw.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char)).translate(_DASHES)
    text = text.replace("a.m", "am").replace("p.m", "pm")
    dotted = _DOTTED_CLOCK.fullmatch(text)
    if dotted:  # "7.30" and "7.30pm" are clock times
        text = f"{dotted.group(1)}:{dotted.group(2)}{dotted.group(3) or ''}"
    return text.rstrip(".")


def _phrase(words: Sequence[_Word]) -> str:
    """The user's own words for a name: as typed, without a trailing possessive."""
    if not words:
        return ""
    return " ".join([*(word.raw for word in words[:-1]), words[-1].base]).strip("\"'`")


# --- vocabularies of the rules ------------------------------------------------------------

_FILLER = frozenset(
    {
        "please", "pls", "plz", "pleas", "kindly", "hey", "hi", "hello", "hiya", "heya", "yo",
        "howdy", "greetings", "thanks", "thank", "thx", "thnx", "ty", "tia", "cheers", "ok",
        "okay", "um", "umm", "uh", "hmm", "btw", "sorry", "oh", "just", "bot", "cmbot",
        "quickly", "actually", "basically",
    }
)  # fmt: skip
_FILLER_PHRASES: tuple[tuple[str, ...], ...] = (
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
_THANKS = frozenset(
    {"thanks", "thank", "thx", "thnx", "ty", "tia", "cheers", "ta", "great", "cool", "nice",
     "awesome", "perfect", "brilliant", "lovely", "ok", "okay", "got", "it", "you", "much",
     "very", "so", "a", "lot", "many"}
)  # fmt: skip
_THANKS_WORDS = frozenset(
    {"thanks", "thank", "thx", "thnx", "ty", "tia", "cheers", "ta", "great", "cool", "nice",
     "awesome", "perfect", "brilliant", "lovely", "ok", "okay"}
)  # fmt: skip
_GREETINGS = frozenset(
    {"hi", "hey", "hello", "hiya", "heya", "yo", "howdy", "greetings", "there", "all", "team",
     "everyone", "folks", "good", "morning", "afternoon", "evening", "day", "bot", "cmbot"}
)  # fmt: skip

# Words that never name equipment on their own. Inside a name from the vocabulary they may
# appear ("NanoDrop One", "Structural Biology Lab"), but only spelt exactly.
_STOP = frozenset(
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
    }
)  # fmt: skip
# Name words too common to point at one name on their own ("touch", "one", "III").
_COMMON = frozenset(
    {"touch", "plus", "ii", "iii", "iv", "r", "core", "facility", "scientific", "system",
     "systems", "series", "unit", "model", "mhz", "one", "lab", "group", "the", "of", "and"}
)  # fmt: skip

_WEEKDAYS = frozenset(
    {name.lower() for name in WEEKDAY_NAMES}
    | {name[:3].lower() for name in WEEKDAY_NAMES}
    | {"tues", "weds", "thur", "thurs"}
)
_TIME_CORE = frozenset(
    {"now", "today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening",
     "night", "noon", "midday", "week"}
) | _WEEKDAYS  # fmt: skip
_TIME_GLUE = frozenset(
    {"at", "from", "to", "until", "till", "til", "between", "and", "on", "for", "in", "the",
     "this", "next", "am", "pm", "-"}
)  # fmt: skip
_TIME_SPELLINGS: dict[str, str] = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tmrow": "tomorrow",
    "tomoz": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow",
    "tdy": "today", "2day": "today", "tonite": "tonight", "2nite": "tonight",
    "currently": "now", "presently": "now", "rn": "now", "atm": "now", "moment": "now",
    "arvo": "afternoon", "lunchtime": "noon", "lunch": "noon",
}  # fmt: skip
# Words worth correcting when mistyped ("tomorow", "availble", "schedual").
_TIME_TYPOS = (
    "today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
_RULE_TYPOS = (
    "available", "availability", "schedule", "booked", "bookings", "reservations",
    "equipment", "instruments", "groups", "digest", "disconnect", "connect", "anyone",
)  # fmt: skip
_CLOCKISH = re.compile(
    r"[0-9]{1,2}(?::[0-9]{2})?(?:am|pm)?(?:-[0-9]{1,2}(?::[0-9]{2})?(?:am|pm)?)?"
)
_DATEISH = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_WRITTEN_CLOCK = re.compile(r"[0-9]{1,3}(?::[0-9]{1,3}(?:am|pm)?|am|pm)")  # "25:00", "13pm"
_ORDINAL_OR_SLASHED = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th)|[0-9]{1,4}/[0-9]{1,2}(?:/[0-9]{1,4})?")
_MONTHS = frozenset(
    {"january", "february", "march", "april", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "apr", "jun", "jul", "aug", "sep",
     "sept", "oct", "nov", "dec"}
)  # fmt: skip
_DIGEST_CLOCK = re.compile(r"[0-9]{1,2}(?:[:h][0-9]{2})?(?:am|pm)?|noon|midday")

_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
_POSSESSIVES = frozenset({"my", "your", "our", "their", "his", "her"})
_DETERMINERS = frozenset({"a", "an", "on", "for", "about", "of", "at", "with", "this", "that"})

_FREE_WORDS = frozenset(
    {"free", "available", "availability", "availabilities", "avail", "vacant", "open",
     "unbooked", "unreserved", "bookable", "slot", "slots", "gap", "gaps", "opening",
     "openings", "window", "windows", "spot", "spots", "space", "use"}
)  # fmt: skip
_SCHEDULE_WORDS = frozenset(
    {"booked", "booking", "bookings", "reserved", "reservation", "reservations", "schedule",
     "schedules", "scheduled", "calendar", "agenda", "diary", "timetable", "busy", "taken",
     "occupied", "using", "used", "who", "whom", "whose", "anyone", "anybody", "someone",
     "somebody", "queue", "running", "happening"}
)  # fmt: skip
_SPARE_WORDS = frozenset({"any", "some", "spare", "there", "free", "much"})
_BOOKING_NOUNS = frozenset({"bookings", "booking", "reservations", "reservation"})
_MY_DAY_WORDS = frozenset(
    {"booked", "booking", "bookings", "reserved", "reservation", "reservations", "schedule",
     "calendar", "agenda", "diary", "plans", "anything", "something", "have", "got", "doing",
     "on", "free", "day"}
)  # fmt: skip
_NEXT_WORDS = frozenset({"earliest", "soonest", "asap", "first", "soon"})
_DETAIL_WORDS = frozenset(
    {"about", "details", "detail", "info", "information", "specs", "spec", "specifications",
     "describe", "description", "find", "search", "locate", "where", "look", "looking",
     "lookup", "show", "called", "named", "location", "located", "model"}
)  # fmt: skip
_EQUIPMENT_WORDS = frozenset(
    {"equipment", "equip", "instrument", "instruments", "machine", "machines", "device",
     "devices", "tools", "kit", "inventory", "catalog", "catalogue"}
)  # fmt: skip
_GROUP_WORDS = frozenset({"group", "groups", "category", "categories"})
_LAB_WORDS = frozenset(
    {"lab", "labs", "department", "departments", "organisation", "organisations",
     "organization", "organizations", "org", "orgs", "institute", "institutes", "facility",
     "facilities", "core", "cores"}
)  # fmt: skip
_BOOK_VERBS = frozenset({"book", "reserve", "rebook", "unbook", "extend", "reschedule"})
_CANCEL_VERBS = frozenset({"cancel", "delete", "remove", "shorten"})
_HELP_WORDS = frozenset(
    {"help", "commands", "command", "usage", "instructions", "manual", "guide", "tutorial",
     "howto", "docs", "documentation", "faq", "features"}
)  # fmt: skip
_HELP_PHRASES: tuple[tuple[str, ...], ...] = (
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
_HELP_TOPICS: dict[str, str] = {
    "bookings": "bookings", "booking": "bookings", "reservations": "bookings",
    "schedule": "schedule", "calendar": "schedule", "free": "free", "slots": "free",
    "availability": "free", "available": "free", "digest": "digest", "digests": "digest",
    "summary": "digest", "group": "groups", "groups": "groups", "equipment": "equipment",
    "instruments": "equipment", "instrument": "equipment", "labs": "labs", "lab": "labs",
    "connect": "connect", "link": "connect", "login": "connect", "disconnect": "disconnect",
    "unlink": "disconnect", "account": "me",
}  # fmt: skip
_CONNECT_WORDS = frozenset(
    {"connect", "link", "login", "signin", "authorize", "authorise", "authenticate",
     "reconnect", "relink"}
)  # fmt: skip
_DISCONNECT_WORDS = frozenset(
    {"disconnect", "unlink", "logout", "signout", "deauthorize", "deauthorise", "revoke",
     "disconnected"}
)  # fmt: skip
_ACCOUNT_WORDS = frozenset({"account", "profile", "user", "username", "email", "identity"})
_LINKED_WORDS = frozenset(
    {"connected", "linked", "logged", "signed", "authorized", "authorised", "authenticated"}
)  # fmt: skip
_DIGEST_WORDS = frozenset({"digest", "digests"})
_SUMMARY_WORDS = frozenset(
    {"summary", "summaries", "email", "emails", "dm", "dms", "message", "messages", "update",
     "updates", "report", "reports", "roundup", "recap", "rundown", "overview"}
)  # fmt: skip
_PERIODIC_WORDS = frozenset({"daily", "every", "each", "weekday", "weekdays"})
_DIGEST_OFF = frozenset(
    {"off", "stop", "disable", "cancel", "unsubscribe", "end", "pause", "mute", "quit",
     "kill", "remove", "delete", "halt", "never", "opt"}
)  # fmt: skip
_DIGEST_ON = frozenset(
    {"on", "start", "enable", "send", "subscribe", "resume", "activate", "set", "setup",
     "want", "give", "move", "change", "switch", "every", "daily", "schedule"}
)  # fmt: skip
_DIGEST_VERBS = frozenset(
    {"turn", "stop", "start", "enable", "disable", "send", "set", "cancel", "unsubscribe",
     "subscribe", "pause", "resume", "switch", "change", "move", "want", "give"}
)  # fmt: skip
_QUESTION_STARTS = frozenset(
    {"is", "am", "are", "do", "does", "did", "what", "when", "which", "how", "check",
     "status", "show", "have", "has"}
)  # fmt: skip
_SLASH_VERBS = frozenset(
    {"help", "connect", "link", "login", "disconnect", "unlink", "logout", "me", "whoami",
     "labs", "equipment", "equip", "instrument", "instruments", "groups", "group", "bookings",
     "booking", "schedule", "free", "digest"}
)  # fmt: skip
# Words that make a sentence out of what would otherwise read as a slash command.
_NOT_COMMAND = frozenset(
    {"the", "a", "an", "is", "are", "am", "was", "were", "be", "any", "anything", "anyone",
     "anybody", "someone", "who", "what", "which", "when", "where", "how", "why", "i", "me",
     "my", "mine", "we", "our", "us", "you", "your", "it", "its", "there", "of", "in", "with",
     "about", "can", "could", "do", "does", "did", "have", "has", "had", "will", "would",
     "should", "slot", "slots", "time", "available", "availability", "booked", "using", "use",
     "not", "list", "all", "show", "find", "see", "check", "please", "so", "if", "and", "or",
     "called", "named", "matching", "like", "for"}
)  # fmt: skip

_SOCIAL = _FILLER | _THANKS | _GREETINGS
# Every word the rules know, never "corrected" into another one.
_KNOWN = (
    _STOP
    | _FILLER
    | _TIME_CORE
    | _TIME_GLUE
    | frozenset(_TIME_SPELLINGS)
    | _FREE_WORDS
    | _SCHEDULE_WORDS
    | _MY_DAY_WORDS
    | _DETAIL_WORDS
    | _EQUIPMENT_WORDS
    | _GROUP_WORDS
    | _LAB_WORDS
    | _BOOK_VERBS
    | _CANCEL_VERBS
    | _HELP_WORDS
    | _CONNECT_WORDS
    | _DISCONNECT_WORDS
    | _ACCOUNT_WORDS
    | _LINKED_WORDS
    | _DIGEST_WORDS
    | _SUMMARY_WORDS
    | _PERIODIC_WORDS
    | _DIGEST_OFF
    | _DIGEST_ON
    | _DIGEST_VERBS
    | _SLASH_VERBS
    | frozenset(_HELP_TOPICS)
    | frozenset(_TIME_TYPOS)
    | frozenset(_RULE_TYPOS)
)
_EXAMPLES = (
    "is the NovaSeq free tomorrow afternoon?",
    "when is the centrifuge next free?",
    "what's booked on the confocal today?",
    "who has the qPCR at 3pm?",
    "my bookings next week",
    "what have I booked tomorrow?",
    "which equipment is in the Imaging group?",
    "what groups are there?",
    "which labs can I see?",
    "what equipment is there?",
    "tell me about the NovaSeq",
    "who am I?",
    "connect my Clustermarket account",
    "disconnect my account",
    "send me a daily digest at 8",
    "stop the daily digest",
    "is my digest on?",
    "what can you do?",
)
_WELCOME = "You're welcome! Ask again any time, e.g. is the NovaSeq free tomorrow?"
_TIME_HELP = (
    "I read times like today, tomorrow, friday, next week, 2026-03-05, this afternoon,"
    " at 3pm, at 15:00 or from 2 to 4."
)
_LONGEST_TIME = 10  # words; no WHEN is longer ("on friday afternoon from 2 pm to 4 pm")
_LONGEST_NAME = 6  # words of a name found in a sentence
_LONGEST_READ = 300  # words of one message; the first and last halves of a longer one
_TYPO_SCORE = 85.0
_EXAMPLE_SCORE = 50.0
_JOINED_TYPO_SCORE = 88.0


# --- names --------------------------------------------------------------------------------

_Kind = Literal["equipment", "group", "lab"]


@dataclass(frozen=True)
class _Index:
    """The vocabulary's names as folded words, looked up by word, by prefix and by typo."""

    kinds: tuple[_Kind, ...]  # of each name
    full: dict[tuple[str, ...], frozenset[int]]  # the whole name's words -> names
    by_token: dict[str, frozenset[int]]  # one word of a name -> names
    tokens: tuple[str, ...]  # every word of every name, sorted
    joined: dict[str, frozenset[int]]  # up to 4 consecutive words run together -> names
    joined_keys: tuple[str, ...]
    longest: int  # words in the longest name
    example: str | None  # the first equipment's name, for example questions


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    score: float


def _index_of(vocabulary: Vocabulary) -> _Index:
    return _build_index(
        tuple(str(name) for name in vocabulary.equipment),
        tuple(str(name) for name in vocabulary.groups),
        tuple(str(name) for name in vocabulary.labs),
    )


@lru_cache(maxsize=64)
def _build_index(
    equipment: tuple[str, ...], groups: tuple[str, ...], labs: tuple[str, ...]
) -> _Index:
    kinds: list[_Kind] = []
    full: dict[tuple[str, ...], set[int]] = {}
    by_token: dict[str, set[int]] = {}
    joined: dict[str, set[int]] = {}
    longest = 0
    named: list[tuple[_Kind, str]] = [
        *(("equipment", name) for name in equipment),
        *(("group", name) for name in groups),
        *(("lab", name) for name in labs),
    ]
    for kind, name in named:
        tokens = tuple(fold(name).split())
        if not tokens:
            continue
        number = len(kinds)
        kinds.append(kind)
        longest = max(longest, len(tokens))
        full.setdefault(tokens, set()).add(number)
        for position, token in enumerate(tokens):
            by_token.setdefault(token, set()).add(number)
            for size in range(1, min(4, len(tokens) - position) + 1):
                joined.setdefault("".join(tokens[position : position + size]), set()).add(number)
    return _Index(
        kinds=tuple(kinds),
        full={tokens: frozenset(names) for tokens, names in full.items()},
        by_token={token: frozenset(names) for token, names in by_token.items()},
        tokens=tuple(sorted(by_token)),
        joined={text: frozenset(names) for text, names in joined.items()},
        joined_keys=tuple(sorted(joined)),
        longest=longest,
        example=next((name.strip() for name in equipment if fold(name)), None),
    )


def _distinctive(part: str) -> bool:
    """Whether a word can point at a name on its own: not a common word, and not a short
    number (a clock time, a count)."""
    if part in _STOP or part in _COMMON:
        return False
    if part.isdigit():
        return len(part) >= 3
    return len(part) >= 2 and any(char.isalpha() for char in part)


def _part_hits(part: str, index: _Index) -> dict[int, float]:
    """The names one folded word may belong to, each with how well it fits (1.0 exactly)."""
    hits: dict[int, float] = {}

    def add(token: str, quality: float) -> None:
        for name in index.by_token.get(token, ()):
            hits[name] = max(hits.get(name, 0.0), quality)

    add(part, 1.0)
    if not _distinctive(part) or not index.tokens:
        return hits
    if len(part) > 3 and part.endswith("s"):  # "confocals", "zoes"
        add(part[:-1], 0.95)
    if len(part) >= 3 and not part.isdigit():  # "nova", "conf", "facs"
        position = bisect_left(index.tokens, part)
        while position < len(index.tokens) and index.tokens[position].startswith(part):
            if index.tokens[position] != part:
                add(index.tokens[position], 0.8)
            position += 1
    if len(part) >= 5 and part.isalpha():
        for token in index.tokens:  # "analyzer" in "bioanalyzer"
            if len(token) > len(part) and token.endswith(part):
                add(token, 0.7)
        for token, score, _ in process.extract(
            part, index.tokens, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE, limit=8
        ):  # "confocl", "centrifudge"
            add(token, 0.6 + (score - _TYPO_SCORE) / 100)
    return hits


def _span_names(parts: list[str], hits: list[dict[int, float]], index: _Index) -> dict[int, float]:
    """The names a run of words may be, each with a score (more words matched, higher)."""
    scores: dict[int, float] = {}
    if len(parts) >= 2 or parts[0] not in _STOP:
        for name in index.full.get(tuple(parts), ()):
            scores[name] = len(parts) + 1.0
    if any(_distinctive(part) for part in parts):
        common = set(hits[0])
        for more in hits[1:]:
            common &= more.keys()
        for name in common:
            score = sum(hit[name] for hit in hits)
            scores[name] = max(scores.get(name, 0.0), score)
    if len(parts) >= 2:
        joined = "".join(parts)
        for name in index.joined.get(joined, ()):  # "nova seq", "bio rad"
            scores[name] = max(scores.get(name, 0.0), len(parts) * 0.95)
        if len(parts) <= 4 and len(joined) >= 6 and not any(part in _STOP for part in parts):
            for text, score, _ in process.extract(
                joined,
                index.joined_keys,
                scorer=fuzz.ratio,
                score_cutoff=_JOINED_TYPO_SCORE,
                limit=5,
            ):  # "ultra centrifudge"
                for name in index.joined[text]:
                    quality = len(parts) * (0.6 + (score - _JOINED_TYPO_SCORE) / 100)
                    scores[name] = max(scores.get(name, 0.0), quality)
    return scores


# --- the question -------------------------------------------------------------------------


class _Question:
    """One question's words, what they name and when, and the rules that pick the intent."""

    def __init__(self, cleaned: str, words: list[_Word], index: _Index, command: str) -> None:
        self.cleaned = cleaned
        self.words = words
        self.index = index
        self.command = command
        self.keys = [word.key for word in words]
        self.filler = self._filler()
        self.mention = [word.key.startswith("@") for word in words]
        known: dict[str, dict[int, float]] = {}
        for part in {part for word in words for part in word.parts}:
            known[part] = _part_hits(part, index)
        self.parts_hits = [[known[part] for part in word.parts] for word in words]
        self._correct_typos()
        protected = self._exact_names()
        self.when, self.timed, self.bad_time = self._time(protected)
        usable = [
            not (self.filler[i] and not protected[i])
            and not self.mention[i]
            and i not in self.timed
            for i in range(len(words))
        ]
        self.names = self._names(usable)
        named = {i for span in self.names.values() for i in range(span.start, span.end)}
        self.usable = [usable[i] and i not in named for i in range(len(words))]
        self.cue_keys = [
            key for i, key in enumerate(self.keys) if i not in named and not self.mention[i]
        ]
        self.cues = set(self.cue_keys)

    # --- reading the words ---

    def _filler(self) -> list[bool]:
        filler = [key in _FILLER for key in self.keys]
        for phrase in _FILLER_PHRASES:
            size = len(phrase)
            for start in range(len(self.keys) - size + 1):
                if tuple(self.keys[start : start + size]) == phrase:
                    for position in range(start, start + size):
                        filler[position] = True
        # "morning! is the novaseq free" greets; "morning" before a pause at the start.
        first = next((i for i, flag in enumerate(filler) if not flag), None)
        if (
            first is not None
            and first + 1 < len(self.words)
            and self.keys[first] in ("morning", "afternoon", "evening")
            and self.words[first].pause
        ):
            filler[first] = True
        return filler

    def _correct_typos(self) -> None:
        """Fix mistyped time and rule words ("tomorow", "availble") that name nothing."""
        for i, key in enumerate(self.keys):
            if key in _TIME_SPELLINGS:
                self.keys[i] = _TIME_SPELLINGS[key]
                continue
            if len(key) < 4 or not key.isalpha() or key in _KNOWN:
                continue
            if any(self.parts_hits[i]):
                continue
            found = process.extractOne(
                key, _TIME_TYPOS, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE
            )
            if found is None and len(key) >= 5:
                found = process.extractOne(
                    key, _RULE_TYPOS, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE
                )
            if found is not None:
                self.keys[i] = found[0]

    def _exact_names(self) -> list[bool]:
        """Words that spell a whole name, kept out of the time words."""
        protected = [False] * len(self.words)
        if not self.index.full:
            return protected
        for start in range(len(self.words)):
            parts: list[str] = []
            for end in range(start, min(len(self.words), start + self.index.longest)):
                parts.extend(self.words[end].parts)
                if len(parts) > self.index.longest:
                    break
                if len(parts) >= 2 and tuple(parts) in self.index.full:
                    for position in range(start, end + 1):
                        protected[position] = True
        return protected

    def _time(self, protected: list[bool]) -> tuple[When | None, set[int], bool]:
        """The time words wherever they are, as one WHEN; the words used; a bad clock seen."""
        keys = self.keys
        spans: list[tuple[int, int]] = []
        start = 0
        while start < len(keys):
            if protected[start] or self.filler[start] or not _timeish(keys[start]):
                start += 1
                continue
            stop = start
            while (
                stop < len(keys)
                and stop - start < _LONGEST_TIME
                and not protected[stop]
                and not self.filler[stop]
                and _timeish(keys[stop])
            ):
                stop += 1
            spans.extend(_time_spans(keys, start, stop))
            start = stop
        timed = {i for first, last in spans for i in range(first, last)}
        texts = [" ".join(keys[first:last]) for first, last in spans]
        when = parse_when(" ".join(texts)) if texts else None
        if when is None and texts:  # "today or tomorrow": the first one said
            when = parse_when(texts[0])
        bad = any(
            i not in timed and not protected[i] and _unsupported_time(key, keys[i - 1] if i else "")
            for i, key in enumerate(keys)
        )
        return when, timed, bad

    def _names(self, usable: list[bool]) -> dict[_Kind, _Span]:
        """The best run of words for each kind of name in the vocabulary."""
        best: dict[_Kind, _Span] = {}
        if not self.index.kinds:
            return best
        for start in range(len(self.words)):
            if not usable[start]:
                continue
            parts: list[str] = []
            hits: list[dict[int, float]] = []
            for end in range(start, min(len(self.words), start + _LONGEST_NAME)):
                if not usable[end] or not self.words[end].parts:
                    break
                parts.extend(self.words[end].parts)
                hits.extend(self.parts_hits[end])
                for name, score in _span_names(parts, hits, self.index).items():
                    kind = self.index.kinds[name]
                    span = _Span(start, end + 1, score)
                    if kind not in best or _better(span, best[kind]):
                        best[kind] = span
        # Where two kinds claim the same words ("mass spec"), the better match keeps them.
        for kind, span in list(best.items()):
            if any(
                other is not span
                and other.start < span.end
                and span.start < other.end
                and _better(other, span)
                for other in best.values()
            ):
                del best[kind]
        return best

    # --- what the words say ---

    def has(self, *words: str) -> bool:
        return any(word in self.cues for word in words)

    def has_any(self, words: frozenset[str]) -> bool:
        return not self.cues.isdisjoint(words)

    def has_phrase(self, phrase: tuple[str, ...]) -> bool:
        size = len(phrase)
        keys = self.cue_keys
        return any(tuple(keys[i : i + size]) == phrase for i in range(len(keys) - size + 1))

    def near(self, first: str, second: frozenset[str], distance: int = 2) -> bool:
        """`first` followed by one of `second` within `distance` words."""
        keys = self.cue_keys
        return any(
            key == first and any(later in second for later in keys[i + 1 : i + 1 + distance])
            for i, key in enumerate(keys)
        )

    def content(self) -> list[_Word]:
        return [word for word, filler in zip(self.words, self.filler, strict=True) if not filler]

    def phrase_of(self, kind: _Kind) -> str | None:
        span = self.names.get(kind)
        if span is None:
            return None
        return _phrase(self.words[span.start : span.end]) or None

    def when_or_today(self) -> When:
        return self.when if self.when is not None else When()

    # --- the rules, most specific first ---

    def intent(self) -> Intent:
        if all(key in _SOCIAL for key in self.keys):
            return self._social()
        if not self.content():
            return Help()
        rules = (
            self._slash,
            self._channel_digest,
            self._digest,
            self._account,
            self._booking_request,
            self._other_user,
            self._bad_time,
            self._asks_help,
            self._groups,
            self._lab_by_word,
            self._equipment,
            self._named_group_or_lab,
            self._labs,
            self._equipment_list,
            self._named_equipment,
            self._bookings,
            self._help,
            self._missing_equipment,
            self._time_only,
        )
        for rule in rules:
            intent = rule()
            if intent is not None:
                return intent
        return self._unknown()

    def _social(self) -> Intent:
        if any(key in _THANKS_WORDS for key in self.keys):
            return Help(topic=None, suggestion=_WELCOME)
        return Help()

    def _slash(self) -> Intent | None:
        """Text typed the slash way ("bookings tomorrow", "free novaseq friday")."""
        content = self.content()
        if content[0].key not in _SLASH_VERBS:
            return None
        if any(word.key in _NOT_COMMAND for word in content[1:]):
            return None
        if len(content) == 1 and content[0].key in ("link", "login"):
            return Connect()
        intent = parse_command(_phrase(content), command=self.command)
        if isinstance(intent, Unknown) or (isinstance(intent, Help) and intent.suggestion):
            return None
        return intent

    def _channel_digest(self) -> Intent | None:
        """Only the explicit "channel digest on 9:00 Genomics Core" shape sets a channel's."""
        keys = self.keys
        for i in range(len(keys) - 1):
            if {keys[i], keys[i + 1]} == {"channel", "digest"}:
                rest = [word for word in self.words[i + 2 :] if word.key not in _FILLER]
                intent = parse_command(
                    " ".join(["digest", "channel", *(word.raw for word in rest)]),
                    command=self.command,
                )
                if isinstance(intent, Unknown):
                    return Unknown(self.cleaned, intent.suggestion or _channel_usage(self.command))
                return intent
        return None

    def _digest(self) -> Intent | None:
        periodic = self.has_any(_PERIODIC_WORDS)
        if self.keys == ["unsubscribe"]:
            return DigestOff()
        if not (
            self.has_any(_DIGEST_WORDS)
            or (periodic and self.has_any(_SUMMARY_WORDS))
            or (periodic and self.has("send") and self.has("morning", "day"))
        ):
            return None
        if self.has("channel", "channels"):  # a channel's digest only in the explicit shape
            return Help(topic="digest", suggestion=_channel_usage(self.command))
        first = self.content()[0].key
        imperative = self.has_any(_DIGEST_VERBS)
        clock = self._digest_clock()
        if (first in _QUESTION_STARTS or self.has("status")) and not imperative and not clock:
            if self.has("how", "help") and not self.has("is", "status"):
                return Help(topic="digest")
            return DigestStatus()
        if (
            self.has_any(_DIGEST_OFF)
            or self.has_phrase(("no", "more"))
            or self.near("not", frozenset({"send", "want", "need"}))
        ):
            return DigestOff()
        if clock:
            intent = parse_command(f"digest on {clock}", command=self.command)
            if isinstance(intent, Unknown):
                return Unknown(self.cleaned, intent.suggestion)
            return intent
        if self.has_any(_DIGEST_ON):
            return DigestOn(None)
        if self.has("help", "how"):
            return Help(topic="digest")
        return DigestStatus()

    def _digest_clock(self) -> str:
        keys = self.cue_keys
        for i, key in enumerate(keys):
            if _DIGEST_CLOCK.fullmatch(key):
                following = keys[i + 1] if i + 1 < len(keys) else ""
                return key + following if following in ("am", "pm") else key
        return ""

    def _account(self) -> Intent | None:
        """Linking: disconnect, who am I, connect; never when a name was mentioned."""
        if self.names:
            return None
        if (
            self.has_any(_DISCONNECT_WORDS)
            or self.near("log", frozenset({"out"}), 2)
            or self.near("sign", frozenset({"out"}), 2)
            or self.has_phrase(("forget", "me"))
        ):
            return Disconnect()
        if self.has_phrase(("who", "am", "i")) or self.near("am", _LINKED_WORDS, 3):
            return Me()
        asks_which = self.has("which", "what", "who")
        if self.has_any(_ACCOUNT_WORDS) and asks_which and not self.has_any(_CONNECT_WORDS):
            return Me()
        if (
            self.has_any(_CONNECT_WORDS)
            or self.near("log", frozenset({"in", "on"}), 2)
            or self.near("sign", frozenset({"in", "up"}), 2)
            or self.has_phrase(("hook", "up"))
        ):
            return Connect()
        if self.has_any(_ACCOUNT_WORDS) and self.has("my", "me") and self.has_any(_LINKED_WORDS):
            return Me()
        if self.has_phrase(("my", "account")) or self.has_phrase(("my", "profile")):
            return Me()
        return None

    def _booking_request(self) -> Intent | None:
        """The bot cannot book: say so, and show how to find a free slot instead."""
        making = self.has_any(_BOOK_VERBS) or any(
            self.near(verb, frozenset({"booking", "reservation", "bookings"}), 2)
            for verb in ("make", "create", "new", "add")
        )
        cancelling = self.has_any(_CANCEL_VERBS) and self.has_any(_BOOKING_NOUNS)
        if not (making or cancelling):
            return None
        equipment = self.equipment()
        if making and equipment is None and self.has("what", "which"):
            return EquipmentSearch(None)  # "what can I book?"
        when = _said(self.when_or_today())
        if cancelling and not making:
            return Unknown(
                self.cleaned,
                "I can't change or cancel bookings yet; do that in Clustermarket."
                f" To see yours, try: my bookings {when}",
            )
        name = equipment or self._example_equipment()
        return Unknown(
            self.cleaned,
            "I can't make bookings yet; book in Clustermarket. To find a free slot, try:"
            f" is the {name} free {when}? (or `{self.command} free {name} {when}`)",
        )

    def _other_user(self) -> Intent | None:
        if not any(self.mention) or self.equipment() is not None:
            return None
        if self.has_any(_SCHEDULE_WORDS) or self.has_any(_FREE_WORDS):
            return Unknown(
                self.cleaned,
                "I can only show your own bookings. To see who has an instrument, try:"
                f" who has the {self._example_equipment()} {_said(self.when_or_today())}?",
            )
        return None

    def _bad_time(self) -> Intent | None:
        """ "at 25:00", "13pm": say which times are understood rather than guess."""
        if not self.bad_time:
            return None
        name = self.equipment() or self._example_equipment()
        return Unknown(self.cleaned, f"{_TIME_HELP} Try: is the {name} free tomorrow at 3pm?")

    def _groups(self) -> Intent | None:
        """Questions with the word "group": one group's equipment, or the groups of a lab."""
        if not self.has_any(_GROUP_WORDS):
            return None
        if "equipment" in self.names:  # "which group is the NovaSeq in?"
            if self.has_any(_FREE_WORDS) or self.has_any(_SCHEDULE_WORDS):
                return None
            return EquipmentSearch(self.equipment())
        named = self.phrase_of("group")
        if named is not None:
            return GroupDetail(named)
        plural = self.has("groups", "categories")
        lab = self.phrase_of("lab") or (self._lab_phrase() if plural else None)
        if lab is not None:
            return Groups(lab)
        if not plural:
            adjacent = self._group_phrase()
            if adjacent is not None:
                return GroupDetail(adjacent)
        return Groups(None)

    def _lab_by_word(self) -> Intent | None:
        """Without a vocabulary, "what's in the Smith lab": words before "lab" name a lab."""
        if self.names or self.has_any(_FREE_WORDS) or self.has_any(_SCHEDULE_WORDS):
            return None
        for i, key in enumerate(self.keys):
            if key not in ("lab", "facility", "core", "department", "institute") or i == 0:
                continue
            start = i
            while start > 0 and self.usable[start - 1] and _content(self.keys[start - 1]):
                start -= 1
            if start < i:
                end = i + 1
                while end < len(self.words) and self.keys[end] in ("lab", "facility", "core"):
                    end += 1
                return Groups(_phrase(self.words[start:end]))
        return None

    def _equipment(self) -> Intent | None:
        """Questions about one instrument: free, its bookings, or its details."""
        in_use = self.has_phrase(("in", "use"))
        free = (
            self.has_any(_FREE_WORDS - {"use"})
            or self._can_i()
            or (self.has("use") and not self.has("who") and not in_use)
            or (self.has_any(_FIRST_PERSON) and self.has("need", "want"))
            or any(self.near(word, frozenset({"time"}), 1) for word in _SPARE_WORDS)
        )
        schedule = self.has_any(_SCHEDULE_WORDS) or self._what_on() or in_use
        status = self.has("status")
        asking_what = self.has_phrase(("tell", "me")) or self._what_is()
        details = (
            self.has_any(_DETAIL_WORDS)
            or self.has_any(_EQUIPMENT_WORDS)
            or self.has_phrase(("do", "we", "have"))
            or self.has_phrase(("is", "there"))
            or self.has_phrase(("are", "there"))
            or self.has_phrase(("have", "we", "got"))
            or asking_what
        )
        if not (free or schedule or details or status):
            return None
        if asking_what and not (free or schedule or status) and not self._could_be_equipment():
            return None  # "what's the weather like": no instrument by any such name
        equipment = self.equipment()
        if equipment is None:
            return None
        if status and not (free or schedule):
            return Free(equipment, self.when or When(day="now"))
        if free:
            return Free(equipment, self._free_when())
        if schedule:
            return Schedule(equipment, self.when_or_today())
        return EquipmentSearch(equipment)

    def _could_be_equipment(self) -> bool:
        """Whether a details question names an instrument: always, without a vocabulary."""
        return self.index.example is None or "equipment" in self.names

    def _named_group_or_lab(self) -> Intent | None:
        group = self.phrase_of("group")
        if group is not None and "equipment" not in self.names:
            return GroupDetail(group)
        lab = self.phrase_of("lab")
        if lab is not None and "equipment" not in self.names:
            return Groups(lab)
        return None

    def _labs(self) -> Intent | None:
        if (
            self.has_any(_LAB_WORDS - {"core", "cores", "facility"})
            and "equipment" not in self.names
            and not self.has_any(_SCHEDULE_WORDS)
        ):
            return Labs()
        return None

    def _equipment_list(self) -> Intent | None:
        if not self.has_any(_EQUIPMENT_WORDS) and not self.has_phrase(("what", "can", "i", "use")):
            return None
        if self.has_any(_FREE_WORDS - {"use"}) or self.has_any(_SCHEDULE_WORDS):
            return None
        searching = self.has("find", "search", "called", "named", "matching", "like")
        query = self.equipment() if searching else None
        return EquipmentSearch(query)

    def _named_equipment(self) -> Intent | None:
        """A name from the vocabulary: on it if the asker is in the sentence, else a hint."""
        if "equipment" not in self.names:
            return None
        equipment = self.equipment() or ""
        if self.has_any(_FIRST_PERSON):
            return Schedule(equipment, self.when_or_today())
        return self._try_equipment(equipment)

    def _bookings(self) -> Intent | None:
        """The asker's own bookings: "my bookings", "what have I booked", "am I free"."""
        mine = self.has_any(_FIRST_PERSON) and (
            self.has_any(_MY_DAY_WORDS) or self.when is not None
        )
        if not (mine or self.has_any(_BOOKING_NOUNS)):
            return None
        if self.when is None and (self.has("next", "upcoming", "coming") or self._next_free()):
            return Bookings(When(day="this_week"))
        return Bookings(self.when_or_today())

    def _asks_help(self) -> Intent | None:
        """ "help with bookings", "how do I check free slots", "what can you do" — unless an
        instrument is named ("help me find a confocal")."""
        asks = (
            self.has_any(_HELP_WORDS)
            or any(self.has_phrase(phrase) for phrase in _HELP_PHRASES)
            or any(self.has_phrase(("how", verb, "i")) for verb in ("do", "can", "could"))
            or self.has_phrase(("how", "to"))
            or (self.has("how") and self.has("work", "works"))
        )
        if not asks or self.equipment() is not None:
            return None
        return self._help_topic()

    def _help(self) -> Intent | None:
        if self.has("how") and self.has_any(frozenset(_HELP_TOPICS)):
            return self._help_topic()
        return None

    def _help_topic(self) -> Help:
        topics = [_HELP_TOPICS[key] for key in self.cue_keys if key in _HELP_TOPICS]
        return Help(topic=topics[0] if topics else None)

    def _missing_equipment(self) -> Intent | None:
        """Free or booked, but no instrument named: ask which, with an example."""
        when = _said(self.when_or_today())
        example = self._example_equipment()
        if self.has_any(_FREE_WORDS) or self._can_i():
            return Unknown(self.cleaned, f"Which equipment? Try: is the {example} free {when}?")
        if self.has_any(_SCHEDULE_WORDS):
            return Unknown(
                self.cleaned,
                f"Which equipment? Try: what's booked on the {example} {when}?"
                f" For your own bookings: my bookings {when}",
            )
        phrase = self._heuristic_phrase(after_the_only=True)
        if phrase is not None:
            return self._try_equipment(phrase if self._could_be_equipment() else example)
        return None

    def _time_only(self) -> Intent | None:
        if self.when is None or any(
            self.usable[i] and _content(self.keys[i]) for i in range(len(self.words))
        ):
            return None
        when = _said(self.when)
        return Unknown(
            self.cleaned,
            f"Try: my bookings {when} or is the {self._example_equipment()} free {when}?",
        )

    def _unknown(self) -> Intent:
        fallback = parse_command(self.cleaned, command=self.command)
        if not isinstance(fallback, Unknown | Help):
            return fallback
        found = process.extractOne(
            self.cleaned,
            _EXAMPLES,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=_EXAMPLE_SCORE,
        )
        if found is None:
            return Unknown(self.cleaned, f"Try: {_EXAMPLES[0]} or {_EXAMPLES[4]}, or say help")
        return Unknown(self.cleaned, f"Try: {found[0]}")

    # --- pieces of the rules ---

    def equipment(self) -> str | None:
        """The user's words for the instrument: a vocabulary name if one is in the sentence,
        else the noun phrase."""
        return self.phrase_of("equipment") or self._heuristic_phrase()

    def _free_when(self) -> When:
        if self.when is not None:
            return self.when
        if self._next_free() or self.has_phrase(("when", "can", "i")):
            return When(day="now")
        return When()

    def _next_free(self) -> bool:
        keys = self.cue_keys
        for i, key in enumerate(keys):
            if key in _NEXT_WORDS:
                return True
            if key == "next" and any(
                near in _FREE_WORDS or near in ("booking", "bookings", "reservation")
                for near in keys[max(0, i - 2) : i + 3]
            ):
                return True
        return False

    def _can_i(self) -> bool:
        return any(
            self.has_phrase((modal, person, verb))
            for modal in ("can", "could", "may")
            for person in ("i", "we")
            for verb in ("use", "get", "have", "go", "hop", "jump")
        )

    def _what_on(self) -> bool:
        """ "what is on the confocal" ("who is on" has "who")."""
        return self.has_phrase(("what", "is", "on")) or self.has_phrase(("what", "on"))

    def _what_is(self) -> bool:
        keys = [key for key in self.cue_keys if key not in _FILLER]
        return keys[:2] == ["what", "is"] or keys[:2] == ["which", "is"]

    def _heuristic_phrase(self, *, after_the_only: bool = False) -> str | None:
        """Without a vocabulary match: the run of content words after "the" (else after "a",
        "on", "for", …, else the first run), up to a time word, a rule word or a verb."""
        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(self.words):
            if self.usable[i] and _content(self.keys[i]):
                end = i
                while end < len(self.words) and self.usable[end] and _content(self.keys[end]):
                    end += 1
                runs.append((i, end))
                i = end
            else:
                i += 1
        runs = [run for run in runs if self._before(run[0]) not in _POSSESSIVES]
        chosen = next((run for run in runs if self._before(run[0]) == "the"), None)
        if chosen is None and not after_the_only:
            chosen = next((run for run in runs if self._before(run[0]) in _DETERMINERS), None)
            if chosen is None and runs:
                chosen = runs[0]
        if chosen is None:
            return None
        start, end = chosen
        return _phrase(self.words[start : min(end, start + _LONGEST_NAME)]) or None

    def _before(self, position: int) -> str:
        """The key of the nearest non-filler word before `position`."""
        for i in range(position - 1, -1, -1):
            if not self.filler[i]:
                return self.keys[i]
        return ""

    def _lab_phrase(self) -> str | None:
        """ "groups in the Smith Lab": the words after in/of/for/at, "lab" included."""
        for i, key in enumerate(self.keys):
            if key not in ("in", "of", "for", "at", "from"):
                continue
            start = i + 1
            while start < len(self.words) and self.keys[start] in ("the", "a", "my", "our"):
                start += 1
            end = start
            while end < len(self.words) and self.usable[end] and _lab_content(self.keys[end]):
                end += 1
            words = self.words[start:end]
            if words and any(word.key not in _LAB_WORDS for word in words):
                return _phrase(words)
        return None

    def _group_phrase(self) -> str | None:
        """ "the sequencing group", "group Flow Cytometry": the words next to "group"."""
        for i, key in enumerate(self.keys):
            if key not in ("group", "category"):
                continue
            end = i
            start = end
            while start > 0 and self.usable[start - 1] and _content(self.keys[start - 1]):
                start -= 1
            if start < end:
                return _phrase(self.words[start:end])
            stop = i + 1
            while stop < len(self.words) and self.usable[stop] and _content(self.keys[stop]):
                stop += 1
            if stop > i + 1:
                return _phrase(self.words[i + 1 : stop])
        return None

    def _example_equipment(self) -> str:
        return self.index.example or "NovaSeq"

    def _try_equipment(self, name: str) -> Unknown:
        when = _said(self.when_or_today())
        return Unknown(
            self.cleaned,
            f"Try: is the {name} free {when}? or what's booked on the {name} {when}?",
        )


def _said(when: When) -> str:
    """Words for `when` that read back as the same WHEN, for example questions."""
    if when.day != "date" or when.date is None:
        return when.describe()
    words = [when.date.isoformat()]
    if when.part is not None:
        words.append(when.part)
    if when.at is not None and when.until is not None:
        words.append(f"from {when.at:%H:%M} to {when.until:%H:%M}")
    elif when.at is not None:
        words.append(f"at {when.at:%H:%M}")
    return " ".join(words)


def _better(span: _Span, than: _Span) -> bool:
    """More of the name matched wins, then more words, then the earlier mention."""
    return (span.score, span.end - span.start, -span.start) > (
        than.score,
        than.end - than.start,
        -than.start,
    )


def _timeish(key: str) -> bool:
    return (
        key in _TIME_CORE
        or key in _TIME_GLUE
        or bool(_CLOCKISH.fullmatch(key))
        or bool(_DATEISH.fullmatch(key))
    )


def _time_spans(keys: list[str], start: int, stop: int) -> list[tuple[int, int]]:
    """Within a run of time-like words, the longest pieces that read as a WHEN, left to right
    ("on the" alone is no time; "5" of "centrifuge 5" is none either)."""
    spans: list[tuple[int, int]] = []
    first = start
    while first < stop:
        for last in range(stop, first, -1):
            piece = keys[first:last]
            core = any(key not in _TIME_GLUE for key in piece)
            if core and parse_when(" ".join(piece)) is not None:
                spans.append((first, last))
                first = last
                break
        else:
            first += 1
    return spans


def _unsupported_time(key: str, before: str) -> bool:
    """Time words WHEN does not read, better refused than read as today: "25:00", "13pm",
    "march 5", "the 5th", "3/4", "this weekend", "last week"."""
    return bool(
        _WRITTEN_CLOCK.fullmatch(key)
        or _ORDINAL_OR_SLASHED.fullmatch(key)
        or key in _MONTHS
        or key in ("weekend", "fortnight")
        or (key == "week" and before in ("last", "past", "previous"))
    )


def _content(key: str) -> bool:
    """A word that may be part of an equipment's name in a sentence."""
    return (
        key not in _STOP
        and key not in _FILLER
        and key not in _TIME_CORE
        and not _DATEISH.fullmatch(key)
        and not key.startswith("@")
        and any(char.isalnum() for char in key)
        and not _WRITTEN_CLOCK.fullmatch(key)
    )


def _lab_content(key: str) -> bool:
    return key in _LAB_WORDS or _content(key)


def _channel_usage(command: str) -> str:
    return (
        f"Use `{command} digest channel on [HH:MM] LAB` or `{command} digest channel off`,"
        f" e.g. channel digest on 9:00 Genomics Core."
    )
