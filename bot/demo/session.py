"""One person at the demo's prompt, talking to the real bot through a stand-in Slack.

Each line goes in the way Slack would send it: `/cm …` as a signed slash command, `@cmbot …`
as an app_mention in #lab, anything else as a DM, a `:click` as a signed block_actions
payload. What comes back is read from the fake Slack (response-URL posts, messages the person
can see, their Home tab) and rendered by `bot.demo.terminal`. Lines starting with `:` are the
demo's own: preview today's digest, switch person, open the Home tab, press a button, reply in
the thread of the last mention, or take the tour.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape as html_unescape

import httpx

from bot.clustermarket.tokens import UserKey
from bot.demo.buttons import Button, Shown, buttons_in, pick, plain_text
from bot.demo.inbox import Inbox, Mark, is_set
from bot.demo.preview import digest_preview
from bot.demo.terminal import (
    Names,
    Style,
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
    find_person,
    sign_in_through,
)
from bot.fake_slack import Message
from bot.render.actions import CONNECT

logger = logging.getLogger(__name__)

DEMO_CHANNEL = "C0LAB"
"""Where slash commands are typed and mentions are posted: #lab of the fake workspace."""
REPLY_TIMEOUT = 20.0
"""Seconds to wait for the bot's answer before saying there was none."""
QUIET = 0.2
"""Seconds without Slack or Clustermarket traffic after which an answer counts as complete."""
CALLBACK_PATH = "/clustermarket/oauth/callback"

