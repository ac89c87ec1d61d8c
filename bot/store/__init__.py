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
- `slack`: users' time zones and Slack event ids already taken
- `threads`: what each Slack thread or DM was last asked about, for follow-ups
- `store`: the `Store` facade, whose async methods keep SQLite off the event loop

A new concern is a new repository module, migrations appended to `migrations.py`, and its
async methods listed on `Store`. The store is plain local I/O: it never imports Slack, httpx
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
from bot.store.links import Link
from bot.store.pending import PendingError, PendingLink
from bot.store.states import StateClaim
from bot.store.store import Store
from bot.store.subscriptions import Subscription

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "MEMORY",
    "Delivery",
    "Link",
    "PendingError",
    "PendingLink",
    "SchemaTooNew",
    "StateClaim",
    "StateError",
    "Store",
    "StoreError",
    "StoreOnEventLoop",
    "StoreUnavailable",
    "Subscription",
    "TokenDecryptionError",
]
