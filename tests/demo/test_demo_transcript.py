"""The README's example transcript stays true: its command, run again, prints exactly it."""

from __future__ import annotations

import difflib
import re
import shlex
from pathlib import Path

from demo_process import ROOT, WIDTH, run_demo

PROMPT = "$ cmbot demo "
FENCE = re.compile(r"^```text\n(\$ cmbot demo [^\n]*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def readme_transcript() -> tuple[list[str], str]:
    """The command (as arguments after `cmbot demo`) and the output the README shows."""
    found = FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(found) == 1, "README.md should hold one ```text block starting `$ cmbot demo`"
    command, output = found[0]
    return shlex.split(command.removeprefix(PROMPT)), output


def tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_the_transcript_is_what_the_demo_prints(tmp_path: Path) -> None:
    args, expected = readme_transcript()
    assert "--no-color" in args
    assert args.count("--run") >= 3
    result = run_demo(args, tmp_path)
    assert result.returncode == 0, result.stderr
    actual = tidy(result.stdout)
    diff = "\n".join(
        difflib.unified_diff(
            tidy(expected).splitlines(), actual.splitlines(), "README.md", "cmbot demo", lineterm=""
        )
    )
    assert actual == tidy(expected), (
        f"The README's transcript is out of date. Regenerate it with\n"
        f"  COLUMNS={WIDTH} .venv/bin/cmbot demo {shlex.join(args)}\n{diff}"
    )
