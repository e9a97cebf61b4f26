"""A pop-up's signup form, sent to POST /p/f/<site key>: the pop-up shows one of the signup
forms staff build (``Popup.signup_form``), and its answers go through that form's submit
function (pregon.forms.submit), as the form's hosted page and embeds do: the same defences,
the same double opt-in, consent recorded the same way, and the same answer whether the
address was a contact already or not.

What this adds is the pop-up's own: the site's origin checked, this process's flood counter,
and the pop-up's "submitted" event (with the visit it came from), written in the same
transaction as the signup.
"""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from pregon.forms import defences
from pregon.forms.defences import Refused
from pregon.forms.submit import submit as submit_form
from pregon.lib.proxy import address
from pregon.popups import beacons, config, floods
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.popups.origins import Answer, KnownSite, admit, cors, error, json_answer
from pregon.tracking.models import hash_ip


def _popup(data: Mapping, site: KnownSite) -> Popup:
    """The published pop-up the answers name, with its published signup form; raises
    beacons.Invalid otherwise."""
    popup_id = data.get("p")
    popup = None
    if isinstance(popup_id, int) and popup_id in config.served(site).popup_ids:
        popup = (
            Popup.objects.filter(pk=popup_id, signup_form__is_active=True)
            .select_related("signup_form")
            .first()
        )
    if popup is None:
        raise beacons.Invalid("p", _("There is no published pop-up with a form with this number."))
    return popup


def stamp(key: str, origin: str | None, popup_id: str) -> Answer:
    """The answer to GET /p/f/<site key>?p=<pop-up>, asked for when the pop-up shows:
    {"stamp"}, a fresh stamp for its form (the fill time's start and the proof-of-work's
    challenge), which the cached configuration does not carry; 400 for a pop-up without a
    published form, 403 and 404 as for beacons."""
    caller = admit(key, origin)
    if isinstance(caller, Answer):
        return caller
    try:
        popup = _popup(
            {"p": int(popup_id) if popup_id.isascii() and popup_id.isdigit() else None}, caller.site
        )
    except beacons.Invalid as invalid:
        return error(400, str(invalid), invalid.errors, caller.origin)
    return json_answer(200, {"stamp": defences.stamp(popup.signup_form_id)}, cors(caller.origin))


def submit(key: str, meta: Mapping[str, str], body: bytes) -> Answer:
    """The answer to a form: 200 {"ok", "message", "redirect"}; 422 {"detail", "errors"}
    with nothing saved; 403, 404 and 429 as for beacons."""
    caller = admit(key, meta.get("HTTP_ORIGIN"))
    if isinstance(caller, Answer):
        return caller
    origin = caller.origin
    ip = address(meta)
    if not floods.forms.allow(ip):
        return error(429, _("Too many forms from this address. Try again later."), None, origin)
    try:
        data = beacons.parse_json(body)
        popup = _popup(data, caller.site)
        visit = beacons.read_visit(data)
    except beacons.Invalid as invalid:
        return error(400, str(invalid), invalid.errors, origin)
    try:
        with transaction.atomic():
            accepted = submit_form(
                popup.signup_form, data, ip=ip, channel="popup", popup_id=popup.pk
            )
            if accepted.contact_id is not None:
                PopupEvent.objects.create(
                    popup=popup,
                    kind=PopupEventKind.SUBMITTED,
                    visitor=visit.visitor,
                    contact_id=accepted.contact_id,
                    site_id=caller.page_site.pk,
                    page=visit.page,
                    course_id=visit.course_id,
                    device=visit.device,
                    machine=beacons.machine(meta, ip),
                    ip_hash=hash_ip(ip),
                )
    except Refused as refused:
        return error(refused.status, refused.detail, refused.errors, origin)
    answer = {"ok": True, "message": accepted.message, "redirect": accepted.redirect}
    return json_answer(200, answer, cors(origin))
