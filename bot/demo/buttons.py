"""The buttons of what the demo showed, and which one `:click WORDS` means: by its label, a
number, or the words beside it. Pure: the session presses the one found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.demo.terminal import Names, button_label, mrkdwn_lines
from bot.demo.world import fold
from bot.fake_slack import Message


@dataclass
class Shown:
    """Something the person was shown, kept so `:click` can press its buttons."""

    blocks: Sequence[Any]
    message: Message | None = None
    home: bool = False
    preview: bool = False


@dataclass(frozen=True)
class Button:
    element: Mapping[str, Any]
    shown: Shown
    context: str

    @property
    def label(self) -> str:
        return button_label(self.element)


def plain_text(text_object: object, names: Names) -> str:
    """A Block Kit text object as the terminal shows it, on one line."""
    if not isinstance(text_object, Mapping) or not isinstance(text_object.get("text"), str):
        return ""
    lines = mrkdwn_lines(str(text_object["text"]), names)
    return " — ".join("".join(text for text, _ in line) for line in lines if line)


def buttons_in(shown: Sequence[Shown], names: Names) -> list[Button]:
    """Every button of what was shown, with the words of the section it sits in."""
    found: list[Button] = []
    for each in shown:
        for block in each.blocks:
            if not isinstance(block, Mapping):
                continue
            context = ""
            elements = [e for e in block.get("elements") or [] if isinstance(e, Mapping)]
            accessory = block.get("accessory")
            if isinstance(accessory, Mapping):
                elements.append(accessory)
                context = plain_text(block.get("text"), names)
            found.extend(
                Button(element, each, context)
                for element in elements
                if element.get("type") == "button"
            )
    return found


def pick(buttons: Sequence[Button], query: str) -> Button | str:
    """The button `query` names (its label, a number, or the words beside it), or why not."""
    if not buttons:
        return "The last reply has no buttons to press."
    number: int | None = None
    words = query.split()
    if words and words[-1].isdigit():
        number = int(words[-1])
        query = " ".join(words[:-1])
    wanted = fold(query)
    if not wanted:
        if number is not None and 1 <= number <= len(buttons):
            return buttons[number - 1]
        return button_list(buttons, "Which button?")
    ranks: list[list[Button]] = [[], [], [], []]
    for button in buttons:
        label = fold(button.label)
        if label == wanted:
            ranks[0].append(button)
        elif label.startswith(wanted):
            ranks[1].append(button)
        elif wanted in label:
            ranks[2].append(button)
        elif wanted in fold(button.context):
            ranks[3].append(button)
    group = next((rank for rank in ranks if rank), [])
    if not group:
        return button_list(buttons, f"No button on the last reply matches “{query}”.")
    if number is not None:
        if 1 <= number <= len(group):
            return group[number - 1]
        return button_list(group, f"There is no {number} among those buttons.")
    if len(group) == 1:
        return group[0]
    return button_list(group, "More than one button matches.")


def button_list(buttons: Sequence[Button], lead: str) -> str:
    """How to say each of `buttons`, after `lead`."""
    same = len({fold(button.label) for button in buttons}) == 1
    options = []
    for index, button in enumerate(buttons, start=1):
        name = f"{button.label} {index}" if same else button.label
        beside = f" ({button.context})" if button.context and same else ""
        options.append(f":click {name}{beside}")
    return f"{lead} Say " + "; ".join(options) + "."
