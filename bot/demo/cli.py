"""`cmbot demo`: the real bot, the sandbox Clustermarket and a stand-in Slack, at a prompt.

It needs no settings and no network: the `World` builds its own settings (never `.env` or the
environment), binds free loopback ports, and uses a temporary database and a fresh key. The
event loop runs on a background thread so the bot keeps serving while `input()` waits in the
main thread, where Ctrl-C and readline behave as they do in any shell tool.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Coroutine, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from bot.demo.session import DemoSession
from bot.demo.terminal import Style, paint_line, wrap
from bot.demo.world import PEOPLE, Person, World, find_person

T = TypeVar("T")

STOP_TIMEOUT = 10.0
EXAMPLES = (
    "/cm bookings today",
    "@cmbot is the nanodrop free at 3?",
    ":reply and tomorrow?",
    "what's free now?",
)


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `cmbot demo`."""
    parser.add_argument(  # not dest "run": bot.cli dispatches on args.run
        "--run",
        action="append",
        dest="inputs",
        metavar="TEXT",
        help="answer this input and exit instead of opening the prompt (repeatable, in order)",
    )
    parser.add_argument(
        "--user",
        default=PEOPLE[0].name,
        metavar="NAME",
        help="who you are: zoe (the default), margaret, jose or emily",
    )
    parser.add_argument("--no-color", action="store_true", help="plain text, no ANSI colour")


class _LoopThread:
    """An event loop on a daemon thread; `call` runs a coroutine on it and waits."""

    def __enter__(self) -> Self:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="cmbot-demo-loop", daemon=True
        )
        self.thread.start()
        return self

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with contextlib.suppress(Exception):
            self.call(_cancel_the_rest(), timeout=STOP_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(STOP_TIMEOUT)
        if not self.loop.is_running():
            self.loop.close()


async def _cancel_the_rest() -> None:
    """Whatever the bot still had running when the person left."""
    current = asyncio.current_task()
    rest = [task for task in asyncio.all_tasks() if task is not current]
    for task in rest:
        task.cancel()
    await asyncio.gather(*rest, return_exceptions=True)


class _NoTraces(logging.Formatter):
    """One line per warning: a demo prints no tracebacks."""

    def formatException(self, ei: Any) -> str:
        return ""

    def formatStack(self, stack_info: str) -> str:
        return ""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = ""
        return super().format(record).rstrip()


def _quiet_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)  # whatever level a library's logger is held at
    handler.setFormatter(_NoTraces("cmbot demo: %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def _banner(person: Person, style: Style) -> str:
    """Who you are, what to try, and how to leave, wrapped to the terminal."""
    bold = frozenset({"bold"})
    plain: frozenset[str] = frozenset()
    tries: list[tuple[str, frozenset[str]]] = []
    for example in EXAMPLES:
        tries += [("   " if tries else "  ", plain), (example, bold)]
    lines: list[list[tuple[str, frozenset[str]]]] = [
        [
            ("cmbot demo", bold),
            (
                ": the real bot, a sandbox Clustermarket and a stand-in Slack, all on this"
                " machine.",
                plain,
            ),
        ],
        [
            (
                f"You are {person.real_name} (@{person.name}) in #lab, linked to the sandbox"
                " through the real OAuth flow.",
                plain,
            ),
        ],
        [("Type what you would type in Slack:", plain)],
        tries,
        [
            (":tour", bold),
            (" asks a few for you, ", plain),
            (":digest", bold),
            (" previews today's digest, ", plain),
            (":user emily", bold),
            (" shows the connect flow, ", plain),
            (":help", bold),
            (" lists everything, ", plain),
            (":quit", bold),
            (" or Ctrl-D leaves.", plain),
        ],
    ]
    rows = [row for line in lines for row in wrap(line, style.width, hang=2)]
    return "\n".join(paint_line(row, style) for row in rows)


def _prompt(person: Person, style: Style, *, readline_codes: bool) -> str:
    """`zoe › `, coloured when colour is on; readline needs colour codes marked invisible."""
    text = style.paint(f"{person.name} ›", "bold", "primary")
    if readline_codes and style.color:
        text = text.replace("\x1b[", "\x01\x1b[").replace("m", "m\x02")
    return text + " "


def _show(chunks: Sequence[str]) -> None:
    if chunks:
        print("\n\n".join(chunks), flush=True)


def _script(loop: _LoopThread, session: DemoSession, inputs: Sequence[str], style: Style) -> None:
    for index, line in enumerate(inputs):
        if index:
            print()
        print(_prompt(session.person, style, readline_codes=False) + line, flush=True)
        _show(loop.call(session.say(line)))
        if session.done:
            break


def _interactive(loop: _LoopThread, session: DemoSession, style: Style) -> None:
    tty = sys.stdin.isatty()
    readline_loaded = False
    if tty:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - line editing and history for input()

            readline_loaded = True
    print(_banner(session.person, style), flush=True)
    while not session.done:
        print()
        prompt = _prompt(session.person, style, readline_codes=readline_loaded)
        try:
            if tty:
                line = input(prompt)
            else:
                line = sys.stdin.readline()
                if not line:
                    raise EOFError
                line = line.rstrip("\n")
                print(prompt + line, flush=True)
        except (EOFError, KeyboardInterrupt):
            if tty:
                print()  # off the prompt's line
            return
        _show(loop.call(session.say(line)))


def demo_command(args: argparse.Namespace) -> int:
    """Run the demo: 0 when the person leaves or the script is done, 1 when it can't start."""
    _quiet_logging()
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if callable(reconfigure):  # a terminal that can't show an emoji gets "?", not a trace
        reconfigure(errors="replace")
    style = Style.detect(sys.stdout, no_color=bool(args.no_color))
    person = find_person(str(args.user))
    if person is None:
        names = ", ".join(p.name for p in PEOPLE)
        print(f"cmbot demo: no demo user {args.user!r}; choose one of {names}", file=sys.stderr)
        return 2
    try:
        with _LoopThread() as loop:
            world = World()
            try:
                loop.call(world.start())
                session = DemoSession(world, style=style, person=person)
                loop.call(session.begin())
            except Exception as error:
                print(f"cmbot demo: could not start: {error}", file=sys.stderr)
                with contextlib.suppress(Exception):
                    loop.call(world.stop(), timeout=STOP_TIMEOUT)
                return 1
            try:
                if args.inputs:
                    _script(loop, session, list(args.inputs), style)
                else:
                    _interactive(loop, session, style)
            finally:
                logging.disable(logging.CRITICAL)  # what stopping interrupts is no news
                with contextlib.suppress(Exception):
                    loop.call(world.stop(), timeout=STOP_TIMEOUT)
    except KeyboardInterrupt:
        print()
    except BrokenPipeError:  # `cmbot demo --run … | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
