"""统一社会信用代码 (GB 32100-2015): the 18-character unified social credit code.

Positions: 1 registration authority, 2 type under it, 3–8 region code (GB/T 2260),
9–17 organization code (GB 11714), 18 check character. The alphabet has 31 characters
(no I, O, S, V, Z); each character's value is its position in it. The check value is
(31 − Σ value·weight mod 31) mod 31 with weights 3^(i−1) mod 31 for positions 1–17.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [
    pow(3, i, 31) for i in range(17)
]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
LENGTH = 18

CIVIL_AFFAIRS = "5"
CIVIL_AFFAIRS_TYPES = {"1": "social_group", "2": "pne", "3": "foundation", "9": "other"}


@dataclass(frozen=True)
class USCC:
    code: str
    authority: str  # position 1, e.g. "5" for 民政 (civil affairs)
    type_code: str  # position 2
    region_code: str  # positions 3–8
    organization_code: str  # positions 9–17
    check: str  # position 18

    @property
    def is_civil_affairs(self) -> bool:
        return self.authority == CIVIL_AFFAIRS


class USCCError(ValueError):
    """What is wrong with a code: ``reason`` is "length", "character" or "check".

    The attributes let a caller say the same thing in the user's language.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        length: int = 0,
        position: int = 0,
        char: str = "",
        expected: str = "",
        found: str = "",
    ):
        super().__init__(message)
        self.reason = reason
        self.length = length
        self.position = position
        self.char = char
        self.expected = expected
        self.found = found


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse_uscc(code: str) -> USCC:
    """Parse and validate a code; raises ValueError saying what is wrong."""
    text = normalize(code)
    if len(text) != LENGTH:
        raise USCCError(
            f"a 统一社会信用代码 has 18 characters; this one has {len(text)}",
            reason="length",
            length=len(text),
        )
    for position, ch in enumerate(text, start=1):
        if ch not in VALUES:
            raise USCCError(
                f"character {position} ({ch!r}) is not allowed: "
                f"the alphabet is {ALPHABET} (no I, O, S, V, Z)",
                reason="character",
                position=position,
                char=ch,
            )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise USCCError(
            f"the check character is wrong: expected {expected}, found {text[17]}",
            reason="check",
            expected=expected,
            found=text[17],
        )
    return USCC(
        code=text,
        authority=text[0],
        type_code=text[1],
        region_code=text[2:8],
        organization_code=text[8:17],
        check=text[17],
    )


def is_valid_uscc(code: str) -> bool:
    try:
        parse_uscc(code)
    except (ValueError, TypeError):
        return False
    return True


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    first17 = normalize(first17)
    if len(first17) != 17 or any(ch not in VALUES for ch in first17):
        raise ValueError("need 17 characters from the alphabet")
    return first17 + check_character(first17)
