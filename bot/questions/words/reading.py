"""One question read once: its words, the names and times in it, and what its other words say.

`Reading` is what the rules (`rules.py`) and the kinds of question (`kinds.py`) look at: the
names from the vocabulary, the WHEN, and cue words such as "free" or "my" with the named words
left out. It holds no rule itself, so a rule is a small function of a reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

from bot.questions.intents import Intent
from bot.questions.timewords import SPELLINGS, WEEKDAY_WORDS, WORDS, DateChoice, DateOrder
from bot.questions.when import When
from bot.questions.words.lexicon import (
    DETERMINERS,
    FILLER,
    FILLER_PHRASES,
    KNOWN,
    LAB_WORDS,
    POSSESSIVES,
    RULE_TYPOS,
    STOP,
)
from bot.questions.words.names import Index, NameKind, Span, better, part_hits, span_names
from bot.questions.words.text import Word, phrase
from bot.questions.words.times import find_time

LONGEST_NAME = 6  # words of a name found in a sentence
_TYPO_SCORE = 85.0
_DATEISH = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_WRITTEN_CLOCK = re.compile(r"[0-9]{1,3}(?::[0-9]{1,3}(?:am|pm)?|am|pm)")
_DAY_WORDS = frozenset(WEEKDAY_WORDS) | {
    "now", "today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening",
    "night", "noon", "midday", "week", "weekend",
}  # fmt: skip
# Words worth correcting when mistyped ("tomorow", "wensday").
_TIME_TYPOS = (
    "today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend",
)  # fmt: skip


class Reading:
    """One question's words, what they name and when, as the rules need them.

    `subject` is an instrument to fall back on when the question names none ("is it free at
    4?" in a thread about the NovaSeq); `reask` reads an example question with the same names,
    for suggestions that can be offered as buttons.
    """

    def __init__(
        self,
        cleaned: str,
        words: list[Word],
        index: Index,
        command: str,
        date_order: DateOrder | None = None,
        subject: str | None = None,
        reask: Callable[[str], Intent] | None = None,
    ) -> None:
        self.cleaned = cleaned
        self.words = words
        self.index = index
        self.command = command
        self.date_order = date_order
        self.subject = subject
        self.reask = reask
        self.keys = [word.key for word in words]
        self.filler = self._filler()
        self.mention = [word.key.startswith("@") for word in words]
        known: dict[str, dict[int, float]] = {}
        for part in {part for word in words for part in word.parts}:
            known[part] = part_hits(part, index)
        self.parts_hits = [[known[part] for part in word.parts] for word in words]
        self._correct_typos()
        protected = self._exact_names()
        skip = [protected[i] or self.filler[i] for i in range(len(words))]
        found = find_time(self.keys, skip, date_order)
        self.when: When | None = found.when
        self.choice: DateChoice | None = found.choice
        self.minutes = found.minutes
        self.bad_time = found.bad
        usable = [
            not (self.filler[i] and not protected[i])
            and not self.mention[i]
            and i not in found.used
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
        filler = [key in FILLER for key in self.keys]
        for words in FILLER_PHRASES:
            size = len(words)
            for start in range(len(self.keys) - size + 1):
                if tuple(self.keys[start : start + size]) == words:
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
            if key in SPELLINGS:
                self.keys[i] = SPELLINGS[key]
                continue
            if len(key) < 4 or not key.isalpha() or key in KNOWN or key in WORDS:
                continue
            if any(self.parts_hits[i]):
                continue
            found = process.extractOne(
                key, _TIME_TYPOS, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE
            )
            if found is None and len(key) >= 5:
                found = process.extractOne(
                    key, RULE_TYPOS, scorer=fuzz.ratio, score_cutoff=_TYPO_SCORE
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

    def _names(self, usable: list[bool]) -> dict[NameKind, Span]:
        """The best run of words for each kind of name in the vocabulary."""
        best: dict[NameKind, Span] = {}
        if not self.index.kinds:
            return best
        for start in range(len(self.words)):
            if not usable[start]:
                continue
            parts: list[str] = []
            hits: list[dict[int, float]] = []
            for end in range(start, min(len(self.words), start + LONGEST_NAME)):
                if not usable[end] or not self.words[end].parts:
                    break
                parts.extend(self.words[end].parts)
                hits.extend(self.parts_hits[end])
                for name, score in span_names(parts, hits, self.index).items():
                    kind = self.index.kinds[name]
                    span = Span(start, end + 1, score)
                    if kind not in best or better(span, best[kind]):
                        best[kind] = span
        # Where two kinds claim the same words ("mass spec"), the better match keeps them.
        for kind, span in list(best.items()):
            if any(
                other is not span
                and other.start < span.end
                and span.start < other.end
                and better(other, span)
                for other in best.values()
            ):
                del best[kind]
        return best

    # --- what the words say ---

    def has(self, *words: str) -> bool:
        return any(word in self.cues for word in words)

    def has_any(self, words: frozenset[str]) -> bool:
        return not self.cues.isdisjoint(words)

    def has_phrase(self, words: tuple[str, ...]) -> bool:
        size = len(words)
        keys = self.cue_keys
        return any(tuple(keys[i : i + size]) == words for i in range(len(keys) - size + 1))

    def near(self, first: str, second: frozenset[str], distance: int = 2) -> bool:
        """`first` followed by one of `second` within `distance` words."""
        keys = self.cue_keys
        return any(
            key == first and any(later in second for later in keys[i + 1 : i + 1 + distance])
            for i, key in enumerate(keys)
        )

    def content(self) -> list[Word]:
        return [word for word, filler in zip(self.words, self.filler, strict=True) if not filler]

    def phrase_of(self, kind: NameKind) -> str | None:
        span = self.names.get(kind)
        if span is None:
            return None
        return phrase(self.words[span.start : span.end]) or None

    def when_or_today(self) -> When:
        return self.when if self.when is not None else When()

    def equipment(self, *, ignoring: frozenset[str] = frozenset()) -> str | None:
        """The user's words for the instrument: a vocabulary name if one is in the sentence,
        else the noun phrase (leaving out the `ignoring` words), else the thread's subject."""
        return (
            self.phrase_of("equipment") or self.heuristic_phrase(ignoring=ignoring) or self.subject
        )

    def example_equipment(self) -> str:
        return self.index.example or "NovaSeq"

    def could_be_equipment(self) -> bool:
        """Whether a details question names an instrument: always, without a vocabulary."""
        return self.index.example is None or "equipment" in self.names

    def heuristic_phrase(
        self, *, after_the_only: bool = False, ignoring: frozenset[str] = frozenset()
    ) -> str | None:
        """Without a vocabulary match: the run of content words after "the" (else after "a",
        "on", "for", …, else the first run), up to a time word, a rule word or a verb."""
        span = self.heuristic_span(after_the_only=after_the_only, ignoring=ignoring)
        if span is None:
            return None
        start, end = span
        return phrase(self.words[start:end]) or None

    def heuristic_span(
        self, *, after_the_only: bool = False, ignoring: frozenset[str] = frozenset()
    ) -> tuple[int, int] | None:
        """Where `heuristic_phrase` is: [start, end) word positions."""

        def content_at(i: int) -> bool:
            return self.usable[i] and is_content(self.keys[i]) and self.keys[i] not in ignoring

        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(self.words):
            if content_at(i):
                end = i
                while end < len(self.words) and content_at(end):
                    end += 1
                runs.append((i, end))
                i = end
            else:
                i += 1
        runs = [run for run in runs if self.before(run[0]) not in POSSESSIVES]
        chosen = next((run for run in runs if self.before(run[0]) == "the"), None)
        if chosen is None and not after_the_only:
            chosen = next((run for run in runs if self.before(run[0]) in DETERMINERS), None)
            if chosen is None and runs:
                chosen = runs[0]
        if chosen is None:
            return None
        start, end = chosen
        return start, min(end, start + LONGEST_NAME)

    def before(self, position: int) -> str:
        """The key of the nearest non-filler word before `position`."""
        for i in range(position - 1, -1, -1):
            if not self.filler[i]:
                return self.keys[i]
        return ""

    def lab_phrase(self) -> str | None:
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
            if words and any(word.key not in LAB_WORDS for word in words):
                return phrase(words)
        return None

    def group_phrase(self) -> str | None:
        """ "the sequencing group", "group Flow Cytometry": the words next to "group"."""
        for i, key in enumerate(self.keys):
            if key not in ("group", "category"):
                continue
            start = i
            while start > 0 and self.usable[start - 1] and is_content(self.keys[start - 1]):
                start -= 1
            if start < i:
                return phrase(self.words[start:i])
            stop = i + 1
            while stop < len(self.words) and self.usable[stop] and is_content(self.keys[stop]):
                stop += 1
            if stop > i + 1:
                return phrase(self.words[i + 1 : stop])
        return None

    def lab_before_word(self) -> str | None:
        """Without a vocabulary, "what's in the Smith lab": the words before "lab" name it."""
        for i, key in enumerate(self.keys):
            if key not in ("lab", "facility", "core", "department", "institute") or i == 0:
                continue
            start = i
            while start > 0 and self.usable[start - 1] and is_content(self.keys[start - 1]):
                start -= 1
            if start < i:
                end = i + 1
                while end < len(self.words) and self.keys[end] in ("lab", "facility", "core"):
                    end += 1
                return phrase(self.words[start:end])
        return None

    def any_content(self) -> bool:
        """Whether any word is left that could name something."""
        return any(self.usable[i] and is_content(self.keys[i]) for i in range(len(self.words)))


def is_content(key: str) -> bool:
    """A word that may be part of an equipment's name in a sentence."""
    return (
        key not in STOP
        and key not in FILLER
        and key not in _DAY_WORDS
        and not _DATEISH.fullmatch(key)
        and not key.startswith("@")
        and any(char.isalnum() for char in key)
        and not _WRITTEN_CLOCK.fullmatch(key)
    )


def _lab_content(key: str) -> bool:
    return key in LAB_WORDS or is_content(key)


def cue_match(keys: Sequence[str], cue: tuple[str, ...]) -> bool:
    """Whether `cue` appears in `keys` in order; "…" in a cue skips up to three words
    ("when will … be free" fits "when will the NovaSeq be free")."""
    return _cue_from(keys, cue, 0, anchored=False)


def _cue_from(keys: Sequence[str], cue: tuple[str, ...], start: int, *, anchored: bool) -> bool:
    if not cue:
        return True
    head, rest = cue[0], cue[1:]
    if head == "…":
        return any(
            _cue_from(keys, rest, start + skip, anchored=True)
            for skip in range(0, 4)
            if start + skip <= len(keys)
        )
    positions = [start] if anchored else range(start, len(keys))
    return any(
        position < len(keys)
        and keys[position] == head
        and _cue_from(keys, rest, position + 1, anchored=True)
        for position in positions
    )
