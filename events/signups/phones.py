"""Phone numbers as people in Japan write them: the form keeps what was typed, this module gives
the digits to call (`tel:` links) and to compare.

What is accepted, and why:
- digits in either width, brackets in either width, spaces (also U+3000) and every kind of
  hyphen or dash, including the long-vowel mark ー that a Japanese keyboard gives for "-";
- a number within Japan: 10 digits (landlines, 0120, 0570) or 11 (mobiles 070/080/090, 050, 0800),
  starting with 0. Short numbers (110, 117, #7119) are refused: a centre needs a number it can
  call back;
- +81 (with or without the trunk 0, as in "+81 (0)3 1234 5678"): the same number, so it is
  normalised to the domestic digits, which a phone in Japan calls and which compare equal to the
  number written the domestic way;
- another country's number (+ then 8 to 15 digits, the international maximum) is kept with
  its + : a family abroad may still be called.
"""

import re
import unicodedata

# After NFKC (which already makes full-width digits, brackets, spaces, ＋ and － ASCII):
# the hyphens and dashes NFKC leaves alone, and the long-vowel mark.
SEPARATORS = re.compile(r"[\s()\-‐‑‒–—―−ー─━]")

DOMESTIC_LENGTHS = (10, 11)
INTERNATIONAL_LENGTHS = range(8, 16)  # digits after the +, country code included
JAPAN = "81"


class PhoneError(ValueError):
    """Not a number a centre can call; `code` says why: characters, start (no area code),
    too_short, too_long."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def phone_digits(typed):
    """The number to dial, as ASCII digits (a leading + only for a number outside Japan);
    raises PhoneError for what is not a callable number."""
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", typed))
    international = text.startswith("+")
    if international:
        text = text[1:]
    if not text.isascii() or not text.isdigit():
        raise PhoneError("characters")
    if international and text.startswith(JAPAN):
        national = text.removeprefix(JAPAN)
        text = national if national.startswith("0") else "0" + national
        international = False
    if international:
        if text.startswith("0"):
            raise PhoneError("start")
        _check_length(text, INTERNATIONAL_LENGTHS)
        return "+" + text
    # 00… is a prefix for calling abroad, not a number.
    if not text.startswith("0") or text.startswith("00"):
        raise PhoneError("start")
    _check_length(text, DOMESTIC_LENGTHS)
    return text


def _check_length(digits, lengths):
    if len(digits) < min(lengths):
        raise PhoneError("too_short")
    if len(digits) > max(lengths):
        raise PhoneError("too_long")


def digits_or_blank(typed):
    """The digits of a number the forms accepted; blank for none (or one that never was checked:
    a row from before the check, a test)."""
    try:
        return phone_digits(typed) if typed else ""
    except PhoneError:
        return ""
