"""Forgiving name matching: "confocl", "nova seq", "Zoë" and "#42" all find the equipment.

The rule of thumb is never to pick silently when a human could not either: an exact name shared
by two labs is ambiguous, and a fuzzy guess is only taken when it is both good and clearly better
than the next one. Everything else comes back as choices or suggestions for the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from rapidfuzz import fuzz

T = TypeVar("T")

MatchKind = Literal["exact", "one", "ambiguous", "none"]

# Fuzzy scores are 0-100. A guess is taken alone only when it is good and clearly ahead.
CLEAR_SCORE = 85.0
CLEAR_MARGIN = 8.0
CLOSE_SCORE = 65.0  # worth offering as a choice
CLOSE_SPREAD = 10.0  # offered together with the best when at most this far behind it
SUGGEST_SCORE = 40.0  # worth mentioning under "nothing matched"

_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", bare).strip()


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """Something a user may name: its id, its name, where it lives (e.g. the lab) and the item."""

    id: int
    name: str
    context: str | None
    item: T


@dataclass(frozen=True)
class Match(Generic[T]):
    """The outcome of matching one query.

    exact: the id or the whole name (chosen has one candidate); one: a single candidate matched
    partly or by a clear fuzzy guess; ambiguous: the user must choose among `chosen`, best first
    (a lone fuzzy guess that is not clear enough comes back this way, to be confirmed); none:
    nothing matched, `suggestions` are the nearest names, best first (possibly empty).
    """

    kind: MatchKind
    chosen: list[Candidate[T]] = field(default_factory=list)
    suggestions: list[Candidate[T]] = field(default_factory=list)


def match_name(query: str, candidates: Sequence[Candidate[T]], *, limit: int = 5) -> Match[T]:
    """Find what `query` names among `candidates` (see the module docstring for the rules)."""
    limit = max(limit, 1)
    folded = fold(query)
    if not folded or not candidates:
        return Match("none")

    by_id = _by_id(query, candidates)
    if by_id is not None:
        return Match("exact", [by_id])

    exact = [c for c in candidates if fold(c.name) == folded]
    if not exact:
        exact = [c for c in candidates if c.context and fold(f"{c.name} {c.context}") == folded]
    if len(exact) == 1:
        return Match("exact", exact)
    if exact:
        return Match("ambiguous", exact[:limit])

    words = folded.split()
    containing = [c for c in candidates if _contains(words, fold(c.name).split())]
    if not containing:
        containing = [
            c for c in candidates if _contains(words, fold(f"{c.name} {c.context or ''}").split())
        ]
    if len(containing) == 1:
        return Match("one", containing)
    if containing:
        containing.sort(key=lambda c: -_score(folded, fold(c.name)))
        return Match("ambiguous", containing[:limit])

    return _fuzzy(folded, candidates, limit)


def _by_id(query: str, candidates: Sequence[Candidate[T]]) -> Candidate[T] | None:
    text = query.strip().lstrip("#").strip()
    if not text.isascii() or not text.isdigit():
        return None
    wanted = int(text)
    return next((c for c in candidates if c.id == wanted), None)


def _contains(query_words: list[str], name_words: list[str]) -> bool:
    """Every query word starts a name word ("conf sp8"), or the query with its spaces removed
    starts at a word of the name with its spaces removed ("nova seq" in "Illumina NovaSeq")."""
    if not query_words or not name_words:
        return False
    if all(any(word.startswith(part) for word in name_words) for part in query_words):
        return True
    joined = "".join(query_words)
    return len(joined) >= 3 and any(
        "".join(name_words[index:]).startswith(joined) for index in range(len(name_words))
    )


def _score(query: str, name: str) -> float:
    """The best of whole-string and word-aligned similarity, so one typo in one word of a long
    name ("confocl" for "Leica SP8 Confocal") still scores high. Plain and token ratios rather
    than WRatio: its partial matching over-rates short fragments ("seq", "99") against long names.
    """
    name_words = name.split()
    query_words = query.split()
    if not name_words or not query_words:
        return 0.0
    whole = max(
        fuzz.ratio(query, name),
        fuzz.token_sort_ratio(query, name),
        fuzz.token_set_ratio(query, name),
    )
    per_word = sum(
        max(fuzz.ratio(part, word) for word in name_words) for part in query_words
    ) / len(query_words)
    joined = "".join(query_words)
    window = max(
        fuzz.ratio(joined, "".join(name_words[start : start + size]))
        for start in range(len(name_words))
        for size in range(1, min(len(query_words) + 1, len(name_words) - start) + 1)
    )
    return float(max(whole, per_word, window))


def _fuzzy(folded: str, candidates: Sequence[Candidate[T]], limit: int) -> Match[T]:
    scored = sorted(
        ((_score(folded, fold(c.name)), index, c) for index, c in enumerate(candidates)),
        key=lambda entry: (-entry[0], entry[1]),
    )
    best = scored[0][0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best >= CLEAR_SCORE and best - runner_up >= CLEAR_MARGIN:
        return Match("one", [scored[0][2]])
    close = [c for score, _, c in scored if score >= CLOSE_SCORE and best - score <= CLOSE_SPREAD]
    if close:
        return Match("ambiguous", close[:limit])
    return Match("none", [], [c for score, _, c in scored[:limit] if score >= SUGGEST_SCORE])
