"""Everything cmbot remembers: linked accounts, OAuth states, digests, and Slack-side caches.

One SQLite file (WAL mode, foreign keys on), laid out by concern:

- `database`: connections, locks, `BEGIN IMMEDIATE` transactions, migrations, health checks
- `migrations`: the schema as an ordered list of changes (append, never edit)
- `crypto`, `keys`: tokens encrypted at rest (MultiFernet), and the key canary
- `links`, `leases`: linked accounts and their tokens; one token renewal per user at a time
- `states`: OAuth states (single-use, hashed) with the question to resume and PKCE verifier,
  bound to the connect link (used once) and the browser that opened it
- `pending`: sign-ins held, encrypted, until the person confirms which accounts they link
- `subscriptions`, `deliveries`: daily digests and their exactly-once deliveries
- `notify`, `watches`, `notices`, `budget`: reminders and change notices (people's settings,
  each account's last poll), watched instruments, the exactly-once outbox of what they send,
  and the notifier's per-minute request budget
- `chores`: pruning that whichever process comes first runs, at most once a period
- `slack`: users' time zones and Slack event ids already taken
- `threads`: what each Slack thread or DM was last asked about, for follow-ups
- `installations`: Slack installations (many workspaces) and the install flow's states
- `repository`: what every repository promises: to forget a person, and whole workspaces
- `store`: the `Store` facade, whose async methods keep SQLite off the event loop

A new concern is a new repository module (a `Repository`: it must say how to forget a
person and a workspace), migrations appended to `migrations.py`, and its async methods listed
on `Store`. The store is plain local I/O: it never imports Slack, httpx
or the Clustermarket client.
"""

from bot.store.database import BUSY_TIMEOUT_SECONDS, MEMORY
from bot.store.deliveries import Delivery
from bot.store.errors import (
    SchemaTooNew,
    StateError,
    StoreError,
    StoreOnEventLoop,
    StoreUnavailable,
    TokenDecryptionError,
)
from bot.store.links import Link, LinkSummary
from bot.store.notices import NewNotice, Notice
from bot.store.notify import CHANGE_KINDS, AccountPoll, Baseline, NotifyPrefs, PollResult
from bot.store.pending import PendingError, PendingLink
from bot.store.repository import Forgotten, Repository
from bot.store.states import StateClaim
from bot.store.store import Store
from bot.store.subscriptions import CHANNEL_DIGESTS_DISOWNED, Subscription
from bot.store.watches import Watch

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "CHANGE_KINDS",
    "CHANNEL_DIGESTS_DISOWNED",
    "MEMORY",
    "AccountPoll",
    "Baseline",
    "Delivery",
    "Forgotten",
    "Link",
    "LinkSummary",
    "NewNotice",
    "Notice",
    "NotifyPrefs",
    "PendingError",
    "PendingLink",
    "PollResult",
    "Repository",
    "SchemaTooNew",
    "StateClaim",
    "StateError",
    "Store",
    "StoreError",
    "StoreOnEventLoop",
    "StoreUnavailable",
    "Subscription",
    "TokenDecryptionError",
    "Watch",
]
