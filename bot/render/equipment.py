"""Equipment and groups: lists grouped by lab, one instrument in detail, one group's contents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

from bot.clustermarket.models import Equipment
from bot.questions.codec import encode_intent
from bot.questions.commands import EquipmentSearch, Free, GroupDetail, Schedule
from bot.questions.when import When
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.availability import service_badge
from bot.render.limits import MAX_MESSAGE_BLOCKS, clip
from bot.render.paging import Group, paginate
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import escape, one_line, plural
from bot.render.views import EquipmentEntry, GroupEntry, LabInfo

Block = dict[str, Any]
T = TypeVar("T")
FOOTER_BLOCKS = 3
DESCRIPTION_LENGTH = 1500


def _numbered(
    by_lab: Sequence[tuple[LabInfo | None, Sequence[T]]],
) -> list[tuple[LabInfo | None, list[tuple[int, T]]]]:
    """Each item with its place in the whole list, so every button's action id is unique."""
    numbered: list[tuple[LabInfo | None, list[tuple[int, T]]]] = []
    count = 0
    for lab, items in by_lab:
        numbered.append((lab, [(count + index, item) for index, item in enumerate(items)]))
        count += len(items)
    return numbered


def _lab_heading(lab: LabInfo | None) -> list[Block]:
    if lab is None:
        return [kit.section("*Other equipment*")]
    zone = f"  ·  🕒 {escape(lab.timezone)}" if lab.timezone else ""
    return [kit.section(f"*🏢 {escape(one_line(lab.name))}*{zone}")]


def _equipment_row(entry: EquipmentEntry, index: int, ctx: RenderContext) -> Block:
    summary = entry.summary
    details = [
        f"📍 {escape(one_line(summary.room))}" if summary.room else None,
        service_badge(summary.availability_status),
        f"ID {entry.id}",
    ]
    text = f"*{escape(one_line(entry.name))}*\n" + "  ·  ".join(d for d in details if d)
    accessory = None
    if ctx.private:
        value = encode_intent(EquipmentSearch(str(entry.id)))
        accessory = kit.button("Details", choose_action(index), value=value)
    return kit.section(text, accessory=accessory)


def equipment_list_reply(
    by_lab: Sequence[tuple[LabInfo | None, Sequence[EquipmentEntry]]],
    ctx: RenderContext,
    *,
    query: str | None = None,
) -> Reply:
    """The equipment the user can see (or that matches `query`), grouped by lab, one page."""
    total = sum(len(items) for _, items in by_lab)
    label = "Equipment" if not query else f"Equipment matching “{one_line(query)}”"
    head = [kit.header(f"🔬 {label}")]
    if total == 0:
        text = (
            "You can't see any equipment in Clustermarket yet."
            if not query
            else f"No equipment matches “{one_line(query)}”."
        )
        body = [
            kit.section(escape(text)),
            kit.context(f"Try `{ctx.command} labs` to see your labs."),
        ]
        return finish(ctx, text, head + body, share=False)
    labs = len([lab for lab, items in by_lab if items])
    head.append(kit.context(f"{plural(total, 'instrument')} in {plural(labs, 'lab')}"))
    groups = [
        Group(_lab_heading(lab), items, lambda item: [_equipment_row(item[1], item[0], ctx)])
        for lab, items in _numbered(by_lab)
    ]
    cut = paginate(groups, ctx.page, budget=MAX_MESSAGE_BLOCKS - len(head) - FOOTER_BLOCKS)
    text = f"{label}: {plural(total, 'instrument')}."
    return finish(replace(ctx, page=cut.page), text, head + cut.blocks, paging=cut.paging)


