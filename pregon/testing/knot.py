"""A real authoritative DNS server for the tests: Knot DNS on loopback, never the internet.

``knot_server(zones)`` writes a configuration and zone files to a temporary folder (its own
rundir and database), starts ``knotd`` on a free port and yields ``"127.0.0.1:<port>"`` for
``settings.DNS_SERVERS``; the server is stopped on the way out.

``opendkim_verify(message, zones)`` checks a message with OpenDKIM's ``opendkim-testmsg``.
That tool has no option for a DNS server: libopendkim asks the resolvers of
/etc/resolv.conf, on port 53. So it runs in new user, network and mount namespaces
(``unshare``, no privileges needed), where a private resolv.conf names 127.0.0.1 and a
second Knot, with the same zones, listens on that namespace's own port 53.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rdatatype

KNOTD = "/usr/sbin/knotd"
OPENDKIM_TESTMSG = "/usr/sbin/opendkim-testmsg"
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
IP = shutil.which("ip") or "/usr/sbin/ip"
MOUNT = shutil.which("mount") or "/usr/bin/mount"
# A zone's records: (name relative to the zone or "@", type, value as in a zone file).
Zones = dict[str, list[tuple[str, str, str]]]


def have_knot() -> bool:
    return os.access(KNOTD, os.X_OK)


def have_opendkim() -> bool:
    return have_knot() and os.access(OPENDKIM_TESTMSG, os.X_OK) and os.access(UNSHARE, os.X_OK)


def txt(value: str) -> str:
    """A TXT value in zone-file syntax: quoted strings of at most 255 characters each."""
    return " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))


def _zone_file(origin: str, records: list[tuple[str, str, str]]) -> str:
    lines = [
        f"$ORIGIN {origin}.",
        "$TTL 60",
        f"@ SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 60",
        f"@ NS ns.{origin}.",
        "ns A 127.0.0.1",
    ]
    lines += [f"{name} {kind} {value}" for name, kind, value in records]
    return "\n".join(lines) + "\n"


def _write(folder: Path, zones: Zones, address: str) -> Path:
    """Write knot.conf and one file per zone in ``folder``; return the configuration."""
    for origin, records in zones.items():
        (folder / f"{origin}.zone").write_text(_zone_file(origin, records))
    zone_list = "\n".join(f"  - domain: {origin}" for origin in zones)
    config = folder / "knot.conf"
    config.write_text(
        f"""server:
    rundir: "{folder}"
    listen: {address}
log:
  - target: stderr
    any: warning
database:
    storage: "{folder}/db"
template:
  - id: default
    storage: "{folder}"
    file: "%s.zone"
    journal-content: none
    zonefile-sync: -1
zone:
{zone_list}
"""
    )
    return config


def _free_port() -> int:
    """A loopback port free for both TCP and UDP, as Knot listens on both."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


def _wait_until_serving(origin: str, port: int, server: subprocess.Popen) -> None:
    query = dns.message.make_query(origin, dns.rdatatype.SOA)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"knotd exited with status {server.returncode}")
        try:
            if dns.query.udp(query, "127.0.0.1", port=port, timeout=0.2).answer:
                return
        except (dns.exception.Timeout, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError("knotd did not answer within 20 s")


@contextmanager
def knot_server(zones: Zones) -> Iterator[str]:
    """Knot serving ``zones`` on loopback; yields the server as "127.0.0.1:<port>"."""
    with tempfile.TemporaryDirectory(prefix="pregon-knot-") as folder:
        # Another process may take the free port before Knot binds it: then try another.
        for attempt in range(3):
            port = _free_port()
            config = _write(Path(folder), zones, f"127.0.0.1@{port}")
            log_path = Path(folder) / "knotd.log"
            with open(log_path, "wb") as log:
                server = subprocess.Popen([KNOTD, "-c", str(config)], stdout=log, stderr=log)  # noqa: S603
            try:
                _wait_until_serving(next(iter(zones)), port, server)
                break
            except RuntimeError as error:
                server.terminate()
                server.wait(timeout=20)
                if attempt == 2:
                    raise RuntimeError(f"{error}: {log_path.read_text()}") from error
        try:
            yield f"127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=20)


def opendkim_verify(message: bytes, zones: Zones) -> subprocess.CompletedProcess:
    """Run ``opendkim-testmsg`` on ``message`` with its key look-ups answered from ``zones``.

    Returns the finished process: status 0 and no output when every signature verified.
    """
    with tempfile.TemporaryDirectory(prefix="pregon-opendkim-") as folder:
        path = Path(folder)
        _write(path, zones, "127.0.0.1@53")
        (path / "resolv.conf").write_text("nameserver 127.0.0.1\n")
        (path / "message.eml").write_bytes(message)
        namespaces = [UNSHARE, "--user", "--map-root-user", "--net", "--mount"]
        return subprocess.run(  # noqa: S603
            [*namespaces, sys.executable, __file__, folder, next(iter(zones))],
            capture_output=True,
            timeout=60,
            check=False,
        )


def _inside_namespace(folder: Path, origin: str) -> int:
    """In the namespaces: loopback up, our resolv.conf, Knot on port 53, then the verifier."""
    subprocess.run([IP, "link", "set", "lo", "up"], check=True)  # noqa: S603
    resolv_conf = str(folder / "resolv.conf")
    subprocess.run([MOUNT, "--bind", resolv_conf, "/etc/resolv.conf"], check=True)  # noqa: S603
    server = subprocess.Popen([KNOTD, "-c", str(folder / "knot.conf")])  # noqa: S603
    try:
        _wait_until_serving(origin, 53, server)
        with open(folder / "message.eml", "rb") as message:
            verifier = subprocess.run([OPENDKIM_TESTMSG], stdin=message, check=False)  # noqa: S603
            return verifier.returncode
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(_inside_namespace(Path(sys.argv[1]), sys.argv[2]))
