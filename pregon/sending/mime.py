"""Hand-assembled MIME for campaign messages: one builder per campaign, one call per recipient.

``email.message.EmailMessage`` costs ~2 ms a message, most of it in the header policy
machinery; this writes the same RFC 5322 bytes directly. Everything the same for every
recipient (From, Reply-To, List-Id, Feedback-ID, extra headers) is encoded once in
``MessageBuilder.__init__``; ``build`` only encodes the recipient, the subject and the two
bodies. The output parses with Python's ``email`` package and signs with
``pregon.lib.dkim``; the tests hold both to that.
"""

import binascii
import datetime
import email.utils
import os
import re
from collections.abc import Sequence

from pregon.lib import dkim

CRLF = "\r\n"
# RFC 2047 §2 limits a line holding encoded words to 76 characters (RFC 5322 asks for 78),
# and an encoded word to 75: "=?utf-8?q?" and "?=" leave 63 for the text. Words are as
# long as allowed because a display name split into several comes back from Python's email
# parser with a space between them (RFC 2047 §6.2 says to drop it, as mail clients do), and
# one word holds a typical name.
MAX_LINE = 76
_WORD_PAYLOAD = 63
_B_WORD_BYTES = 45  # base64 of 45 bytes is 60 characters

# Every control character, and the Unicode line breaks that str.splitlines() (and so some of
# the email package) honours, becomes a space in a header value: no value can end a header
# and start another one.
_CONTROLS = dict.fromkeys([*range(0x20), 0x7F, 0x85, 0x2028, 0x2029], " ")
# atext (RFC 5322 §3.2.3) and spaces: a display name made of these needs no quotes.
_PLAIN_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+")
_DOT_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"(?P<local>{_DOT_ATOM})@(?P<domain>{_LABEL}(?:\.{_LABEL})*)")
_MESSAGE_ID = re.compile(rf"{_DOT_ATOM}@{_DOT_ATOM}")
_LIST_ID = re.compile(r"\s*(?P<name>[^<>]*?)\s*<(?P<id>[^<>]*)>\s*")
_LIST_IDENTIFIER = re.compile(_DOT_ATOM)
# A URI inside <…> (RFC 2369): printable ASCII without spaces or angle brackets.
_URI = re.compile(r"[!-;=?-~]+")
# A header name (RFC 5322 §3.6.8): printable ASCII except the colon.
_HEADER_NAME = re.compile(r"[!-9;-~]+")
# A space that starts a run of spaces: where a header may be folded without leaving a line
# of nothing but whitespace.
_FOLD_POINT = re.compile(r"(?<! ) ")

