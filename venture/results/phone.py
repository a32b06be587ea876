"""Mainland China phone numbers: mobile (1[3-9]xxxxxxxxx) or landline (area code 0xx/0xxx,
7–8 digit number, optional extension). Pure functions, no Flask."""

from __future__ import annotations

import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９－（）＋　", "0123456789-()+ ")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes are 3 digits for 010 and 02x, else 4 digits (03xx–09xx); local numbers 7 or 8 digits.
_LANDLINE = re.compile(r"(0[12]\d|0[3-9]\d{2})-?(\d{7,8})(?:-(\d{1,6}))?")


def normalize_phone(raw: str) -> str | None:
    """The number in a canonical form ('13812345678' or '0736-7123456[-12]'), or None
    when it is neither a mainland mobile nor a landline number."""
    text = (raw or "").translate(_FULLWIDTH).strip()
    text = re.sub(r"[\s()]", "", text)
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
    elif text.startswith("0086"):
        text = text[4:].lstrip("-")
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if _MOBILE.fullmatch(text.replace("-", "")) and not text.startswith("0"):
        return text.replace("-", "")
    match = _LANDLINE.fullmatch(text)
    if match:
        area, number, extension = match.groups()
        if number.startswith("0"):
            return None  # a local number never starts with 0
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    return None
