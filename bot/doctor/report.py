"""The doctor's findings: one OK / WARN / FAIL line per check, or JSON for machines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["OK", "WARN", "FAIL"]
_ORDER: dict[Level, int] = {"OK": 0, "WARN": 1, "FAIL": 2}


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, how it went, in words, and the facts behind it."""

    level: Level
    name: str
    said: str
    facts: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """Further lines in plain words (one fact each), shown indented under the check."""


def worst(*levels: Level) -> Level:
    return max(levels, key=_ORDER.__getitem__, default="OK")


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    @property
    def level(self) -> Level:
        return worst(*(check.level for check in self.checks))

    @property
    def exit_code(self) -> int:
        """1 when any check failed, else 0."""
        return 1 if self.level == "FAIL" else 0

    def lines(self) -> list[str]:
        out: list[str] = []
        for check in self.checks:
            out.append(f"{check.level:<4}  {check.name}: {check.said}")
            out.extend(f"        {note}" for note in check.notes)
        counts = {level: sum(check.level == level for check in self.checks) for level in _ORDER}
        out.append(
            f"{self.level:<4}  overall: {counts['OK']} OK, {counts['WARN']} WARN,"
            f" {counts['FAIL']} FAIL"
        )
        return out

    def json(self) -> str:
        return json.dumps(
            {
                "level": self.level,
                "checks": [
                    {
                        "level": check.level,
                        "name": check.name,
                        "said": check.said,
                        "notes": list(check.notes),
                        **check.facts,
                    }
                    for check in self.checks
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
