"""The sites the public addresses answer (by key and by origin), and the answers they give.

Every public address under /p/ but the embed script and the click redirect needs the site of
its key and must check the page's ``Origin`` against the sites' origins, on every request
(``admit`` does both). The sites are kept in this process for ``REFRESH`` seconds, one query
for all of them. A key or an origin not in that copy is looked up at once (a site added a
moment ago works at once); a site removed stops working within ``REFRESH`` seconds.

An ``Answer`` is what a public address says, for Django's views and for the WSGI fast path
alike (pregon.popups.fast), so that both give the same bytes.
"""

import json
import time
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.popups.models import Site

REFRESH = 5
# Site.last_seen_at is written at most this often per site and web process.
SEEN_EVERY = 60
PREFLIGHT_MAX_AGE = "86400"


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass(frozen=True)
class KnownSite:
    pk: int
    key: str
    origin: str


class _Sites:
    """This process's copy of the sites."""

    def __init__(self) -> None:
        self.loaded_at = 0.0
        self.by_key: dict[str, KnownSite] = {}
        self.by_origin: dict[str, KnownSite] = {}
        self.seen_at: dict[int, float] = {}

    def fresh(self) -> "_Sites":
        if time.time() - self.loaded_at > REFRESH:
            self.by_key, self.by_origin = {}, {}
            for site in Site.objects.values_list("pk", "key", "origin"):
                self._add(KnownSite(*site))
            self.loaded_at = time.time()
        return self

    def _add(self, site: KnownSite) -> KnownSite:
        self.by_key[site.key] = site
        self.by_origin[site.origin] = site
        return site

    def look_up(self, **where: str) -> KnownSite | None:
        found = Site.objects.filter(**where).values_list("pk", "key", "origin").first()
        return self._add(KnownSite(*found)) if found else None


_sites = _Sites()


@dataclass(frozen=True)
class Caller:
    """Who asks a public address: the site whose key the address names, the allowed site
    the asking page is on, and that page's ``Origin``."""

    site: KnownSite
    page_site: KnownSite
    origin: str


def admit(key: str, origin: str | None) -> Caller | Answer:
    """The caller of a public address for ``key`` from a page of ``origin``, or the answer
    that turns it away, having recorded nothing: 404 for a key no site has, 403 for a page
    that is not on an allowed site."""
    site = site_by_key(key)
    if site is None:
        return unknown_site()
    page_site = site_by_origin(origin)
    if page_site is None:
        return refused()
    return Caller(site, page_site, origin)


def site_by_key(key: str) -> KnownSite | None:
    """The site whose embed tag carries ``key``, or None."""
    sites = _sites.fresh()
    return sites.by_key.get(key) or sites.look_up(key=key)


def site_by_origin(origin: str | None) -> KnownSite | None:
    """The site whose origin is ``origin`` (the browser's ``Origin`` header), or None: the
    page is not on an allowed site."""
    if not origin or origin == "null":
        return None
    sites = _sites.fresh()
    return sites.by_origin.get(origin) or sites.look_up(origin=origin)


def forget() -> None:
    """Drop this process's copy of the sites (tests, which make sites faster than
    ``REFRESH``)."""
    global _sites
    _sites = _Sites()


def stamp_seen(site: KnownSite) -> None:
    """Note that the embed script loaded its configuration from ``site`` (the installation
    screen's check), at most once every ``SEEN_EVERY`` seconds per web process."""
    now = time.time()
    if now - _sites.seen_at.get(site.pk, 0) >= SEEN_EVERY:
        _sites.seen_at[site.pk] = now
        Site.objects.filter(pk=site.pk).update(last_seen_at=timezone.now())


def cors(origin: str) -> list[tuple[str, str]]:
    """The headers that let a page of the allowed ``origin`` read the answer."""
    return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]


def preflight(origin: str | None, methods: str) -> Answer:
    """The answer to a CORS preflight (OPTIONS): allowed for a site's origin only."""
    if site_by_origin(origin) is None:
        return refused()
    headers = [
        *cors(origin),
        ("Access-Control-Allow-Methods", methods),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Max-Age", PREFLIGHT_MAX_AGE),
    ]
    return Answer(204, headers)


def json_answer(status: int, data: dict, headers: list[tuple[str, str]] | None = None) -> Answer:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    content = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    return Answer(status, content + (headers or []), body)


def error(status: int, detail: str, errors: dict | None = None, origin: str = "") -> Answer:
    """A 4xx JSON answer {"detail", "errors"}; readable by the page if ``origin`` is given."""
    data = {"detail": str(detail), "errors": errors or {}}
    return json_answer(status, data, cors(origin) if origin else None)


def refused() -> Answer:
    """The answer to a page that is not on an allowed site: 403, and nothing recorded."""
    return error(403, _("This address does not serve pages of this site."))


def unknown_site() -> Answer:
    """The answer to a key no site has: 404."""
    detail = _("No site has this key. Copy the tag again from Pregón's installation screen.")
    return error(404, detail)
