"""What a user can see in Clustermarket, fetched once and kept for a few minutes.

Names are matched against the catalogue, so it is fetched before almost every question:
accounts first, then every lab's details (for its time zone) and equipment together. An
account that does not say whether it is a lab is read in full and judged by its place in the
hierarchy. Groups come per lab when a question needs them and are kept with the catalogue.
Records that could not be read are counted, so answers can say so. It is kept in the
client's per-user cache: one build per user at a time (concurrent questions wait for the same
build instead of each starting one), and a stale one serves while it is built again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Account, AccountSummary, EquipmentSummary, GroupSummary
from bot.clustermarket.paging import gather_all
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.user_api import UserApi, lab_zones_of, or_none
from bot.questions.matching import Candidate, fold
from bot.render.gaps import Gaps
from bot.render.views import (
    DepartmentInfo,
    EquipmentEntry,
    GroupEntry,
    LabInfo,
    LabsTree,
    OrganisationInfo,
)


def _sort_key(name: str) -> tuple[str, str]:
    return fold(name), name


_Key = int | str  # an account's id, or its name when the API left the id out


def _key(account_id: int | None, name: str | None) -> _Key | None:
    if account_id is not None:
        return account_id
    return name.strip() if name and name.strip() else None


def _id(key: _Key) -> int | None:
    return key if isinstance(key, int) else None


class Catalogue:
    """Labs (with zones and places in the organisation), equipment and, once asked for,
    groups, as one user sees them."""

    def __init__(
        self,
        accounts: Sequence[AccountSummary],
        labs: Sequence[LabInfo],
        equipment: Sequence[EquipmentEntry],
        *,
        account_gaps: Gaps | None = None,
        equipment_gaps: Gaps | None = None,
    ) -> None:
        """`account_gaps` and `equipment_gaps` say what could not be read of each list."""
        self.accounts = tuple(accounts)
        self.labs = tuple(sorted(labs, key=lambda lab: _sort_key(lab.name)))
        self.equipment = tuple(
            sorted(
                equipment,
                key=lambda entry: (
                    _sort_key(entry.lab.name) if entry.lab else ("\uffff", ""),
                    _sort_key(entry.name),
                    entry.id,
                ),
            )
        )
        self._labs_by_id = {lab.id: lab for lab in self.labs}
        self._equipment_by_id = {entry.id: entry for entry in self.equipment}
        self.account_gaps = account_gaps or Gaps(noun="account")
        self.equipment_gaps = equipment_gaps or Gaps(noun="instrument")
        self._groups: dict[int, tuple[GroupEntry, ...]] = {}
        self._unread_groups: dict[int, int] = {}
        self._groups_lock = asyncio.Lock()

    @property
    def weight(self) -> int:
        """What it counts for in the cache's bound: its records."""
        return len(self.accounts) + len(self.labs) + len(self.equipment) + 1

    def lab(self, lab_id: int | None) -> LabInfo | None:
        return None if lab_id is None else self._labs_by_id.get(lab_id)

    def equipment_by_id(self, equipment_id: int | None) -> EquipmentEntry | None:
        return None if equipment_id is None else self._equipment_by_id.get(equipment_id)

    def equipment_candidates(self) -> list[Candidate[EquipmentEntry]]:
        """Names to match, each with its lab as context: the same name in two labs is two
        candidates a user must choose between."""
        return [
            Candidate(entry.id, entry.name, entry.lab.name if entry.lab else None, entry)
            for entry in self.equipment
        ]

    def lab_candidates(self) -> list[Candidate[LabInfo]]:
        return [
            Candidate(lab.id, lab.name, lab.department or lab.organisation, lab)
            for lab in self.labs
        ]

    def by_lab(
        self, entries: Iterable[EquipmentEntry] | None = None
    ) -> list[tuple[LabInfo | None, list[EquipmentEntry]]]:
        """Equipment (all, or `entries`) grouped by lab, labs and names in order."""
        chosen = self.equipment if entries is None else tuple(entries)
        grouped: dict[int | None, list[EquipmentEntry]] = {}
        for entry in chosen:
            grouped.setdefault(entry.lab.id if entry.lab else None, []).append(entry)
        result: list[tuple[LabInfo | None, list[EquipmentEntry]]] = [
            (lab, grouped[lab.id]) for lab in self.labs if lab.id in grouped
        ]
        for lab_id, items in grouped.items():
            if lab_id is None or lab_id not in self._labs_by_id:
                lab = items[0].lab if lab_id is not None else None
                result.append((lab, items))
        return result

    def common_zone(self) -> str | None:
        """The time zone every lab shares, if they all share one."""
        zones = {lab.timezone for lab in self.labs}
        if len(zones) == 1:
            return zones.pop()
        return None

    def tree(self) -> LabsTree:
        """Organisations → departments → labs, and independent labs apart, by name."""
        org_names: dict[_Key, str] = {
            account.id: account.name or f"Organisation {account.id}"
            for account in self.accounts
            if account.is_organisation and account.id is not None
        }
        dept_names: dict[_Key, str] = {}
        dept_parent: dict[_Key, _Key | None] = {}
        dept_labs: dict[_Key, list[LabInfo]] = {}
        org_labs: dict[_Key, list[LabInfo]] = {}
        independent: list[LabInfo] = []
        for lab in self.labs:
            org = _key(lab.organisation_id, lab.organisation)
            if org is not None:
                org_names.setdefault(org, lab.organisation or f"Organisation {org}")
            dept = _key(lab.department_id, lab.department)
            if dept is not None:
                dept_names.setdefault(dept, lab.department or f"Department {dept}")
                dept_parent.setdefault(dept, org)
                dept_labs.setdefault(dept, []).append(lab)
            elif org is not None:
                org_labs.setdefault(org, []).append(lab)
            else:
                independent.append(lab)
        ordered_depts = sorted(dept_names, key=lambda dept: _sort_key(dept_names[dept]))
        built: list[OrganisationInfo] = []
        for org, name in org_names.items():
            departments = tuple(
                DepartmentInfo(dept_names[dept], tuple(dept_labs[dept]), _id(dept))
                for dept in ordered_depts
                if dept_parent[dept] == org
            )
            labs = tuple(org_labs.get(org, ()))
            if departments or labs:
                built.append(OrganisationInfo(name, departments, labs, _id(org)))
        for dept in ordered_depts:
            if dept_parent[dept] is None:  # a department in no organisation stands alone
                built.append(OrganisationInfo(dept_names[dept], (), tuple(dept_labs[dept])))
        built.sort(key=lambda organisation: _sort_key(organisation.name))
        return LabsTree(tuple(built), tuple(independent))

    async def groups(
        self, api: UserApi, lab_ids: Iterable[int]
    ) -> dict[int, tuple[GroupEntry, ...]]:
        """The groups of each lab, fetched (concurrently) the first time they are asked for."""
        wanted = list(dict.fromkeys(lab_ids))
        async with self._groups_lock:
            missing = [lab_id for lab_id in wanted if lab_id not in self._groups]
            fetched: list[Listing[GroupSummary] | None] = await gather_all(
                *(or_none(api.groups(account=lab_id)) for lab_id in missing)
            )
            for lab_id, items in zip(missing, fetched, strict=True):
                self._groups[lab_id] = self._group_entries(lab_id, items or [])
                self._unread_groups[lab_id] = items.unread if items is not None else 0
        return {lab_id: self._groups[lab_id] for lab_id in wanted}

    def unread_groups(self, lab_ids: Iterable[int]) -> int:
        """How many groups of these labs (fetched so far) could not be read."""
        return sum(self._unread_groups.get(lab_id, 0) for lab_id in lab_ids)

    def _group_entries(self, lab_id: int, items: Sequence[GroupSummary]) -> tuple[GroupEntry, ...]:
        lab = self.lab(lab_id)
        entries = {
            item.id: GroupEntry(item.id, item.name or f"Group {item.id}", lab)
            for item in items
            if item.id is not None
        }
        return tuple(sorted(entries.values(), key=lambda entry: _sort_key(entry.name)))


