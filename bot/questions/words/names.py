"""Names the user can see, found inside a sentence: equipment, groups and labs.

The vocabulary's names are indexed by folded word, by prefix and by typo, so "nova seq",
"confocl" and "the zoe spectrophotometer" find their names; each run of words in the sentence
gets a score per name, and the best run of each kind wins.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from bot.questions.matching import fold
from bot.questions.words.lexicon import COMMON, STOP

_TYPO_SCORE = 85.0
_JOINED_TYPO_SCORE = 88.0


@dataclass(frozen=True)
class Vocabulary:
    """Names this user can see, so the parser can find them inside a sentence."""

    equipment: Sequence[str] = ()
    groups: Sequence[str] = ()
    labs: Sequence[str] = ()


NO_VOCABULARY = Vocabulary()


NameKind = Literal["equipment", "group", "lab"]


@dataclass(frozen=True)
class Index:
    """The vocabulary's names as folded words, looked up by word, by prefix and by typo."""

    kinds: tuple[NameKind, ...]  # of each name
    full: dict[tuple[str, ...], frozenset[int]]  # the whole name's words -> names
    by_token: dict[str, frozenset[int]]  # one word of a name -> names
    tokens: tuple[str, ...]  # every word of every name, sorted
    joined: dict[str, frozenset[int]]  # up to 4 consecutive words run together -> names
    joined_keys: tuple[str, ...]
    longest: int  # words in the longest name
    example: str | None  # the first equipment's name, for example questions
    equipment: tuple[str, ...]  # the equipment's names as written, for suggestions
    groups: tuple[str, ...]  # the groups' names as written


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    score: float


def index_of(vocabulary: Vocabulary) -> Index:
    return build_index(
        tuple(str(name) for name in vocabulary.equipment),
        tuple(str(name) for name in vocabulary.groups),
        tuple(str(name) for name in vocabulary.labs),
    )


@lru_cache(maxsize=64)
def build_index(
    equipment: tuple[str, ...], groups: tuple[str, ...], labs: tuple[str, ...]
) -> Index:
    kinds: list[NameKind] = []
    full: dict[tuple[str, ...], set[int]] = {}
    by_token: dict[str, set[int]] = {}
    joined: dict[str, set[int]] = {}
    longest = 0
    named: list[tuple[NameKind, str]] = [
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
    return Index(
        kinds=tuple(kinds),
        full={tokens: frozenset(names) for tokens, names in full.items()},
        by_token={token: frozenset(names) for token, names in by_token.items()},
        tokens=tuple(sorted(by_token)),
        joined={text: frozenset(names) for text, names in joined.items()},
        joined_keys=tuple(sorted(joined)),
        longest=longest,
        example=next((name.strip() for name in equipment if fold(name)), None),
        equipment=tuple(name.strip() for name in equipment if fold(name)),
        groups=tuple(name.strip() for name in groups if fold(name)),
    )


def distinctive(part: str) -> bool:
    """Whether a word can point at a name on its own: not a common word, and not a short
    number (a clock time, a count)."""
    if part in STOP or part in COMMON:
        return False
    if part.isdigit():
        return len(part) >= 3
    return len(part) >= 2 and any(char.isalpha() for char in part)


def part_hits(part: str, index: Index) -> dict[int, float]:
    """The names one folded word may belong to, each with how well it fits (1.0 exactly)."""
    hits: dict[int, float] = {}

    def add(token: str, quality: float) -> None:
        for name in index.by_token.get(token, ()):
            hits[name] = max(hits.get(name, 0.0), quality)

    add(part, 1.0)
    if not distinctive(part) or not index.tokens:
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


def span_names(parts: list[str], hits: list[dict[int, float]], index: Index) -> dict[int, float]:
    """The names a run of words may be, each with a score (more words matched, higher)."""
    scores: dict[int, float] = {}
    if len(parts) >= 2 or parts[0] not in STOP:
        for name in index.full.get(tuple(parts), ()):
            scores[name] = len(parts) + 1.0
    if any(distinctive(part) for part in parts):
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
        if len(parts) <= 4 and len(joined) >= 6 and not any(part in STOP for part in parts):
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


def better(span: Span, than: Span) -> bool:
    """More of the name matched wins, then more words, then the earlier mention."""
    return (span.score, span.end - span.start, -span.start) > (
        than.score,
        than.end - than.start,
        -than.start,
    )
