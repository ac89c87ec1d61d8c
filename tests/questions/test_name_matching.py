"""Forgiving name matching: typos, accents, ids, partial words, and never a silent pick."""

from __future__ import annotations

import pytest

from bot.questions.matching import Candidate, Match, fold, match_name

EQUIPMENT = [
    ("Leica SP8 Confocal", "Smith Lab"),
    ("Zeiss LSM 980", "Smith Lab"),
    ("Illumina NovaSeq 6000", "Genomics Core"),
    ("Eppendorf Centrifuge 5424", "Smith Lab"),
    ("NanoDrop One", "Smith Lab"),
    ("Bio-Rad C1000 Thermal Cycler", "Genomics Core"),
    ("qPCR machine", "Genomics Core"),
    ("Flow Cytometer", "Immunology"),
    ("Zoë Fluorescent Cell Imager", "Immunology"),
    ("Centrifuge 5810 R", "Genomics Core"),
    ("Zeiss LSM 980", "Jones Lab"),  # the same instrument in another lab
]
CANDIDATES = [
    Candidate(id=100 + index, name=name, context=lab, item=f"item-{index}")
    for index, (name, lab) in enumerate(EQUIPMENT)
]


def names(match: Match[str]) -> list[str]:
    return [f"{c.name} ({c.context})" for c in match.chosen]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zoë", "zoe"),
        ("ZOE", "zoe"),
        ("  Zeiss   LSM-980  ", "zeiss lsm 980"),
        ("Bio-Rad_C1000 (Genomics)", "bio rad c1000 genomics"),
        ("Straße", "strasse"),
        ("Ångström", "angstrom"),
        ("ﬁlter", "filter"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("104", "NanoDrop One (Smith Lab)"),
        ("#104", "NanoDrop One (Smith Lab)"),
        ("nanodrop one", "NanoDrop One (Smith Lab)"),
        ("NANODROP ONE", "NanoDrop One (Smith Lab)"),
        ("  Leica  SP8 confocal ", "Leica SP8 Confocal (Smith Lab)"),
        ("zoe fluorescent cell imager", "Zoë Fluorescent Cell Imager (Immunology)"),
        ("Zeiss LSM 980 Jones Lab", "Zeiss LSM 980 (Jones Lab)"),
        ("Zeiss LSM 980 (Smith Lab)", "Zeiss LSM 980 (Smith Lab)"),
    ],
)
def test_exact(query: str, name: str) -> None:
    match = match_name(query, CANDIDATES)
    assert match.kind == "exact"
    assert names(match) == [name]
    assert match.suggestions == []


def test_exact_match_keeps_the_item() -> None:
    match = match_name("106", CANDIDATES)
    assert match.chosen[0].item == "item-6"


def test_same_name_in_two_labs_is_ambiguous_never_a_silent_pick() -> None:
    match = match_name("zeiss lsm 980", CANDIDATES)
    assert match.kind == "ambiguous"
    assert names(match) == ["Zeiss LSM 980 (Smith Lab)", "Zeiss LSM 980 (Jones Lab)"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("confocal", "Leica SP8 Confocal (Smith Lab)"),
        ("novaseq", "Illumina NovaSeq 6000 (Genomics Core)"),
        ("nova seq", "Illumina NovaSeq 6000 (Genomics Core)"),
        ("NovaSeq 6000", "Illumina NovaSeq 6000 (Genomics Core)"),
        ("conf sp8", "Leica SP8 Confocal (Smith Lab)"),
        ("thermal", "Bio-Rad C1000 Thermal Cycler (Genomics Core)"),
        ("zoe", "Zoë Fluorescent Cell Imager (Immunology)"),
        ("ZOË", "Zoë Fluorescent Cell Imager (Immunology)"),
        ("lsm jones", "Zeiss LSM 980 (Jones Lab)"),  # the lab's name settles it
    ],
)
def test_partial_words_find_one(query: str, name: str) -> None:
    match = match_name(query, CANDIDATES)
    assert match.kind == "one"
    assert names(match) == [name]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lsm 980", {"Zeiss LSM 980 (Smith Lab)", "Zeiss LSM 980 (Jones Lab)"}),
        (
            "centrifuge",
            {"Eppendorf Centrifuge 5424 (Smith Lab)", "Centrifuge 5810 R (Genomics Core)"},
        ),
        ("zeiss", {"Zeiss LSM 980 (Smith Lab)", "Zeiss LSM 980 (Jones Lab)"}),
    ],
)
def test_partial_words_in_several_are_ambiguous(query: str, expected: set[str]) -> None:
    match = match_name(query, CANDIDATES)
    assert match.kind == "ambiguous"
    assert set(names(match)) == expected


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("confocl", "Leica SP8 Confocal (Smith Lab)"),
        ("novasq", "Illumina NovaSeq 6000 (Genomics Core)"),
        ("nanodrp", "NanoDrop One (Smith Lab)"),
        ("thermocycler", "Bio-Rad C1000 Thermal Cycler (Genomics Core)"),
        ("cytometr", "Flow Cytometer (Immunology)"),
        ("flwo cytometer", "Flow Cytometer (Immunology)"),
        ("illumna", "Illumina NovaSeq 6000 (Genomics Core)"),
        ("leica confocl", "Leica SP8 Confocal (Smith Lab)"),
    ],
)
def test_typos_with_one_clear_winner(query: str, name: str) -> None:
    match = match_name(query, CANDIDATES)
    assert match.kind == "one"
    assert names(match) == [name]


def test_typo_close_to_two_names_is_ambiguous() -> None:
    match = match_name("centrifudge", CANDIDATES)
    assert match.kind == "ambiguous"
    assert set(names(match)) == {
        "Eppendorf Centrifuge 5424 (Smith Lab)",
        "Centrifuge 5810 R (Genomics Core)",
    }


def test_a_middling_guess_is_offered_not_taken() -> None:
    match = match_name("leika", CANDIDATES)
    assert match.kind == "ambiguous"  # to be confirmed by the user
    assert names(match) == ["Leica SP8 Confocal (Smith Lab)"]


@pytest.mark.parametrize("query", ["microscope", "spectrophotometer", "xyz", "999"])
def test_nothing_close_is_none_with_suggestions(query: str) -> None:
    match = match_name(query, CANDIDATES, limit=3)
    assert match.kind == "none"
    assert match.chosen == []
    assert len(match.suggestions) <= 3


def test_none_suggests_the_nearest_names_first() -> None:
    match = match_name("spectrophotometer", CANDIDATES)
    assert match.kind == "none"
    assert match.suggestions[0].name == "Flow Cytometer"


def test_limit_caps_ambiguous_choices() -> None:
    many = [Candidate(i, f"Pipette {i}", None, i) for i in range(20)]
    match = match_name("pipette", many, limit=4)
    assert match.kind == "ambiguous"
    assert len(match.chosen) == 4


@pytest.mark.parametrize("query", ["", "   ", "!!!"])
def test_empty_query_matches_nothing(query: str) -> None:
    assert match_name(query, CANDIDATES) == Match("none")


def test_no_candidates() -> None:
    assert match_name("confocal", []) == Match("none")


def test_an_id_that_is_also_in_a_name() -> None:
    equipment = [Candidate(980, "Centrifuge", None, "a"), Candidate(1, "Zeiss LSM 980", None, "b")]
    match = match_name("980", equipment)
    assert match.kind == "exact"
    assert match.chosen[0].item == "a"
    by_name = match_name("980", [Candidate(1, "Zeiss LSM 980", None, "b")])
    assert by_name.kind == "one"
