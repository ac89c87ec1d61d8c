"""`:user NAME` and `--user NAME` find the demo's people however they are typed."""

from __future__ import annotations

from bot.demo.world import PEOPLE, find_person

ZOE, MARGARET, JOSE, EMILY = PEOPLE


def test_people_are_found_by_any_name() -> None:
    assert find_person("zoe") == ZOE
    assert find_person("Zoë Ångström") == ZOE
    assert find_person("okafor") == MARGARET
    assert find_person("@José") == JOSE
    assert find_person("em") == EMILY
    assert find_person("U0EMILY") == EMILY


def test_no_one_is_found_for_a_stranger_or_nothing() -> None:
    assert find_person("nobody") is None
    assert find_person("") is None
    assert find_person("@") is None
