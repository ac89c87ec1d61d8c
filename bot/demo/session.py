"""One person at the demo's prompt, talking to the real bot through a stand-in Slack.

Each line goes in the way Slack would send it: `/cm …` as a signed slash command, `@cmbot …`
as an app_mention in #lab, anything else as a DM, a `:click` as a signed block_actions
payload. What comes back is read from the fake Slack (response-URL posts, messages the person
can see, their Home tab) and rendered by `bot.demo.terminal`. Lines starting with `:` are the
demo's own: preview today's digest, switch person, open the Home tab, press a button.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape as html_unescape
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.demo.terminal import (
    Names,
    Style,
    button_label,
    mrkdwn_lines,
    paint_line,
    render_message,
    render_view,
    short_url,
    wrap,
)
from bot.demo.world import (
    PEOPLE,
    Person,
    World,
    answer_confirm_page,
    confirm_form,
    sign_in_through,
)
from bot.digest.commands import digest_summary
from bot.digest.compose import personal_digest
from bot.fake_slack import Message
from bot.render.actions import CONNECT
from bot.render.digest import personal_digest_message
from bot.slack_users import user_zone

logger = logging.getLogger(__name__)

DEMO_CHANNEL = "C0LAB"
"""Where slash commands are typed and mentions are posted: #lab of the fake workspace."""
REPLY_TIMEOUT = 20.0
"""Seconds to wait for the bot's answer before saying there was none."""
QUIET = 0.2
"""Seconds without Slack or Clustermarket traffic after which an answer counts as complete."""
SETTLE_LIMIT = 5.0
POLL = 0.01
CALLBACK_PATH = "/clustermarket/oauth/callback"

DEMO_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/cm …", "a slash command, as in Slack: /cm bookings today"),
    ("@cmbot …", "mention the bot in #lab: @cmbot is the nanodrop free at 3?"),
    ("anything else", "a direct message to the bot: who has the nanodrop tomorrow?"),
    (":digest", "preview today's daily digest for you (nothing is sent)"),
    (":user NAME", "be someone else: zoe, margaret, jose or emily (linked on first use)"),
    (":home", "open the bot's Home tab"),
    (":click LABEL", "press a button on the last reply: :click Share in channel"),
    (":help", "this list, then the bot's own /cm help"),
    (":quit", "leave (Ctrl-D works too)"),
)
_DEMO_WORDS = ("help", "digest", "user", "home", "click", "quit", "exit")
_MENTION = re.compile(r"@cmbot\b[,:]?", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case, no accents, no emoji or punctuation: how people type names and labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    return " ".join(kept.casefold().split())


def find_person(name: str) -> Person | None:
    """The demo person `name` means: handle, full name, first or last name, or Slack id;
    a unique prefix will do."""
    wanted = fold(name.removeprefix("@"))
    if not wanted:
        return None

    def names_of(person: Person) -> set[str]:
        full = fold(person.real_name)
        return {fold(person.name), full, *full.split(), fold(person.user_id)}

    exact = [person for person in PEOPLE if wanted in names_of(person)]
    if len(exact) == 1:
        return exact[0]
    starts = [p for p in PEOPLE if any(n.startswith(wanted) for n in names_of(p))]
    return starts[0] if len(starts) == 1 else None


@dataclass
class Shown:
    """Something the person was shown, kept so `:click` can press its buttons."""

    blocks: Sequence[Any]
    message: Message | None = None
    home: bool = False
    preview: bool = False


@dataclass(frozen=True)
class _Button:
    element: Mapping[str, Any]
    shown: Shown
    context: str

    @property
    def label(self) -> str:
        return button_label(self.element)


@dataclass(frozen=True)
class _Mark:
    """The fake Slack's state before an input, to tell what the input caused."""

    seen: frozenset[tuple[str, str]]
    responses: int
    publishes: int


@dataclass
class _Output:
    chunks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, line: str) -> None:
        self.notes.append(line)

    def add(self, chunk: str) -> None:
        self.flush()
        self.chunks.append(chunk)

    def extend(self, chunks: Sequence[str]) -> None:
        for chunk in chunks:
            self.add(chunk)

    def flush(self) -> None:
        if self.notes:
            self.chunks.append("\n".join(self.notes))
            self.notes = []

    def done(self) -> list[str]:
        self.flush()
        return self.chunks


