"""The fake Moodle's HTTP server: webservice/rest/server.php, its token and service checks,
its answers in PHP's JSON (or XML), the faults a test sets and the log of calls."""

import json
import multiprocessing
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from pregon.testing.moodle_ws.dataset import Dataset
from pregon.testing.moodle_ws.errors import (
    NAMED_ERRORS,
    MoodleException,
    access_exception,
    invalid_token,
    missing_record,
)
from pregon.testing.moodle_ws.functions import CAPABILITIES, FUNCTIONS, Site
from pregon.testing.moodle_ws.params import php_params

SERVER_PATH = "/webservice/rest/server.php"
TOKEN = "8f3c0a9e5b7d41c2a6e9f0b1c3d5e7a9"
RELEASE = "4.3.3 (Build: 20240212)"
VERSION = "2023100903"


def php_json(value: Any) -> bytes:
    """``json_encode`` as PHP writes it: ASCII only, slashes escaped."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()


def php_xml(value: Any) -> bytes:
    """The XML Moodle answers when asked for no format (webservice/rest/locallib.php
    xmlize_result and generate_error)."""
    if isinstance(value, dict) and "exception" in value and "errorcode" in value:
        inner = "".join(
            f"<{key.upper()}>{escape(str(value[key]))}</{key.upper()}>\n"
            for key in ("errorcode", "message", "debuginfo")
            if key in value
        )
        body = f'<EXCEPTION class="{value["exception"]}">\n{inner}</EXCEPTION>\n'
    else:
        body = f"<RESPONSE>\n{xmlize(value)}</RESPONSE>\n"
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n' + body).encode()


def xmlize(value: Any) -> str:
    if isinstance(value, list):
        return "<MULTIPLE>\n" + "".join(xmlize(item) for item in value) + "</MULTIPLE>\n"
    if isinstance(value, dict):
        keys = "".join(f'<KEY name="{key}">{xmlize(item)}</KEY>\n' for key, item in value.items())
        return f"<SINGLE>\n{keys}</SINGLE>\n"
    if value is None:
        return '<VALUE null="null"/>'
    if isinstance(value, bool):
        value = int(value)
    return f"<VALUE>{escape(str(value))}</VALUE>"


# --- Faults and the call log ----------------------------------------------------------------


@dataclass
class Fault:
    """What a chosen call gets instead of its answer: Moodle's error ``errorcode`` (kind
    "error"), no answer for ``seconds`` (kind "timeout"; the answer comes after, too late for
    a client with a shorter time-out), HTTP ``status`` (kind "http"), or a page that is not
    Moodle's (kind "html")."""

    kind: str
    errorcode: str = ""
    seconds: float = 0.0
    status: int = 500

    @classmethod
    def error(cls, errorcode: str) -> "Fault":
        if errorcode not in NAMED_ERRORS:
            raise ValueError(f"unknown error code {errorcode}; known: {sorted(NAMED_ERRORS)}")
        return cls("error", errorcode=errorcode)

    @classmethod
    def timeout(cls, seconds: float = 3.0) -> "Fault":
        return cls("timeout", seconds=seconds)

    @classmethod
    def http(cls, status: int = 500) -> "Fault":
        return cls("http", status=status)

    @classmethod
    def not_moodle(cls) -> "Fault":
        return cls("html")


@dataclass
class Trap:
    fault: Fault
    function: str | None
    nth: int
    times: int
    seen: int = 0
    sprung: int = 0


@dataclass(frozen=True)
class Call:
    function: str
    params: dict[str, Any]
    token: str
    at: float = field(default_factory=time.time)


# --- The server -------------------------------------------------------------------------------


