"""When a name is not enough: "which one did you mean?" and "nothing by that name".

Each choice is a button that asks the same question again with the candidate's id in place of
the name (`match_name` takes an id as an exact match). In a channel there are no buttons, so
each choice shows the command to type instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from bot.questions.codec import encode_intent
from bot.questions.commands import (
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Intent,
    Schedule,
    Unwatch,
    Watch,
)
from bot.questions.intents import (
    BookedHours,
    EquipmentFact,
    NextFree,
    Option,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.matching import Candidate, fold
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import escape, one_line

Kind = Literal["equipment", "group", "lab"]
MAX_CHOICES = 5
_NOUNS: dict[Kind, str] = {"equipment": "instrument", "group": "group", "lab": "lab"}
_LIST_COMMANDS: dict[Kind, str] = {"equipment": "equipment", "group": "groups", "lab": "labs"}


_ABOUT_ONE = (Schedule, Free, NextFree, WhoIsOn, BookedHours, EquipmentFact, Watch, Unwatch)


def renamed(intent: Intent | None, name: str, kind: Kind = "equipment") -> Intent | None:
    """The same question about `name` (an id of a `kind`) instead; None for a question
    naming nothing."""
    if isinstance(intent, EquipmentSearch):
        return EquipmentSearch(name)
    if isinstance(intent, _ABOUT_ONE):
        return replace(intent, equipment=name)
    if isinstance(intent, GroupDetail):
        return GroupDetail(name)
    if isinstance(intent, Groups):
        return Groups(name)
    if isinstance(intent, WhatIsFree) and kind != "equipment":
        return (
            replace(intent, group=name, lab=None) if kind == "group" else replace(intent, lab=name)
        )
    return None


def _choice_blocks(
    candidates: Sequence[Candidate[Any]], ctx: RenderContext, kind: Kind
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for index, candidate in enumerate(candidates[:MAX_CHOICES]):
        name = escape(one_line(candidate.name))
        where = escape(one_line(candidate.context)) if candidate.context else None
        question = renamed(ctx.intent, str(candidate.id), kind)
        accessory = None
        if ctx.private and question is not None:
            accessory = kit.button("Choose", choose_action(index), value=encode_intent(question))
        lines = [f"*{name}*", where or f"ID {candidate.id}"]
        if not ctx.private:
            lines.append(f"`{ctx.command} {_retype(ctx.intent, candidate.id, kind)}`")
        blocks.append(kit.section("\n".join(lines), accessory=accessory))
    return blocks


def _retype(intent: Intent | None, item_id: int, kind: Kind) -> str:
    """The command that asks the question again about one id, for a channel reader to type
    (the slash command's nearest: "next free 4105" is asked as `free 4105`)."""
    if isinstance(intent, Schedule | BookedHours | WhoIsOn):
        when = intent.when.describe() if not isinstance(intent, WhoIsOn) else "today"
        return f"schedule {item_id}" + ("" if when == "today" else f" {when}")
    if isinstance(intent, Free | NextFree):
        when = intent.when.describe()
        return f"free {item_id}" + ("" if when == "today" else f" {when}")
    if isinstance(intent, Watch):
        return f"watch {item_id}"
    if isinstance(intent, GroupDetail) or kind == "group":
        return f"group {item_id}"
    if isinstance(intent, Groups) or kind == "lab":
        return f"groups {item_id}"
    return f"equipment {item_id}"


def choose_reply(
    query: str,
    candidates: Sequence[Candidate[Any]],
    ctx: RenderContext,
    *,
    kind: Kind = "equipment",
) -> Reply:
    """“Which one did you mean?”: up to five candidates, each with its lab (or other context)
    and a button asking the question again about it."""
    shown = one_line(query)
    noun = _NOUNS[kind]
    exact = all(fold(c.name) == fold(query) for c in candidates[:MAX_CHOICES])
    if len(candidates) == 1:  # a guess too unsure to act on: ask before answering
        lead = f"Nothing is called *{escape(shown)}*. Did you mean this {noun}?"
    elif exact:
        lead = f"There's more than one {noun} called *{escape(shown)}*. Which one did you mean?"
    else:
        lead = f"More than one {noun} matches *{escape(shown)}*. Which one did you mean?"
    blocks = [kit.section(f"🤔 {lead}"), *_choice_blocks(candidates, ctx, kind)]
    if len(candidates) > MAX_CHOICES:
        blocks.append(
            kit.context(
                f"Showing the closest {MAX_CHOICES}  ·  a longer name narrows it down, or"
                f" `{ctx.command} {_LIST_COMMANDS[kind]}` lists them all"
            )
        )
    names = "; ".join(
        one_line(c.name) + (f" ({one_line(c.context)})" if c.context else "")
        for c in candidates[:MAX_CHOICES]
    )
    question = (
        f"Did you mean {names}?" if len(candidates) == 1 else f"Which {noun} did you mean: {names}?"
    )
    return simple(ctx, question, blocks)


def not_found_reply(
    query: str,
    suggestions: Sequence[Candidate[Any]],
    ctx: RenderContext,
    *,
    kind: Kind = "equipment",
) -> Reply:
    """Nothing is called `query`; the nearest names, if any, as choices."""
    shown = one_line(query)
    noun = "equipment" if kind == "equipment" else _NOUNS[kind]
    lead = f"🔍 I couldn't find any {noun} called *{escape(shown)}* that you can see."
    blocks = [kit.section(lead)]
    if suggestions:
        blocks.append(kit.section("Did you mean one of these?"))
        blocks.extend(_choice_blocks(suggestions, ctx, kind))
    blocks.append(
        kit.context(f"`{ctx.command} {_LIST_COMMANDS[kind]}` lists everything you can see.")
    )
    text = f"No {noun} called “{shown}”."
    if suggestions:
        text += " Did you mean " + " or ".join(one_line(c.name) for c in suggestions[:3]) + "?"
    return simple(ctx, text, blocks)


def options_reply(
    lead: str, options: Sequence[Option], ctx: RenderContext, *, footer: str | None = None
) -> Reply:
    """A question back whose answers are buttons, each asking its own question ("4 Dec" or
    "12 Apr"; the two closest questions to words the bot could not place). `lead` is plain
    words; a channel reader, who has no buttons, sees the options as words."""
    blocks: list[dict[str, Any]] = [kit.section(f"🤔 {escape(lead)}")]
    shown = options[:MAX_CHOICES]
    if ctx.private and shown:
        blocks.append(
            kit.actions(
                [
                    kit.button(
                        one_line(option.label),
                        choose_action(index),
                        value=encode_intent(option.intent),
                    )
                    for index, option in enumerate(shown)
                ]
            )
        )
    elif shown:
        blocks.append(kit.section("\n".join(f"•  {escape(one_line(o.label))}" for o in shown)))
    if footer:
        blocks.append(kit.context(footer))
    labels = " or ".join(f"“{one_line(option.label)}”" for option in shown)
    text = f"{lead} {labels}".strip() if labels else lead
    return simple(ctx, text, blocks)
