"""统一社会信用代码 (GB 32100-2015): parsing, the check character and its messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from venture.orgs.uscc import (
    ALPHABET,
    VALUES,
    WEIGHTS,
    USCCError,
    check_character,
    is_valid_uscc,
    make_uscc,
    parse_uscc,
)

EXAMPLE = "91350100M000100Y43"  # the worked example of the standard


def test_the_worked_example_of_the_standard():
    total = sum(VALUES[ch] * w for ch, w in zip(EXAMPLE[:17], WEIGHTS, strict=True))
    assert total == 1640
    assert total % 31 == 28
    assert check_character(EXAMPLE[:17]) == "3"
    assert is_valid_uscc(EXAMPLE)
    parsed = parse_uscc(EXAMPLE)
    assert (parsed.authority, parsed.type_code, parsed.region_code) == ("9", "1", "350100")
    assert parsed.organization_code == "M000100Y4"
    assert parsed.check == "3"
    assert not parsed.is_civil_affairs


def test_weights_are_powers_of_three():
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_surrounding_whitespace_and_lowercase_are_accepted():
    assert parse_uscc("  " + EXAMPLE.lower() + "\n").code == EXAMPLE
    assert is_valid_uscc("\t91350100m000100y43 ")


def test_a_civil_affairs_code_is_parsed_into_its_parts():
    code = make_uscc("52439901MJ0000017")
    parsed = parse_uscc(code)
    assert parsed.is_civil_affairs
    assert parsed.type_code == "2"
    assert parsed.region_code == "439901"
    assert parsed.organization_code == "MJ0000017"


@pytest.mark.parametrize("code, length", [("", 0), ("91350100M000100Y4", 17), (EXAMPLE + "0", 19)])
def test_wrong_length_is_named(code, length):
    with pytest.raises(ValueError, match=f"18 characters; this one has {length}") as caught:
        parse_uscc(code)
    assert caught.value.reason == "length" and caught.value.length == length
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-", "中"])
def test_a_character_outside_the_alphabet_is_named_with_its_position(letter):
    code = EXAMPLE[:9] + letter + EXAMPLE[10:]
    with pytest.raises(ValueError, match="character 10") as caught:
        parse_uscc(code)
    assert caught.value.reason == "character"
    assert (caught.value.position, caught.value.char) == (10, letter)
    assert letter in str(caught.value)


def test_a_wrong_check_character_says_what_was_expected():
    with pytest.raises(USCCError, match="expected 3, found 4") as caught:
        parse_uscc(EXAMPLE[:17] + "4")
    assert caught.value.reason == "check"
    assert (caught.value.expected, caught.value.found) == ("3", "4")


def test_make_uscc_refuses_bad_input():
    with pytest.raises(ValueError):
        make_uscc("5243990")
    with pytest.raises(ValueError):
        make_uscc("52439901MJ000001I")


def test_is_valid_uscc_never_raises():
    assert not is_valid_uscc(None)
    assert not is_valid_uscc("hello")


first17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(first17)
def test_make_uscc_always_yields_a_valid_code(prefix):
    code = make_uscc(prefix)
    assert code[:17] == prefix
    assert is_valid_uscc(code)


@given(first17, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=30))
def test_any_single_character_change_is_detected(prefix, position, shift):
    code = make_uscc(prefix)
    replacement = ALPHABET[(VALUES[code[position]] + shift) % 31]
    changed = code[:position] + replacement + code[position + 1 :]
    assert changed != code
    assert not is_valid_uscc(changed)
