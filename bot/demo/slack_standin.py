"""`python -m bot.demo.slack_standin`: the stand-in Slack on its own, for a real `cmbot serve`.

What `docker compose --profile sandbox up` runs beside the sandbox Clustermarket, so the bot
comes up with no Slack workspace: the fake Slack's Web API (answers `auth.test`, takes the
bot's posts) and its Socket Mode server (the bot connects out to it, as to Slack, so nothing
needs to reach the bot), with the demo's people as members. Both listen on loopback; the bot
shares this network namespace. Once the bot connects, Zoë asks `/cm help` and the answer is
printed, so the log shows it working. On `--port`, `GET /try?text=…[&as=NAME]` asks anything
as one of the people (`/cm …`, `@cmbot …` in #lab, anything else a DM) and answers with the
bot's replies drawn as `cmbot demo` draws them, each button's link underneath, so a person
can link an account from a browser: `/try?text=/cm connect`, open the Connect link.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot.demo.terminal import Names, Style, render_message
from bot.demo.world import PEOPLE, Person, add_people, find_person
from bot.fake_slack import FakeSlack, Message
from bot.fake_slack.socket_mode import NoAck, SocketModeRequester, SocketModeServer

CHANNEL = "C0LAB"
REPLY_TIMEOUT = 20.0
QUIET = 0.5
"""Seconds without a new message after which an answer is taken to be complete."""


class SlackStandIn:
    """The fake Slack with Socket Mode on fixed loopback ports, plus the `/try` page."""

    def __init__(self, *, api_port: int = 0, socket_port: int = 0) -> None:
        self.fake = FakeSlack()
        add_people(self.fake)
        self.socket = SocketModeServer(self.fake)
        self.slack = SocketModeRequester(self.socket)
        self._ports = (api_port, socket_port)
        users = {p.user_id: p.real_name for p in PEOPLE} | {self.fake.bot_user_id: "cmbot"}
        self.names = Names(users=users, channels={CHANNEL: "lab"})
        self._asking = asyncio.Lock()

    async def start(self) -> None:
        await self.fake.start("127.0.0.1", self._ports[0])
        await self.socket.start("127.0.0.1", self._ports[1])

    async def stop(self) -> None:
        await self.slack.aclose()
        await self.socket.stop()
        await self.fake.stop()

    def settings(self) -> dict[str, str]:
        """What points `cmbot serve` at this stand-in (Socket Mode, so no signing secret)."""
        return {
            "SLACK_API_URL": self.fake.api_url,
            "SLACK_BOT_TOKEN": self.fake.bot_token,
            "SLACK_APP_TOKEN": self.socket.app_token,
        }

    async def ask(self, text: str, person: Person = PEOPLE[0]) -> str:
        """Send `text` as `person` would type it in Slack; the bot's replies, drawn as text."""
        async with self._asking:  # one question at a time, so replies are not mixed up
            before = {(m.channel, m.ts) for m in self.fake.seen_by(person.user_id)}
            try:
                await self._send(text.strip(), person)
            except NoAck:
                return "cmbot is not connected to the stand-in Slack yet; try again shortly.\n"
            replies = await self._replies(person, before)
        if not replies:
            return "No reply from cmbot within 20 s.\n"
        return "\n\n".join(self._draw(message) for message in replies) + "\n"

    async def _send(self, text: str, person: Person) -> None:
        if text.startswith("/"):
            _, _, rest = text.partition(" ")
            await self.slack.command(rest, user_id=person.user_id, channel_id=CHANNEL)
        elif text.lower().startswith("@cmbot"):
            await self.slack.mention(text[6:].strip(" ,:"), user_id=person.user_id)
        else:
            await self.slack.direct_message(text, user_id=person.user_id)

    async def _replies(self, person: Person, before: set[tuple[str, str]]) -> list[Message]:
        """The bot's new messages this person can see, once they stop coming."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        seen: list[Message] = []
        quiet_since = loop.time()
        while loop.time() < deadline:
            new = [
                m
                for m in self.fake.seen_by(person.user_id)
                if (m.channel, m.ts) not in before and m.bot_id is not None
            ]
            if len(new) != len(seen):
                seen, quiet_since = new, loop.time()
            elif seen and loop.time() - quiet_since >= QUIET:
                break
            await asyncio.sleep(0.05)
        return seen

    def _draw(self, message: Message) -> str:
        style = Style(color=False, width=100)
        where = "direct message" if message.channel.startswith("D") else "#lab"
        meta = where + (" · only visible to you" if message.ephemeral_for else "")
        drawn = render_message(message.blocks, style, self.names, text=message.text, meta=meta)
        links = [f"  {label}: {url}" for label, url in _button_links(message.blocks)]
        return "\n".join([drawn, *links])

    async def try_page(self, request: web.Request) -> web.Response:
        """`GET /try?text=…&as=NAME`: plain text, for curl or a browser."""
        text = request.query.get("text", "").strip()
        person = find_person(request.query.get("as", PEOPLE[0].name))
        if not text or person is None:
            names = ", ".join(p.name for p in PEOPLE)
            usage = f"Ask as one of {names}: /try?text=/cm+help or /try?text=/cm+connect&as=zoe\n"
            return web.Response(status=400, text=usage)
        return web.Response(text=await self.ask(text, person))

    async def greet_when_connected(self) -> None:
        """Once the bot connects, show it answering: Zoë asks /cm help."""
        await self.socket.wait_for_connection(timeout=float("inf"))
        print("cmbot connected over Socket Mode. Zoë asks: /cm help", flush=True)
        print(await self.ask("/cm help"), flush=True)


def _button_links(blocks: Sequence[Any]) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        elements = [*(block.get("elements") or []), block.get("accessory") or {}]
        for element in elements:
            if isinstance(element, dict) and element.get("url"):
                label = element.get("text", {}).get("text", "link")
                links.append((str(label), str(element["url"])))
    return links


async def serve_standin(host: str, port: int, api_port: int, socket_port: int) -> None:
    """Run until SIGTERM or Ctrl-C."""
    standin = SlackStandIn(api_port=api_port, socket_port=socket_port)
    await standin.start()
    app = web.Application()
    app.router.add_get("/try", standin.try_page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    stopping = asyncio.Event()
    with contextlib.suppress(NotImplementedError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    greeting = asyncio.create_task(standin.greet_when_connected())
    print("Stand-in Slack ready. Settings for cmbot serve:", flush=True)
    for name, value in standin.settings().items():
        print(f"{name}={value}", flush=True)
    print(f"Ask as a person: http://localhost:{port}/try?text=/cm+connect&as=zoe", flush=True)
    try:
        await stopping.wait()
    finally:
        greeting.cancel()
        await runner.cleanup()
        await standin.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.demo.slack_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address of the /try page")
    parser.add_argument("--port", type=int, default=8766, help="port of the /try page (8766)")
    parser.add_argument("--api-port", type=int, default=8767, help="Web API, on loopback")
    parser.add_argument("--socket-port", type=int, default=8768, help="Socket Mode, on loopback")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_standin(args.host, args.port, args.api_port, args.socket_port))


if __name__ == "__main__":
    main()
