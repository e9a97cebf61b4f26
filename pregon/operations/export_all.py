"""``pregon export-all``: everything the agency's account holds, in open formats, for the
end of the contract (R23: the data belongs to the agency).

One zip file, written to a temporary name and renamed when complete, holding CSV files
(UTF-8 with a byte order mark, a header row, times in the account's time zone), JSON files
(times in ISO 8601 with their offset) and a README in Spanish (``LEEME.md``) that describes
each file and its columns. Contacts and campaign lists use the exporters the screens use
(pregon.contacts.exports, pregon.reports.exports), so a file reads the same whichever way it
was made. Every table is read in chunks and written as it is read: a million contacts never
sit in memory.
"""

import csv
import datetime
import io
import json
import os
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign
from pregon.contacts import exports as contact_exports
from pregon.contacts.bulk import ContactTag, id_chunks
from pregon.contacts.models import (
    Contact,
    Field,
    MailingList,
    Segment,
    Subscription,
    Suppression,
    Tag,
    TopicOptOut,
)
from pregon.content.models import EmailTemplate
from pregon.lib.csvfile import neutralise
from pregon.reports import exports as report_exports
from pregon.reports.people import LISTS, PeopleList
from pregon.reports.stats import figures
from pregon.sending.models import Bounce
from pregon.tracking.models import Event

CHUNK_SIZE = contact_exports.CHUNK_SIZE
README = "LEEME.md"
CONTACT_JSON_FIELDS = [
    "id",
    "code",
    "email",
    "first_name",
    "last_name",
    "phone",
    "status",
    "attributes",
    "consent_source",
    "consent_at",
    "consent_ip",
    "consent_text",
    "consent_form",
    "consent_confirmed_at",
    "sms_opted_out_at",
    "paused_until",
    "created_at",
    "updated_at",
]


def default_folder() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def _cell(value: object) -> str:
    """``value`` as the CSV exports write it (a time in the account's time zone, made so
    already by the report's exporter or here)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = contact_exports.local_time(value)
    elif isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    elif isinstance(value, uuid.UUID):
        value = str(value)
    text = contact_exports.csv_text(value)
    return neutralise(text) if isinstance(value, str) else text


def _json_default(value: object) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


class _Export:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        # File -> how many rows or records it holds, for the README and the audit log.
        self.counts: dict[str, int] = {}

    def _open_text(self, name: str) -> IO[str]:
        binary = self.archive.open(name, "w", force_zip64=True)
        return io.TextIOWrapper(binary, encoding="utf-8", newline="")

    def table(self, name: str, header: list[str], rows: Iterable[Iterable[object]]) -> None:
        """Write a CSV file: ``header``, then ``rows`` written CHUNK_SIZE at a time."""
        count = 0
        rows = iter(rows)
        with self._open_text(name) as text:
            text.write("\ufeff")
            writer = csv.writer(text)
            writer.writerow(header)
            while chunk := list(islice(rows, CHUNK_SIZE)):
                writer.writerows([_cell(value) for value in row] for row in chunk)
                count += len(chunk)
        self.counts[name] = count

    def text_chunks(self, name: str, chunks: Iterator[str], count: int) -> None:
        with self._open_text(name) as text:
            for chunk in chunks:
                text.write(chunk)
        self.counts[name] = count

    def json(self, name: str, records: list[dict]) -> None:
        with self._open_text(name) as text:
            json.dump(records, text, ensure_ascii=False, indent=1, default=_json_default)
        self.counts[name] = len(records)

    def json_lines(self, name: str, records: Iterator[dict]) -> None:
        count = 0
        with self._open_text(name) as text:
            for record in records:
                text.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
                count += 1
        self.counts[name] = count


def export_all(folder: Path) -> Path:
    """Write the account's export into ``folder`` as a zip file and return its path. An
    export that fails leaves no file behind."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = folder / f"pregon-exportacion-{stamp}.zip"
    partial = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            export = _Export(archive)
            _write(export)
            readme = render_to_string(
                "operations/export_readme.md",
                {
                    "counts": {
                        name.replace(".", "_"): count for name, count in export.counts.items()
                    },
                    "at": timezone.localtime(),
                    "time_zone": settings.TIME_ZONE,
                    "lists": LISTS,
                },
            )
            archive.writestr(README, readme)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    contacts = export.counts["contactos.csv"]
    audit.record(None, AuditAction.ACCOUNT_EXPORT, path.name, via="command", count=contacts)
    return path


