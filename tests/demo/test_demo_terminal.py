"""Block Kit to terminal text: mrkdwn, fields, buttons, colour, wrapping, the Home tab."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from bot.demo.terminal import (
    Names,
    Style,
    display_width,
    render_blocks,
    render_message,
    render_view,
    short_url,
)
from bot.render import kit
from bot.render.home import home_view
from bot.render.views import DigestSummary

PLAIN = Style(color=False, width=80)
COLOUR = Style(color=True, width=80)
NAMES = Names(users={"U0ZOE": "Zoë Ångström"}, channels={"C0LAB": "lab"})


def text_of(blocks: list[dict[str, Any]], style: Style = PLAIN) -> str:
    return "\n".join(render_blocks(blocks, style, NAMES))


def section(text: str) -> dict[str, Any]:
    return kit.section(text)


def test_mrkdwn_styles_read_as_plain_words_without_colour() -> None:
    shown = text_of([section("*Bold* and _italic_ and ~gone~ and `code` here")])
    assert shown == "Bold and italic and gone and code here"


def test_mrkdwn_styles_are_ansi_with_colour() -> None:
    shown = text_of([section("*Bold* and `code`")], COLOUR)
    assert "\x1b[1mBold\x1b[0m" in shown
    assert "\x1b[36mcode\x1b[0m" in shown


def test_links_mentions_channels_and_entities() -> None:
    shown = text_of(
        [
            section(
                "See <https://example.org/x?ticket=secret|the page>, ask <@U0ZOE> in <#C0LAB>,"
                " <!here> &amp; A &lt; B &gt; C"
            )
        ]
    )
    assert shown == "See the page, ask @Zoë Ångström in #lab, @here & A < B > C"


def test_a_bare_url_loses_its_query_so_no_ticket_is_printed() -> None:
    assert text_of([section("<https://example.org/start?ticket=abc#frag>")]) == (
        "https://example.org/start"
    )
    assert short_url("http://127.0.0.1:3000/clustermarket/connect?ticket=x") == (
        "http://127.0.0.1:3000/clustermarket/connect"
    )


def test_underscores_and_stars_inside_words_are_left_alone() -> None:
    assert text_of([section("cm_share_x and 2*3*4")]) == "cm_share_x and 2*3*4"


def test_emoji_and_names_keep_their_characters() -> None:
    assert text_of([section("✅ Approved  ·  📍 G.12 — Zoë")]) == "✅ Approved  ·  📍 G.12 — Zoë"


def test_nested_styles_and_code_fences() -> None:
    shown = text_of([section("*bold with _italic_ inside*\n```\nline one\n  two\n```\nafter")])
    assert shown.splitlines() == ["bold with italic inside", "line one", "  two", "after"]


def test_quotes_get_a_bar() -> None:
    assert text_of([section("&gt; quoted words")]) == "│ quoted words"


def test_header_is_bold_and_underlined() -> None:
    shown = text_of([kit.header("📅 Your bookings")], COLOUR)
    assert shown == "\x1b[1;4m📅 Your bookings\x1b[0m"


def test_fields_sit_in_two_aligned_columns() -> None:
    blocks = kit.fields(
        [("Name", "Zoë Ångström"), ("ID", "15001"), ("Lab", "Genomics"), ("TZ", "UTC")]
    )
    lines = text_of(blocks).splitlines()
    assert lines[0].split() == ["Name", "ID"]
    assert lines[0].index("ID") == lines[1].index("15001") == lines[3].index("TZ")
    assert lines[2] == ""  # a blank line between rows of fields


def test_fields_stack_when_the_terminal_is_narrow() -> None:
    blocks = kit.fields([("Name", "Zoë"), ("ID", "15001")])
    lines = text_of(blocks, Style(width=40)).splitlines()
    assert lines == ["Name", "Zoë", "", "ID", "15001"]


def test_buttons_are_labels_in_brackets_and_url_buttons_hide_the_url() -> None:
    blocks = [
        kit.actions(
            [
                kit.button("Share in channel", "cm_share", value="x"),
                kit.button(
                    "Connect",
                    "cm_connect",
                    url="http://127.0.0.1:3000/clustermarket/connect?ticket=SECRET",
                    style="primary",
                ),
            ]
        )
    ]
    shown = text_of(blocks)
    assert shown == "[Share in channel]  [Connect ↗]"
    assert "SECRET" not in text_of(blocks, COLOUR)
    assert "\x1b[1;32m[Connect ↗]\x1b[0m" in text_of(blocks, COLOUR)


def test_an_accessory_button_follows_its_text() -> None:
    block = kit.section(
        "*Eppendorf 5810 R*\nStructural Biology Lab",
        accessory=kit.button("Choose", "cm_choose:1", value="v"),
    )
    assert text_of([block]).splitlines() == ["Eppendorf 5810 R  [Choose]", "Structural Biology Lab"]


def test_context_is_dim_and_divider_is_a_rule() -> None:
    shown = text_of([kit.context("small print", "more"), kit.divider()], COLOUR)
    first, rule = shown.splitlines()
    assert first == "\x1b[2msmall print  more\x1b[0m"
    assert rule == "\x1b[2m" + "─" * 80 + "\x1b[0m"


def test_images_are_named_by_their_alt_text() -> None:
    block = {"type": "image", "image_url": "https://x/y.png", "alt_text": "a confocal"}
    assert text_of([block]) == "[image: a confocal]"


def test_blocks_are_spaced_and_captions_hug_their_section() -> None:
    blocks = [
        kit.header("Title"),
        kit.context("caption"),
        kit.section("one"),
        kit.section("two"),
        kit.context("under two"),
        kit.actions([kit.button("More", "cm_more", value="v")]),
    ]
    assert text_of(blocks).splitlines() == [
        "Title",
        "caption",
        "",
        "one",
        "",
        "two",
        "under two",
        "",
        "[More]",
    ]


def test_long_text_wraps_within_the_width_with_a_hanging_indent() -> None:
    words = " ".join(["instrument"] * 30)
    lines = text_of([section(f"•  {words}")], Style(width=50)).splitlines()
    assert len(lines) > 3
    assert all(display_width(line) <= 50 for line in lines)
    assert all(line.startswith("   instrument") for line in lines[1:])


def test_a_code_span_is_not_broken_when_it_fits() -> None:
    lines = text_of([section("aaaa bbbb cccc `/cm free NovaSeq` dddd")], Style(width=20))
    assert "/cm free NovaSeq" in lines.splitlines()


def test_a_word_longer_than_the_line_is_cut() -> None:
    lines = text_of([section("x" * 130)], Style(width=50)).splitlines()
    assert [len(line) for line in lines] == [50, 50, 30]


def test_emoji_count_two_columns() -> None:
    assert display_width("✅") == 2
    assert display_width("⚙️") == 2
    assert display_width("Zoë") == 3
    assert display_width("e\u0301") == 1


def test_fallback_text_when_there_are_no_blocks() -> None:
    assert render_blocks([], PLAIN, text="*Just* text") == ["Just text"]


def test_a_message_has_a_meta_line_and_indented_blocks() -> None:
    shown = render_message([section("hello")], PLAIN, meta="#lab · only visible to you")
    assert shown.splitlines() == ["cmbot · #lab · only visible to you", "  hello"]


def test_rendering_is_deterministic() -> None:
    blocks = [kit.header("A"), *kit.fields([("x", "1"), ("y", "2")]), kit.context("c")]
    assert text_of(blocks, COLOUR) == text_of(blocks, COLOUR)


def test_the_home_tab() -> None:
    now = dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC)
    view = home_view(
        linked_as="Zoë Ångström",
        broken=False,
        connect_url=None,
        next_bookings=[],
        tz_name="Europe/London",
        now=now,
        digest=DigestSummary(personal=True, time=dt.time(8, 0)),
        command="/cm",
    )
    shown = render_view(view, PLAIN, NAMES)
    assert shown.startswith("cmbot · Home tab\n")
    assert "Connected to Clustermarket as Zoë Ångström.  [Disconnect]" in shown
    assert "[Refresh]" in shown
    assert "─" * 20 in shown


def test_style_detection() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert Style.detect(Tty(), environ={}).color is True
    assert Style.detect(Tty(), environ={"NO_COLOR": "1"}).color is False
    assert Style.detect(Tty(), no_color=True, environ={}).color is False
    assert Style.detect(io.StringIO(), environ={}).color is False
    assert Style(color=False).paint("x", "bold") == "x"
