"""A Slack message to the words a person sees, and each word in the forms the rules need.

Cleaning undoes Slack's markup (mentions, links, emoji, entities); splitting keeps each word
as typed, without a possessive, and folded to a lower-case accent-free key, with contractions
("what's", "isn't") spelt out so that rules see "what is", "is not".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.questions.matching import fold

LONGEST_READ = 300  # words of one message; the first and last halves of a longer one


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


# --- words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of a message, in the forms the rules need."""

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


def split_words(text: str) -> list[Word]:
    pieces = text.split()
    while pieces and pieces[0].startswith("/"):  # "/cm free novaseq" pasted into a DM
        pieces.pop(0)
    words: list[Word] = []
    for piece in pieces:
        raw = piece.strip(_EDGE)
        if not raw or "://" in raw or raw.casefold().startswith("www."):
            continue
        pause = piece[-1] in _PAUSES
        key = key_of(raw)
        if key in _CONTRACTIONS:
            expanded = _CONTRACTIONS[key]
            words.extend(Word(w, w, w, (w,), False) for w in expanded[:-1])
            words.append(Word(expanded[-1], expanded[-1], expanded[-1], (expanded[-1],), pause))
        elif key.endswith("n't") and len(key) > 3:
            stem = key[:-3]
            words.append(Word(stem, stem, stem, tuple(fold(stem).split()), False))
            words.append(Word("not", "not", "not", ("not",), pause))
        elif len(raw) > 2 and raw[-2:] in ("'s", "'S"):
            base = raw[:-2]
            words.append(Word(raw, base, key_of(base), tuple(fold(base).split()), pause))
        else:
            words.append(Word(raw, raw, key, tuple(fold(raw).split()), pause))
    if len(words) > LONGEST_READ:  # a pasted log: the question is at one end or the other
        half = LONGEST_READ // 2
        words = words[:half] + words[-half:]
    return words


def key_of(raw: str) -> str:
    text = unicodedata.normalize("NFKD", raw.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char)).translate(_DASHES)
    text = text.replace("a.m", "am").replace("p.m", "pm")
    dotted = _DOTTED_CLOCK.fullmatch(text)
    if dotted:  # "7.30" and "7.30pm" are clock times
        text = f"{dotted.group(1)}:{dotted.group(2)}{dotted.group(3) or ''}"
    return text.rstrip(".")


def phrase(words: Sequence[Word]) -> str:
    """The user's own words for a name: as typed, without a trailing possessive."""
    if not words:
        return ""
    return " ".join([*(word.raw for word in words[:-1]), words[-1].base]).strip("\"'`")
