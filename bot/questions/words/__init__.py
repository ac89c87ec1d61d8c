"""Questions asked in words, in a DM or a mention, to the intents the slash command uses.

"is the NovaSeq free tomorrow afternoon?" becomes `Free("NovaSeq", When("tomorrow",
part="afternoon"))`, exactly what `/cm free NovaSeq tomorrow afternoon` gives, so both are
answered by the same code. The parser is a set of plain rules over the words: no network, no
language model, the same answer every time, and an `Unknown` with the two closest questions it
can answer when no rule fits.

The pieces, each with its own tests: `text` (Slack markup to words), `names` (the vocabulary's
names inside a sentence), `times` (the time words inside a sentence, read by
`bot.questions.timewords`), `reading` (one question read once), `kinds` (a table of kinds of
question and their phrasings), `rules` and `requests` (the older rules, most specific first),
`teach` (suggestions built from the user's words).

Names are not resolved here. The intent carries the user's own words for the equipment, group or
lab ("novaseq", "nova seq", "confocl"); the answerer matches them with `match_name` and asks back
when they are ambiguous, as for slash commands. The names the user can see (`Vocabulary`) only
help to find where a name starts and ends inside a sentence; without them the noun phrase after
"the" stands in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from bot.questions.intents import Clarify, Help, Intent, Option, Unknown
from bot.questions.timewords import DateOrder
from bot.questions.usage import DEFAULT_COMMAND
from bot.questions.words import kinds, requests, rules
from bot.questions.words.lexicon import SOCIAL
from bot.questions.words.names import NO_VOCABULARY, Vocabulary, index_of
from bot.questions.words.reading import Reading
from bot.questions.words.teach import closest
from bot.questions.words.text import clean_message, split_words

__all__ = [
    "NO_VOCABULARY",
    "Reading",
    "Vocabulary",
    "ask_which_date",
    "clean_message",
    "intent_of",
    "parse_question",
    "read",
]

Rule = Callable[[Reading], Intent | None]

# The rules, most specific first: the first that gives an intent decides.
RULES: tuple[Rule, ...] = (
    requests.slash,
    requests.channel_digest,
    requests.digest,
    requests.reminders,
    requests.watches,
    requests.account,
    requests.booking_request,
    rules.other_user,
    rules.bad_time,
    kinds.kind_of,
    requests.asks_help,
    rules.groups,
    rules.lab_by_word,
    rules.equipment,
    rules.named_group_or_lab,
    rules.labs,
    rules.equipment_list,
    rules.named_equipment,
    rules.bookings,
    requests.how_help,
    rules.anything_free,
    rules.missing_equipment,
    rules.time_only,
)


def parse_question(
    text: str,
    vocabulary: Vocabulary = NO_VOCABULARY,
    *,
    command: str = DEFAULT_COMMAND,
    date_order: DateOrder | None = None,
) -> Intent:
    """The intent of a question asked in words (raw Slack text or already cleaned); never raises.

    `vocabulary` holds the names the user can see; `command` is the slash command, used only in
    suggestions; `date_order` is the lab's way of writing "4/12" (None: ask when it matters).
    Whatever cannot be placed is `Unknown` with the questions closest to it.
    """
    return intent_of(read(text, vocabulary, command=command, date_order=date_order))


def read(
    text: str,
    vocabulary: Vocabulary = NO_VOCABULARY,
    *,
    command: str = DEFAULT_COMMAND,
    date_order: DateOrder | None = None,
    subject: str | None = None,
) -> Reading:
    """The question read once, for `intent_of` (and for follow-ups, which look at its parts).
    `subject` is the instrument "it" stands for."""
    cleaned = clean_message(text)

    def reask(example: str) -> Intent:
        """An example question read with the same names, never suggesting further."""
        again = Reading(example, split_words(example), index_of(vocabulary), command, date_order)
        return _decide(again) or Unknown(example, None)

    return Reading(
        cleaned,
        split_words(cleaned),
        index_of(vocabulary),
        command,
        date_order,
        subject=subject,
        reask=reask,
    )


def intent_of(r: Reading) -> Intent:
    """The intent of a reading: the rules' answer, a question back when a date reads two ways,
    or the closest questions when no rule fits."""
    if r.choice is not None and r.when is None:
        otherwise = Unknown(r.cleaned, r.choice.question())
        return ask_which_date(r, intent_of, text=r.cleaned, otherwise=otherwise)
    intent = _decide(r)
    if intent is None:
        return closest(r) if r.reask is not None else Unknown(r.cleaned, None)
    return intent


def _decide(r: Reading) -> Intent | None:
    if all(key in SOCIAL for key in r.keys):
        return requests.social(r)
    if not r.content():
        return Help()
    for rule in RULES:
        intent = rule(r)
        if intent is not None:
            return intent
    return None


def ask_which_date(
    r: Reading, answer: Callable[[Reading], Intent], *, text: str, otherwise: Intent
) -> Intent:
    """For a date that reads two ways ("4/12"), the question back with the `answer` for each
    reading as an option; `otherwise` when neither reading gives an answer."""
    assert r.choice is not None
    options: list[Option] = []
    for when in r.choice.readings:
        each = copy.copy(r)
        each.when, each.choice = when, None
        intent = answer(each)
        if not isinstance(intent, Unknown):
            options.append(Option(when.describe(), intent))
    if not options:
        return otherwise
    return Clarify(text, r.choice.question(), tuple(options))
