"""Block Kit as a terminal shows it: the demo prints the bot's own Slack messages, not a copy.

Pure functions of the blocks, a `Style` (colour on or off, the width to wrap to) and the
names behind Slack ids, so a rendering is deterministic and testable. Slack mrkdwn becomes
terminal text: bold, italics, strike-through and code are styled (only when colour is on),
links show their label, `<@U…>` becomes @name, entities are unescaped and emoji stay as
they are. Fields sit in two aligned columns (stacked when the terminal is narrow), context is
dim, buttons read `[Label]`. A button that opens a URL reads `[Label ↗]` and never shows the
URL: the bot's connect links carry a single-use ticket.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import urlsplit

DEFAULT_WIDTH = 100
MIN_WIDTH = 40
MAX_WIDTH = 120
COLUMNS_FROM = 60
"""Below this width fields are stacked instead of laid out in two columns."""
COLUMN_GAP = 3
INDENT = "  "

Effects = frozenset[str]
Span = tuple[str, Effects]
Line = list[Span]
Block = Mapping[str, Any]

_SGR: dict[str, str] = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "underline": "4",
    "strike": "9",
    "code": "36",
    "link": "34",
    "mention": "35",
    "danger": "31",
    "primary": "32",
    "quote": "2",
}
_PLAIN: Effects = frozenset()


@dataclass(frozen=True)
class Style:
    """How to print: ANSI colour on or off, and the width to wrap to."""

    color: bool = False
    width: int = DEFAULT_WIDTH

    @classmethod
    def detect(
        cls,
        stream: TextIO,
        *,
        no_color: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Style:
        """Colour only on a terminal, never with `NO_COLOR` set (https://no-color.org) or
        `--no-color`; the terminal's width (COLUMNS wins, 100 when unknown), within bounds."""
        env = os.environ if environ is None else environ
        isatty = getattr(stream, "isatty", None)
        tty = bool(isatty()) if callable(isatty) else False
        color = tty and not no_color and not env.get("NO_COLOR")
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        return cls(color=color, width=max(MIN_WIDTH, min(width, MAX_WIDTH)))

    def paint(self, text: str, *effects: str) -> str:
        """`text` with these effects, or unchanged when colour is off."""
        codes = ";".join(_SGR[name] for name in sorted(set(effects)) if name in _SGR)
        if not self.color or not codes or not text:
            return text
        return f"\x1b[{codes}m{text}\x1b[0m"

    def narrower(self, by: int) -> Style:
        return Style(self.color, max(self.width - by, MIN_WIDTH // 2))


@dataclass(frozen=True)
class Names:
    """Who and what Slack ids stand for, so `<@U0ZOE>` reads @Zoë Ångström."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def user(self, user_id: str) -> str:
        return self.users.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id)


# --- widths ---------------------------------------------------------------------------------

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufe0e")
_EMOJI_PRESENTATION = "\ufe0f"


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: wide (East Asian, most emoji) count two, combining
    marks and joiners none, and VS16 widens the symbol before it to an emoji's two."""
    width = 0
    previous = 0
    for char in text:
        if char == _EMOJI_PRESENTATION:
            if previous == 1:
                width += 1
                previous = 2
            continue
        if char in _ZERO_WIDTH or unicodedata.combining(char):
            continue
        previous = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        width += previous
    return width


def _spans_width(spans: Iterable[Span]) -> int:
    return sum(display_width(text) for text, _ in spans)


# --- mrkdwn ---------------------------------------------------------------------------------

_INLINE = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|(?P<angle><[^<>\n]+>)"
    r"|(?<![\w*])\*(?=\S)(?P<bold>[^*\n]*?\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=\S)(?P<italic>[^_\n]*?\S)_(?![\w_])"
    r"|(?<![\w~])~(?=\S)(?P<strike>[^~\n]*?\S)~(?![\w~])"
)
_FENCED = re.compile(r"```(.*?)```", re.DOTALL)
_QUOTE = re.compile(r"^(?:>|&gt;) ?")
_BULLET = re.compile(r"^\s*(?:[•◦▪‣\-–*]|\d{1,3}[.)])\s+")


def unescape(text: str) -> str:
    """Slack escapes exactly three characters in message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def short_url(url: str) -> str:
    """A URL without its query or fragment: enough to recognise, never a ticket or code."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url.split("?", 1)[0].split("#", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _angle(inner: str, names: Names) -> Span:
    """One `<…>` of Slack: a link, a mention, a channel, a special mention or a date."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (unescape(label) if label else names.user(target[1:])), frozenset({"mention"})
    if target.startswith("#"):
        return "#" + (unescape(label) if label else names.channel(target[1:])), frozenset(
            {"mention"}
        )
    if target.startswith("!"):
        special = target[1:]
        if label:
            kind = {"mention"} if special.startswith("subteam") else set()
            return unescape(label), frozenset(kind)
        return "@" + special.split("^", 1)[0], frozenset({"mention"})
    if label:
        return unescape(label), frozenset({"link"})
    if target.startswith("mailto:"):
        return unescape(target.removeprefix("mailto:")), frozenset({"link"})
    return short_url(unescape(target)), frozenset({"link"})


def inline_spans(text: str, names: Names, effects: Effects = _PLAIN) -> Line:
    """One line of mrkdwn as styled spans."""
    spans: Line = []
    position = 0
    for found in _INLINE.finditer(text):
        if found.start() > position:
            spans.append((unescape(text[position : found.start()]), effects))
        kind = found.lastgroup
        if kind == "code":
            spans.append((unescape(found.group("code")[1:-1]), effects | {"code"}))
        elif kind == "angle":
            label, more = _angle(found.group("angle")[1:-1], names)
            spans.append((label, effects | more))
        elif kind is not None:
            spans.extend(inline_spans(found.group(kind), names, effects | {kind}))
        position = found.end()
    if position < len(text):
        spans.append((unescape(text[position:]), effects))
    return [(chunk, style) for chunk, style in spans if chunk]


def mrkdwn_lines(text: str, names: Names, effects: Effects = _PLAIN) -> list[Line]:
    """Mrkdwn text as logical lines (not wrapped yet); ``` fences become code lines and
    `>` quotes get a bar."""
    lines: list[Line] = []
    parts = _FENCED.split(text)
    for index, part in enumerate(parts):
        if index % 2 == 1:
            rows = part.strip("\n").split("\n")
            lines.extend([(unescape(row), effects | {"code"})] for row in rows)
            continue
        rows = part.split("\n")
        if index > 0 and rows[0] == "":
            rows = rows[1:]  # the line break after a closing fence
        if index < len(parts) - 1 and rows and rows[-1] == "":
            rows = rows[:-1]  # the line break before an opening fence
        for row in rows:
            quote = _QUOTE.match(row)
            if quote is not None:
                body = inline_spans(row[quote.end() :], names, effects | {"quote"})
                lines.append([("│ ", effects | {"quote"}), *body])
            else:
                lines.append(inline_spans(row, names, effects))
    return lines


def plain_lines(text: str, effects: Effects = _PLAIN) -> list[Line]:
    return [[(row, effects)] if row else [] for row in text.split("\n")]


def text_lines(obj: object, names: Names, effects: Effects = _PLAIN) -> list[Line]:
    """A text object (mrkdwn or plain_text) as logical lines."""
    if not isinstance(obj, Mapping):
        return []
    text = obj.get("text")
    if not isinstance(text, str):
        return []
    if obj.get("type") == "mrkdwn":
        return mrkdwn_lines(text, names, effects)
    return plain_lines(text, effects)


# --- wrapping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    spans: tuple[Span, ...]
    space: bool

    @property
    def width(self) -> int:
        return _spans_width(self.spans)


def _tokens(line: Line) -> list[_Token]:
    """Words and the whitespace between them; a word may carry several styles ("*bold*,"),
    and a code span is one word."""
    tokens: list[_Token] = []
    word: list[Span] = []
    for text, effects in line:
        if "code" in effects and text.strip() == text:
            word.append((text, effects))  # `/cm help` stays on one line when it fits
            continue
        for piece in re.split(r"(\s+)", text):
            if not piece:
                continue
            if piece.isspace():
                if word:
                    tokens.append(_Token(tuple(word), space=False))
                    word = []
                tokens.append(_Token(((piece, effects),), space=True))
            else:
                word.append((piece, effects))
    if word:
        tokens.append(_Token(tuple(word), space=False))
    return tokens


def _split_long(spans: Sequence[Span], width: int) -> list[Line]:
    """A word wider than the line, cut at the width."""
    rows: list[Line] = [[]]
    used = 0
    for text, effects in spans:
        for char in text:
            size = display_width(char)
            if used + size > width and rows[-1]:
                rows.append([])
                used = 0
            rows[-1].append((char, effects))
            used += size
    return [_merge(row) for row in rows]


def _merge(line: Line) -> Line:
    merged: Line = []
    for text, effects in line:
        if merged and merged[-1][1] == effects:
            merged[-1] = (merged[-1][0] + text, effects)
        else:
            merged.append((text, effects))
    return merged


def _hang(line: Line) -> int:
    """How far continuation lines are indented: under the text after a bullet or number."""
    plain = "".join(text for text, _ in line)
    bullet = _BULLET.match(plain)
    if bullet is not None:
        return display_width(bullet.group(0))
    return display_width(plain) - display_width(plain.lstrip())


def wrap(line: Line, width: int, *, hang: int | None = None) -> list[Line]:
    """Greedy word wrap of styled spans; runs of spaces inside a line are kept."""
    width = max(width, 1)
    indent = _hang(line) if hang is None else hang
    if indent > width // 2:
        indent = 0
    rows: list[Line] = []
    current: list[Span] = []
    used = 0
    pending: _Token | None = None
    for token in _tokens(line):
        if token.space:
            if current:
                pending = token
            else:
                current.extend(token.spans)  # leading indentation
                used += token.width
            continue
        gap = pending.width if pending is not None and current else 0
        if current and used + gap + token.width > width and used > indent:
            rows.append(current)
            current = [(" " * indent, _PLAIN)] if indent else []
            used = indent
            gap = 0
        elif pending is not None and current:
            current.extend(pending.spans)
            used += gap
        pending = None
        if used + token.width > width:
            pieces = _split_long(token.spans, width - used)
            for piece in pieces[:-1]:
                rows.append([*current, *piece])
                current = [(" " * indent, _PLAIN)] if indent else []
                used = indent
            current.extend(pieces[-1])
            used += _spans_width(pieces[-1])
        else:
            current.extend(token.spans)
            used += token.width
    rows.append(current)
    return [_merge(row) for row in rows]


def paint_line(line: Line, style: Style) -> str:
    return "".join(style.paint(text, *effects) for text, effects in _merge(line)).rstrip()


def _pad(text: str, line: Line, width: int) -> str:
    return text + " " * max(width - _spans_width(line), 0)


# --- blocks ---------------------------------------------------------------------------------


def _label(element: Mapping[str, Any]) -> str:
    text = element.get("text")
    if isinstance(text, Mapping) and isinstance(text.get("text"), str):
        return " ".join(str(text["text"]).split())
    return ""


def button_label(element: Mapping[str, Any]) -> str:
    """What a button says, as the person would name it to press it."""
    return _label(element)


def element_spans(element: Mapping[str, Any]) -> Line:
    """An interactive element as `[Label]`: buttons (styled by their style, ↗ when they open
    a URL), menus with ▾, images as `[image: alt]`."""
    kind = element.get("type")
    if kind == "button":
        label = _label(element) or "button"
        if element.get("url"):
            label += " ↗"
        style = element.get("style")
        effects = {"bold"}
        if style in ("primary", "danger"):
            effects.add(str(style))
        return [(f"[{label}]", frozenset(effects))]
    if kind == "image":
        return [(f"[image: {element.get('alt_text') or 'picture'}]", frozenset({"dim"}))]
    if kind == "overflow":
        return [("[⋯]", frozenset({"bold"}))]
    if kind in ("datepicker", "timepicker", "datetimepicker"):
        initial = element.get("initial_date") or element.get("initial_time") or "pick"
        return [(f"[{initial} ▾]", frozenset({"bold"}))]
    if isinstance(kind, str) and ("select" in kind or kind in ("checkboxes", "radio_buttons")):
        placeholder = element.get("placeholder")
        shown = _label({"text": placeholder}) if isinstance(placeholder, Mapping) else ""
        return [(f"[{shown or 'choose'} ▾]", frozenset({"bold"}))]
    return [(f"[{kind or 'element'}]", frozenset({"dim"}))]


def _joined(parts: Sequence[Line], separator: str = "  ") -> Line:
    joined: Line = []
    for index, part in enumerate(parts):
        if index:
            joined.append((separator, _PLAIN))
        joined.extend(part)
    return joined


def _wrap_all(lines: Iterable[Line], width: int) -> list[Line]:
    rows: list[Line] = []
    for line in lines:
        rows.extend(wrap(line, width) if line else [[]])
    return rows


def _fields(items: Sequence[object], style: Style, names: Names) -> list[Line]:
    """Fields two to a row in aligned columns, or one under another when narrow."""
    if style.width < COLUMNS_FROM:
        rows: list[Line] = []
        for index, item in enumerate(items):
            if index:
                rows.append([])
            rows.extend(_wrap_all(text_lines(item, names), style.width))
        return rows
    column = (style.width - COLUMN_GAP) // 2
    rows = []
    for start in range(0, len(items), 2):
        if start:
            rows.append([])
        left = _wrap_all(text_lines(items[start], names), column)
        right = (
            _wrap_all(text_lines(items[start + 1], names), column) if start + 1 < len(items) else []
        )
        for index in range(max(len(left), len(right))):
            one = left[index] if index < len(left) else []
            two = right[index] if index < len(right) else []
            if two:
                pad = column - _spans_width(one) + COLUMN_GAP
                rows.append([*one, (" " * pad, _PLAIN), *two])
            else:
                rows.append(one)
    return rows


def _section(block: Block, style: Style, names: Names) -> list[Line]:
    rows = _wrap_all(text_lines(block.get("text"), names), style.width)
    items = block.get("fields")
    if isinstance(items, list) and items:
        rows.extend(_fields(items, style, names))
    accessory = block.get("accessory")
    if isinstance(accessory, Mapping):
        extra = element_spans(accessory)
        if rows and _spans_width(rows[0]) + 2 + _spans_width(extra) <= style.width:
            rows[0] = [*rows[0], ("  ", _PLAIN), *extra]
        else:
            rows.append(extra)
    return rows


def _context(block: Block, style: Style, names: Names) -> list[Line]:
    parts: list[Line] = []
    for element in block.get("elements") or []:
        if not isinstance(element, Mapping):
            continue
        if element.get("type") == "image":
            parts.append(element_spans(element))
        else:
            parts.append([span for line in text_lines(element, names) for span in line])
    dimmed = [(text, effects | {"dim"}) for text, effects in _joined(parts)]
    return wrap(dimmed, style.width) if dimmed else []


def _actions(block: Block, style: Style) -> list[Line]:
    parts = [element_spans(e) for e in block.get("elements") or [] if isinstance(e, Mapping)]
    return _wrap_buttons(parts, style.width)


def _wrap_buttons(parts: Sequence[Line], width: int) -> list[Line]:
    """Buttons two spaces apart, never broken inside a label."""
    rows: list[Line] = []
    current: Line = []
    for part in parts:
        if current and _spans_width(current) + 2 + _spans_width(part) > width:
            rows.append(current)
            current = []
        current = [*current, ("  ", _PLAIN), *part] if current else list(part)
    if current:
        rows.append(current)
    return rows


def _rich_text(block: Block, style: Style, names: Names) -> list[Line]:
    """Rich text as people write it: sections, lists, quotes and preformatted text."""
    rows: list[Line] = []

    def leaf(element: Mapping[str, Any]) -> Span:
        kind = element.get("type")
        raw = element.get("style")
        flags: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        effects = {name for name in ("bold", "italic", "strike", "code") if flags.get(name)}
        if kind == "link":
            return str(element.get("text") or short_url(str(element.get("url", "")))), frozenset(
                effects | {"link"}
            )
        if kind == "user":
            return "@" + names.user(str(element.get("user_id", ""))), frozenset({"mention"})
        if kind == "channel":
            return "#" + names.channel(str(element.get("channel_id", ""))), frozenset({"mention"})
        if kind == "emoji":
            return str(element.get("unicode_char") or f":{element.get('name', '')}:"), _PLAIN
        return str(element.get("text", "")), frozenset(effects)

    def inline(node: Mapping[str, Any], effects: Effects) -> list[Line]:
        lines: list[Line] = [[]]
        for element in node.get("elements") or []:
            if isinstance(element, Mapping):
                text, more = leaf(element)
                pieces = text.split("\n")
                lines[-1].append((pieces[0], effects | more))
                lines.extend([(piece, effects | more)] for piece in pieces[1:])
        return lines

    for node in block.get("elements") or []:
        if not isinstance(node, Mapping):
            continue
        kind = node.get("type")
        if kind == "rich_text_list":
            for number, item in enumerate(node.get("elements") or [], start=1):
                if isinstance(item, Mapping):
                    mark = f"{number}. " if node.get("style") == "ordered" else "•  "
                    for index, line in enumerate(inline(item, _PLAIN)):
                        prefix = mark if index == 0 else " " * len(mark)
                        rows.extend(wrap([(prefix, _PLAIN), *line], style.width))
        elif kind == "rich_text_quote":
            for line in inline(node, frozenset({"quote"})):
                rows.extend(wrap([("│ ", frozenset({"quote"})), *line], style.width))
        elif kind == "rich_text_preformatted":
            rows.extend(inline(node, frozenset({"code"})))
        else:
            rows.extend(_wrap_all(inline(node, _PLAIN), style.width))
    return rows


def block_lines(block: Block, style: Style, names: Names) -> list[Line]:
    """One block as wrapped, styled lines."""
    kind = block.get("type")
    if kind == "header":
        lines = text_lines(block.get("text"), names, frozenset({"bold", "underline"}))
        return _wrap_all(lines, style.width)
    if kind == "section":
        return _section(block, style, names)
    if kind == "context":
        return _context(block, style, names)
    if kind == "divider":
        return [[("─" * style.width, frozenset({"dim"}))]]
    if kind == "actions":
        return _actions(block, style)
    if kind == "image":
        title = block.get("title")
        alt = str(block.get("alt_text") or "picture")
        caption = _label({"text": title}) if isinstance(title, Mapping) else ""
        return [[(f"[image: {caption or alt}]", frozenset({"dim"}))]]
    if kind == "rich_text":
        return _rich_text(block, style, names)
    if kind == "input":
        label = _label({"text": block.get("label")})
        element = block.get("element")
        extra = element_spans(element) if isinstance(element, Mapping) else []
        return [[(label, frozenset({"bold"})), ("  ", _PLAIN), *extra]]
    return [[(f"[{kind or 'block'}]", frozenset({"dim"}))]]


_HUGGING = frozenset({"header", "section", "context"})
"""Blocks a context line sits right under, as its caption."""


def _gap_before(kind: str, previous: str | None) -> bool:
    """A blank line between blocks, except for a caption under its block and around a rule.
    (`previous` is "fields" for a section of fields, which a caption does not hug.)"""
    if previous is None or "divider" in (kind, previous):
        return False
    return not (kind == "context" and previous in _HUGGING)


def render_blocks(
    blocks: Sequence[object], style: Style, names: Names | None = None, *, text: str = ""
) -> list[str]:
    """A message's blocks as printable lines; the fallback text when there are no blocks."""
    names = names or Names()
    kept = [block for block in blocks if isinstance(block, Mapping)]
    if not kept:
        lines = _wrap_all(mrkdwn_lines(text, names), style.width)
        return [paint_line(line, style) for line in lines]
    out: list[str] = []
    previous: str | None = None
    for block in kept:
        kind = str(block.get("type"))
        rendered = [paint_line(line, style) for line in block_lines(block, style, names)]
        if not rendered:
            continue
        if _gap_before(kind, previous):
            out.append("")
        out.extend(rendered)
        previous = "fields" if kind == "section" and block.get("fields") else kind
    return out


def render_message(
    blocks: Sequence[object],
    style: Style,
    names: Names | None = None,
    *,
    text: str = "",
    meta: str | None = None,
) -> str:
    """A message as the demo prints it: a dim line saying where and for whom, then the
    blocks indented under it."""
    body = render_blocks(blocks, style.narrower(len(INDENT)), names, text=text)
    lines = [INDENT + line if line else "" for line in body]
    if meta is not None:
        lines.insert(0, style.paint("cmbot", "bold") + style.paint(f" · {meta}", "dim"))
    return "\n".join(lines)


def render_view(
    view: Mapping[str, Any], style: Style, names: Names | None = None, *, meta: str = "Home tab"
) -> str:
    """A Home tab (or modal) view: its title, if any, then its blocks."""
    blocks = view.get("blocks")
    shown = list(blocks) if isinstance(blocks, list) else []
    title = view.get("title")
    if isinstance(title, Mapping) and title.get("text"):
        shown.insert(0, {"type": "header", "text": title})
    return render_message(shown, style, names, meta=meta)