# Headers build() writes itself; extra headers may not repeat them.
OWN_HEADERS = frozenset(
    {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "reply-to",
        "list-unsubscribe",
        "list-unsubscribe-post",
        "list-id",
        "feedback-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)

_Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
_q_pieces: dict[str, str] = {}


def _q_piece(char: str) -> str:
    # The Q encoding of one character, restricted to what RFC 2047 §5(3) allows inside a
    # phrase, so the same words work in a display name and in a Subject.
    piece = _q_pieces.get(char)
    if piece is None:
        if char == " ":
            piece = "_"
        else:
            piece = "".join(
                chr(byte) if byte in _Q_SAFE else f"={byte:02X}" for byte in char.encode()
            )
        _q_pieces[char] = piece
    return piece


def _encoded_words(text: str, header: str) -> str:
    """Return ``text`` as RFC 2047 UTF-8 encoded words separated by spaces.

    The first word is sized to fit after ``header``'s name on the first line, so the header
    is never folded right after its colon (Python's parser then reads a leading space).
    Q encoding keeps mostly-Latin text readable (spam filters score base64 headers of plain
    text); base64 is used when it is shorter, as for CJK text or emoji.
    """
    room = max(MAX_LINE - len(header) - 2 - len("=?utf-8?q??="), 12)
    pieces = [_q_piece(char) for char in text]
    words = []
    if sum(map(len, pieces)) <= (len(text.encode()) + 2) // 3 * 4:
        word = ""
        for piece in pieces:
            if len(word) + len(piece) > room:
                words.append(f"=?utf-8?q?{word}?=")
                word = ""
                room = _WORD_PAYLOAD
            word += piece
        words.append(f"=?utf-8?q?{word}?=")
    else:
        room = room // 4 * 3
        chunk = b""
        for char in text:
            data = char.encode()
            if len(chunk) + len(data) > room:
                words.append(f"=?utf-8?b?{binascii.b2a_base64(chunk, newline=False).decode()}?=")
                chunk = b""
                room = _B_WORD_BYTES
            chunk += data
        words.append(f"=?utf-8?b?{binascii.b2a_base64(chunk, newline=False).decode()}?=")
    return " ".join(words)


def _clean(value: str) -> str:
    return value.translate(_CONTROLS)


def _unstructured(value: str, header: str) -> str:
    """Return a Subject-like value ready to fold: as is if it is plain ASCII, else encoded."""
    value = _clean(value)
    # ASCII that looks like an encoded word would be decoded by the reader, and a word too
    # long to fold could break the 998-character line limit: both are encoded instead.
    if value.isascii() and "=?" not in value and max(map(len, value.split(" "))) < 900:
        return value
    return _encoded_words(value, header)


def _phrase(name: str, header: str) -> str:
    """Return a display name as an atom phrase, a quoted string or encoded words."""
    name = _clean(name).strip()
    if not name:
        return ""
    if not name.isascii() or "=?" in name:
        return _encoded_words(name, header)
    if _PLAIN_PHRASE.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _address(value: str) -> str:
    """Return ``value`` if it is one plain address (an IDN domain as its A-label).

    Raises ValueError for anything else: a list, a display name, a comment, a quoted local
    part, an address literal, or line breaks.
    """
    local, at, domain = value.rpartition("@")
    if at and not domain.isascii():
        try:
            value = f"{local}@{domain.encode('idna').decode('ascii')}"
        except UnicodeError:
            raise ValueError(f"{value!r} is not a single email address.") from None
    match = _ADDRESS.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a single email address.")
    if len(match["local"]) > 64 or len(value) > 254:
        raise ValueError(f"{value!r} is too long for an email address.")
    return value


def _mailbox(header: str, name: str, address: str) -> str:
    phrase = _phrase(name, header)
    return _header(header, f"{phrase} <{address}>" if phrase else address)


def _header(name: str, value: str) -> str:
    """Return ``Name: value`` and CRLF, folded before spaces so lines stay within 76."""
    line = f"{name}: {value}"
    if len(line) <= MAX_LINE:
        return line + CRLF
    # Folding inserts CRLF before a space, so unfolding (removing CRLFs) gives back the
    # exact line. The first fold point is after the value's first word.
    points = [match.start() for match in _FOLD_POINT.finditer(line, len(name) + 2)]
    lines = []
    start = 0
    while len(line) - start > MAX_LINE and points:
        fitting = [p for p in points if p - start <= MAX_LINE]
        cut = fitting[-1] if fitting else points[0]
        lines.append(line[start:cut])
        start = cut
        points = [p for p in points if p > cut]
    lines.append(line[start:])
    return CRLF.join(lines) + CRLF


def _quoted_printable(text: str) -> bytes:
    """Return ``text`` as UTF-8 quoted-printable with CRLF line ends (any line end in)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # b2a_qp (C, ~150 µs for 20 KB) keeps line breaks, escapes "=", non-ASCII and whitespace
    # at a line's end, and adds soft breaks that never split an =XX escape.
    encoded = binascii.b2a_qp(text.encode(), istext=True)
    lines = encoded.split(b"\n")
    if max(map(len, lines)) > 76:
        # b2a_qp forgets the two characters it adds when escaping a space or tab that ends a
        # line, and may write 77 or 78 characters (RFC 2045 allows 76). Such a line always
        # ends with that =20 or =09, so a soft break before it fixes the line.
        encoded = b"\n".join(
            line if len(line) <= 76 else line[:-3] + b"=\n" + line[-3:] for line in lines
        )
    if encoded.startswith(b"From ") or b"\nFrom " in encoded:
        # An mbox delivery turns "From " at a line's start into ">From ", changing the text.
        # Escaping the F prevents that; the line is split after it to stay within 76.
        encoded = re.sub(rb"(?m)^From ", b"=46rom=\n ", encoded)
    return encoded.replace(b"\n", b"\r\n")


# Parts shorter than this are encoded each time: hashing them for the cache costs about as
# much. What a builder keeps is bounded (a template's constant text is tens of KB; the rest
# is a recipient's data that came twice in a row).
_CACHED_PART = 64
_CACHE_CHARACTERS = 2_000_000


class _PartsEncoder:
    """Quoted-printable for a body given as the parts its template rendered (constant
    template text between personalised values), with the encoding of the parts that
    repeat from message to message kept: most of a campaign's body is encoded once.

    Every part of 64 characters or more, and every run of shorter ones, starts on a line of
    its own: one that does not end with a line break is followed by a soft line break ("="
    CRLF), which a decoder removes, so the decoded body is the parts joined. Each is
    encoded exactly as a whole body is (``_quoted_printable``): starting a line is what
    makes a part's encoding the same wherever it stands, and so reusable. A part is kept
    once it comes twice in a row (in one message and the next): the template's text does, a
    recipient's data seldom does. A body of short parts only comes out as a whole body.
    """

    def __init__(self) -> None:
        self._kept: dict[str, bytes] = {}
        self._seen: set[str] = set()
        self._room = _CACHE_CHARACTERS

    def encode(self, parts: Sequence[str]) -> list[bytes]:
        """The body's quoted-printable, in chunks: those of the parts kept are the same
        objects message after message (``dkim.BodyHasher`` keeps their canonical form)."""
        if any("\r" in part for part in parts):
            # A CRLF split between two parts would become two line breaks: encode it whole.
            return _chunks([_quoted_printable("".join(parts))])
        kept, seen, missed = self._kept, self._seen, set()
        out = []
        short: list[str] = []
        for part in parts:
            if len(part) < _CACHED_PART:
                # Short parts next to each other (a name and the comma after it) go
                # together, with no soft break between them.
                short.append(part)
                continue
            if short:
                out.append(_continued(_quoted_printable("".join(short))))
                short = []
            if (encoded := kept.get(part)) is None:
                encoded = _continued(_quoted_printable(part))
                if part in seen and len(part) <= self._room:
                    kept[part] = encoded
                    self._room -= len(part)
                missed.add(part)
            out.append(encoded)
        if short:
            out.append(_continued(_quoted_printable("".join(short))))
        self._seen = missed
        out = _chunks(out)
        # The last part is the body's end: no soft break after it.
        if out and out[-1].endswith(b"=\r\n"):
            out[-1] = out[-1][:-3]
        return out


def _chunks(encoded: list[bytes]) -> list[bytes]:
    return [chunk for chunk in encoded if chunk]


def _encoded_body(body: str | Sequence[str], parts: _PartsEncoder) -> list[bytes]:
    return _chunks([_quoted_printable(body)]) if isinstance(body, str) else parts.encode(body)


def _continued(encoded: bytes) -> bytes:
    """``encoded`` (a part's quoted-printable) ready for the next part to start a line: with
    a soft break at its end unless it ends with a line break, and a last line short enough
    for that "=" (76 characters with it)."""
    if not encoded or encoded.endswith(b"\r\n"):
        return encoded
    start = encoded.rfind(b"\n") + 1
    if len(encoded) - start >= 76:
        # b2a_qp lets a body's last line reach 76 characters: its last character (an =XX
        # escape or one plain character, never a space, escaped at the end) goes on a line
        # of its own.
        cut = len(encoded) - (3 if encoded[-3:-2] == b"=" else 1)
        encoded = encoded[:cut] + b"=\r\n" + encoded[cut:]
    return encoded + b"=\r\n"


class MessageBuilder:
    """Builds every message of one campaign: what is common is encoded once, here."""

    def __init__(
        self,
        *,
        from_name: str,
        from_address: str,
        list_id: str,
        feedback_id: str,
        reply_to: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        """Check and encode the headers shared by every recipient.

        ``list_id`` is ``"Description <list.id.example>"`` or just ``"list.id.example"``;
        an empty ``reply_to`` means none.
        Raises ValueError for an address that is not one plain address, a malformed List-Id,
        or an extra header whose name is not printable ASCII without a colon or is one that
        ``build`` writes itself.
        """
        self._from = _mailbox("From", from_name, _address(_clean(from_address)))
        self._reply_to = _header("Reply-To", _address(_clean(reply_to))) if reply_to else ""
        list_id = _clean(list_id)
        match = _LIST_ID.fullmatch(list_id)
        name, identifier = (match["name"], match["id"]) if match else ("", list_id.strip())
        # RFC 2919: the id is a dot-atom with at least one dot (label.namespace).
        if not _LIST_IDENTIFIER.fullmatch(identifier) or "." not in identifier:
            raise ValueError(f"{list_id!r} is not a List-Id: use 'Description <list.example>'.")
        common = [
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            _header("List-Id", f"{_phrase(name, 'List-Id')} <{identifier}>".lstrip()),
            _header("Feedback-ID", _unstructured(feedback_id, "Feedback-ID")),
        ]
        for header_name, value in (extra_headers or {}).items():
            if not _HEADER_NAME.fullmatch(header_name):
                raise ValueError(f"{header_name!r} is not a header name.")
            if header_name.lower() in OWN_HEADERS:
                raise ValueError(f"The {header_name} header is written by the builder.")
            common.append(_header(header_name, _unstructured(value, header_name)))
        common.append("MIME-Version: 1.0\r\n")
        self._common = "".join(common)
        self._text_parts = _PartsEncoder()
        self._html_parts = _PartsEncoder()
        self._body_hasher = dkim.BodyHasher()

    def build(
        self,
        *,
        to_address: str,
        to_name: str,
        subject: str,
        html: str | Sequence[str],
        text: str | Sequence[str],
        message_id: str,
        list_unsubscribe_url: str,
        list_unsubscribe_mailto: str | None = None,
        date: datetime.datetime | None = None,
        signers: Sequence[dkim.Signer] = (),
    ) -> bytes:
        """Return one recipient's message: headers and a text + HTML multipart/alternative.

        ``html`` and ``text`` are each the body, or the parts a template rendered it in (see
        ``_PartsEncoder``: a campaign's constant text is then encoded once, not per
        recipient). ``message_id`` goes without angle brackets; ``date`` defaults to now
        (aware datetimes keep their offset). The bodies come back from a parser with CRLF
        line ends, whatever line ends they had here. Each of ``signers`` puts a DKIM
        signature on top, as ``dkim.sign_message`` does, with the body's canonical form
        mostly kept from the messages before (``dkim.BodyHasher``). Raises ValueError for
        a recipient address that is not one plain address, a malformed message id or
        unsubscribe URI.
        """
        message_id = _clean(message_id)
        if not _MESSAGE_ID.fullmatch(message_id):
            raise ValueError(f"{message_id!r} is not a Message-ID (left@right, no brackets).")
        uris = [list_unsubscribe_url]
        if list_unsubscribe_mailto:
            uris.append(list_unsubscribe_mailto)
        for uri in uris:
            if not _URI.fullmatch(uri) or len(uri) > 900:
                raise ValueError(f"{uri!r} cannot go in List-Unsubscribe.")
        if date is None:
            date = datetime.datetime.now(datetime.UTC)
        # A boundary starting with "=_" can never occur inside quoted-printable text, where
        # "=" is always followed by two hex digits or a line break, and both parts are
        # quoted-printable: so the bodies need no scan for it (MIME requires that the
        # boundary appear nowhere in them). The random part only keeps messages from
        # looking alike.
        boundary = "=_" + os.urandom(12).hex()
        head = "".join(
            [
                self._from,
                _mailbox("To", to_name, _address(_clean(to_address))),
                _header("Subject", _unstructured(subject, "Subject")),
                "Date: ",
                email.utils.format_datetime(date),
                CRLF,
                f"Message-ID: <{message_id}>\r\n",
                self._reply_to,
                _header("List-Unsubscribe", ", ".join(f"<{uri}>" for uri in uris)),
                self._common,
                f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n',
            ]
        )
        start = (
            f"--{boundary}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
        )
        middle = (
            f"\r\n--{boundary}\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
        )
        body = [
            start.encode("ascii"),
            *_encoded_body(text, self._text_parts),
            middle.encode("ascii"),
            *_encoded_body(html, self._html_parts),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
        if signers:
            return dkim.sign_parts(head.encode("ascii"), body, signers, self._body_hasher)
        return b"".join([head.encode("ascii"), b"\r\n", *body])
