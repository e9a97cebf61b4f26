"""Bringing templates made from the gallery up to date when the brand kit changes.

``gallery.instantiate`` writes the brand kit into a design as text, and the template notes
the values it used (``EmailTemplate.brand``). Updating replaces those values, as they were
written, with the new ones: the organisation's name, address, website, logo and colours.
Everything else a person changed stays. The header, which holds nothing but the brand, is
written again whole, so that a logo added or removed shows.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from markupsafe import escape

from pregon.content import gallery
from pregon.content.models import BrandKit, EmailTemplate
from pregon.content.render import InvalidTemplate

COLOURS = ("primary_color", "accent_color", "text_color", "background_color")
# The tints the designs derive from a colour (gallery/_head.mjml, curso.mjml…).
TINTS = {"primary_color": (0.92,), "accent_color": (0.85,)}


@dataclass
class Outcome:
    """What an update did: the templates updated, and those left as they were, with why."""

    updated: list[EmailTemplate] = field(default_factory=list)
    failed: list[tuple[EmailTemplate, str]] = field(default_factory=list)


def _filled_with(template: EmailTemplate) -> dict[str, str]:
    # Templates made before their values were noted were filled with the brand kit as it was
    # then; an empty one is the likeliest, and the one this update is for.
    return template.brand or BrandKit().as_context()


def outdated(brand: Mapping[str, str]) -> list[EmailTemplate]:
    """The templates made from a design whose brand values differ from ``brand``."""
    made_from_designs = EmailTemplate.objects.filter(~Q(brand={}) | ~Q(gallery_key=""))
    return [template for template in made_from_designs if _filled_with(template) != brand]


@dataclass(frozen=True)
class _Value:
    """A brand value as a design writes it, the text to write instead, and the patterns
    that must come before and after it (an attribute, the end of a colour)."""

    old: str
    new: str
    before: str = ""
    after: str = ""

    @property
    def pattern(self) -> str:
        return f"{self.before}{re.escape(self.old)}{self.after}"


def _values(old: Mapping[str, str], new: Mapping[str, str]) -> list[_Value]:
    """The values that changed, except those several old values share (left alone, since
    which new value each stands for cannot be told)."""
    found = []
    for name in COLOURS:
        found.append(_Value(old[name], new[name], after="(?![0-9a-fA-F])"))
        for amount in TINTS.get(name, ()):
            tints = gallery.tint(old[name], amount), gallery.tint(new[name], amount)
            found.append(_Value(*tints, after="(?![0-9a-fA-F])"))
        # The text on a colour (gallery.ink: dark or white), where it follows the colour.
        inks = gallery.ink(old[name]), gallery.ink(new[name])
        for before in (f'background-color="{old[name]}" color="', f"background:{old[name]};color:"):
            found.append(_Value(*inks, before=f"(?<={re.escape(before)})", after="(?![0-9a-fA-F])"))
    if old["website_url"]:
        websites = str(escape(old["website_url"])), str(escape(new["website_url"]))
        found.append(_Value(*websites, before='(?<=href=")', after='(?=[/"?#])'))
    if old["logo_url"] and new["logo_url"]:
        logos = str(escape(old["logo_url"])), str(escape(new["logo_url"]))
        found.append(_Value(*logos, before='(?<=src=")', after='(?=")'))
    if old["address"].strip() and new["address"].strip():
        found.append(_Value(gallery.nl2br(old["address"]), gallery.nl2br(new["address"])))
    if old["name"]:
        names = str(escape(old["name"])), str(escape(new["name"]))
        found.append(_Value(*names, before=r"(?<!\w)", after=r"(?!\w)"))
    changed = [value for value in found if value.old.lower() != value.new.lower()]
    meanings: dict[tuple[str, str], set[str]] = {}
    for value in changed:
        meanings.setdefault((value.before, value.old.lower()), set()).add(value.new.lower())
    return [value for value in changed if len(meanings[value.before, value.old.lower()]) == 1]


def rebrand(source: str, old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """``source`` with the brand values ``old`` replaced by ``new``, and its header
    written again with ``new``."""
    if values := _values(old, new):
        # One pass, so that a new value is never taken for another old one.
        combined = "|".join(f"(?P<v{index}>{value.pattern})" for index, value in enumerate(values))
        source = re.sub(
            combined,
            lambda match: values[int(match.lastgroup[1:])].new,
            source,
            flags=re.IGNORECASE,
        )
    source = _new_address(source, old, new)
    return _new_header(source, new)


def _new_address(source: str, old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """The footer's address added or removed: the only value written with markup around it."""
    name = re.escape(f"<strong>{escape(new['name'])}</strong>")
    if new["address"].strip() and not old["address"].strip():
        address = gallery.nl2br(new["address"])
        return re.sub(name, lambda match: f"{match[0]}<br>{address}", source, count=1)
    if old["address"].strip() and not new["address"].strip():
        return re.sub(f"({name})<br>{re.escape(gallery.nl2br(old['address']))}", r"\1", source)
    return source


def _new_header(source: str, new: Mapping[str, str]) -> str:
    """``source`` with the design's header (the section under the main colour's top border)
    written again, so that a logo added or removed shows."""
    section = (
        r'<mj-section\b[^>]*\bborder-top="5px solid '
        + re.escape(new["primary_color"])
        + r'"[^>]*>.*?</mj-section>'
    )
    header = gallery.header(new).strip()
    return re.sub(section, lambda match: header, source, count=1, flags=re.DOTALL | re.I)


def update_templates(brand: BrandKit) -> Outcome:
    """Replace the old brand values of every outdated template with ``brand``'s, saving each
    through ``set_source``; a template whose values are not found, or whose new source
    cannot be used, is left as it was."""
    new = brand.as_context()
    outcome = Outcome()
    for template in outdated(new):
        source = rebrand(template.source, _filled_with(template), new)
        if source == template.source:
            outcome.failed.append((template, _("its brand values were changed by hand.")))
            continue
        try:
            template.set_source(source)
        except InvalidTemplate as error:
            outcome.failed.append((template, str(error)))
            continue
        template.brand = new
        template.updated_at = timezone.now()
        template.save()
        outcome.updated.append(template)
    return outcome
