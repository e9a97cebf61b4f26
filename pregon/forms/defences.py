"""What keeps robots from signing up through a public form, without a third-party captcha.

Every form has a honeypot field, a minimum time to fill it in (a signed stamp of when the form
was shown, ``stamp``), limits per visitor's address and per email address, and a refusal of
disposable-address domains; a form may also ask the browser to solve a small proof-of-work
challenge. The limits count in Django's cache, shared by the web processes of one machine
(pregon.accounts.throttling, which also limits password-reset requests): a pop-up's per-process
flood counter (pregon.popups.floods) guards an address that beacons hundreds of times a
minute, whereas a form needs limits per hour, the same in every process.
"""

import hashlib
import time

from disposable_email_domains import allowlist, blocklist
from django.utils.translation import gettext as _

from pregon.accounts.throttling import within_limit
from pregon.lib import signing

# The field a person never sees (hidden from sight and from screen readers) and robots fill.
HONEYPOT = "website"
# Submissions that get to the limits' count, per hour: a school's computer room behind one
# address stays well below the first; nobody signs one address up five times an hour.
PER_IP_HOUR = 20
PER_EMAIL_HOUR = 5
HOUR = 3600
# Leading zero bits of SHA-256("<stamp>:<email>:<answer>"): about 65,000 tries, a fraction of
# a second in a browser, and bound to one address, so a robot pays it for every victim.
POW_BITS = 16
# A stamp older than this is refused as if missing: the person reloads the page.
STAMP_MAX_AGE = 24 * HOUR


class Refused(Exception):
    """A submission turned away: ``status`` (422, 429), a Spanish sentence, and the messages
    by field (empty when no field is to blame). Nothing was stored."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


def _stamp_kind(form_pk: int) -> str:
    return f"form-shown:{form_pk}"


def stamp(form_pk: int) -> str:
    """A signed stamp of now, issued with the form: its fill time and its proof-of-work
    challenge."""
    return signing.sign(_stamp_kind(form_pk), int(time.time()))


def stamped_at(form_pk: int, token: str) -> int | None:
    """When ``token`` was issued for this form (epoch seconds), or None if forged."""
    try:
        return signing.unsign(_stamp_kind(form_pk), token or "")
    except signing.BadToken:
        return None


def check_fill_time(form_pk: int, token: str, min_seconds: int) -> None:
    """Raise Refused unless the form was shown at least ``min_seconds`` ago."""
    shown = stamped_at(form_pk, token)
    elapsed = time.time() - shown if shown is not None else -1
    if shown is None or elapsed > STAMP_MAX_AGE:
        raise Refused(422, _("This form has expired. Reload the page and fill it in again."))
    if elapsed < min_seconds:
        raise Refused(
            422,
            _(
                "The form was sent too quickly, as robots do. Wait a few seconds, check your "
                "details and send it again."
            ),
        )


def _leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def solves(token: str, email: str, answer: str, bits: int = POW_BITS) -> bool:
    """Whether ``answer`` solves the proof-of-work of stamp ``token`` for ``email`` (as the
    browser typed it, trimmed and in lower case)."""
    if not answer or len(answer) > 20:
        return False
    digest = hashlib.sha256(f"{token}:{email.strip().lower()}:{answer}".encode()).digest()
    return _leading_zero_bits(digest) >= bits


def check_proof_of_work(token: str, email: str, answer: str) -> None:
    """Raise Refused unless ``answer`` solves the challenge."""
    if not solves(token, email, answer):
        raise Refused(
            422,
            _(
                "Your browser did not finish the security check. Make sure JavaScript is on, "
                "then send the form again."
            ),
        )


def is_disposable(email: str) -> bool:
    """Whether ``email``'s domain (or a parent domain) gives out throwaway addresses."""
    domain = email.rpartition("@")[2].lower()
    parts = domain.split(".")
    candidates = {".".join(parts[i:]) for i in range(len(parts) - 1)}
    return domain not in allowlist and bool(candidates & blocklist)


def check_limits(ip_hash: str, email: str) -> None:
    """Count one submission from the visitor's address (hashed) and for ``email``; raise
    Refused (429) past either hour's limit."""
    by_ip = within_limit("signup-ip", [ip_hash or "-"], PER_IP_HOUR, HOUR)
    by_email = within_limit("signup-email", [email], PER_EMAIL_HOUR, HOUR) if email else True
    if not (by_ip and by_email):
        raise Refused(
            429,
            _(
                "Too many sign-ups have been sent from your connection or for this address. "
                "Please try again in an hour."
            ),
        )
