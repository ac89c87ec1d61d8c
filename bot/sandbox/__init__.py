"""A fake Clustermarket on loopback: OAuth server, the API of openapi.yaml in several dialects
(`dialects.py`), a seeded world.

Tests, benchmarks and `cmbot demo` talk to it over real HTTP. It serves plain JSON and
never imports the bot's Clustermarket client or anything Slack.
"""

from bot.sandbox.seed import SandboxData, build_world
from bot.sandbox.server import Sandbox, run_sandbox
from bot.sandbox.state import Fault, Faults, SandboxKnobs, Stats
from bot.sandbox.tokens import ALL_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

__all__ = [
    "ALL_SCOPES",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "Fault",
    "Faults",
    "Sandbox",
    "SandboxData",
    "SandboxKnobs",
    "Stats",
    "build_world",
    "run_sandbox",
]