def _lab_info(summary: AccountSummary, detail: Account | None) -> LabInfo:
    assert summary.id is not None
    name = (detail.name if detail and detail.name else None) or summary.name
    return LabInfo(
        id=summary.id,
        name=name or f"Lab {summary.id}",
        timezone=detail.timezone if detail and detail.timezone else None,
        department=detail.department.name if detail and detail.department else None,
        organisation=detail.organisation.name if detail and detail.organisation else None,
        description=detail.description if detail else None,
        department_id=detail.department.id if detail and detail.department else None,
        organisation_id=detail.organisation.id if detail and detail.organisation else None,
    )


async def build_catalogue(api: UserApi) -> Catalogue:
    """Accounts; then the details of each lab (and of each account that does not say what it
    is) with each known lab's equipment, all at once; then the equipment of labs found only
    by their details."""
    accounts = await api.accounts()
    summaries = {account.id: account for account in accounts if account.id is not None}
    known_labs = [account_id for account_id, item in summaries.items() if item.is_lab]
    unsure = [account_id for account_id, item in summaries.items() if item.kind is None]
    asked = [*known_labs, *unsure]
    results = await gather_all(
        *(or_none(api.account(account_id)) for account_id in asked),
        *(or_none(api.equipment_list(account=lab_id)) for lab_id in known_labs),
    )
    details: dict[int, Account | None] = dict(zip(asked, results[: len(asked)], strict=True))
    equipment: dict[int, Listing[EquipmentSummary] | None] = dict(
        zip(known_labs, results[len(asked) :], strict=True)
    )
    found = [
        account_id
        for account_id in unsure
        if (detail := details[account_id]) is not None and detail.kind == "lab"
    ]
    more = await gather_all(*(or_none(api.equipment_list(account=lab_id)) for lab_id in found))
    equipment.update(zip(found, more, strict=True))
    labs = [lab_id for lab_id in asked if lab_id in equipment]  # each lab once, API order
    api.remember_lab_zones(lab_zones_of([details[lab_id] for lab_id in labs]))
    infos = [_lab_info(summaries[lab_id], details[lab_id]) for lab_id in labs]
    entries: dict[int, EquipmentEntry] = {}
    for info in infos:
        for item in equipment[info.id] or []:
            if item.id is None or item.id in entries:
                continue
            name = item.name.strip() if item.name and item.name.strip() else f"Equipment {item.id}"
            entries[item.id] = EquipmentEntry(item.id, name, info, item)
    lists = [listing for listing in equipment.values() if listing is not None]
    return Catalogue(
        accounts,
        infos,
        list(entries.values()),
        account_gaps=Gaps(accounts.unread, "account", partial=accounts.partial),
        equipment_gaps=Gaps(
            sum(listing.unread for listing in lists),
            "instrument",
            partial=any(listing.partial for listing in lists),
        ),
    )


class CatalogueCache:
    """Each user's catalogue, kept whole in the client's cache for minutes (its `catalogue`
    lifetime, refreshed in the background once stale); one build at a time per user."""

    async def get(self, key: UserKey, api: UserApi) -> Catalogue:
        """`key`'s catalogue, read through `api` (the same user's)."""
        assert api.key == key, "a catalogue is only ever read as its own user"

        async def build() -> Catalogue:
            # its parts are read afresh: the catalogue is what is kept, not each part
            return await build_catalogue(api.unkept())

        return await api.keep("catalogue", "catalogue", build)
