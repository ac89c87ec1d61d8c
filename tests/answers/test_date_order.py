"""How a lab writes "4/12", read from its zone: a table, then the labs of one user together."""

from __future__ import annotations

import pytest

from bot.answers.date_order import labs_date_order, zone_date_order


@pytest.mark.parametrize(
    ("zone", "order"),
    [
        ("Europe/London", "DMY"),
        ("Europe/Berlin", "DMY"),
        ("Australia/Sydney", "DMY"),
        ("America/Sao_Paulo", "DMY"),
        ("Asia/Kolkata", "DMY"),
        ("America/New_York", "MDY"),
        ("America/Los_Angeles", "MDY"),
        ("America/Indiana/Indianapolis", "MDY"),
        ("Pacific/Honolulu", "MDY"),
        ("US/Eastern", "MDY"),
        ("Eastern Time (US & Canada)", "MDY"),  # Rails' name
        ("Asia/Manila", "MDY"),
        ("Asia/Tokyo", "MDY"),
        ("Asia/Shanghai", "MDY"),
        ("London", "DMY"),  # Rails' name
        ("America/Toronto", None),  # Canada writes both ways
        ("America/Vancouver", None),
        ("UTC", None),
        ("Etc/GMT+5", None),
        ("Mars/Olympus_Mons", None),
        ("", None),
        (None, None),
    ],
)
def test_a_zone_says_how_its_country_writes_dates(zone: str | None, order: str | None) -> None:
    assert zone_date_order(zone) == order


def test_labs_that_agree_settle_it_and_labs_that_differ_ask() -> None:
    assert labs_date_order(["Europe/London", "Europe/Paris"]) == "DMY"
    assert labs_date_order(["America/Chicago", "America/Denver"]) == "MDY"
    assert labs_date_order(["Europe/London", "America/New_York"]) is None
    assert labs_date_order(["Europe/London", None]) is None
    assert labs_date_order([]) is None
