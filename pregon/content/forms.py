"""Forms of the template screens, also used by the API so that both validate alike."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pregon.content import mergetags
from pregon.content.models import BrandKit, EmailTemplate

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# An imported HTML design is text: anything larger is not an email anyone can send.
MAX_HTML_BYTES = 2 * 1024 * 1024


class TemplateNameForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["name"]


class HtmlImportForm(forms.Form):
    """An HTML design made elsewhere: pasted, or uploaded as an .html file."""

    name = forms.CharField(label=_("Name"), max_length=150)
    html = forms.CharField(label=_("HTML code"), required=False, widget=forms.Textarea)
    file = forms.FileField(
        label=_("or an .html file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".html,.htm,text/html"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_HTML_BYTES:
                raise forms.ValidationError(_("The file is larger than 2 MB."))
            try:
                data["html"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text; save it again as UTF-8 and upload it.")
                ) from None
        if not (data.get("html") or "").strip():
            raise forms.ValidationError(_("Paste the HTML code or choose an .html file."))
        return data


class BrandKitForm(forms.ModelForm):
    website_url = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    logo_file = forms.FileField(
        label=_("New logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif"}),
    )

    class Meta:
        model = BrandKit
        fields = [
            "name",
            "primary_color",
            "accent_color",
            "text_color",
            "background_color",
            "address",
            "website_url",
        ]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "accent_color": forms.TextInput(attrs={"type": "color"}),
            "text_color": forms.TextInput(attrs={"type": "color"}),
            "background_color": forms.TextInput(attrs={"type": "color"}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logo_file"].help_text = _(
            "PNG or JPEG, at most %(limit)s MB; shown 180 pixels wide at most."
        ) % {"limit": settings.IMAGE_MAX_BYTES // 1024 // 1024}

    def clean(self) -> dict:
        data = super().clean()
        for name in ("primary_color", "accent_color", "text_color", "background_color"):
            if name in data and not COLOR.match(data[name]):
                self.add_error(name, _("Write the colour as # and six hexadecimal digits."))
        # The brand kit is written into each gallery design as it is, where braces would
        # become merge tags.
        for name in ("name", "address"):
            if mergetags.holds_tags(data.get(name) or ""):
                self.add_error(name, _("Braces ({{ or {%) cannot be used here; remove them."))
        return data
