"""A real Postfix and a real Dovecot for the bounce mailbox's tests, each a private instance
in a temporary directory, on free loopback ports, stopped when the test ends.

Postfix takes messages for ``example.pe`` (where only ``lleno@`` has a mailbox, a tiny one),
for ``escuela.example.pe`` (the senders' domain) and for ``rebotes.escuela.example.pe`` (its
return path), and delivers mail to ``rebote+…@`` either and ``baja+…@escuela.example.pe``
into one Maildir, the one Dovecot serves over IMAP and POP3 as user ``rebotes``. Mail for
``lento.example.pe`` goes to a closed port and, since nothing may wait in its queue, fails at
once with the 4.x.x status of its one try. Mail for ``personas.example.pe`` is relayed to an
SMTP server of the test's own, if it runs one (aiosmtpd: the people who receive the
campaign). So every DSN here is Postfix's own.

Nothing is shared with the system's own Postfix or Dovecot: own configuration, queue, state
and sockets, ports chosen free on 127.0.0.1 (never 25, 110 or 143).
"""

import contextlib
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"
# Dovecot's LMTP server (dovecot-lmtpd) delivers to lleno@ and enforces its quota.
LMTP = "/usr/lib/dovecot/lmtp"
MASTER = "/usr/lib/postfix/sbin/master"
# Mail is stored as "nobody": Postfix's virtual(8) delivers as no root user, Dovecot reads.
MAIL_UID = 65534
QUEUES = ("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming")
QUEUES += ("private", "saved", "trace")
USER = "rebotes"
# People's mail: relayed to the test's own SMTP server (``running(relay=port)``).
RELAYED = "personas.example.pe"
PASSWORD = "clave-de-prueba"


def missing() -> str:
    """Why these tests cannot run here ("" when they can)."""
    for binary in (POSTFIX, MASTER, DOVECOT, LMTP):
        if not os.access(binary, os.X_OK):
            return f"{binary} is not installed (.ci/run installs postfix and dovecot-*)"
    if os.geteuid() != 0:
        return "a private Postfix and Dovecot need root"
    return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, log: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    text = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"nothing listens on port {port}:\n{text}")


@dataclass
class Servers:
    smtp_port: int
    imap_port: int
    pop3_port: int
    directory: Path

    @property
    def maildir(self) -> Path:
        return self.directory / "mail" / USER / "Maildir"

    def maildir_messages(self) -> list[Path]:
        return [
            path
            for sub in ("new", "cur")
            if (self.maildir / sub).is_dir()
            for path in (self.maildir / sub).iterdir()
        ]

    def wait_for_mail(self, count: int, seconds: float = 30) -> None:
        """Until Postfix has delivered ``count`` messages into the bounce Maildir."""
        deadline = time.monotonic() + seconds
        while len(self.maildir_messages()) < count:
            if time.monotonic() > deadline:
                log = (self.directory / "postfix.log").read_text(errors="replace")
                raise AssertionError(
                    f"{len(self.maildir_messages())} of {count} messages arrived:\n{log}"
                )
            time.sleep(0.05)


MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = {root}/postfix.log
maillog_file_prefixes = {root}
myhostname = mx.example.test
mydomain = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
smtputf8_enable = no
smtp_dns_support_level = disabled
smtp_connect_timeout = 5s
smtpd_recipient_restrictions = permit_mynetworks, reject
# Accept mail for unknown users, then bounce it: a DSN, not a refusal while sending.
smtpd_reject_unlisted_recipient = no
# Tried once: a deferred message bounces at once with the status of that try.
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
recipient_delimiter = +
virtual_mailbox_domains = escuela.example.pe rebotes.escuela.example.pe example.pe
virtual_mailbox_base = {root}/mail
virtual_mailbox_maps = texthash:{root}/postfix/mailboxes
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{uid}
transport_maps = texthash:{root}/postfix/transport
"""

MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""

DOVECOT_CONF = """\
base_dir = {root}/dovecot/run
state_dir = {root}/dovecot/state
log_path = {root}/dovecot.log
protocols = imap pop3 lmtp
auth_username_format = %Ln
postmaster_address = postmaster@example.pe
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
passdb {{
  driver = passwd-file
  args = {root}/dovecot/users
}}
userdb {{
  driver = passwd-file
  args = {root}/dovecot/users
}}
# Only deliveries over LMTP (to lleno@) count against this quota of 1 kB.
protocol lmtp {{
  mail_plugins = quota
}}
plugin {{
  quota = maildir:User quota
  quota_rule = *:storage=1K
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


def _configure(root: Path, smtp: int, imap: int, pop3: int, relay: int | None) -> None:
    root.chmod(0o755)
    mail = root / "mail"
    for maildir in (mail / USER / "Maildir", mail / "lleno" / "Maildir"):
        for sub in ("new", "cur", "tmp"):
            (maildir / sub).mkdir(parents=True)
    for path in [mail, *mail.rglob("*")]:
        os.chown(path, MAIL_UID, MAIL_UID)
    config = root / "postfix"
    config.mkdir()
    _make_queue(root / "spool")
    (root / "data").mkdir()
    os.chown(root / "data", *_ids("postfix"))
    (config / "main.cf").write_text(MAIN_CF.format(root=root, uid=MAIL_UID))
    (config / "master.cf").write_text(MASTER_CF.format(port=smtp))
    (config / "mailboxes").write_text(
        f"rebote@escuela.example.pe {USER}/Maildir/\nbaja@escuela.example.pe {USER}/Maildir/\n"
        f"rebote@rebotes.escuela.example.pe {USER}/Maildir/\n"
    )
    (config / "transport").write_text(
        f"lleno@example.pe lmtp:unix:{root}/dovecot/run/lmtp\n"
        f"lento.example.pe smtp:[127.0.0.1]:{free_port()}\n"
        f"{RELAYED} smtp:[127.0.0.1]:{relay or free_port()}\n"
    )
    dovecot = root / "dovecot"
    (dovecot / "run").mkdir(parents=True)
    (dovecot / "state").mkdir()
    (dovecot / "dovecot.conf").write_text(DOVECOT_CONF.format(root=root, imap=imap, pop3=pop3))
    (dovecot / "users").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{MAIL_UID}:{MAIL_UID}::{mail / USER}::\n"
        f"lleno:{{PLAIN}}{PASSWORD}:{MAIL_UID}:{MAIL_UID}::{mail / 'lleno'}::\n"
    )


def _ids(user: str) -> tuple[int, int]:
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def _make_queue(spool: Path) -> None:
    """The queue's directories as postfix-files(5) has them. "postfix start" would make them
    too, but spends seconds checking the system's own files first."""
    postfix_uid, _gid = _ids("postfix")
    postdrop_gid = grp.getgrnam("postdrop").gr_gid
    spool.mkdir()
    (spool / "pid").mkdir(mode=0o755)
    for name in QUEUES:
        (spool / name).mkdir()
        os.chown(spool / name, postfix_uid, -1)
        (spool / name).chmod(0o700)
    for name, mode in (("maildrop", 0o730), ("public", 0o710)):
        (spool / name).mkdir()
        os.chown(spool / name, postfix_uid, postdrop_gid)
        (spool / name).chmod(mode)


@contextlib.contextmanager
def running(relay: int | None = None) -> Iterator[Servers]:
    """Postfix and Dovecot, configured as the module says, until the block ends. Mail for
    ``RELAYED`` goes on to an SMTP server of the test's on port ``relay``."""
    root = Path(tempfile.mkdtemp(prefix="pregon-mailservers-"))
    servers = Servers(free_port(), free_port(), free_port(), root)
    # Pregón's settings set the umask 0077; the servers' own users must read their files.
    previous_umask = os.umask(0o022)
    _configure(root, servers.smtp_port, servers.imap_port, servers.pop3_port, relay)
    config = str(root / "postfix")
    dovecot = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [DOVECOT, "-F", "-c", str(root / "dovecot" / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        try:
            subprocess.run([MASTER, "-c", config, "-w"], check=True, timeout=60)  # noqa: S603
        finally:
            os.umask(previous_umask)
        try:
            _wait_for_port(servers.smtp_port, root / "postfix.log")
            _wait_for_port(servers.imap_port, root / "dovecot.log")
            _wait_for_port(servers.pop3_port, root / "dovecot.log")
            yield servers
        finally:
            stop = [POSTFIX, "-c", config, "abort"]
            subprocess.run(stop, capture_output=True, timeout=60)  # noqa: S603
            dovecot.terminate()
            _wait_for_exit(root / "spool" / "pid" / "master.pid")
    finally:
        dovecot.terminate()
        try:
            dovecot.wait(15)
        except subprocess.TimeoutExpired:
            dovecot.kill()
            dovecot.wait()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_exit(pid_file: Path, seconds: float = 15) -> None:
    """Until Postfix's master (and with it every Postfix process of this instance) is gone."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
