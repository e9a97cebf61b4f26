"""What the embed script reports: views and closes (beacons, POST /p/b/<site key>) and clicks
(the signed redirect, GET /p/c/<click token>), spooled with no database on the request
(pregon.popups.spool), and each checked before anything is recorded.

A beacon's body is JSON sent as text/plain (a CORS "simple request": no preflight)::

    {"p": popup id, "k": "viewed" | "closed", "v": visitor, "t": identity token or "",
     "u": page path and query, "c": Moodle course id or null, "d": "desktop" | "phone"}
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from pregon.lib import signing
from pregon.lib.proxy import address
from pregon.popups import config, conversions, floods, identity, spool
from pregon.popups.models import Popup, PopupEventKind
from pregon.popups.origins import Answer, admit, cors, error, site_by_origin
from pregon.tracking import agents
from pregon.tracking import conversions as tracking_conversions
from pregon.tracking.models import hash_ip

BEACON_KINDS = {PopupEventKind.VIEWED, PopupEventKind.CLOSED}
DEVICES = {"desktop", "phone"}
MAX_BODY = 4096
# The page address as the script sends it (path and query); stored without the query.
MAX_PAGE = 300


class Invalid(ValueError):
    """A report that records nothing: ``errors`` says which field and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.errors = {field: [message]}


@dataclass(frozen=True)
class Visit:
    """Where and by whom a report was made."""

    visitor: str
    message_id: int | None
    page: str
    course_id: int | None
    device: str


def read_visit(data: Mapping, *, strict: bool = True) -> Visit:
    """The visit fields (v, t, u, c, d) of a report. A forged identity token raises
    ``Invalid``, or, unless ``strict``, makes the visit anonymous."""
    try:
        message_id = identity.message_of(str(data.get("t") or ""))
    except signing.BadToken:
        if strict:
            raise Invalid("t", _("This identity code is not valid.")) from None
        message_id = None
    course = data.get("c")
    try:
        course_id = int(course) if course not in (None, "") else None
    except (TypeError, ValueError):
        course_id = None
    page = urlsplit(str(data.get("u") or "")[:MAX_PAGE]).path
    device = str(data.get("d") or "")
    return Visit(
        visitor=str(data.get("v") or "")[:32],
        message_id=message_id,
        page=page[:MAX_PAGE],
        course_id=course_id if course_id is not None and 0 < course_id < 2**31 else None,
        device=device if device in DEVICES else "",
    )


def parse_json(body: bytes) -> dict:
    """A report's JSON object; raises ``Invalid`` for anything else."""
    if len(body) > MAX_BODY:
        raise Invalid("body", _("The report is too long."))
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise Invalid("body", _("The report is not a JSON object."))
    return data


def machine(meta: Mapping[str, str], ip: str | None) -> str:
    """ "bot" when the user agent or address is a robot's (pregon.tracking.agents)."""
    reason = agents.machine_reason(
        opening=False,
        method=meta.get("REQUEST_METHOD", "GET"),
        user_agent=meta.get("HTTP_USER_AGENT", ""),
        ip=ip,
    )
    return spool.BOT if reason else ""


def record(
    meta: Mapping[str, str], popup_id: int, kind: str, visit: Visit, site_id: int | None
) -> None:
    ip = address(meta)
    spool.append(
        popup_id=popup_id,
        kind=kind,
        visitor=visit.visitor,
        message_id=visit.message_id,
        site_id=site_id,
        page=visit.page,
        course_id=visit.course_id,
        device=visit.device,
        machine=machine(meta, ip),
        ip_hash=hash_ip(ip),
    )


def receive(key: str, meta: Mapping[str, str], body: bytes) -> Answer:
    """The answer to a beacon: 204 once spooled; 404 unknown site, 403 a page of another
    origin, 429 a flood, 400 a report that does not hold (nothing recorded)."""
    caller = admit(key, meta.get("HTTP_ORIGIN"))
    if isinstance(caller, Answer):
        return caller
    origin = caller.origin
    if not floods.events.allow(address(meta)):
        return error(429, _("Too many reports from this address. Try again later."), None, origin)
    try:
        data = parse_json(body)
        kind = data.get("k")
        if kind not in BEACON_KINDS:
            raise Invalid("k", _("Unknown kind of report."))
        popup_id = data.get("p")
        if not isinstance(popup_id, int) or popup_id not in config.served(caller.site).popup_ids:
            raise Invalid("p", _("There is no published pop-up with this number."))
        visit = read_visit(data)
    except Invalid as invalid:
        return error(400, str(invalid), invalid.errors, origin)
    record(meta, popup_id, kind, visit, caller.page_site.pk)
    return Answer(204, cors(origin))


def click(token: str, meta: Mapping[str, str], query: Mapping) -> str | None:
    """Record a click on the pop-up the click token names; the address to send the visitor
    to (its own button's), or None for a token we did not sign or a pop-up without a link.

    A forged identity token does not stop a person's click: it is recorded anonymously."""
    try:
        popup_id = signing.unsign(config.CLICK_KIND, token)
    except signing.BadToken:
        return None
    url = Popup.objects.filter(pk=popup_id).values_list("button_url", flat=True).first()
    if not url:
        return None
    visit = read_visit(query, strict=False)
    if floods.events.allow(address(meta)):
        # A click is a navigation, with no Origin: its Referer names the classroom's page.
        referer = urlsplit(meta.get("HTTP_REFERER", ""))
        site = site_by_origin(f"{referer.scheme}://{referer.netloc}" if referer.netloc else None)
        record(meta, popup_id, PopupEventKind.CLICKED, visit, site.pk if site else None)
    return tracking_conversions.with_token(url, conversions.token(popup_id, visit.message_id))
