"""Equipment and groups answered: an instrument found by name or id, the equipment list, one
instrument in detail, the groups of a lab and one group's contents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot.answers.catalogue import Catalogue
from bot.clustermarket.errors import Forbidden, NotFound
from bot.clustermarket.user_api import UserApi
from bot.questions.commands import EquipmentSearch, GroupDetail, Groups
from bot.questions.matching import Candidate, match_name
from bot.render import (
    EquipmentEntry,
    GroupEntry,
    LabInfo,
    RenderContext,
    Reply,
    choose_reply,
    equipment_details_reply,
    equipment_list_reply,
    group_reply,
    groups_reply,
    not_found_reply,
)
from bot.render.choices import MAX_CHOICES, Kind
from bot.render.gaps import Gaps, note_gaps

T = TypeVar("T")


async def find_equipment(
    query: str, catalogue: Catalogue, api: UserApi, ctx: RenderContext
) -> EquipmentEntry | Reply:
    """The one instrument `query` names, or the reply asking which one / saying none."""
    found = match_name(query, catalogue.equipment_candidates(), limit=MAX_CHOICES + 1)
    if found.kind in ("exact", "one"):
        return found.chosen[0].item
    if found.kind == "ambiguous":
        return choose_reply(query, found.chosen, ctx, kind="equipment")
    direct = await _equipment_by_id(query, catalogue, api)
    if direct is not None:
        return direct
    return not_found_reply(query, found.suggestions, ctx, kind="equipment")


async def _equipment_by_id(query: str, catalogue: Catalogue, api: UserApi) -> EquipmentEntry | None:
    """An id the catalogue does not list (added since it was built): ask for it."""
    text = query.strip().lstrip("#").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    try:
        detail = await api.equipment(int(text))
    except (NotFound, Forbidden):
        return None
    lab_ref = detail.lab
    lab = catalogue.lab(lab_ref.id if lab_ref else None)
    if lab is None and lab_ref is not None and lab_ref.id is not None:
        lab = LabInfo(lab_ref.id, lab_ref.name or f"Lab {lab_ref.id}")
    name = detail.name or f"Equipment {text}"
    return EquipmentEntry(detail.id or int(text), name, lab)


async def equipment_answer(
    intent: EquipmentSearch, catalogue: Catalogue, api: UserApi, ctx: RenderContext
) -> Reply:
    """The equipment list (with what could not be read), a list of matches, "which one?", or
    one instrument in detail."""
    query = (intent.query or "").strip()
    if not query:
        return note_gaps(equipment_list_reply(catalogue.by_lab(), ctx), catalogue.equipment_gaps)
    candidates = catalogue.equipment_candidates()
    found = match_name(query, candidates, limit=max(len(candidates), 1))
    entry: EquipmentEntry | None = None
    if found.kind in ("exact", "one"):
        entry = found.chosen[0].item
    elif found.kind == "ambiguous" and len(found.chosen) <= MAX_CHOICES:
        return choose_reply(query, found.chosen, ctx, kind="equipment")
    elif found.kind == "ambiguous":
        chosen = [candidate.item for candidate in found.chosen]
        return equipment_list_reply(catalogue.by_lab(chosen), ctx, query=query)
    else:
        entry = await _equipment_by_id(query, catalogue, api)
    if entry is None:
        return not_found_reply(query, found.suggestions, ctx, kind="equipment")
    detail = await api.equipment(entry.id)
    return equipment_details_reply(entry, detail, ctx)


def _one_named(
    name: str, candidates: Sequence[Candidate[T]], ctx: RenderContext, kind: Kind
) -> T | Reply:
    """The one candidate `name` means, or the reply asking which one / saying none."""
    found = match_name(name, candidates, limit=MAX_CHOICES + 1)
    if found.kind == "ambiguous":
        return choose_reply(name, found.chosen, ctx, kind=kind)
    if found.kind == "none":
        return not_found_reply(name, found.suggestions, ctx, kind=kind)
    return found.chosen[0].item


def find_lab(name: str, catalogue: Catalogue, ctx: RenderContext) -> LabInfo | Reply:
    """The one lab `name` means, or the reply asking which one / saying none."""
    return _one_named(name, catalogue.lab_candidates(), ctx, "lab")


async def find_group(
    name: str, catalogue: Catalogue, api: UserApi, ctx: RenderContext
) -> GroupEntry | Reply:
    """The one group `name` means, among every lab's, or the reply asking which one / none."""
    groups = await catalogue.groups(api, [lab.id for lab in catalogue.labs])
    candidates = [
        Candidate(entry.id, entry.name, entry.lab.name if entry.lab else None, entry)
        for lab in catalogue.labs
        for entry in groups[lab.id]
    ]
    return _one_named(name, candidates, ctx, "group")


async def group_members(
    entry: GroupEntry, catalogue: Catalogue, api: UserApi
) -> list[EquipmentEntry]:
    """The equipment in a group, named by the catalogue where it can."""
    group = await api.group(entry.id)
    return [
        catalogue.equipment_by_id(ref.id)
        or EquipmentEntry(ref.id, ref.name or f"Equipment {ref.id}", entry.lab)
        for ref in group.equipment
        if ref.id is not None
    ]


async def groups_answer(
    intent: Groups, catalogue: Catalogue, api: UserApi, ctx: RenderContext
) -> Reply:
    """The groups of every lab, or of the one named."""
    labs: Sequence[LabInfo] = catalogue.labs
    chosen: LabInfo | None = None
    if intent.lab and intent.lab.strip():
        found = find_lab(intent.lab, catalogue, ctx)
        if isinstance(found, Reply):
            return found
        chosen = found
        labs = [chosen]
    groups = await catalogue.groups(api, [lab.id for lab in labs])
    by_lab = [(lab, list(groups[lab.id])) for lab in labs if groups[lab.id] or chosen]
    unread = catalogue.unread_groups([lab.id for lab in labs])
    return note_gaps(groups_reply(by_lab, ctx, lab=chosen), Gaps(unread, "group"))


async def group_answer(
    intent: GroupDetail, catalogue: Catalogue, api: UserApi, ctx: RenderContext
) -> Reply:
    """One group and its equipment, named by the catalogue where it can."""
    entry = await find_group(intent.name, catalogue, api, ctx)
    if isinstance(entry, Reply):
        return entry
    return group_reply(entry, await group_members(entry, catalogue, api), ctx)
