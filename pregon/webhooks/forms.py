"""The webhooks screens' forms, which the API uses too (the same checks, the same errors)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.lib import events
from pregon.webhooks import hosts
from pregon.webhooks.models import AllowedHost, Endpoint

# What each event is called on the screens, in the order they are offered.
EVENT_LABELS = {
    events.CONTACT_CREATED: _("Contact created"),
    events.CONTACT_UPDATED: _("Contact updated"),
    events.CONTACT_UNSUBSCRIBED: _("Contact unsubscribed"),
    events.LIST_JOINED: _("Contact joined a list"),
    events.TAG_ADDED: _("Contact received a tag"),
    events.MESSAGE_DELIVERED: _("Message delivered"),
    events.MESSAGE_OPENED: _("Message opened"),
    events.MESSAGE_CLICKED: _("Link clicked"),
    events.MESSAGE_BOUNCED: _("Message bounced"),
    events.MESSAGE_COMPLAINED: _("Marked as spam"),
    events.FORM_SUBMITTED: _("Form or pop-up submitted"),
    events.CONVERSION: _("Conversion"),
    events.CAMPAIGN_STARTED: _("Campaign started"),
    events.CAMPAIGN_FINISHED: _("Campaign finished"),
    events.WORKFLOW_STEP: _("Workflow step reached"),
    events.MOODLE_ENROLLED: _("Enrolled in a Moodle course"),
    events.MOODLE_COMPLETED: _("Completed a Moodle course"),
}


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Where Pregón posts each event, signed (Standard Webhooks)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            hosts.check(url)
        except hosts.Refused as error:
            raise forms.ValidationError(str(error)) from error
        return url


class AllowedHostForm(forms.ModelForm):
    class Meta:
        model = AllowedHost
        fields = ["name"]
        help_texts = {
            "name": _("A host of your own network, as written in the URL (intranet.example.pe)."),
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip().lower().rstrip(".")
        # A name or an IPv4 address, or an IPv6 address with or without its brackets.
        if not re.fullmatch(r"[a-z0-9._-]+|\[?[0-9a-f:]+\]?", name):
            raise forms.ValidationError(_("Write the host name alone, without http:// or a path."))
        return name.strip("[]")
