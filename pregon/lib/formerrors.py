"""A Django form's errors as the API and the contact upsert report them: messages by field,
under the names the caller's data uses."""

from django import forms

Errors = dict[str, list[str]]


def form_errors(
    form: forms.BaseForm, names: dict[str, str] | None = None, prefix: str = ""
) -> Errors:
    """The errors of a Django form keyed by API field names.

    ``names`` renames form fields (``tag_names`` -> ``tags``); ``prefix`` is put before each
    name, for items of a list (``contacts.3.``).
    """
    names = names or {}
    errors: Errors = {}
    for field, messages in form.errors.items():
        name = names.get(field, field)
        if field == forms.forms.NON_FIELD_ERRORS:
            name = prefix.rstrip(".") or field
        else:
            name = prefix + name
        errors.setdefault(name, []).extend(str(message) for message in messages)
    return errors