class FakeMoodle:
    """A Moodle site's REST web services on 127.0.0.1, on a port of its own::

        with FakeMoodle(dataset) as moodle:
            Client(moodle.url, moodle.token).call("core_webservice_get_site_info")

    ``functions``: those the token's service includes (others -> accessexception);
    ``capabilities``: those its user has (see CAPABILITIES); ``debug``: answer errors with
    their debug information, as a site with debugging on does.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        token: str = TOKEN,
        functions: Iterable[str] = FUNCTIONS,
        capabilities: Iterable[str] = CAPABILITIES,
        debug: bool = False,
        release: str = RELEASE,
        version: str = VERSION,
    ) -> None:
        self.dataset = dataset or Dataset()
        self.token = token
        self.functions = set(functions)
        self.capabilities = set(capabilities)
        self.debug = debug
        self.release = release
        self.version = version
        self.calls: list[Call] = []
        self.traps: list[Trap] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # Switches.

    def fail(
        self, fault: Fault, *, function: str | None = None, nth: int = 1, times: int = 1
    ) -> None:
        """Answer with ``fault`` the ``nth`` call (counted from now) to ``function`` (to any
        function if None), and the ``times - 1`` matching calls after it."""
        with self.lock:
            self.traps.append(Trap(fault, function, nth, times))

    def calls_to(self, function: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.function == function]

    # Running.

    @property
    def url(self) -> str:
        assert self.server is not None, "start() it first"
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeMoodle":
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> "FakeMoodle":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, pairs: list[tuple[str, str]]) -> tuple[int, str, bytes, float]:
        """(HTTP status, content type, body, seconds to wait first) for a request's fields."""
        params = php_params(pairs)
        token = params.pop("wstoken", "")
        function = params.pop("wsfunction", "")
        rest_format = params.pop("moodlewsrestformat", "xml")
        with self.lock:
            self.calls.append(Call(str(function), params, str(token)))
            fault = self.sprung(str(function))
        if fault is not None and fault.kind == "http":
            return fault.status, "text/html", b"<html><body>Error</body></html>", 0.0
        if fault is not None and fault.kind == "html":
            page = b"<!DOCTYPE html><html><head><title>Inicio</title></head><body>Bienvenido"
            return 200, "text/html; charset=utf-8", page + b"</body></html>", 0.0
        delay = fault.seconds if fault is not None and fault.kind == "timeout" else 0.0
        try:
            if fault is not None and fault.kind == "error":
                raise NAMED_ERRORS[fault.errorcode]()
            result = self.run(str(token), str(function), params)
        except MoodleException as error:
            result = error.answer(self.debug)
        if rest_format != "json":
            return 200, "application/xml; charset=utf-8", php_xml(result), delay
        return 200, "application/json", php_json(result), delay

    def sprung(self, function: str) -> Fault | None:
        """The fault this call gets, if a trap is due; every trap counts the call."""
        due = None
        for trap in self.traps:
            if trap.function not in (None, function):
                continue
            trap.seen += 1
            if due is None and trap.seen >= trap.nth and trap.sprung < trap.times:
                trap.sprung += 1
                due = trap.fault
        return due

    def run(self, token: str, function: str, params: dict[str, Any]) -> Any:
        if token != self.token:
            raise invalid_token()
        if function not in FUNCTIONS:
            # Moodle's debug information quotes the query that found nothing.
            query = "SELECT * FROM {external_functions} WHERE name = ?"
            raise missing_record(f"{query}\n[array (0 => '{function}')]")
        if function not in self.functions:
            raise access_exception(function)
        site = Site(
            self.dataset,
            self.url,
            self.functions,
            self.capabilities,
            self.release,
            self.version,
        )
        return getattr(site, function)(params)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK hold every answer back some 40 ms.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def respond(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if url.path != SERVER_PATH:
                    self.send(404, "text/html", b"<html><body>Not found</body></html>")
                    return
                pairs = parse_qsl(url.query, keep_blank_values=True)
                pairs += parse_qsl(body, keep_blank_values=True)
                status, kind, payload, delay = fake.answer(pairs)
                if delay:
                    time.sleep(delay)
                self.send(status, kind, payload)

            def send(self, status: int, kind: str, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # The client gave up waiting.

            do_GET = do_POST = respond

        return Handler


# A generated classroom of 200,000 users takes about 6 s to build.
STARTING_SECONDS = 120


@contextmanager
def apart(**sizes: int) -> Iterator[tuple[str, str]]:
    """(address, token) of a classroom ``Dataset.generate(**sizes)`` served by a forked
    process of its own, so that a benchmark measures its own memory, not the fake's.

    For a benchmark's process, before it starts threads of its own: a fork of a process with
    threads (a test run's servers) can copy a lock another thread held, and the child then
    hangs. A child that dies or hangs is an error here after ``STARTING_SECONDS``.
    """
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=serve_apart, args=(theirs, sizes), daemon=True)
    process.start()
    theirs.close()  # Only the child's copy stays open: its death ends our wait.
    try:
        if not ours.poll(STARTING_SECONDS):
            raise RuntimeError(f"the fake classroom did not start in {STARTING_SECONDS} s")
        yield ours.recv()
    finally:
        process.terminate()
        process.join()


def serve_apart(connection: Connection, sizes: dict[str, int]) -> None:
    moodle = FakeMoodle(Dataset.generate(**sizes)).start()
    connection.send((moodle.url, moodle.token))
    threading.Event().wait()
