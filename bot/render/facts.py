"""One fact about an instrument, said in a sentence: where it is, who looks after it, which
group it is in. What Clustermarket does not say is said plainly, with where to look instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.questions.codec import encode_intent
from bot.questions.intents import EquipmentSearch, GroupDetail
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.choices import MAX_CHOICES
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import escape, one_line
from bot.render.views import EquipmentEntry, GroupEntry
from bot.render.weblinks import equipment_url, open_line


def _lab(entry: EquipmentEntry) -> str:
    return f" ({one_line(entry.lab.name)})" if entry.lab else ""


def _details_button(entry: EquipmentEntry, index: int = 0) -> dict[str, Any]:
    value = encode_intent(EquipmentSearch(str(entry.id)))
    return kit.button("Details", choose_action(index), value=value)


def _reply(
    entry: EquipmentEntry,
    said: tuple[str, str],
    ctx: RenderContext,
    buttons: Sequence[dict[str, Any]],
    *,
    known: bool,
) -> Reply:
    """The sentence (plain words; bold marks what was asked) under the instrument's name."""
    bold, plain = said
    head = [kit.header(f"🔬 {one_line(entry.name)}")]
    web = open_line(equipment_url(ctx.links, entry.id))
    blocks = [*head, kit.section(bold), *([kit.context(web)] if web else [])]
    return finish(ctx, plain, blocks, buttons=buttons, share=known)


def _one_fact(
    entry: EquipmentEntry,
    value: str | None,
    ctx: RenderContext,
    *,
    says: str,
    missing: str,
    look: str,
) -> Reply:
    """`says` with the instrument's {name}, the {value} and its {lab} in bold where they go;
    `missing` and where to `look` when Clustermarket does not say."""
    name, lab = one_line(entry.name), _lab(entry)
    buttons = [_details_button(entry)]
    if value is None or not value.strip():
        plain = missing.format(name=name, lab=lab)
        return _reply(entry, (f"{escape(plain)} {look}", plain), ctx, buttons, known=False)
    fact = one_line(value)
    plain = says.format(name=name, value=fact, lab=lab)
    bold = says.format(name=f"*{escape(name)}*", value=f"*{escape(fact)}*", lab=escape(lab))
    return _reply(entry, (bold, plain), ctx, buttons, known=True)


def room_reply(entry: EquipmentEntry, room: str | None, ctx: RenderContext) -> Reply:
    """Where the instrument is: its room, and its lab."""
    return _one_fact(
        entry,
        room,
        ctx,
        says="📍 {name} is in {value}{lab}.",
        missing="📍 Clustermarket doesn't say where {name} is{lab}.",
        look="Its contact will know.",
    )


def contact_reply(entry: EquipmentEntry, contact: str | None, ctx: RenderContext) -> Reply:
    """Who looks after the instrument: its contact person in Clustermarket."""
    return _one_fact(
        entry,
        contact,
        ctx,
        says="👤 {value} looks after {name}{lab}.",
        missing="👤 Clustermarket names no contact person for {name}{lab}.",
        look="The lab's manager will know who looks after it.",
    )


def groups_of_reply(
    entry: EquipmentEntry, groups: Sequence[GroupEntry], ctx: RenderContext, *, unread: int = 0
) -> Reply:
    """The equipment groups the instrument is in, each a button to its contents."""
    name = one_line(entry.name)
    buttons = [
        kit.button(
            one_line(group.name),
            choose_action(index + 1),
            value=encode_intent(GroupDetail(str(group.id))),
        )
        for index, group in enumerate(groups[:MAX_CHOICES])
    ]
    if not groups:
        doubt = " as far as I could read" if unread else ""
        plain = f"{name} is in no equipment group{doubt}{_lab(entry)}."
        bold = f"🧩 {escape(plain)}"
        return _reply(entry, (bold, plain), ctx, [_details_button(entry)], known=False)
    names = [one_line(group.name) for group in groups]
    if len(names) == 1:
        plain = f"{name} is in the {names[0]} group{_lab(entry)}."
        bold = f"🧩 *{escape(name)}* is in the *{escape(names[0])}* group{escape(_lab(entry))}."
    else:
        listed = ", ".join(names)
        plain = f"{name} is in {len(names)} groups: {listed}{_lab(entry)}."
        shown = ", ".join(f"*{escape(each)}*" for each in names)
        bold = f"🧩 *{escape(name)}* is in {len(names)} groups: {shown}{escape(_lab(entry))}."
    return _reply(entry, (bold, plain), ctx, buttons, known=True)
