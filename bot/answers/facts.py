"""One fact about an instrument: where it is, who looks after it, which group it is in.

The catalogue's summary answers the room and the contact when it has them; the instrument's
own record is read only when it does not. Groups are read per lab, and each group of the
instrument's lab once, to see whether the instrument is in it.
"""

from __future__ import annotations

from bot.answers.asking import Asking, each_at_most, find_instrument
from bot.answers.catalogue import Catalogue
from bot.clustermarket.models import Equipment
from bot.clustermarket.user_api import UserApi, or_none
from bot.questions.intents import EquipmentFact
from bot.render import EquipmentEntry, GroupEntry, Reply
from bot.render.facts import contact_reply, groups_of_reply, room_reply


async def fact_answer(intent: EquipmentFact, asking: Asking) -> Reply:
    found = await find_instrument(intent.equipment, asking)
    if isinstance(found, Reply):
        return found
    entry, _ = found
    summary = entry.summary
    if intent.fact == "room":
        room = summary.room or (await _detail(asking.api, entry)).room
        return room_reply(entry, room, asking.ctx)
    if intent.fact == "contact":
        person = summary.contact_person or (await _detail(asking.api, entry)).contact_person
        return contact_reply(entry, person.name if person else None, asking.ctx)
    catalogue = await asking.catalogue()
    groups, unread = await _groups_of(entry, catalogue, asking.api)
    return groups_of_reply(entry, groups, asking.ctx, unread=unread)


async def _detail(api: UserApi, entry: EquipmentEntry) -> Equipment:
    return await or_none(api.equipment(entry.id)) or Equipment()


async def _groups_of(
    entry: EquipmentEntry, catalogue: Catalogue, api: UserApi
) -> tuple[list[GroupEntry], int]:
    """The groups the instrument is in (its lab's, else every lab's), and how many groups
    could not be read."""
    labs = [entry.lab.id] if entry.lab else [lab.id for lab in catalogue.labs]
    by_lab = await catalogue.groups(api, labs)
    candidates = [group for lab_id in labs for group in by_lab[lab_id]]
    details = await each_at_most(lambda group: or_none(api.group(group.id)), candidates)
    holding = [
        group
        for group, detail in zip(candidates, details, strict=True)
        if detail is not None and any(ref.id == entry.id for ref in detail.equipment)
    ]
    unread = catalogue.unread_groups(labs) + sum(1 for detail in details if detail is None)
    return holding, unread
