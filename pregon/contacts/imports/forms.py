"""The import screens' forms: the file to upload, the options and column mapping of the
second step, and a new custom field made from a column of the file."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.contacts.forms import FieldForm, split_tag_names
from pregon.contacts.models import MailingList


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "A spreadsheet saved as CSV (comma or semicolon) or XLSX, with a header row and "
            "an email column."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
        # imports.create_import says what is wrong with an empty file, in our words.
        allow_empty_file=True,
    )


# The choice in a column's select that opens the form for a new custom field.
NEW_FIELD = "+new"


class ImportOptionsForm(forms.Form):
    """Where each column of an uploaded file goes, and what to do with the contacts.

    One ``column_<n>`` choice per column of the file's header; the choices come from
    ``imports.target_choices``, so the screen and the API accept the same targets, plus
    ``NEW_FIELD``, which the screen turns into a new custom field (``ImportFieldForm``).
    """

    update_existing = forms.TypedChoiceField(
        label=_("Contacts already in Pregón"),
        choices=[
            ("1", _("Update them with the file's values (blank cells change nothing)")),
            ("0", _("Leave them as they are")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    mailing_list = forms.ModelChoiceField(
        label=_("Add every contact to the list"),
        queryset=MailingList.objects.all(),
        required=False,
        empty_label=_("No list"),
        to_field_name="code",
    )
    new_list_name = forms.CharField(
        label=_("Or to a new list named"),
        required=False,
        max_length=150,
        help_text=_("Created with the import, for example “Virtual courses 2027”."),
    )
    tag_names = forms.CharField(
        label=_("Tag every contact with"),
        required=False,
        help_text=_("Separate tags with commas; new tags are created."),
    )
    consent_text = forms.CharField(
        label=_("How these people agreed to receive mail"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept with each new contact as proof of consent, for example: “Registered for the "
            "2025 virtual course on public procurement and accepted the privacy notice”."
        ),
    )

    def __init__(
        self,
        *args: Any,
        header: list[str],
        targets: list[tuple[str, str]],
        suggested: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = []
        for index, name in enumerate(header):
            key = f"column_{index}"
            self.fields[key] = forms.ChoiceField(
                label=name or _("Column %(number)s") % {"number": index + 1},
                choices=[*targets, (NEW_FIELD, _("New custom field…"))],
                required=False,
                initial=suggested.get(str(index), ""),
            )
            self.columns.append(key)

    def column_fields(self) -> list[forms.BoundField]:
        """The bound column choices, in the file's order (for the preview table)."""
        return [self[key] for key in self.columns]

    def mapping(self) -> dict[str, str]:
        """Column index (as a string) -> target, as ``imports.start_import`` takes it."""
        return {key.removeprefix("column_"): self.cleaned_data[key] for key in self.columns}

    def clean_tag_names(self) -> list[str]:
        return split_tag_names(self.cleaned_data.get("tag_names", ""))

    def chosen_list(self) -> MailingList | None:
        """The list chosen, or the new one named, created now (call inside the import's
        transaction, so that a refused import leaves no list behind)."""
        name = self.cleaned_data["new_list_name"]
        if name:
            return MailingList.objects.create(name=name)
        return self.cleaned_data["mailing_list"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name = cleaned.get("new_list_name", "").strip()
        if name and cleaned.get("mailing_list"):
            self.add_error("new_list_name", _("Choose a list or name a new one, not both."))
        elif name:
            # A list of that name already (any case) is the one meant.
            cleaned["mailing_list"] = MailingList.objects.filter(name__iexact=name).first()
            cleaned["new_list_name"] = "" if cleaned["mailing_list"] else name
        for key in self.columns:
            if cleaned.get(key) == NEW_FIELD:
                self.add_error(
                    key,
                    _(
                        "Create the new custom field first (“Create field” below), or choose "
                        "where this column goes."
                    ),
                )
        return cleaned


class ImportFieldForm(FieldForm):
    """A new custom field made from the import's mapping screen, for one of the file's
    columns: the custom-fields screen's form, checks and all, plus that column."""

    column = forms.ChoiceField(label=_("For the column"), required=False)

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = [
            ("", _("None yet")),
            *(
                (str(i), name or _("Column %(number)s") % {"number": i + 1})
                for i, name in enumerate(header)
            ),
        ]
