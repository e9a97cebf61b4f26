"""The delivery pack (R22): one folder with the checklist, the credentials sheet and the
manual as PDFs, and the screenshots the checklist shows.

Producing it is the delivery of the credentials: the quota's 365-day term starts the day
after, unless a delivery date was already recorded (``quota_settings.deliver_credentials``).
"""

import datetime
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.help.delivery import checklist, evidence, manual_pdf
from pregon.help.delivery.checklist_pdf import checklist_pdf
from pregon.help.delivery.credentials_pdf import credentials_pdf
from pregon.sending import quota, quota_settings


class MissingEvidence(Exception):
    """The requirements' evidence that is missing, as ``gaps``; nothing was written."""

    def __init__(self, gaps: list[evidence.Gap]) -> None:
        super().__init__("\n".join(str(gap) for gap in gaps))
        self.gaps = gaps


@dataclass(frozen=True)
class Pack:
    folder: Path
    term_start: datetime.date  # the quota's term: its first day
    term_end: datetime.date  # and its last


def today() -> datetime.date:
    """Today in the account's time zone (Lima)."""
    return timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).date()


def default_folder(day: datetime.date) -> Path:
    """Where the pack of ``day`` goes unless told: ``<var>/entrega/<YYYY-MM-DD>/``."""
    return settings.VAR_DIR / "entrega" / day.isoformat()


def build(
    admin: User,
    folder: Path | None = None,
    requirements: tuple[checklist.Requirement, ...] | None = None,
) -> Pack:
    """Check every requirement's evidence, then write the pack into ``folder`` for the
    administrator ``admin``, record the credentials' delivery if none was recorded, and
    audit it (``DELIVERABLE_BUILT``).

    Raises MissingEvidence, before writing anything, if any evidence is missing.
    """
    requirements = checklist.load() if requirements is None else requirements
    gaps = evidence.gaps(requirements, admin)
    if gaps:
        raise MissingEvidence(gaps)
    day = today()
    folder = folder or default_folder(day)
    with translation.override(settings.LANGUAGE_CODE):
        folder.mkdir(parents=True, exist_ok=True)
        screenshots = folder / "pantallazos"
        screenshots.mkdir(exist_ok=True)
        for name in sorted({n for r in requirements for n in r.screenshots}):
            shutil.copyfile(evidence.screenshot(name), screenshots / name)
        (folder / "checklist.pdf").write_bytes(checklist_pdf(requirements, day))
        shutil.copyfile(manual_pdf.cached(), folder / "manual.pdf")
        # The sheet names the term, which its delivery starts: both or neither.
        with transaction.atomic():
            current = quota.read_settings()
            if current.credentials_delivered_on is None:
                current = quota_settings.deliver_credentials(day, actor=admin)
            term = quota.term(current)
            start, end = term.start.date(), term.last_day.date()
            (folder / "credenciales.pdf").write_bytes(credentials_pdf(admin, start, end))
            audit.record(
                None,
                AuditAction.DELIVERABLE_BUILT,
                str(folder),
                actor=admin,
                term_starts=f"{start:%Y-%m-%d}",
                term_ends=f"{end:%Y-%m-%d}",
            )
    return Pack(folder, start, end)
