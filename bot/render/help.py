"""What the bot can do: the command list with examples, one command in detail, and input it
did not understand (its suggestion first, kindly)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.questions.commands import USAGE, WHEN_WORDS
from bot.questions.intents import DEFAULT_REMIND_MINUTES, Option
from bot.render import kit
from bot.render.choices import options_reply
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import escape, one_line

UNKNOWN_ECHO = 200  # characters of the user's text repeated back


@dataclass(frozen=True)
class _Topic:
    summary: str
    examples: tuple[str, ...]


TOPICS: dict[str, _Topic] = {
    "bookings": _Topic(
        "Your own bookings", ("bookings", "bookings tomorrow", "bookings next week")
    ),
    "schedule": _Topic(
        "Everything booked on one instrument",
        ("schedule NanoDrop", 'schedule "Zeiss LSM 980" friday'),
    ),
    "free": _Topic(
        "Whether an instrument is free now, and its free slots",
        ("free NovaSeq", "free NovaSeq tomorrow afternoon"),
    ),
    "equipment": _Topic(
        "The equipment you can see; a name or id gives its details",
        ("equipment", "equipment centrifuge", "equipment 4105"),
    ),
    "groups": _Topic("Equipment groups, and the equipment in one", ("groups", "group Sample QC")),
    "labs": _Topic("The organisations, departments and labs you can see", ("labs",)),
    "me": _Topic("Who you are in Clustermarket", ("me",)),
    "digest": _Topic(
        "A daily summary of your bookings by DM, or of a lab's bookings in a channel",
        ("digest on 08:30", "digest off", "digest channel on 08:00 Genomics Core Facility"),
    ),
    "remind": _Topic(
        f"A DM that many minutes (default {DEFAULT_REMIND_MINUTES}) before each of your"
        " bookings starts",
        ("remind", "remind on 30", "remind off"),
    ),
    "watch": _Topic(
        "Posts in this channel when an instrument's availability changes or a slot opens today",
        ("watch", "unwatch NovaSeq", "watch NovaSeq"),
    ),
    "connect": _Topic("Link your Clustermarket account to Slack", ("connect",)),
    "disconnect": _Topic("Unlink it; the bot forgets your tokens", ("disconnect",)),
}
_SECTIONS = (
    ("📅 Bookings and free time", ("bookings", "schedule", "free")),
    ("🔬 Equipment and labs", ("equipment", "groups", "labs", "me")),
    (
        "⚙️ Digests, reminders and your account",
        ("digest", "remind", "watch", "connect", "disconnect"),
    ),
)


def _line(command: str, topic: str) -> str:
    info = TOPICS[topic]
    usage = USAGE[topic].split(" | ")[0]
    example = info.examples[-1]
    shown = "" if example == usage else f", e.g. `{command} {example}`"
    return f"`{command} {usage}` — {info.summary}{shown}"


def help_reply(
    ctx: RenderContext,
    *,
    topic: str | None = None,
    suggestion: str | None = None,
    unknown: str | None = None,
) -> Reply:
    """The help text; `topic` narrows it to one command, `suggestion` (a hint in mrkdwn, as
    the parser words it) and `unknown` (what the user typed) come first."""
    command = ctx.command
    blocks: list[dict[str, Any]] = []
    said: list[str] = []  # plain; escaped for the blocks, and by `simple` for the text
    if unknown is not None and unknown.strip():
        said.append(f"🤔 I didn't catch “{one_line(unknown)[:UNKNOWN_ECHO]}”.")
    if suggestion:
        said.append(f"💡 {suggestion}")
    lead = [escape(line) for line in said]
    if topic in TOPICS:
        blocks.append(kit.header(f"{command} {topic}"))
        if lead:
            blocks.append(kit.section("\n".join(lead)))
        info = TOPICS[topic]
        usages = "\n".join(f"`{command} {usage}`" for usage in USAGE[topic].split(" | "))
        blocks.append(kit.section(f"{usages}\n{info.summary}."))
        examples = "\n".join(f"•  `{command} {example}`" for example in info.examples)
        blocks.append(kit.section(f"*Examples*\n{examples}"))
        if "WHEN" in USAGE[topic]:
            blocks.append(kit.context(f"WHEN is {escape(WHEN_WORDS)}."))
        blocks.append(kit.context(f"`{command} help` lists every command."))
        text = f"{command} {USAGE[topic]}: {info.summary}."
    else:
        blocks.append(kit.header("👋 Clustermarket in Slack"))
        if lead:
            blocks.append(kit.section("\n".join(lead)))
        blocks.append(
            kit.section(
                "Ask about lab equipment and bookings without leaving Slack. Answers are"
                " visible only to you until you share them."
            )
        )
        for title, topics in _SECTIONS:
            lines = "\n".join(_line(command, name) for name in topics)
            blocks.append(kit.section(f"*{title}*\n{lines}"))
        blocks.append(kit.context(f"WHEN is {escape(WHEN_WORDS)}."))
        blocks.append(
            kit.context(
                "You can also just ask, in a DM or by mentioning the bot:"
                " “is the NovaSeq free tomorrow afternoon?”"
                f"  ·  `{command} help free` explains one command."
            )
        )
        text = "Clustermarket in Slack: " + ", ".join(
            f"{command} {name}" for _, topics in _SECTIONS for name in topics
        )
    if said:
        text = " ".join(line.replace("`", "") for line in said) + " " + text
    return simple(ctx, text, blocks)


def unknown_reply(
    text: str, suggestion: str | None, options: Sequence[Option], ctx: RenderContext
) -> Reply:
    """Words the bot could not place: the closest questions it can answer, as buttons, when
    it found some; else the help with its suggestion first."""
    if not options:
        return help_reply(ctx, suggestion=suggestion, unknown=text)
    echo = one_line(text)[:UNKNOWN_ECHO]
    lead = f"I didn't catch “{echo}”. Did you mean one of these?"
    footer = f"`{ctx.command} help` lists everything I can answer."
    return options_reply(lead, options, ctx, footer=footer)
