"""The answers of `/cm remind …` and `/cm watch …`/`/cm unwatch …`, and the App Home's
notification settings.

Reminders are a DM, so turning them on opens it (as `digest on` does). A watch must be set up
in a channel (public or private), names one instrument the asker can see, and reads
Clustermarket with the asker's token; the answer warns when the bot is not in the channel.
Turning things on needs a working link (the caller answers NotLinked and ReconnectRequired
with a connect button); looking and turning off never do.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeGuard, assert_never

from bot.clustermarket.errors import NotLinked
from bot.clustermarket.tokens import UserKey
from bot.digest.slack_io import is_member, open_dm
from bot.digest.subscribing import in_channel, working_link
from bot.notify import reading
from bot.notify.sending import slack_for
from bot.notify.snapshot import SeenBooking, Snapshot
from bot.questions.intents import (
    DEFAULT_REMIND_MINUTES,
    Intent,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unwatch,
    Watch,
    WatchList,
)
from bot.questions.matching import Candidate, match_name
from bot.render import RenderContext, Reply
from bot.render.digest import dm_unavailable_reply
from bot.render.reminders import NotifySummary, remind_off_reply, remind_status_reply
from bot.render.watches import (
    unwatched_reply,
    watch_list_reply,
    watch_needs_channel_reply,
    watching_reply,
)
from bot.services import Services
from bot.slack_users import user_zone
from bot.store import Link, Store
from bot.store import Watch as StoredWatch
from bot.store.notify import account_of

NotifyIntent = RemindStatus | RemindOn | RemindOff | WatchList | Watch | Unwatch
NOTIFY_INTENTS = (RemindStatus, RemindOn, RemindOff, WatchList, Watch, Unwatch)


def is_notify_intent(intent: Intent) -> TypeGuard[NotifyIntent]:
    """Whether `notify_reply` takes this intent."""
    return isinstance(intent, NOTIFY_INTENTS)


async def notify_summary(store: Store, key: UserKey) -> NotifySummary:
    """A person's settings and the watches they set up."""
    prefs = await store.notify_prefs(key)
    watches = await store.watches_owned_by(key)
    return NotifySummary(
        remind_minutes=prefs.remind_minutes,
        end_nudge=prefs.end_nudge,
        kinds_off=prefs.kinds_off,
        watches=tuple(
            (watch.channel_id, watch.equipment_name, watch.status != "active") for watch in watches
        ),
    )


async def next_booking(store: Store, link: Link, now: dt.datetime) -> SeenBooking | None:
    """The person's next booking as the notifier last saw it (no request: None before the
    first poll)."""
    poll = await store.account_poll(account_of(link.cm_user_id, link.tokens.scopes))
    if poll is None:
        return None
    upcoming = [b for b in Snapshot.decode(poll.snapshot).upcoming(now) if b.start > now]
    return upcoming[0] if upcoming else None


async def turn_reminders_on(services: Services, key: UserKey, minutes: int | None) -> bool:
    """Reminders on (the lead time asked, else the current one, else 15); False when Slack
    will not open a DM to send them in."""
    store = services.store
    await working_link(store, key)
    dm = await open_dm(await slack_for(services, key), key.user_id)
    if dm is None:
        return False
    await store.set_notify_dm(key, dm)
    current = (await store.notify_prefs(key)).remind_minutes
    await store.set_reminders(key, minutes or current or DEFAULT_REMIND_MINUTES)
    return True


async def notify_reply(
    services: Services, intent: NotifyIntent, key: UserKey, channel_id: str | None
) -> Reply:
    """The answer to a remind or watch command asked by `key` in `channel_id`."""
    now = dt.datetime.now(dt.UTC)
    ctx = RenderContext(command=services.settings.SLACK_COMMAND, now=now)
    store = services.store
    if isinstance(intent, RemindOff):
        was_on = (await store.notify_prefs(key)).remind_minutes is not None
        await store.set_reminders(key, None)
        return remind_off_reply(was_on, ctx)
    if isinstance(intent, RemindStatus | RemindOn):
        return await _remind(services, intent, key, ctx, now)
    if isinstance(intent, WatchList):
        if channel_id is not None and in_channel(channel_id):
            watches = await store.watches_in_channel(key.team_id, channel_id)
            return watch_list_reply(watches, ctx, channel_id=channel_id)
        return watch_list_reply(await store.watches_owned_by(key), ctx, channel_id=None)
    if channel_id is None or not in_channel(channel_id):
        return watch_needs_channel_reply(ctx)
    if isinstance(intent, Watch):
        return await _watch(services, intent, key, channel_id, ctx)
    if isinstance(intent, Unwatch):
        return await _unwatch(store, intent, key, channel_id, ctx)
    assert_never(intent)


async def _remind(
    services: Services,
    intent: RemindStatus | RemindOn,
    key: UserKey,
    ctx: RenderContext,
    now: dt.datetime,
) -> Reply:
    store = services.store
    changed = isinstance(intent, RemindOn)
    if isinstance(intent, RemindOn) and not await turn_reminders_on(services, key, intent.minutes):
        return dm_unavailable_reply(command=ctx.command)
    link = await store.get_link(key)
    summary = await notify_summary(store, key)
    if link is None and summary.remind_minutes is None:
        raise NotLinked("this Slack user has not connected a Clustermarket account")
    linked = link is not None and link.status == "active"
    upcoming = await next_booking(store, link, now) if link is not None and linked else None
    tz = await user_zone(services.slack, store, key) or dt.UTC
    return remind_status_reply(
        summary, ctx, linked=linked, upcoming=upcoming, tz=tz, changed=changed
    )


async def _watch(
    services: Services, intent: Watch, key: UserKey, channel_id: str, ctx: RenderContext
) -> Reply:
    store = services.store
    await working_link(store, key)
    found = await reading.find_instrument(services, key, intent.equipment, ctx_for(ctx, intent))
    if isinstance(found, Reply):
        return found
    watch, before = await store.save_watch(
        team_id=key.team_id,
        channel_id=channel_id,
        equipment_id=found.id,
        equipment_name=found.name,
        lab_zone=found.lab.timezone if found.lab else None,
        owner_user_id=key.user_id,
    )
    member = await is_member(await slack_for(services, key), channel_id)
    return watching_reply(
        watch,
        found.lab.name if found.lab else None,
        ctx,
        previous_owner=before.owner_user_id if before else None,
        member=member,
    )


def ctx_for(ctx: RenderContext, intent: Watch) -> RenderContext:
    """The context "which one did you mean?" needs: its buttons ask to watch the one chosen."""
    return RenderContext(command=ctx.command, intent=intent, now=ctx.now)


async def _unwatch(
    store: Store, intent: Unwatch, key: UserKey, channel_id: str, ctx: RenderContext
) -> Reply:
    watches = await store.watches_in_channel(key.team_id, channel_id)
    candidates = [
        Candidate(watch.equipment_id, watch.equipment_name, None, watch) for watch in watches
    ]
    found = match_name(intent.equipment, candidates, limit=2)
    chosen: StoredWatch | None = found.chosen[0].item if found.kind in ("exact", "one") else None
    if chosen is not None:
        await store.delete_watch(chosen.id)
    return unwatched_reply(chosen, intent.equipment, ctx)