DEMO_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/cm …", "a slash command, as in Slack: /cm bookings today"),
    ("@cmbot …", "mention the bot in #lab: @cmbot is the nanodrop free at 3?"),
    (":reply …", "@cmbot again in the thread of your last mention: :reply and tomorrow?"),
    ("anything else", "a direct message to the bot: who has the nanodrop tomorrow?"),
    (":tour", "a few questions asked for you: a follow-up in a thread, what's free now"),
    (":digest", "preview today's daily digest for you (nothing is sent)"),
    (":user NAME", "be someone else: zoe, margaret, jose or emily (linked on first use)"),
    (":home", "open the bot's Home tab"),
    (":click LABEL", "press a button on the last reply: :click Share in channel"),
    (":help", "this list, then the bot's own /cm help"),
    (":quit", "leave (Ctrl-D works too)"),
)
_DEMO_WORDS = ("help", "digest", "user", "home", "click", "reply", "tour", "quit", "exit")
TOUR = (
    "@cmbot is the nanodrop free at 3?",
    ":reply and tomorrow?",
    ":reply what about the qubit?",
    "what's free now?",
    "anything free in the sequencing group this afternoon?",
    "and tomorrow?",
)
"""The tour: a question in #lab, two follow-ups in its thread, and questions about all the
equipment in a DM, the last one a follow-up too."""
_MENTION = re.compile(r"@cmbot\b[,:]?", re.IGNORECASE)


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
        self.inbox = Inbox(world, reply_timeout=reply_timeout, quiet=quiet)
        self.done = False
        self.shown: list[Shown] = []
        self.thread_ts: str | None = None  # the person's last mention in #lab, for :reply
        self._late: Mark | None = None  # where an unanswered input left off
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
        mark = self.inbox.mark(self.person.user_id)
        page = await self.world.link(self.person)
        if page.status_code != httpx.codes.OK:
            raise RuntimeError(f"linking {self.person.real_name} failed (HTTP {page.status_code})")
        await self.inbox.wait(lambda: self.inbox.news(self.person.user_id, mark, home=False))
        await self.inbox.settle()

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
        if name == "reply":
            return await self._reply_in_thread(rest)
        if name == "tour":
            return await self._tour()
        if name in ("quit", "exit", "q"):
            self.done = True
            return []
        guess = difflib.get_close_matches(name, _DEMO_WORDS, n=1)
        hint = f" Did you mean :{guess[0]}?" if guess else ""
        return [self._note(f"There's no :{word} in the demo.{hint} :help lists what there is.")]

    # -- Slack's side ----------------------------------------------------------------------

    async def _slash(self, text: str) -> list[str]:
        mark = self.inbox.mark(self.person.user_id)
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
        mark = self.inbox.mark(self.person.user_id)
        await self.world.slack.mention(text, user_id=self.person.user_id, channel=DEMO_CHANNEL)
        self.thread_ts = self.world.fake.messages_in(DEMO_CHANNEL)[-1].ts
        return await self._collect(mark)

    async def _reply_in_thread(self, text: str) -> list[str]:
        """@cmbot again, in the thread of the last mention: a follow-up there."""
        if self.thread_ts is None:
            return [self._note("Ask @cmbot something in #lab first; :reply answers in its thread.")]
        if not text:
            return [self._note("Say what to reply, e.g. :reply and tomorrow?")]
        mark = self.inbox.mark(self.person.user_id)
        await self.world.slack.mention(
            text, user_id=self.person.user_id, channel=DEMO_CHANNEL, thread_ts=self.thread_ts
        )
        return await self._collect(mark)

    async def _direct_message(self, text: str) -> list[str]:
        mark = self.inbox.mark(self.person.user_id)
        await self.world.slack.direct_message(text, user_id=self.person.user_id)
        return await self._collect(mark)

    async def _home(self) -> list[str]:
        mark = self.inbox.mark(self.person.user_id)
        await self.world.slack.home_opened(user_id=self.person.user_id)
        return await self._collect(mark, home=True)

    # -- buttons -------------------------------------------------------------------------------

    async def _click(self, query: str) -> list[str]:
        picked = pick(buttons_in(self.shown, self.names), query)
        if isinstance(picked, str):
            return [self._note(picked)]
        return await self._press(picked)

    async def _press(self, button: Button) -> list[str]:
        out = _Output()
        element, shown = button.element, button.shown
        if shown.preview:
            return [self._note("That's a preview: its buttons aren't live.")]
        confirm = element.get("confirm")
        if isinstance(confirm, Mapping):
            title = plain_text(confirm.get("title"), self.names) or "Are you sure?"
            out.note(self._note(f"Slack asks “{title}” first. Confirmed."))
        action_id = str(element.get("action_id", ""))
        mark = self.inbox.mark(self.person.user_id)
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

    async def _open_connect(self, url: str, mark: Mark) -> list[str]:
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

    async def _tour(self) -> list[str]:
        """Each line of the tour as if typed at the prompt, with its answer."""
        out = _Output()
        out.note(self._note("The tour: each line below is typed for you, as you would type it."))
        for line in TOUR:
            prompt = self.style.paint(f"{self.person.name} ›", "bold", "primary")
            out.add(f"{prompt} {line}")
            out.extend(await self._say(line))
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
        self.thread_ts = None
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
        connect = next(
            (
                b
                for b in buttons_in(self.shown, self.names)
                if b.element.get("action_id") == CONNECT
            ),
            None,
        )
        if connect is not None:
            out.extend(await self._press(connect))
        return out.done()

    async def _digest_preview(self) -> list[str]:
        """Today's personal digest as the runner would compose it, neither sent nor recorded."""
        preview = await digest_preview(
            self.world.services, self.key(), self.command, self.first_name
        )
        if isinstance(preview, str):
            return [self._note(preview)]
        out = _Output()
        out.note(
            self._note(f"A preview of today's digest, nothing sent or recorded ({preview.when}):")
        )
        reply = preview.reply
        meta = "direct message · preview"
        out.add(render_message(reply.blocks, self.style, self.names, text=reply.text, meta=meta))
        self.shown = [Shown(reply.blocks, preview=True)]
        return out.done()

    async def _collect(
        self, mark: Mark, *, home: bool = False, clicked: Message | None = None
    ) -> list[str]:
        """Wait for what the last input caused, then render it, with any late answer to an
        earlier input that timed out."""
        inbox, user_id = self.inbox, self.person.user_id
        if not await inbox.wait(lambda: inbox.news(user_id, mark, home=home)):
            self._late = self._late or mark
            return [
                self._note(
                    f"No reply from cmbot within {inbox.reply_timeout:g} seconds. If it answers"
                    " later, the answer shows with your next input."
                )
            ]
        await self.inbox.settle()
        since, self._late = self._late or mark, None
        out = _Output()
        shown: list[Shown] = []
        fresh = inbox.new_messages(user_id, since)
        for body in inbox.edits(since):
            if is_set(body.get("delete_original")):
                out.note(self._note("cmbot removed that message."))
                continue
            blocks = body.get("blocks") or []
            if any(message.blocks == blocks for message in fresh):
                continue  # Slack found no original and posted it as a new message
            where = inbox.where(clicked) if clicked is not None else "reply"
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
                    meta=inbox.where(message),
                )
            )
            shown.append(Shown(message.blocks, message=message))
        view = self.world.fake.home_views.get(self.person.user_id)
        if home and view is not None and inbox.publishes(user_id) > mark.publishes:
            out.add(render_view(view, self.style, self.names, meta="Home tab"))
            shown.append(Shown(view.get("blocks") or [], home=True))
        if shown:
            self.shown = shown
        return out.done()

    def _note(self, text: str) -> str:
        """The demo's own voice: marked », dim in colour, wrapped like the bot's replies."""
        line = [("» ", frozenset({"dim"})), (text, frozenset({"dim"}))]
        rows = wrap(line, self.style.width, hang=2)
        return "\n".join(paint_line(row, self.style) for row in rows)


def _page_text(html: str) -> tuple[str, str]:
    """The title and words of one of cmbot's small HTML pages."""
    title = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    body = html[title.end() :] if title else html
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.DOTALL)
    words = " ".join(html_unescape(re.sub(r"<[^>]+>", " ", body)).split())
    words = re.sub(r"\s+([.,:;!?])", r"\1", words)
    heading = html_unescape(title.group(1)).strip() if title else "a page"
    return heading, words
