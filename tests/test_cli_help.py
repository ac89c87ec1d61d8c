"""`cmbot COMMAND --help` explains each command: what it does, beyond its usage line."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import build_parser, main


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under `parser`: ("serve",), ("digest",), ("digest", "run-due"), …"""
    found: list[tuple[str, ...]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*path, name))
                found.extend(commands(sub, (*path, name)))
    return found


EVERY_COMMAND = commands(build_parser())


def test_every_command_is_listed() -> None:
    assert {path[0] for path in EVERY_COMMAND} >= {"serve", "demo", "digest", "sandbox", "keygen"}
    assert ("digest", "run-due") in EVERY_COMMAND


@pytest.mark.parametrize("path", EVERY_COMMAND, ids=" ".join)
def test_help_explains_the_command(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*path, "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"usage: cmbot {' '.join(path)}")
    description = shown.split("\n\n")[1]
    assert len(description.split()) >= 12, shown  # a real explanation, not just usage
