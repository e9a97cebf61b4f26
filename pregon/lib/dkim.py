"""DKIM keys and signing (RFC 6376), fast enough for every message of a campaign.

dkimpy signs RSA in pure Python (~6 ms a message); here the signature itself is made by
``cryptography`` (~0.25 ms for RSA-2048) and the rest is a few C-level byte operations.
Only signing lives here: tests verify what we sign with dkimpy, and receivers verify it
with whatever they run.

Not every receiver checks Ed25519 signatures (RFC 8463, 2018) and those that don't ignore
them, so messages carry an RSA signature too. Dual signing is two signatures over the same
headers and body, neither covering the other::

    signed = sign_message(message, [ed25519_signer, rsa_signer])
    # the same as: ed25519_signer.sign(message) + rsa_signer.sign(message) + message
"""

import base64
import hashlib
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

RSA = "rsa"
ED25519 = "ed25519"
RSA_BITS = 2048

# What we sign when present, in this order. From is required by RFC 6376; RFC 8058 requires
# List-Unsubscribe and List-Unsubscribe-Post to be signed, or one-click unsubscribe is ignored.
SIGNED_HEADERS = (
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "reply-to",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "list-id",
    "feedback-id",
)
_SIGNED = frozenset(name.encode() for name in SIGNED_HEADERS)

# A domain or selector as it goes in d= and s=: dot-separated LDH labels (A-labels for IDNs).
_NAME = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
# The line ends smtplib rewrites to CRLF (smtplib._fix_eols).
_LINE_BREAK = re.compile(rb"\r\n|\n|\r(?!\n)")
_SPACES = re.compile(rb"  +")
_MAX_LINE = 78
# Where t= and bh= go in a signature header written once for many messages: as long as
# the values, and never in a header (names, domains and selectors are checked ASCII).
_T_MARK = "\x01" * 10
_BH_MARK = "\x02" * 44


@dataclass(frozen=True)
class DkimKey:
    """A new key pair: the private key to keep secret and the TXT value to publish."""

    algorithm: str
    private_pem: str
    # For <selector>._domainkey.<domain> TXT. An RSA-2048 value is ~400 characters, more than
    # one DNS string holds (255), so whoever publishes it splits it into several strings.
    dns_value: str


def generate_key(algorithm: str) -> DkimKey:
    """Return a new RSA-2048 or Ed25519 key ("rsa" or "ed25519").

    Raises ValueError for another algorithm.
    """
    if algorithm == RSA:
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        # p= is the base64 of the DER SubjectPublicKeyInfo, as opendkim-genkey writes it.
        public = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    elif algorithm == ED25519:
        private = ed25519.Ed25519PrivateKey.generate()
        # RFC 8463: p= is the base64 of the raw 32-byte public key, not a DER structure.
        public = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    else:
        raise ValueError(f"Unknown DKIM algorithm {algorithm!r}: use 'rsa' or 'ed25519'.")
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    dns_value = f"v=DKIM1; k={algorithm}; p={base64.b64encode(public).decode('ascii')}"
    return DkimKey(algorithm=algorithm, private_pem=pem, dns_value=dns_value)


@dataclass(frozen=True)
class _Canonical:
    """What every signature of one message covers, computed once however many sign it."""

    header_names: list[str]
    header_data: bytes
    body_hash: str


def _compress(value: bytes) -> bytes:
    # Relaxed canonicalisation turns each run of spaces and tabs into one space. Tabs are rare
    # and a regex with a literal prefix skips quickly to the few runs of spaces, so this costs
    # ~20 µs on a 30 KB body where a character-class regex costs ~170 µs.
    if b"\t" in value:
        value = value.replace(b"\t", b" ")
    if b"  " in value:
        value = _SPACES.sub(b" ", value)
    return value


def _canonical_body(body: bytes) -> bytes:
    # RFC 6376 §3.4.4. A body without a final CRLF gets one first: SMTP adds it before the
    # final dot anyway, so this is the body the receiver sees.
    if not body:
        return b""
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return _without_empty_end(_relaxed_lines(body))


def _relaxed_lines(lines: bytes) -> bytes:
    # Relaxed body canonicalisation within whole CRLF lines: each line's runs of whitespace
    # compressed and its trailing whitespace removed. After _compress, whitespace ending a
    # line is a single space. Quoted-printable bodies have none (the encoding escapes it),
    # so the check usually saves the copy.
    lines = _compress(lines)
    if b" \r\n" in lines:
        lines = lines.replace(b" \r\n", b"\r\n")
    return lines


def _without_empty_end(body: bytes) -> bytes:
    end = len(body)
    while body.endswith(b"\r\n\r\n", 0, end):
        end -= 2
    # A body of nothing but empty lines canonicalises to nothing (RFC 6376 errata 3133).
    return b"" if end == 2 else body[:end]


def _body_hash(canonical_body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(canonical_body).digest()).decode("ascii")


# Chunks shorter than this are canonicalised each time: looking them up costs about as much.
_KEPT_CHUNK = 64
_KEPT_BYTES = 2_000_000


