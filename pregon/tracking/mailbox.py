"""Reading the bounce mailboxes over IMAP or POP3: every message is handed to
pregon.tracking.incoming, and deleted from the server only after what it reported is
committed. A crash between the two at worst reads a message twice, which records nothing
twice. Messages that are no bounce, complaint or unsubscribe stay on the server, and are not
read again: over IMAP they are marked read (only unread ones are read), over POP3 their ids
are remembered.
"""

import datetime
import imaplib
import logging
import poplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from pregon.lib import vault
from pregon.sending.models import Security
from pregon.tracking import incoming
from pregon.tracking.models import BounceMailbox, Protocol

log = logging.getLogger(__name__)

# Seconds a server may take to answer anything: a dead one must not hold the scheduler up.
TIMEOUT = 10
# At most this many messages a check; the rest wait for the next one.
BATCH = 500


@dataclass
class Check:
    """What one check of a mailbox read, and the error that ended it, if any."""

    outcomes: list[incoming.Outcome] = field(default_factory=list)
    error: str = ""


Handle = Callable[[bytes], bool]


def poll(mailbox: BounceMailbox) -> Check:
    """Read ``mailbox`` once; record the time and the error (or none) on it."""
    check = Check()

    def handle(data: bytes) -> bool:
        try:
            outcome = incoming.handle(data)
        except DatabaseError:
            raise  # The check stops; the message is read again next time.
        except Exception:
            # A message we cannot make sense of must not stop every check at itself.
            log.exception("a message in bounce mailbox %s could not be read", mailbox)
            outcome = incoming.Outcome(gettext("Could not be read: left in the mailbox"))
        check.outcomes.append(outcome)
        return outcome.is_done

    try:
        password = vault.decrypt(mailbox.password)
        if mailbox.protocol == Protocol.POP3:
            _read_pop3(mailbox, password, handle)
        else:
            _read_imap(mailbox, password, handle)
    except vault.InvalidToken:
        check.error = gettext("The stored password can no longer be read; enter it again.")
    except ssl.SSLError as error:
        check.error = f"{type(error).__name__}: {error}"[:500]
    except OSError:
        # One answer whether the port was closed, filtered or the host unknown: a check must
        # not tell what runs on the machines it can reach.
        check.error = gettext("Could not connect to %(host)s:%(port)s.") % {
            "host": mailbox.host,
            "port": mailbox.port,
        }
    except (EOFError, imaplib.IMAP4.error, poplib.error_proto) as error:
        # The server's own words ("[AUTHENTICATIONFAILED] …", "Connection refused"): never
        # the password, which no protocol echoes back.
        check.error = f"{type(error).__name__}: {error}"[:500]
    if check.error:
        log.warning("bounce mailbox %s: %s", mailbox, check.error)
    mailbox.last_error = check.error
    mailbox.last_checked_at = timezone.now()
    mailbox.save(update_fields=["last_error", "last_checked_at", "kept_uids"])
    return check


def poll_due() -> bool:
    """Check each mailbox in use not checked for ``settings.BOUNCE_POLL_SECONDS``; False if
    none was due. Several schedulers may run this: each mailbox is claimed by one."""
    now = timezone.now()
    due = BounceMailbox.objects.filter(is_active=True).filter(
        Q(last_checked_at__isnull=True)
        | Q(last_checked_at__lte=now - datetime.timedelta(seconds=settings.BOUNCE_POLL_SECONDS))
    )
    polled = False
    for mailbox in due:
        claim = BounceMailbox.objects.filter(pk=mailbox.pk, last_checked_at=mailbox.last_checked_at)
        if claim.update(last_checked_at=now) != 1:
            continue  # Another scheduler took it.
        poll(mailbox)
        polled = True
    return polled


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _read_imap(mailbox: BounceMailbox, password: str, handle: Handle) -> None:
    if mailbox.security == Security.TLS:
        imap = imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=_context(), timeout=TIMEOUT
        )
    else:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
    try:
        if mailbox.security == Security.STARTTLS:
            imap.starttls(_context())
        imap.login(mailbox.username, password)
        _ok(imap.select(_quoted(mailbox.folder)))
        uids = _ok(imap.uid("SEARCH", "UNSEEN"))[0].split()[:BATCH]
        deleted = False
        for uid in uids:
            fetched = _ok(imap.uid("FETCH", uid, "(BODY.PEEK[])"))
            data = next(item[1] for item in fetched if isinstance(item, tuple))
            if handle(data):
                _ok(imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)"))
                deleted = True
            else:
                _ok(imap.uid("STORE", uid, "+FLAGS", "(\\Seen)"))
        if deleted:
            _ok(imap.expunge())
        imap.close()
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _read_pop3(mailbox: BounceMailbox, password: str, handle: Handle) -> None:
    if mailbox.security == Security.TLS:
        pop = poplib.POP3_SSL(mailbox.host, mailbox.port, context=_context(), timeout=TIMEOUT)
    else:
        pop = poplib.POP3(mailbox.host, mailbox.port, timeout=TIMEOUT)
    try:
        if mailbox.security == Security.STARTTLS:
            pop.stls(_context())
        pop.user(mailbox.username)
        pop.pass_(password)
        listing = [line.decode().split() for line in pop.uidl()[1]]
        on_server = {uid for _number, uid in listing}
        kept = set(mailbox.kept_uids) & on_server
        fresh = [(number, uid) for number, uid in listing if uid not in kept][:BATCH]
        for number, uid in fresh:
            data = b"\r\n".join(pop.retr(int(number))[1]) + b"\r\n"
            if handle(data):
                pop.dele(int(number))
            else:
                kept.add(uid)
        mailbox.kept_uids = sorted(kept)
        # Deletions take effect only now, at QUIT: a check cut short deletes nothing.
        pop.quit()
    except BaseException:
        pop.close()
        raise


def _ok(response: tuple[str, list]) -> list:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{status} {data!r}")
    return data


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