def _write(export: _Export) -> None:
    contacts = Contact.objects.all()
    export.text_chunks(
        "contactos.csv",
        contact_exports.csv_chunks(contact_exports.rows(contacts)),
        contacts.count(),
    )
    export.json_lines("contactos.jsonl", _contact_records())
    export.table(
        "campos.csv",
        ["key", "label", "type", "created_at"],
        Field.objects.order_by("id").values_list("key", "label", "type", "created_at"),
    )
    export.table(
        "listas.csv",
        ["code", "name", "description", "is_topic", "public_name", "created_at", "members"],
        MailingList.objects.order_by("id")
        .annotate(members=Count("subscription"))
        .values_list(
            "code", "name", "description", "is_topic", "public_name", "created_at", "members"
        ),
    )
    export.table(
        "suscripciones.csv",
        ["email", "list", "created_at"],
        Subscription.objects.order_by("id")
        .values_list("contact__email", "mailing_list__name", "created_at")
        .iterator(chunk_size=CHUNK_SIZE),
    )
    export.table(
        "etiquetas.csv",
        ["name", "created_at", "contacts"],
        Tag.objects.order_by("id")
        .annotate(tagged=Count("contacts"))
        .values_list("name", "created_at", "tagged"),
    )
    export.table(
        "contactos_etiquetas.csv",
        ["email", "tag"],
        ContactTag.objects.order_by("id")
        .values_list("contact__email", "tag__name")
        .iterator(chunk_size=CHUNK_SIZE),
    )
    export.json(
        "segmentos.json",
        list(Segment.objects.order_by("id").values("code", "name", "rules", "created_at")),
    )
    export.json(
        "plantillas.json",
        list(
            EmailTemplate.objects.order_by("id").values(
                "code", "name", "format", "source", "html", "text", "created_at", "updated_at"
            )
        ),
    )
    _campaigns(export)
    export.table(
        "eventos.csv",
        EVENT_COLUMNS,
        Event.objects.order_by("id")
        .values_list(
            "at",
            "kind",
            "message__email",
            "message__mailing__campaign__code",
            "message__mailing__code",
            "link",
            "client",
            "device",
            "machine",
            "detail",
        )
        .iterator(chunk_size=CHUNK_SIZE),
    )
    export.table(
        "rebotes.csv",
        ["at", "email", "kind", "cause", "source", "reason", "mailing"],
        Bounce.objects.order_by("id")
        .values_list("at", "email", "kind", "cause", "source", "reason", "message__mailing__code")
        .iterator(chunk_size=CHUNK_SIZE),
    )
    export.table(
        "supresiones.csv",
        ["email", "reason", "note", "created_at"],
        Suppression.objects.order_by("id")
        .values_list("email", "reason", "note", "created_at")
        .iterator(chunk_size=CHUNK_SIZE),
    )
    export.table(
        "bajas_de_temas.csv",
        ["at", "email", "list", "campaign_id"],
        TopicOptOut.objects.order_by("id")
        .values_list("at", "contact__email", "mailing_list__name", "campaign_id")
        .iterator(chunk_size=CHUNK_SIZE),
    )
    export.table(
        "auditoria.csv",
        ["at", "actor_email", "action", "target", "ip", "detail"],
        AuditEntry.objects.order_by("id")
        .values_list("at", "actor_email", "action", "target", "ip", "detail")
        .iterator(chunk_size=CHUNK_SIZE),
    )


def _contact_records() -> Iterator[dict]:
    """Each contact in full, with its lists and tags by name: three queries a chunk."""
    for ids in id_chunks(Contact.objects.all(), CHUNK_SIZE):
        lists = contact_exports.names_by_contact(
            Subscription.objects.filter(contact_id__in=ids)
            .order_by("mailing_list__name")
            .values_list("contact_id", "mailing_list__name")
        )
        tags = contact_exports.names_by_contact(
            ContactTag.objects.filter(contact_id__in=ids)
            .order_by("tag__name")
            .values_list("contact_id", "tag__name")
        )
        for record in (
            Contact.objects.filter(id__in=ids).order_by("-id").values(*CONTACT_JSON_FIELDS)
        ):
            record["lists"] = lists.get(record["id"], [])
            record["tags"] = tags.get(record["id"], [])
            yield record


EVENT_COLUMNS = [
    "at",
    "kind",
    "email",
    "campaign",
    "mailing",
    "link",
    "client",
    "device",
    "machine",
    "detail",
]
CAMPAIGN_COLUMNS = [
    "code",
    "name",
    "channel",
    "status",
    "subject",
    "sender",
    "template",
    "created_at",
    "started_at",
    "finished_at",
]
FIGURE_COLUMNS = [
    "recipients",
    "sent",
    "delivered",
    "bounced_hard",
    "bounced_soft",
    "complaints",
    "unsubscribed",
    "opened",
    "clicked",
]


def _campaigns(export: _Export) -> None:
    """``campanas.csv`` (a line per campaign, with its figures), and for each campaign that
    was sent the report's lists, as its CSV downloads write them."""
    campaigns = Campaign.objects.select_related("mailing", "sender", "template").order_by("id")
    lines = []
    for campaign in campaigns:
        line: list[object] = [
            campaign.code,
            campaign.name,
            campaign.channel,
            campaign.status,
            campaign.subject,
            campaign.sender.from_email if campaign.sender else "",
            campaign.template.name if campaign.template else "",
            campaign.created_at,
            campaign.started_at,
            campaign.finished_at,
        ]
        if campaign.mailing:
            numbers = figures(campaign.mailing)
            line += [
                numbers.recipients,
                numbers.sent,
                numbers.delivered,
                numbers.bounced_hard,
                numbers.bounced_soft,
                numbers.complaints,
                numbers.unsubscribed,
                numbers.human.opened_unique,
                numbers.human.clicked_unique,
            ]
            for people in LISTS:
                _people_list(export, campaign, people)
        lines.append(line)
    export.table("campanas.csv", CAMPAIGN_COLUMNS + FIGURE_COLUMNS, lines)


def _people_list(export: _Export, campaign: Campaign, people: PeopleList) -> None:
    rows = report_exports.lines(people, campaign.mailing, human=True)
    header = next(rows)
    export.table(f"campanas/{campaign.code}/{people.slug}.csv", header, rows)
