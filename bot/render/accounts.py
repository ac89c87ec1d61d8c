"""Who the user is in Clustermarket, and the organisations, departments and labs they see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.clustermarket.models import User
from bot.render import kit
from bot.render.limits import MAX_MESSAGE_BLOCKS
from bot.render.paging import Group, paginate
from bot.render.reply import RenderContext, Reply, finish, simple
from bot.render.text import escape, one_line, plural
from bot.render.views import LabInfo, LabsTree

Block = dict[str, Any]
FOOTER_BLOCKS = 3


def me_reply(
    user: User, labs: Sequence[LabInfo], ctx: RenderContext, *, tz_name: str | None = None
) -> Reply:
    """The user's Clustermarket name and id, their labs and the zone answers use."""
    name = user.display_name
    lab_names = ", ".join(escape(one_line(lab.name)) for lab in labs)
    facts = [
        ("Name", escape(name)),
        ("Clustermarket ID", None if user.id is None else str(user.id)),
        ("Labs", lab_names or "none yet"),
        ("Time zone", escape(tz_name) if tz_name else None),
    ]
    blocks = [
        kit.header(f"👤 {name}"),
        *kit.fields(facts),
        kit.context(
            f"Your Slack account is connected to this Clustermarket account"
            f"  ·  `{ctx.command} disconnect` unlinks it"
        ),
    ]
    text = f"You are {name} in Clustermarket" + (f" ({plural(len(labs), 'lab')})." if labs else ".")
    return simple(ctx, text, blocks)


def _lab_row(lab: LabInfo) -> list[Block]:
    zone = f"🕒 {escape(lab.timezone)}" if lab.timezone else "🕒 time zone not set"
    return [kit.section(f"*{escape(one_line(lab.name))}*\n{zone}  ·  ID {lab.id}")]


def _heading(*names: str) -> list[Block]:
    return [kit.section(" › ".join(f"*{escape(one_line(name))}*" for name in names))]


def labs_reply(tree: LabsTree, ctx: RenderContext) -> Reply:
    """The organisations, their departments and labs, and independent labs apart; each lab
    with its time zone."""
    head = [kit.header("🏛 Your labs")]
    groups: list[Group[LabInfo]] = []
    for organisation in tree.organisations:
        if organisation.labs:
            groups.append(Group(_heading(f"🏛 {organisation.name}"), organisation.labs, _lab_row))
        for department in organisation.departments:
            groups.append(
                Group(
                    _heading(f"🏛 {organisation.name}", department.name),
                    department.labs,
                    _lab_row,
                    empty=[kit.context("No labs you can see.")],
                )
            )
    if tree.independent:
        groups.append(Group(_heading("Independent labs"), tree.independent, _lab_row))
    count = sum(len(group.items) for group in groups)
    if count == 0:
        text = "You don't see any labs in Clustermarket yet. Ask your lab manager to add you."
        return finish(ctx, text, [*head, kit.section(escape(text))], share=False)
    organisations = len(tree.organisations)
    summary = plural(count, "lab") + (
        f" in {plural(organisations, 'organisation')}" if organisations else ""
    )
    head.append(kit.context(summary))
    cut = paginate(groups, ctx.page, budget=MAX_MESSAGE_BLOCKS - len(head) - FOOTER_BLOCKS)
    every = [
        *(lab for org in tree.organisations for lab in org.labs),
        *(lab for org in tree.organisations for dep in org.departments for lab in dep.labs),
        *tree.independent,
    ]
    names = ", ".join(one_line(lab.name) for lab in every[:10]) + ("…" if len(every) > 10 else "")
    return finish(
        replace(ctx, page=cut.page), f"Your labs: {names}.", head + cut.blocks, paging=cut.paging
    )