class BodyHasher:
    """The relaxed body hash (bh=) of bodies given in chunks, keeping the canonical form of
    the chunks that come again message after message: a campaign's body is mostly its
    template's constant text (``pregon.sending.mime`` encodes it once), so most of the body
    is canonicalised once, not per recipient.

    Relaxed body canonicalisation works line by line, so a body's canonical form is that
    of its chunks joined, when each chunk is whole lines: a chunk that does not end with
    CRLF is taken together with the next. A chunk is kept once it comes twice in a row (in
    one message and the next), as ``mime._PartsEncoder`` keeps its parts. The chunks' line
    ends must be CRLF already (the body ``sign_message`` would hash after its repair).
    """

    def __init__(self) -> None:
        self._kept: dict[bytes, bytes] = {}
        self._seen: set[bytes] = set()
        self._room = _KEPT_BYTES

    def hash(self, chunks: Iterable[bytes]) -> str:
        kept, seen, missed = self._kept, self._seen, set()
        canonical = []
        pending = b""
        for chunk in chunks:
            if pending:
                chunk, pending = pending + chunk, b""
            if not chunk.endswith(b"\r\n"):
                pending = chunk
            elif len(chunk) < _KEPT_CHUNK:
                canonical.append(_relaxed_lines(chunk))
            else:
                if (lines := kept.get(chunk)) is None:
                    lines = _relaxed_lines(chunk)
                    if chunk in seen and len(chunk) <= self._room:
                        kept[chunk] = lines
                        self._room -= len(chunk)
                    missed.add(chunk)
                canonical.append(lines)
        if pending:
            # The body's last line has no CRLF: it gets one, as in _canonical_body.
            canonical.append(_relaxed_lines(pending + b"\r\n"))
        self._seen = missed
        return _body_hash(_without_empty_end(b"".join(canonical)))


def _canonical_header(name: bytes, value: bytes) -> bytes:
    # RFC 6376 §3.4.2: lower-case name, no space around the colon, value unfolded with its
    # whitespace compressed and trimmed.
    value = _compress(value.replace(b"\r\n", b"")).strip(b" ")
    return name.lower().rstrip(b" \t") + b":" + value


def _canonicalise(message: bytes) -> _Canonical:
    # smtplib sends bare LFs and CRs as CRLF, so that is the form to sign. Comparing two
    # one-byte counts (~20 µs for 30 KB) is half the price of counting CRLFs; only a message
    # with as many stray CRs as stray LFs slips through, and MessageBuilder makes none.
    if message.count(b"\r") != message.count(b"\n"):
        message = _LINE_BREAK.sub(b"\r\n", message)
    if message.startswith(b"\r\n"):
        head, body = b"", message[2:]
    else:
        end = message.find(b"\r\n\r\n")
        head, body = (message, b"") if end == -1 else (message[: end + 2], message[end + 4 :])
    names, data = _signed_fields(head)
    return _Canonical(names, data, _body_hash(_canonical_body(body)))


def _signed_fields(head: bytes) -> tuple[list[str], bytes]:
    """The names of the signed header fields of ``head`` (CRLF lines) in h= order, and the
    fields canonicalised in that order."""
    fields: dict[bytes, list[list[bytes]]] = {}
    current: list[bytes] | None = None
    for line in head.split(b"\r\n"):
        if not line:
            continue
        if line[0] in b" \t":
            if current is None:
                raise ValueError("The message starts with a folded header line.")
            current[1] += b"\r\n" + line
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise ValueError(f"Not a header line: {line[:40]!r}.")
        current = [name, value]
        key = name.lower().rstrip(b" \t")
        if key in _SIGNED:
            fields.setdefault(key, []).append(current)
    if b"from" not in fields:
        raise ValueError("A message to sign needs a From header.")
    names: list[str] = []
    data: list[bytes] = []
    for name in SIGNED_HEADERS:
        # A header present several times is named that many times in h=, and a verifier
        # takes instances from the bottom up (RFC 6376 §5.4.2).
        for field in reversed(fields.get(name.encode(), ())):
            names.append(name)
            data.append(_canonical_header(field[0], field[1]) + b"\r\n")
    return names, b"".join(data)


def _fold(words: list[str]) -> str:
    """Join ``words`` with spaces, breaking lines before a word so none passes 78 characters."""
    lines = []
    line = words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) > _MAX_LINE:
            lines.append(line)
            line = " " + word
        else:
            line += " " + word
    lines.append(line)
    return "\r\n".join(lines)


