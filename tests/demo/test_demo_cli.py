"""`cmbot demo --run …` for scripts and the prompt with piped input, in real processes."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo_process import run_demo

from bot.demo.cli import add_demo_arguments, demo_command


def test_run_answers_each_input_once_and_exits(tmp_path: Path) -> None:
    result = run_demo(["--no-color", "--run", "/cm me", "--run", "/cm labs"], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("zoe › /cm me\ncmbot · #lab · only visible to you\n")
    assert "Zoë Ångström" in out and "Clustermarket ID" in out
    assert "\nzoe › /cm labs\n" in out
    assert "Structural Biology Lab" in out and "[Share in channel]" in out
    assert "\x1b[" not in out  # --no-color
    assert "Traceback" not in result.stderr


def test_the_prompt_reads_piped_input_until_quit(tmp_path: Path) -> None:
    result = run_demo(["--user", "Margaret"], tmp_path, stdin="/cm me\n:quit\n/cm labs\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "You are Margaret Okafor (@margaret)" in out  # the banner
    assert "margaret › /cm me\n" in out
    assert "Margaret Okafor" in out and "Clustermarket ID" in out
    assert "margaret › :quit" in out
    assert "/cm labs" not in out.split(":quit", 1)[1]  # nothing after :quit
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "Traceback" not in result.stderr


def test_end_of_input_leaves_cleanly(tmp_path: Path) -> None:
    result = run_demo(["--no-color"], tmp_path, stdin="")
    assert result.returncode == 0, result.stderr
    assert "cmbot demo" in result.stdout


def test_an_unknown_user_is_refused_before_starting(tmp_path: Path) -> None:
    result = run_demo(["--user", "nobody", "--run", "/cm me"], tmp_path)
    assert result.returncode == 2
    assert "no demo user 'nobody'" in result.stderr
    assert result.stdout == ""


def test_arguments() -> None:
    parser = argparse.ArgumentParser()
    add_demo_arguments(parser)
    args = parser.parse_args(["--run", "/cm me", "--run", ":digest", "--no-color"])
    assert args.inputs == ["/cm me", ":digest"]
    assert args.no_color is True
    assert args.user == "zoe"
    assert parser.parse_args([]).inputs is None


def test_the_arguments_leave_room_for_the_dispatch_of_bot_cli() -> None:
    """`bot.cli` runs `args.run(args)`: `--run` must not land in `args.run`."""
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    demo = commands.add_parser("demo")
    add_demo_arguments(demo)
    demo.set_defaults(run=demo_command)
    args = parser.parse_args(["demo", "--run", "/cm me"])
    assert args.run is demo_command
    assert args.inputs == ["/cm me"]
