"""Encrypted backup files: a passphrase, scrypt, and AES-256-GCM in chunks (the STREAM
construction), so that a backup of any size is encrypted and checked without being held in
memory, and a file cut short, reordered or altered anywhere is refused.

Layout: ``MAGIC``, a header (scrypt's cost, the salt, the chunk size, a check value), then
chunks of ``CHUNK`` bytes of plain text, each encrypted with its own tag. A chunk's nonce is
its number and a flag set on the last one only: a chunk moved, dropped or cut off at the end
fails to decrypt. The header is the associated data of every chunk.

The key is unique to each file (a random salt), so a counter is a safe nonce. Of scrypt's
output, 32 bytes are the key and 32 more a check value kept in the header, which tells a
wrong passphrase from an altered file; it reveals no more than the chunks themselves do.
Fernet was not used: it encrypts a whole message at once, in memory, as base64.
"""

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.constant_time import bytes_eq
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"PREGON-BACKUP-AESGCM\n"
CHUNK = 1 << 20
TAG = 16
# scrypt's cost (2**17 * 8 * 128 bytes: 128 MiB and about a second), once per backup.
SCRYPT_LOG_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HEADER = struct.Struct(">BBB16sI32s")


class WrongPassphrase(ValueError):
    """The passphrase does not open this file."""


class DamagedFile(ValueError):
    """The file is not an encrypted backup, or it was cut short or altered."""


def is_encrypted(path: str | os.PathLike) -> bool:
    with open(path, "rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def _derive(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=1 << log_n, r=r, p=p).derive(passphrase.encode())
    return material[:32], material[32:]


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A file object that encrypts what is written into ``output``; ``close`` writes the
    last chunk (and must be called, or the file is refused as cut short)."""

    def __init__(self, output: BinaryIO, passphrase: str) -> None:
        salt = os.urandom(SALT_BYTES)
        key, check = _derive(passphrase, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        self._header = MAGIC + HEADER.pack(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, salt, CHUNK, check)
        self._aead = AESGCM(key)
        self._output = output
        self._buffer = bytearray()
        self._number = 0
        self._closed = False
        output.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._output.flush()

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True
            self._output.flush()

    def _seal(self, plain: bytes, last: bool) -> None:
        nonce = _nonce(self._number, last)
        self._output.write(self._aead.encrypt(nonce, plain, self._header))
        self._number += 1


class DecryptingReader:
    """A file object that reads the plain text of an encrypted backup from ``source``.

    Opening it checks the passphrase (``WrongPassphrase``); reading raises ``DamagedFile``
    at the first chunk that fails its tag, or at the end if the last chunk is missing.
    """

    def __init__(self, source: BinaryIO, passphrase: str) -> None:
        head = source.read(len(MAGIC) + HEADER.size)
        if len(head) != len(MAGIC) + HEADER.size or not head.startswith(MAGIC):
            raise DamagedFile("not an encrypted Pregón backup")
        log_n, r, p, salt, chunk, check = HEADER.unpack(head[len(MAGIC) :])
        if not (10 <= log_n <= 22 and r <= 32 and p <= 16 and 0 < chunk <= 1 << 26):
            raise DamagedFile("implausible header")
        key, expected = _derive(passphrase, salt, log_n, r, p)
        if not bytes_eq(check, expected):
            raise WrongPassphrase
        self._header = head
        self._aead = AESGCM(key)
        self._source = source
        self._sealed_size = chunk + TAG
        self._next_sealed = source.read(self._sealed_size)
        self._number = 0
        # The chunk being read, and how far: slicing it without copying the rest each time.
        self._plain = b""
        self._position = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size
        while wanted != 0:
            if self._position == len(self._plain):
                if self._done:
                    break
                self._open_next()
                continue
            end = len(self._plain) if wanted < 0 else min(len(self._plain), self._position + wanted)
            parts.append(self._plain[self._position : end])
            if wanted > 0:
                wanted -= end - self._position
            self._position = end
        return b"".join(parts)

    def _open_next(self) -> None:
        sealed = self._next_sealed
        if len(sealed) < TAG:
            raise DamagedFile("cut short")
        self._next_sealed = self._source.read(self._sealed_size)
        last = not self._next_sealed
        try:
            self._plain = self._aead.decrypt(_nonce(self._number, last), sealed, self._header)
            self._position = 0
        except InvalidTag:
            raise DamagedFile(f"chunk {self._number} altered or out of place") from None
        self._number += 1
        self._done = last