class Signer:
    """Signs messages for one domain with one key; load it once and reuse it for a campaign."""

    def __init__(self, domain: str, selector: str, private_pem: str) -> None:
        """Load the key and work out its algorithm.

        Raises ValueError if the domain or selector is not an ASCII DNS name (pass IDNs as
        A-labels) or the key is neither RSA (1024 bits or more) nor Ed25519.
        """
        for label, value in (("domain", domain), ("selector", selector)):
            if not _NAME.fullmatch(value):
                raise ValueError(f"The DKIM {label} {value!r} is not an ASCII DNS name.")
        key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            # RFC 8301: verifiers reject RSA keys under 1024 bits.
            if key.key_size < 1024:
                raise ValueError(f"An RSA DKIM key needs 1024 bits or more, not {key.key_size}.")
            self.algorithm = RSA
        elif isinstance(key, ed25519.Ed25519PrivateKey):
            self.algorithm = ED25519
        else:
            raise ValueError("A DKIM key must be RSA or Ed25519.")
        self.domain = domain
        self.selector = selector
        self._key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey = key
        self._heads: dict[tuple[str, ...], tuple[str, bytes]] = {}

    def __repr__(self) -> str:
        return f"<Signer {self.algorithm} {self.selector}._domainkey.{self.domain}>"

    def _head(self, names: list[str], timestamp: str, body_hash: str) -> tuple[str, bytes]:
        """The DKIM-Signature header up to its "b=", and that as it is signed.

        A campaign's messages name the same headers, and t= (ten digits until 2286) and
        bh= (a SHA-256 in base64) keep their lengths, so the folding is the same: both are
        written once per list of names, with markers where the two values go.
        """
        if len(timestamp) != len(_T_MARK) or len(body_hash) != len(_BH_MARK):
            return self._write_head(names, timestamp, body_hash)
        template = self._heads.get(tuple(names))
        if template is None:
            template = self._heads[tuple(names)] = self._write_head(names, _T_MARK, _BH_MARK)
        head, signed = template
        values = timestamp.encode("ascii"), body_hash.encode("ascii")
        return (
            head.replace(_T_MARK, timestamp).replace(_BH_MARK, body_hash),
            signed.replace(_T_MARK.encode(), values[0]).replace(_BH_MARK.encode(), values[1]),
        )

    def _write_head(self, names: list[str], timestamp: str, body_hash: str) -> tuple[str, bytes]:
        # h= is written with a space after each colon (FWS is allowed there, and dkimpy writes
        # it the same way) so that the header can be folded between names.
        h = [f"{name}:" for name in names]
        h[0] = f"h={h[0]}"
        h[-1] = f"{h[-1][:-1]};"
        words = [
            "DKIM-Signature:",
            "v=1;",
            f"a={self.algorithm}-sha256;",
            "c=relaxed/relaxed;",
            f"d={self.domain};",
            f"s={self.selector};",
            f"t={timestamp};",
            *h,
            f"bh={body_hash};",
        ]
        # b= starts its own line. It is signed relaxed-canonicalised, empty, and without
        # the header's final CRLF.
        head = _fold(words) + "\r\n b="
        signed = _canonical_header(
            b"DKIM-Signature", head.encode("ascii")[len("DKIM-Signature:") :]
        )
        return head, signed

    def sign(self, message: bytes) -> bytes:
        """Return the ``DKIM-Signature`` header (folded, ending in CRLF) to put before ``message``.

        Raises ValueError if the message has no From header or a malformed header line.
        """
        return self._signature(_canonicalise(message))

    def _signature(self, canonical: _Canonical) -> bytes:
        head, signed_head = self._head(
            canonical.header_names, str(int(time.time())), canonical.body_hash
        )
        # What is signed is this header with an empty b= (RFC 6376 §3.7), canonicalised,
        # after the signed headers.
        signed = canonical.header_data + signed_head
        if isinstance(self._key, rsa.RSAPrivateKey):
            signature = self._key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        else:
            # RFC 8463: Ed25519 signs the SHA-256 of the data, not the data itself.
            signature = self._key.sign(hashlib.sha256(signed).digest())
        value = base64.b64encode(signature).decode("ascii")
        # The verifier removes b='s value with any folding inside it, so it may be folded
        # anywhere; the first line holds 73 characters after " b=", the others 76.
        chunks = [value[:73], *[value[i : i + 76] for i in range(73, len(value), 76)]]
        return (head + "\r\n ".join(chunks) + "\r\n").encode("ascii")


def sign_message(message: bytes, signers: Iterable[Signer]) -> bytes:
    """Return ``message`` with one DKIM-Signature per signer in front, first signer on top.

    Every signer covers the same headers and body (not the others' signatures), which are
    canonicalised once. Raises ValueError as ``Signer.sign`` does.
    """
    canonical = _canonicalise(message)
    return b"".join([signer._signature(canonical) for signer in signers]) + message


def sign_parts(
    head: bytes, body: Sequence[bytes], signers: Iterable[Signer], hasher: BodyHasher
) -> bytes:
    """``sign_message`` for a message given as its header fields (CRLF lines, without the
    empty line after them) and its body in chunks, whose line ends are CRLF already: the
    body's hash comes from ``hasher``, which keeps the chunks that repeat. Returns the whole
    signed message.
    """
    if head.count(b"\r") != head.count(b"\n"):
        head = _LINE_BREAK.sub(b"\r\n", head)
    names, data = _signed_fields(head)
    canonical = _Canonical(names, data, hasher.hash(body))
    signatures = [signer._signature(canonical) for signer in signers]
    return b"".join([*signatures, head, b"\r\n", *body])
