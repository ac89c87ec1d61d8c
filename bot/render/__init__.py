"""Data to Block Kit: pure functions from Clustermarket records to Slack replies.

No Slack SDK and no I/O here: every renderer returns plain dicts within Slack's limits
(`limits.py`), with a plain-text fallback for notifications. Replies are private by default;
the channel version of an answer (`RenderContext(audience="channel")`) has no buttons and no
emails, notes or costs.
"""

from bot.render.accounts import labs_reply, me_reply
from bot.render.bookings import bookings_reply, schedule_reply
from bot.render.choices import choose_reply, not_found_reply, renamed
from bot.render.connect import (
    connect_prompt,
    connected_message,
    disconnected_message,
    not_connected_message,
)
from bot.render.equipment import (
    equipment_details_reply,
    equipment_list_reply,
    group_reply,
    groups_reply,
)
from bot.render.errors import (
    ErrorKind,
    error_kind,
    error_reply,
    reply_for_error,
    unexpected_error_reply,
)
from bot.render.free import free_reply
from bot.render.help import help_reply
from bot.render.home import home_view
from bot.render.reply import SHARED_BY_BLOCK_ID, Audience, RenderContext, Reply, shared_by
from bot.render.views import (
    Availability,
    ChannelDigestInfo,
    DepartmentInfo,
    DigestSummary,
    EquipmentEntry,
    GroupEntry,
    LabInfo,
    LabsTree,
    NowState,
    OrganisationInfo,
)

__all__ = [
    "SHARED_BY_BLOCK_ID",
    "Audience",
    "Availability",
    "ChannelDigestInfo",
    "DepartmentInfo",
    "DigestSummary",
    "EquipmentEntry",
    "ErrorKind",
    "GroupEntry",
    "LabInfo",
    "LabsTree",
    "NowState",
    "OrganisationInfo",
    "RenderContext",
    "Reply",
    "bookings_reply",
    "choose_reply",
    "connect_prompt",
    "connected_message",
    "disconnected_message",
    "equipment_details_reply",
    "equipment_list_reply",
    "error_kind",
    "error_reply",
    "free_reply",
    "group_reply",
    "groups_reply",
    "help_reply",
    "home_view",
    "labs_reply",
    "me_reply",
    "not_connected_message",
    "not_found_reply",
    "renamed",
    "reply_for_error",
    "schedule_reply",
    "shared_by",
    "unexpected_error_reply",
]