def equipment_details_reply(
    entry: EquipmentEntry, detail: Equipment | None, ctx: RenderContext
) -> Reply:
    """One instrument: lab, room, maker and model, category, availability, contact and how it
    is charged as fields (each when the API gives it), its description, and (private) buttons
    for today's schedule and free time."""
    summary = entry.summary
    detail = detail or Equipment()
    name = one_line(detail.name or entry.name)
    maker = " ".join(
        one_line(part)
        for part in (detail.manufacturer or summary.manufacturer, detail.model or summary.model)
        if part and part.strip()
    )
    category = detail.category
    sub = detail.sub_category or summary.sub_category
    kinds = [kind for kind in (category, sub.name if sub else None) if kind and kind.strip()]
    person = detail.contact_person or summary.contact_person
    contact = person.name if person and person.name else None
    lab_name = (detail.lab.name if detail.lab and detail.lab.name else None) or (
        entry.lab.name if entry.lab else None
    )
    room = detail.room or summary.room
    facts = [
        ("Lab", escape(one_line(lab_name)) if lab_name else None),
        ("Room", escape(one_line(room)) if room else None),
        ("Manufacturer / model", escape(maker) if maker else None),
        ("Category", escape(" › ".join(one_line(kind) for kind in dict.fromkeys(kinds)))),
        (
            "Availability",
            service_badge(summary.availability_status or detail.availability_status),
        ),
        ("Contact", escape(one_line(contact)) if contact else None),
        ("Charging", escape(one_line(detail.charging_type)) if detail.charging_type else None),
    ]
    blocks: list[Block] = [kit.header(f"🔬 {name}"), *kit.fields(facts)]
    description = detail.description or summary.description
    if description and description.strip():
        blocks.append(kit.section(escape(clip(description.strip(), DESCRIPTION_LENGTH))))
    where = [f"ID {entry.id}"]
    if entry.lab and entry.lab.timezone:
        where.append(f"🕒 {escape(entry.lab.timezone)}")
    place = ", ".join(
        one_line(part) for part in (detail.city, detail.country) if part and part.strip()
    )
    if place:
        where.append(escape(place))
    blocks.append(kit.context("  ·  ".join(where)))
    buttons = [
        kit.button(
            "Today's schedule",
            choose_action(0),
            value=encode_intent(Schedule(str(entry.id), When())),
        ),
        kit.button("Free now?", choose_action(1), value=encode_intent(Free(str(entry.id), When()))),
    ]
    text = f"{name}" + (f", {lab_name}" if lab_name else "") + (f", room {room}" if room else "")
    return finish(ctx, text, blocks, buttons=buttons)


def _group_row(group: GroupEntry, index: int, ctx: RenderContext) -> Block:
    text = f"*{escape(one_line(group.name))}*\nID {group.id}"
    accessory = None
    if ctx.private:
        value = encode_intent(GroupDetail(str(group.id)))
        accessory = kit.button("Equipment", choose_action(index), value=value)
    return kit.section(text, accessory=accessory)


def groups_reply(
    by_lab: Sequence[tuple[LabInfo | None, Sequence[GroupEntry]]],
    ctx: RenderContext,
    *,
    lab: LabInfo | None = None,
) -> Reply:
    """Equipment groups by lab (or of one `lab`), one page."""
    total = sum(len(items) for _, items in by_lab)
    label = "Equipment groups" + (f" in {one_line(lab.name)}" if lab else "")
    head = [kit.header(f"🧩 {label}")]
    if total == 0:
        text = f"There are no equipment groups {'in this lab' if lab else 'in your labs'}."
        hint = f"`{ctx.command} equipment` lists the equipment itself."
        return finish(ctx, text, [*head, kit.section(text), kit.context(hint)], share=False)
    head.append(
        kit.context(f"{plural(total, 'group')}  ·  `{ctx.command} group NAME` shows one group")
    )
    groups = [
        Group(_lab_heading(owner), items, lambda item: [_group_row(item[1], item[0], ctx)])
        for owner, items in _numbered(by_lab)
    ]
    cut = paginate(groups, ctx.page, budget=MAX_MESSAGE_BLOCKS - len(head) - FOOTER_BLOCKS)
    text = f"{label}: {plural(total, 'group')}."
    return finish(replace(ctx, page=cut.page), text, head + cut.blocks, paging=cut.paging)


def group_reply(group: GroupEntry, members: Sequence[EquipmentEntry], ctx: RenderContext) -> Reply:
    """One group and the equipment in it."""
    name = one_line(group.name)
    where = [escape(one_line(group.lab.name)) if group.lab else None, f"ID {group.id}"]
    head = [
        kit.header(f"🧩 {name}"),
        kit.context(
            "  ·  ".join(part for part in [*where, plural(len(members), "instrument")] if part)
        ),
    ]
    if not members:
        text = f"The group {name} has no equipment in it."
        return finish(ctx, text, [*head, kit.section(escape(text))])
    rows = Group([], list(enumerate(members)), lambda item: [_equipment_row(item[1], item[0], ctx)])
    cut = paginate([rows], ctx.page, budget=MAX_MESSAGE_BLOCKS - len(head) - FOOTER_BLOCKS)
    text = f"{name}: {', '.join(one_line(entry.name) for entry in members[:10])}" + (
        "…" if len(members) > 10 else ""
    )
    return finish(replace(ctx, page=cut.page), text, head + cut.blocks, paging=cut.paging)
