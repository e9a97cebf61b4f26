"""Whether each requirement of the checklist has its evidence: its screenshots exist, its
screens are URL names that answer 200 to an administrator, and its test files exist.

The screens are opened in this process with Django's test client, as a signed-in
administrator, against the installation's own database: what is checked is what the pack
will name, without needing the web server to run.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import User
from pregon.help import manual
from pregon.help.delivery.checklist import Requirement, Screen

ROOT = Path(settings.BASE_DIR)


@dataclass(frozen=True)
class Gap:
    """One piece of evidence a requirement lacks."""

    code: str  # the requirement's, "R5"
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def screenshot(name: str, folder: Path | None = None) -> Path | None:
    """The screenshot ``name`` in ``folder`` (docs/screenshots/), or None if there is no
    such PNG there; a name with a folder in it is never looked up."""
    folder = folder or manual.SCREENSHOTS
    if Path(name).name != name or not name.endswith(".png"):
        return None
    path = folder / name
    return path if path.is_file() else None


def path_of(screen: Screen) -> str | None:
    """The path of ``screen`` on this installation, or None if its name does not reverse."""
    try:
        return reverse(screen.name)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Evidence:
    """What a requirement's evidence is, each piece with whether it is there."""

    requirement: Requirement
    screens: list[tuple[Screen, str | None]]  # each screen with its path, None if none
    screenshots: list[tuple[str, bool]]
    tests: list[tuple[str, bool]]
    gaps: list[Gap]


def collect(requirements: Iterable[Requirement], root: Path = ROOT) -> list[Evidence]:
    """Each requirement's evidence as it is now, without opening the screens."""
    return [
        Evidence(
            requirement,
            [(screen, path_of(screen)) for screen in requirement.screens],
            [(name, screenshot(name) is not None) for name in requirement.screenshots],
            [(test, (root / test).is_file()) for test in requirement.tests],
            gaps([requirement], root=root),
        )
        for requirement in requirements
    ]


def gaps(
    requirements: Iterable[Requirement],
    admin: User | None = None,
    *,
    screenshots: Path | None = None,
    root: Path = ROOT,
) -> list[Gap]:
    """Every piece of evidence ``requirements`` lack, in their order: a screenshot that is not
    in ``screenshots``, a screen whose name does not reverse, a test file not under ``root``,
    a kind of evidence with nothing listed; and, when ``admin`` is given, a screen that does
    not answer 200 to that administrator."""
    requirements = list(requirements)
    answers = _answers(requirements, admin) if admin is not None else {}
    found = []
    for requirement in requirements:
        code = requirement.code
        for kind, listed in (
            (_("screen"), requirement.screens),
            (_("screenshot"), requirement.screenshots),
            (_("test"), requirement.tests),
        ):
            if not listed:
                found.append(Gap(code, _("no %(kind)s is listed") % {"kind": kind}))
        for screen in requirement.screens:
            path = path_of(screen)
            if path is None:
                message = _("the screen %(name)s is not a URL name of this installation")
                found.append(Gap(code, message % {"name": screen.name}))
            elif path in answers and answers[path] != 200:
                message = _("the screen %(name)s (%(path)s) answers %(status)s, not 200")
                found.append(
                    Gap(
                        code, message % {"name": screen.name, "path": path, "status": answers[path]}
                    )
                )
        for name in requirement.screenshots:
            if screenshot(name, screenshots) is None:
                message = _("the screenshot %(name)s is not in docs/screenshots")
                found.append(Gap(code, message % {"name": name}))
        for test in requirement.tests:
            if not (root / test).is_file():
                found.append(Gap(code, _("the test file %(path)s does not exist") % {"path": test}))
    return found


def _answers(requirements: list[Requirement], admin: User) -> dict[str, int]:
    """The status code of each screen's page, opened once each as ``admin``."""
    paths = {path for r in requirements for s in r.screens if (path := path_of(s)) is not None}
    site = urlsplit(settings.SITE_URL)
    # A screen that fails is evidence missing like any other, listed with its 500, not a
    # traceback that stops the check.
    client = Client(raise_request_exception=False, HTTP_HOST=site.netloc)
    # Signing in records a last sign-in: this check is none of the administrator's, and the
    # link of the credentials sheet is made from the last sign-in the administrator had.
    last_login = admin.last_login
    client.force_login(admin)
    # An administrator with two-step login must have passed it, or every page sends them to
    # the code's page: the session says so as django_otp's own login does.
    device = TOTPDevice.objects.devices_for_user(admin, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    try:
        return {path: _status(client, path, site.scheme == "https") for path in sorted(paths)}
    finally:
        client.logout()
        admin.last_login = last_login
        User.objects.filter(pk=admin.pk).update(last_login=last_login)


def _status(client: Client, path: str, secure: bool) -> int:
    """The status of the page a person reaches from ``path``: a screen may first send a new
    account elsewhere (the gallery asks for the brand kit once), but one that sends an
    administrator to sign in answers with that redirect's status."""
    response = client.get(path, follow=True, secure=secure)
    signing_in = {reverse("accounts:login"), reverse("accounts:verify")}
    for url, status in response.redirect_chain:
        if urlsplit(url).path in signing_in:
            return status
    return response.status_code
