"""The forms of support requests, which the screens and the API share: the same checks,
the same Spanish errors."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from pregon.help.models import TicketStatus
from pregon.help.support import attachments

BODY_MAX_LENGTH = 10_000
ACCEPT = ".png,.jpg,.jpeg,.pdf,.txt,image/png,image/jpeg,application/pdf,text/plain"


def local_path(value: str) -> str:
    """``value`` if it is a path of this site ("/contactos/?pagina=2"), else "": the page
    a request came from is shown as a link, which must never lead elsewhere."""
    value = (value or "").strip()[:500]
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return ""
    return value


class AttachmentField(forms.FileField):
    def __init__(self) -> None:
        super().__init__(
            label=_("Screenshot or attachment"),
            required=False,
            help_text=_("Optional: a PNG or JPEG image, a PDF or a text file, up to 5 MB."),
            widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPT}),
        )

    def clean(self, data: object, initial: object = None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if upload:
            attachments.content_type(upload)
        return upload or None


class TicketForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True}),
    )
    body = forms.CharField(
        label=_("What happened, or what do you need?"),
        max_length=BODY_MAX_LENGTH,
        help_text=_("Say what you were doing, what you expected and what you saw instead."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 7}),
    )
    attachment = AttachmentField()
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_page(self) -> str:
        return local_path(self.cleaned_data.get("page", ""))


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )
    attachment = AttachmentField()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (TicketStatus.IN_PROGRESS, TicketStatus.IN_PROGRESS.label),
            (TicketStatus.RESOLVED, TicketStatus.RESOLVED.label),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
