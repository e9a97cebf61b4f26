"""The pop-ups' configuration for the embed script: one JSON document per site, at
/p/s/<site key>.json (the contract's schema: /tmp/popups-contract.md, "The configuration
JSON"; the embed script applies every rule in it).

Every page of the classroom asks for it, so each web process keeps the answer, bytes and
ETag, for ``CACHE_SECONDS``: a pop-up saved, published or withdrawn reaches the pages within
that time plus the browser's max-age. Pop-ups scheduled to start later are listed too (the
script checks the dates), so a cached document never delays a start.
"""

import hashlib
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pregon.content.models import BrandKit
from pregon.forms import describe as form_describe
from pregon.forms import submit
from pregon.forms.models import SignupForm
from pregon.lib import signing
from pregon.popups import origins
from pregon.popups.models import Audience, Popup, Site
from pregon.popups.origins import Answer, KnownSite, admit, cors, stamp_seen
from pregon.popups.sanitise import clean_body

CACHE_SECONDS = 5
MAX_AGE = 60
CLICK_KIND = "popup-click"
WHITE, DARK = "#ffffff", "#1f2933"


def labels() -> dict[str, str]:
    """The words of the script's own controls, in the account's language."""
    return {
        "close": _("Close"),
        "email": _("Email address"),
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "submit": _("Send"),
        "sending": _("Sending…"),
        "error": _("It could not be sent. Please try again."),
        "dialog": _("Notice"),
    }


def click_url(popup: Popup) -> str:
    """The signed address of the pop-up's button (pregon.popups.views.public.clicked)."""
    token = signing.sign(CLICK_KIND, popup.pk)
    return settings.SITE_URL + reverse("popups_public:click", args=[token])


def offered() -> list[Popup]:
    """The pop-ups the script may show: published, and not ended; first the one that wins."""
    published = Popup.objects.filter(is_published=True)
    return list(
        published.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()))
        .order_by("-priority", "-id")
        .select_related("segment", "signup_form")
    )


def _epoch_ms(moment: object) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _readable_on(background: str) -> str:
    """White or dark text, whichever reads better on ``background`` (#rrggbb)."""
    try:
        red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return WHITE
    return DARK if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else WHITE


def colors(popup: Popup, brand: BrandKit) -> dict[str, str]:
    """The pop-up's colours, the brand kit's where it has none."""
    button = popup.button_color or brand.primary_color
    return {
        "background": popup.background_color or WHITE,
        "text": popup.text_color or brand.text_color,
        "button": button,
        "button_text": _readable_on(button),
    }


def shown_form(popup: Popup) -> SignupForm | None:
    """The signup form ``popup`` shows: its own, if published."""
    form = popup.signup_form
    return form if form is not None and form.is_active else None


def form_description(form: SignupForm, brand: BrandKit) -> dict:
    """A signup form as the script shows it inside a pop-up: as any embed shows it
    (pregon.forms.describe), with its thanks, but without its stamp: a stamp is the time the
    form was shown, so the script asks for one when it shows the pop-up
    (pregon.popups.signup.stamp), and the cached document keeps its ETag while nothing
    changes."""
    described = form_describe.describe(form, brand)
    del described["stamp"]
    return {**described, "thanks": submit.thanks(form).message}


def describe(popup: Popup, brand: BrandKit) -> dict:
    """One pop-up as the embed script reads it."""
    has_button = bool(popup.button_text and popup.button_url)
    return {
        "id": popup.pk,
        "priority": popup.priority,
        "format": popup.format,
        "title": popup.title,
        "body": clean_body(popup.body),
        "image": popup.image_url,
        "button": {"text": popup.button_text, "url": click_url(popup)} if has_button else None,
        "colors": colors(popup, brand),
        "starts": _epoch_ms(popup.starts_at),
        "ends": _epoch_ms(popup.ends_at),
        "days": list(popup.weekdays or []),
        "hours": [popup.hour_from, popup.hour_to],
        "trigger": {"type": popup.trigger, "value": popup.trigger_value},
        "include": _lines(popup.include_urls),
        "exclude": _lines(popup.exclude_urls),
        "moodle": {
            "courses": list(popup.course_ids or []),
            "categories": list(popup.category_ids or []),
            "pages": list(popup.page_types or []),
            "login": popup.login_state,
            "no_quiz": popup.avoid_quiz,
        },
        "who": popup.audience,
        "segment": popup.audience == Audience.KNOWN and popup.segment_id is not None,
        "device": popup.device,
        "frequency": {
            "mode": popup.frequency,
            "n": popup.frequency_value,
            "after": popup.after_action,
            "after_days": popup.after_action_days,
        },
        "form": form_description(form, brand) if (form := shown_form(popup)) else None,
    }


def document(site: Site | KnownSite) -> dict:
    """The configuration ``site``'s pages load, in the account's language (the same pop-ups
    for every site: each pop-up's own rules say on which pages it shows)."""
    with translation.override(settings.LANGUAGE_CODE):
        brand = BrandKit.load()
        return {
            "v": 1,
            "tz": settings.TIME_ZONE,
            "labels": labels(),
            "popups": [describe(popup, brand) for popup in offered()],
        }


@dataclass(frozen=True)
class Served:
    """A document as served: its bytes, its ETag, and the pop-ups it lists."""

    built_at: float
    body: bytes
    etag: str
    popup_ids: frozenset[int]


_served: dict[int, Served] = {}


def served(site: KnownSite) -> Served:
    """``site``'s document, built at most once every ``CACHE_SECONDS`` in this process."""
    cached = _served.get(site.pk)
    if cached is None or time.time() - cached.built_at > CACHE_SECONDS:
        data = document(site)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        ids = frozenset(popup["id"] for popup in data["popups"])
        cached = _served[site.pk] = Served(time.time(), body, etag, ids)
    return cached


def forget() -> None:
    """Drop this process's documents and sites: the next request reads them again (tests,
    which change pop-ups and sites faster than ``CACHE_SECONDS``)."""
    _served.clear()
    origins.forget()


def answer(key: str, origin: str | None, if_none_match: str) -> Answer:
    """The answer to GET /p/s/<key>.json from a page of ``origin``."""
    caller = admit(key, origin)
    if isinstance(caller, Answer):
        return caller
    stamp_seen(caller.page_site)
    document = served(caller.site)
    headers = [
        *cors(caller.origin),
        ("Cache-Control", f"public, max-age={MAX_AGE}"),
        ("ETag", document.etag),
    ]
    if document.etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Answer(304, headers)
    headers.append(("Content-Type", "application/json"))
    return Answer(200, headers, document.body)
