"""The compose sandbox without Docker: `cmbot serve` against the sandbox and the stand-in Slack.

The same settings the compose file gives its sandbox bot (Socket Mode, no signing secret),
the greeting in the stand-in's log, and a person linking from a browser through `/try`.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from aiohttp import web
from serve_process import ServeProcess, serve_environment

from bot.demo.slack_standin import SlackStandIn
from bot.demo.world import PEOPLE, follow_connect_link, free_port
from bot.sandbox import Sandbox

ZOE = PEOPLE[0]


async def test_a_person_links_and_asks_through_the_standin(tmp_path: Path) -> None:
    standin = SlackStandIn()
    await standin.start()
    app = web.Application()
    app.router.add_get("/try", standin.try_page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", try_port).start()
    try_url = f"http://127.0.0.1:{try_port}/try"
    port = free_port()
    async with Sandbox() as sandbox:
        environment = serve_environment(
            sandbox, standin.fake, port, str(tmp_path / "cmbot.db"), **standin.settings()
        )
        del environment["SLACK_SIGNING_SECRET"]
        bot = ServeProcess(environment, tmp_path)
        await bot.start()
        try:
            async with httpx.AsyncClient(timeout=60) as browser:
                assert (await bot.health(browser)).status_code == 200
                await standin.greet_when_connected()

                usage = await browser.get(try_url)
                assert usage.status_code == 400 and "/try?text=" in usage.text

                prompt = await browser.get(try_url, params={"text": "/cm connect"})
                assert "Connect your Clustermarket account" in prompt.text
                link = next(
                    line.split(": ", 1)[1]
                    for line in prompt.text.splitlines()
                    if "/clustermarket/connect?ticket=" in line
                )
                page = await follow_connect_link(browser, link, ZOE)
                assert page.status_code == 200 and "Connected" in page.text

                me = await browser.get(try_url, params={"text": "/cm me", "as": "zoe"})
                assert ZOE.real_name in me.text and "only visible to you" in me.text
        finally:
            code, stderr = await bot.stop()
            await runner.cleanup()
            await standin.stop()
    assert code == 0, stderr[-2000:]
