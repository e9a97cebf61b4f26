"""Each pop-up with its own form gets a signup form carrying that form's list, tags, consent
text and thank-you message, without double opt-in (so the pop-up keeps behaving as before;
staff may switch it on), at a free address made from the pop-up's name. Going back copies
them onto the pop-up again."""

from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify

FIELDS = [{"key": "first_name", "required": False}, {"key": "last_name", "required": False}]


def _free_slug(SignupForm, name: str) -> str:
    base = slugify(name)[:60] or "ventana-emergente"
    slug, number = base, 2
    while SignupForm.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def forward(apps, schema_editor):
    Popup = apps.get_model("popups", "Popup")
    SignupForm = apps.get_model("signup_forms", "SignupForm")
    for popup in Popup.objects.filter(has_form=True).order_by("id"):
        now = timezone.now()
        form = SignupForm.objects.create(
            name=f"{popup.name} (ventana emergente)"[:150],
            slug=_free_slug(SignupForm, popup.name),
            title=popup.title[:200],
            fields=FIELDS,
            consent_text=popup.consent_text,
            privacy_url="",
            thank_you=popup.thanks_text,
            colour=popup.button_color,
            double_opt_in=False,
            confirmation_subject="",
            is_active=True,
            created_by_id=popup.created_by_id,
            created_at=now,
            updated_at=now,
        )
        if popup.form_list_id:
            form.lists.set([popup.form_list_id])
        form.tags.set(popup.form_tags.all())
        popup.signup_form = form
        popup.save(update_fields=["signup_form"])


def backward(apps, schema_editor):
    Popup = apps.get_model("popups", "Popup")
    for popup in Popup.objects.exclude(signup_form=None).select_related("signup_form"):
        form = popup.signup_form
        popup.has_form = True
        popup.form_list = form.lists.order_by("id").first()
        popup.consent_text = form.consent_text
        popup.thanks_text = form.thank_you[:300]
        popup.save(update_fields=["has_form", "form_list", "consent_text", "thanks_text"])
        popup.form_tags.set(form.tags.all())


class Migration(migrations.Migration):

    dependencies = [
        ('popups', '0002_popup_signup_form'),
    ]

    operations = [migrations.RunPython(forward, backward)]
