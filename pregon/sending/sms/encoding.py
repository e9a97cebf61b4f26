"""How an SMS is encoded and into how many parts it is split (3GPP TS 23.038 and 23.040).

A text made only of the GSM 7-bit default alphabet (with its extension table, whose
characters take two septets) travels as GSM-7: 160 characters in one SMS, 153 per part when
split. Any other character, such as "ó" or "ú" (the alphabet has "é" and "ñ" but not every
Spanish accent), turns the whole text into UCS-2: 70 characters, 67 per part, counted in
UTF-16 units (an emoji takes two). The editor's script (static/js/sms-counter.js) applies the
same rule; ``count`` is the one the sender and the gateways' bills follow.
"""

from dataclasses import dataclass

GSM7 = "gsm7"
UCS2 = "ucs2"

# The default alphabet; the one-byte entries are what a GSM-7 message may carry as is.
_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is an escape septet plus its own, two in all.
_EXTENDED = set("^{}\\[~]|€\f")

_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class Count:
    """A text's encoding, its length in that encoding's units, and how many SMS it takes."""

    encoding: str
    characters: int
    segments: int
    # Units left in the last part before one more is needed.
    remaining: int


def encoding_of(text: str) -> str:
    """GSM7 when every character is in the GSM default alphabet or its extension, else UCS2."""
    allowed = _BASIC | _EXTENDED
    return GSM7 if all(char in allowed for char in text) else UCS2


def count(text: str) -> Count:
    """The encoding of ``text``, its length in septets (GSM-7) or UTF-16 units (UCS-2), and
    the parts it is sent in (0 for an empty text)."""
    encoding = encoding_of(text)
    if encoding == GSM7:
        units = sum(2 if char in _EXTENDED else 1 for char in text)
    else:
        units = len(text.encode("utf-16-le")) // 2
    single, part = _LIMITS[encoding]
    if units == 0:
        return Count(encoding, 0, 0, single)
    if units <= single:
        return Count(encoding, units, 1, single - units)
    segments = -(-units // part)
    return Count(encoding, units, segments, segments * part - units)


def non_gsm_characters(text: str) -> list[str]:
    """The characters of ``text`` that force UCS-2, each once, in order: what the editor
    names so that the user can replace them ("ó" with "o") to pay for fewer parts."""
    allowed = _BASIC | _EXTENDED
    seen: list[str] = []
    for char in text:
        if char not in allowed and char not in seen:
            seen.append(char)
    return seen