class DemoSession:
    """Turns what a person types into what Slack would send, and the bot's answers into text."""

    def __init__(
        self,
        world: World,
        *,
        style: Style | None = None,
        person: Person = PEOPLE[0],
        reply_timeout: float = REPLY_TIMEOUT,
        quiet: float = QUIET,
    ) -> None:
        self.world = world
        self.style = style or Style()
        self.person = person
        self.reply_timeout = reply_timeout
        self.quiet = quiet
        self.done = False
        self.shown: list[Shown] = []
        self._late: _Mark | None = None  # where an unanswered input left off
        self.command = world.settings.SLACK_COMMAND
        fake = world.fake
        users = {p.user_id: p.real_name for p in PEOPLE} | {fake.bot_user_id: "cmbot"}
        self.names = Names(users=users, channels={DEMO_CHANNEL: fake.channel_name(DEMO_CHANNEL)})

    # -- the person ------------------------------------------------------------------------

    @property
    def first_name(self) -> str:
        return self.person.real_name.split()[0]

    def key(self, person: Person | None = None) -> UserKey:
        return UserKey(self.world.fake.team_id, (person or self.person).user_id)

    async def linked(self, person: Person | None = None) -> bool:
        link = await self.world.services.store.get_link(self.key(person))
        return link is not None and link.status == "active"

    async def begin(self) -> None:
        """Link the starting person through the real OAuth flow, quietly, and let the bot's
        welcome land before the first question, so it is not taken for an answer."""
        if await self.linked():
            return
        mark = self._mark()
        page = await self.world.link(self.person)
        if page.status_code != httpx.codes.OK:
            raise RuntimeError(f"linking {self.person.real_name} failed (HTTP {page.status_code})")
        await self._wait(lambda: self._news(mark, home=False))
        await self._settle()

    # -- one line ----------------------------------------------------------------------------

    async def say(self, line: str) -> list[str]:
        """The rendered replies to one line typed at the prompt; never raises for the input."""
        text = line.strip()
        if not text:
            return []
        try:
            return await self._say(text)
        except Exception as error:  # the demo's own trip, never a trace on the terminal
            logger.debug("the demo could not handle %r", text, exc_info=True)
            return [
                self._note(
                    f"The demo tripped over that ({type(error).__name__}). The bot is still"
                    " running: try again, or :help."
                )
            ]

    async def _say(self, text: str) -> list[str]:
        if text.startswith(":"):
            return await self._demo_command(text[1:])
        if text.startswith("/"):
            word, _, rest = text.partition(" ")
            if word.casefold() == self.command.casefold():
                return await self._slash(rest.strip())
            return [
                self._note(
                    f"{word} is not a valid command in this workspace: cmbot's is"
                    f" {self.command}. Try {self.command} help."
                )
            ]
        if _MENTION.search(text):
            return await self._mention(" ".join(_MENTION.sub(" ", text).split()))
        if text.startswith("@"):
            who = text.split()[0]
            return [
                self._note(
                    f"{who} isn't the bot. In #lab only messages that mention @cmbot reach it;"
                    " a line without @ or / is a DM to the bot."
                )
            ]
        return await self._direct_message(text)

    async def _demo_command(self, text: str) -> list[str]:
        word, _, rest = text.strip().partition(" ")
        name = word.casefold()
        rest = rest.strip()
        if not name:
            return [self._note(":help lists the demo's commands, such as :digest and :home.")]
        if name in ("help", "h", "?"):
            return await self._help()
        if name == "digest":
            return await self._digest_preview()
        if name in ("user", "as", "be"):
            return await self._switch(rest)
        if name == "home":
            return await self._home()
        if name in ("click", "press"):
            return await self._click(rest)
        if name in ("quit", "exit", "q"):
            self.done = True
            return []
        guess = difflib.get_close_matches(name, _DEMO_WORDS, n=1)
        hint = f" Did you mean :{guess[0]}?" if guess else ""
        return [self._note(f"There's no :{word} in the demo.{hint} :help lists what there is.")]

    # -- Slack's side ----------------------------------------------------------------------

    async def _slash(self, text: str) -> list[str]:
        mark = self._mark()
        ack = await self.world.slack.command(
            text, user_id=self.person.user_id, channel_id=DEMO_CHANNEL
        )
        if ack.status_code != httpx.codes.OK:
            return [
                self._note(
                    f"Slack would say: {self.command} failed with the error"
                    f' "dispatch_failed" (the bot answered HTTP {ack.status_code}).'
                )
            ]
        return await self._collect(mark)

    async def _mention(self, text: str) -> list[str]:
        mark = self._mark()
        await self.world.slack.mention(text, user_id=self.person.user_id, channel=DEMO_CHANNEL)
        return await self._collect(mark)

    async def _direct_message(self, text: str) -> list[str]:
        mark = self._mark()
        await self.world.slack.direct_message(text, user_id=self.person.user_id)
        return await self._collect(mark)

    async def _home(self) -> list[str]:
        mark = self._mark()
        await self.world.slack.home_opened(user_id=self.person.user_id)
        return await self._collect(mark, home=True)

    # -- buttons -------------------------------------------------------------------------------

    def _buttons(self) -> list[_Button]:
        found: list[_Button] = []
        for shown in self.shown:
            for block in shown.blocks:
                if not isinstance(block, Mapping):
                    continue
                context = ""
                elements = [e for e in block.get("elements") or [] if isinstance(e, Mapping)]
                accessory = block.get("accessory")
                if isinstance(accessory, Mapping):
                    elements.append(accessory)
                    context = self._plain(block.get("text"))
                found.extend(
                    _Button(element, shown, context)
                    for element in elements
                    if element.get("type") == "button"
                )
        return found

    def _plain(self, text_object: object) -> str:
        if not isinstance(text_object, Mapping) or not isinstance(text_object.get("text"), str):
            return ""
        lines = mrkdwn_lines(str(text_object["text"]), self.names)
        return " — ".join("".join(text for text, _ in line) for line in lines if line)

    def _pick(self, query: str) -> _Button | str:
        """The button `query` names (its label, a number, or the words beside it), or why not."""
        buttons = self._buttons()
        if not buttons:
            return "The last reply has no buttons to press."
        number: int | None = None
        words = query.split()
        if words and words[-1].isdigit():
            number = int(words[-1])
            query = " ".join(words[:-1])
        wanted = fold(query)
        if not wanted:
            if number is not None and 1 <= number <= len(buttons):
                return buttons[number - 1]
            return self._button_list(buttons, "Which button?")
        ranks: list[list[_Button]] = [[], [], [], []]
        for button in buttons:
            label = fold(button.label)
            if label == wanted:
                ranks[0].append(button)
            elif label.startswith(wanted):
                ranks[1].append(button)
            elif wanted in label:
                ranks[2].append(button)
            elif wanted in fold(button.context):
                ranks[3].append(button)
        group = next((rank for rank in ranks if rank), [])
        if not group:
            return self._button_list(buttons, f"No button on the last reply matches “{query}”.")
        if number is not None:
            if 1 <= number <= len(group):
                return group[number - 1]
            return self._button_list(group, f"There is no {number} among those buttons.")
        if len(group) == 1:
            return group[0]
        return self._button_list(group, "More than one button matches.")

    def _button_list(self, buttons: Sequence[_Button], lead: str) -> str:
        same = len({fold(button.label) for button in buttons}) == 1
        options = []
        for index, button in enumerate(buttons, start=1):
            name = f"{button.label} {index}" if same else button.label
            beside = f" ({button.context})" if button.context and same else ""
            options.append(f":click {name}{beside}")
        return f"{lead} Say " + "; ".join(options) + "."

    async def _click(self, query: str) -> list[str]:
        picked = self._pick(query)
        if isinstance(picked, str):
            return [self._note(picked)]
        return await self._press(picked)

    async def _press(self, button: _Button) -> list[str]:
        out = _Output()
        element, shown = button.element, button.shown
        if shown.preview:
            return [self._note("That's a preview: its buttons aren't live.")]
        confirm = element.get("confirm")
        if isinstance(confirm, Mapping):
            title = self._plain(confirm.get("title")) or "Are you sure?"
            out.note(self._note(f"Slack asks “{title}” first. Confirmed."))
        action_id = str(element.get("action_id", ""))
        mark = self._mark()
        await self._send_click(action_id, str(element.get("value", "")), shown)
        url = element.get("url")
        if isinstance(url, str) and url:
            if action_id == CONNECT:
                out.extend(await self._open_connect(url, mark))
            else:
                out.note(self._note(f"[{button.label} ↗] opens {short_url(url)} in the browser."))
            return out.done()
        out.extend(await self._collect(mark, home=shown.home, clicked=shown.message))
        return out.done()

    async def _send_click(self, action_id: str, value: str, shown: Shown) -> None:
        """A signed block_actions payload, as Slack sends for any button, URL buttons too."""
        slack, user_id = self.world.slack, self.person.user_id
        message = shown.message
        if shown.home or message is None:
            await slack.action(action_id, value, user_id=user_id)
            return
        if self._newest_with(message.channel, action_id) is message:
            # the requester finds it as Slack would, ephemeral or not
            await slack.action(action_id, value, user_id=user_id, channel_id=message.channel)
            return
        wire = self.world.fake.message_json(message, include_metadata=False)
        await slack.action(
            action_id, value, user_id=user_id, channel_id=message.channel, message=wire
        )

    def _newest_with(self, channel: str, action_id: str) -> Message | None:
        for candidate in reversed(self.world.fake.messages_in(channel)):
            if candidate.ephemeral_for not in (None, self.person.user_id):
                continue
            for block in candidate.blocks:
                if not isinstance(block, Mapping):
                    continue
                elements = [*(block.get("elements") or []), block.get("accessory")]
                if any(
                    isinstance(e, Mapping) and e.get("action_id") == action_id for e in elements
                ):
                    return candidate
        return None

    async def _open_connect(self, url: str, mark: _Mark) -> list[str]:
        """What the browser does with the Connect button: Clustermarket's sign-in (the
        sandbox's, approved as this person) and back to the bot's callback page."""
        out = _Output()
        browser = self.world.browser
        page = await sign_in_through(browser, url, self.person)
        if page.request.url.path == CALLBACK_PATH:
            out.note(
                self._note(
                    f"[Connect ↗] opens Clustermarket's sign-in (the sandbox's):"
                    f" {self.person.real_name} signs in and approves."
                )
            )
        if confirm_form(page.text) is not None:
            out.note(self._page_note(page))
            out.note(
                self._note(
                    f"{self.first_name} checks both accounts and presses [Link these accounts]."
                )
            )
            page = await answer_confirm_page(browser, page, "link")
        out.note(self._page_note(page))
        if page.status_code != httpx.codes.OK:
            return out.done()
        out.extend(await self._collect(mark))
        return out.done()

    def _page_note(self, page: httpx.Response) -> str:
        title, words = _page_text(page.text)
        return self._note(f"The browser shows cmbot's page: {title}. {words}".strip())

    # -- the demo's own ------------------------------------------------------------------

    async def _help(self) -> list[str]:
        out = _Output()
        width = max(len(name) for name, _ in DEMO_COMMANDS) + 2
        lines = [self.style.paint("Demo commands", "bold", "underline")]
        for name, what in DEMO_COMMANDS:
            row = [(name.ljust(width), frozenset({"bold"})), (what, frozenset[str]())]
            lines.extend(
                paint_line(part, self.style) for part in wrap(row, self.style.width, hang=width)
            )
        out.add("\n".join(lines))
        out.extend(await self._slash("help"))
        return out.done()

    async def _switch(self, name: str) -> list[str]:
        everyone = ", ".join(f"{p.name} ({p.real_name})" for p in PEOPLE)
        if not name:
            return [self._note(f"You are {self.person.real_name}. The workspace has {everyone}.")]
        person = find_person(name)
        if person is None:
            return [self._note(f"No one here is called “{name}”. The workspace has {everyone}.")]
        if person == self.person:
            return [self._note(f"You are already {person.real_name}.")]
        self.person = person
        self.shown = []
        self._late = None
        out = _Output()
        out.note(self._note(f"You are now {person.real_name} (@{person.name}, {person.tz})."))
        if await self.linked():
            return out.done()
        out.note(
            self._note(
                f"{self.first_name} hasn't connected Clustermarket yet, so first, as in Slack:"
                f" {self.command} connect, then the Connect button."
            )
        )
        out.extend(await self._slash("connect"))
        connect = next((b for b in self._buttons() if b.element.get("action_id") == CONNECT), None)
        if connect is not None:
            out.extend(await self._press(connect))
        return out.done()

    async def _digest_preview(self) -> list[str]:
        """Today's personal digest as the runner would compose it, neither sent nor recorded."""
        services = self.world.services
        key = self.key()
        link = await services.store.get_link(key)
        if link is None or link.status != "active":
            return [
                self._note(
                    f"{self.first_name} has no working Clustermarket link, so there is no digest"
                    f" to preview: {self.command} connect links it."
                )
            ]
        zone = await user_zone(services.slack, services.store, key) or ZoneInfo("UTC")
        today = dt.datetime.now(zone).date()
        try:
            bookings = await services.clustermarket.for_user(key).bookings()
        except (NotLinked, ReconnectRequired):
            return [self._note(f"The link no longer works: {self.command} connect renews it.")]
        except ClustermarketError:
            return [self._note("Clustermarket isn't answering just now; try :digest again.")]
        digest = personal_digest(bookings, link.cm_user_id, today, zone)
        reply = personal_digest_message(digest, command=self.command)
        summary = await digest_summary(services.store, key)
        if summary.personal and summary.time is not None:
            when = f"your daily digest is on, at {summary.time:%H:%M}"
        else:
            when = f"your daily digest is off; {self.command} digest on 08:00 turns it on"
        out = _Output()
        out.note(self._note(f"A preview of today's digest, nothing sent or recorded ({when}):"))
        out.add(
            render_message(
                reply.blocks,
                self.style,
                self.names,
                text=reply.text,
                meta="direct message · preview",
            )
        )
        self.shown = [Shown(reply.blocks, preview=True)]
        return out.done()

    # -- reading the answer -------------------------------------------------------------------

    def _publishes(self) -> int:
        return sum(
            1
            for call in self.world.fake.calls_to("views.publish")
            if call.args.get("user_id") == self.person.user_id
        )

    def _mark(self) -> _Mark:
        seen = frozenset((m.channel, m.ts) for m in self.world.fake.seen_by(self.person.user_id))
        return _Mark(seen, len(self.world.fake.responses), self._publishes())

    def _new_messages(self, mark: _Mark) -> list[Message]:
        return [
            message
            for message in self.world.fake.seen_by(self.person.user_id)
            if message.bot_id and (message.channel, message.ts) not in mark.seen
        ]

    def _edits(self, mark: _Mark) -> list[dict[str, Any]]:
        """Response-URL posts that replaced or deleted the clicked message."""
        bodies = [post.body for post in self.world.fake.responses[mark.responses :]]
        return [
            body
            for body in bodies
            if _flag(body.get("replace_original")) or _flag(body.get("delete_original"))
        ]

    def _news(self, mark: _Mark, *, home: bool) -> bool:
        if home and self._publishes() > mark.publishes:
            return True
        return bool(self._new_messages(mark) or self._edits(mark))

    async def _wait(self, ready: Callable[[], bool]) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.reply_timeout
        while not ready():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(POLL)
        return True

    def _activity(self) -> tuple[int, ...]:
        fake, stats = self.world.fake, self.world.sandbox.stats
        return len(fake.calls), len(fake.responses), stats.total(), stats.in_flight

    async def _settle(self) -> None:
        """Wait until Slack and Clustermarket have been quiet a moment: the answer is whole."""
        loop = asyncio.get_running_loop()
        start = quiet_since = loop.time()
        last = self._activity()
        while loop.time() - start < SETTLE_LIMIT:
            await asyncio.sleep(POLL)
            now, current = loop.time(), self._activity()
            if current != last or current[-1]:
                last, quiet_since = current, now
            elif now - quiet_since >= self.quiet:
                return

    async def _collect(
        self, mark: _Mark, *, home: bool = False, clicked: Message | None = None
    ) -> list[str]:
        """Wait for what the last input caused, then render it, with any late answer to an
        earlier input that timed out."""
        if not await self._wait(lambda: self._news(mark, home=home)):
            self._late = self._late or mark
            return [
                self._note(
                    f"No reply from cmbot within {self.reply_timeout:g} seconds. If it answers"
                    " later, the answer shows with your next input."
                )
            ]
        await self._settle()
        since, self._late = self._late or mark, None
        out = _Output()
        shown: list[Shown] = []
        fresh = self._new_messages(since)
        for body in self._edits(since):
            if _flag(body.get("delete_original")):
                out.note(self._note("cmbot removed that message."))
                continue
            blocks = body.get("blocks") or []
            if any(message.blocks == blocks for message in fresh):
                continue  # Slack found no original and posted it as a new message
            where = self._where(clicked) if clicked is not None else "reply"
            out.add(
                render_message(
                    blocks,
                    self.style,
                    self.names,
                    text=str(body.get("text", "")),
                    meta=f"{where} · updated",
                )
            )
            shown.append(Shown(blocks, message=clicked))
        for message in fresh:
            out.add(
                render_message(
                    message.blocks,
                    self.style,
                    self.names,
                    text=message.text,
                    meta=self._where(message),
                )
            )
            shown.append(Shown(message.blocks, message=message))
        view = self.world.fake.home_views.get(self.person.user_id)
        if home and view is not None and self._publishes() > mark.publishes:
            out.add(render_view(view, self.style, self.names, meta="Home tab"))
            shown.append(Shown(view.get("blocks") or [], home=True))
        if shown:
            self.shown = shown
        return out.done()

    def _where(self, message: Message) -> str:
        if message.channel.startswith("D"):
            parts = ["direct message"]
        else:
            parts = ["#" + self.world.fake.channel_name(message.channel)]
        if message.thread_ts and message.thread_ts != message.ts:
            parts.append("in thread")
        if message.ephemeral_for:
            parts.append("only visible to you")
        return " · ".join(parts)

    def _note(self, text: str) -> str:
        """The demo's own voice: marked », dim in colour, wrapped like the bot's replies."""
        line = [("» ", frozenset({"dim"})), (text, frozenset({"dim"}))]
        rows = wrap(line, self.style.width, hang=2)
        return "\n".join(paint_line(row, self.style) for row in rows)


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _page_text(html: str) -> tuple[str, str]:
    """The title and words of one of cmbot's small HTML pages."""
    title = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    body = html[title.end() :] if title else html
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.DOTALL)
    words = " ".join(html_unescape(re.sub(r"<[^>]+>", " ", body)).split())
    words = re.sub(r"\s+([.,:;!?])", r"\1", words)
    heading = html_unescape(title.group(1)).strip() if title else "a page"
    return heading, words
