"""The credentials sheet: this installation's address, the administrator's email, a one-time
link to choose the password, and how to sign in and turn on two-step login. No password or
secret is ever written on it."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pregon.accounts import emails
from pregon.accounts.models import User
from pregon.help.delivery.document import Document, plain


def credentials_pdf(admin: User, term_start: datetime.date, term_end: datetime.date) -> bytes:
    """The sheet for ``admin`` as PDF bytes, with the quota's term from ``term_start`` to
    ``term_end``. Its link to choose a password is Django's password-reset token: it works
    once, for ``PASSWORD_RESET_TIMEOUT`` seconds, and not after the administrator signs in."""
    link = emails.set_password_url(admin)
    expires = timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    title = _("Credentials")
    pdf = Document(title)
    pdf.add_page()
    pdf.heading(_("Access credentials to Pregón"), size=18)
    for label, value in (
        (_("Address"), settings.SITE_URL),
        (_("Sign-in page"), settings.SITE_URL + reverse("accounts:login")),
        (_("Administrator"), admin.email),
        (
            _("Quota term"),
            _("from %(start)s to %(end)s")
            % {
                "start": formats.date_format(term_start, "DATE_FORMAT"),
                "end": formats.date_format(term_end, "DATE_FORMAT"),
            },
        ),
    ):
        pdf.label_and_value(label, value, width=52)
    pdf.heading(_("1. Choose your password"))
    pdf.paragraph(
        _(
            "Open this link in your browser and choose the administrator's password. The link "
            "works only once, until %(expires)s; it stops working as soon as the password is "
            "set or the administrator signs in."
        )
        % {"expires": formats.date_format(expires, "DATETIME_FORMAT")}
    )
    pdf.ln(2)
    pdf.set_font("courier", size=9)
    pdf.set_text_color(29, 78, 137)
    pdf.multi_cell(0, 5, plain(link), link=link)
    pdf.ln(2)
    pdf.paragraph(
        _(
            "If it no longer works, use “%(forgot)s” on the sign-in page: Pregón "
            "sends a new link to the administrator's email."
        )
        % {"forgot": _("Forgot your password?")}
    )
    pdf.heading(_("2. Sign in"))
    pdf.paragraph(
        _(
            "Go to the sign-in page, type the administrator's email and the password you chose, "
            "and click “%(button)s”. Access is direct: there is no other user name or intermediary."
        )
        % {"button": _("Log in")}
    )
    pdf.heading(_("3. Turn on two-step login"))
    steps = [
        _(
            "Install an authenticator app on your phone (Google Authenticator, Microsoft "
            "Authenticator, FreeOTP…)."
        ),
        _("In Pregón, open %(menu)s and, under %(section)s, click “%(button)s”.")
        % {
            "menu": _("My account"),
            "section": _("Two-factor authentication"),
            "button": _("Turn on two-factor"),
        },
        _("Scan the QR code with the app and type the six-digit code it shows."),
        _(
            "Generate the backup codes and keep them in a safe place: they let you sign in if "
            "you lose your phone."
        ),
        _("From then on, each sign-in asks for the app's code after the password."),
    ]
    for number, step in enumerate(steps, start=1):
        pdf.paragraph(f"{number}. {step}")
    pdf.heading(_("Other users"))
    pdf.paragraph(
        _(
            "The administrator invites the other people of the office from %(menu)s: each "
            "receives an email with a link to choose their own password."
        )
        % {"menu": f"{_('Administration')} » {_('Users')}"}
    )
    pdf.ln(4)
    pdf.set_font("helvetica", "I", 9)
    pdf.multi_cell(
        0,
        4.5,
        plain(
            _(
                "This sheet contains no password. Until its link is used, keep it as you would a "
                "key: whoever has it can choose the administrator's password."
            )
        ),
    )
    return bytes(pdf.output())
