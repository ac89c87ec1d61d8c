"""The demo's `:notify`: reminders and a change notice, as they would come during a day.

The notifier needs time to pass and Clustermarket to change, so the tour does both in the
open: it turns reminders on (the person's own `/cm remind on 15`), lets the notifier take
its first look (which tells nothing: it is the baseline), has the sandbox's facility move the
person's next booking half an hour later (a sandbox move), and runs the notifier as if it
were a quarter of an hour before the new start (`cmbot notify run-due --now …`): the DMs
that land are a change notice and the reminder, the real bot's own, read back from the
stand-in Slack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.clustermarket.tokens import UserKey
from bot.demo.world import PEOPLE, Person, World
from bot.notify.runner import NotifyRunner
from bot.sandbox.seed import Booking

MOVED_BY = dt.timedelta(minutes=30)
LEAD = dt.timedelta(minutes=15)
AHEAD = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class TourStop:
    """What the tour did to the world, for the demo to tell."""

    booking: Booking
    instrument: str
    moved_to: dt.datetime
    run_at: dt.datetime


def next_own_booking(world: World, person: Person, now: dt.datetime) -> Booking | None:
    """The person's next active booking starting at least half an hour from now."""
    upcoming = [
        booking
        for booking in world.sandbox.data.bookings.values()
        if booking.requester_id == person.cm_user_id
        and booking.active
        and booking.start >= now + AHEAD
    ]
    return min(upcoming, key=lambda booking: (booking.start, booking.id), default=None)


async def first_look(world: World, now: dt.datetime) -> None:
    """The notifier's first poll of everyone linked: the baseline."""
    await NotifyRunner(world.services).run_due(now, poll_all=True)


async def move_and_run(world: World, person: Person, now: dt.datetime) -> TourStop | None:
    """Move the person's next booking half an hour later, then run the notifier a quarter
    of an hour before its new start; None when they have nothing booked ahead."""
    booking = next_own_booking(world, person, now)
    if booking is None:
        return None
    moved_to = booking.start + MOVED_BY
    world.sandbox.move_booking(booking.id, start=moved_to, end=booking.end + MOVED_BY)
    run_at = moved_to - LEAD
    time_passes(world)
    await NotifyRunner(world.services).run_due(run_at, poll_all=True)
    instrument = world.sandbox.data.equipment[booking.equipment_id].name
    return TourStop(booking, instrument, moved_to, run_at)


def time_passes(world: World) -> None:
    """The next run is hours after the first look in the story, though seconds in the
    demo: what the client kept of Clustermarket's answers would long have expired."""
    for person in PEOPLE:
        world.services.clustermarket.forget(UserKey(world.fake.team_id, person.user_id))
