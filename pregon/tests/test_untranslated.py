"""No English reaches a Spanish user: the pages an administrator can open, the exports and the
API's error messages, read in Spanish, hold no msgid of the catalogue and none of the English
words that slipped through before ("Connected", "Hero", "Insert text here").

A msgid found verbatim in a Spanish page is a string that was not marked for translation, or
one the page printed before the language was set. Code blocks, addresses and proper nouns are
left out of the comparison; so are short msgids, which Spanish may share ("Email", "DKIM").
"""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pregon.accounts.models import ApiToken
from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Field, FieldType, Segment
from pregon.sending.models import Backend, BackendKind, Security
from pregon.testing import BaseTestCase, campaigns, drafts
from pregon.testing.translations import catalogue_entries

# Words that reached Spanish users in English before (issue 12), checked as whole words.
ENGLISH_WORDS = [
    "Connected",
    "NOOP",
    "Insert text here",
    "Hero",
    "Raw",
    "Wrapper",
    "first_name",
    "sent_at",
    "too_many",
    "two_factor",
    "field:",
    "utm_source</label",
]
# Names and terms that read the same in both languages, removed before comparing.
PROPER_NOUNS = re.compile(
    r"Pregón|SPF|DKIM|DMARC|SMTP|STARTTLS|TLS|IMAP|POP3|API|CSV|XLSX|HTML|MJML|UTM|URL|DNS|"
    r"Gmail|Outlook|Apple Mail|Google Analytics|Matomo|Brevo|Mailchimp|Amazon SES|SendGrid|"
    r"Mailgun|Postmark|Excel"
)
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]*")
# Pages that are not for people to read, or that answer a POST only.
SKIPPED_URL_NAMES = {"logout", "set_language", "javascript-catalog"}
SKIPPED_PREFIXES = ("/api/", "/t/", "/i18n/", "/static/", "/p/")
# A msgid this short or with fewer words may well be Spanish too ("Total", "Web").
MIN_WORDS = 3


class VisibleText(HTMLParser):
    """The text a person reads on a page: element text and the attributes shown as text,
    without scripts, styles and code blocks."""

    HIDDEN = {"script", "style", "code", "pre", "textarea", "template"}
    SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") == "submit":
                self.parts.append(value or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, text: str) -> None:
        if not self.hidden_depth:
            self.parts.append(text)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return normalised(" ".join(parser.parts))


def normalised(text: str) -> str:
    text = EMAIL_OR_URL.sub(" ", text)
    text = PROPER_NOUNS.sub(" ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def english_msgids() -> list[str]:
    """The catalogue's msgids whose Spanish differs, as the fragments a page would show:
    a msgid with placeholders gives its literal pieces of MIN_WORDS words or more."""
    po_file = Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po"
    found = set()
    for msgid, msgstr in catalogue_entries(po_file).items():
        if "\x04" in msgid or not msgstr or msgstr == msgid:
            continue
        text = msgid.replace('\\"', '"').replace("\\n", " ")
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{%.*?%\}|<[^>]+>", text):
            piece = normalised(piece).strip(" .,:;()“”\"'…")
            if len(piece.split()) >= MIN_WORDS and not EMAIL_OR_URL.search(piece):
                found.add(piece)
    return sorted(found)


def plain_url_names(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every named URL that takes no argument, namespaced (``contacts:index``)."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += plain_url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
            if pattern.name not in SKIPPED_URL_NAMES and "(?P<" not in str(pattern.pattern):
                names.append(prefix + pattern.name)
    return names


class UntranslatedTestCase(BaseTestCase):
    maxDiff = None

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.msgids = english_msgids()
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        participants = campaigns.contacts_on_a_list(3)
        self.sent = campaigns.campaign_to(participants)
        scheduling.start_due_campaigns()
        campaigns.send_all()
        self.draft = drafts.draft(drafts.mailing_list("Egresados"))
        self.segment = Segment.objects.create(name="Cusco", rules={"match": "all", "rules": []})
        self.backend = Backend.objects.create(
            name="Relé", kind=BackendKind.SMTP, host="127.0.0.1", port=2525, security=Security.NONE
        )
        self.client.force_login(self.alice)
        self.use_spanish()

    def assert_spanish(self, where: str, text: str) -> None:
        english = [msgid for msgid in self.msgids if f" {msgid} " in text or msgid in text]
        words = [w for w in ENGLISH_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
        self.assertEqual((english, words), ([], []), where)

    def page_urls(self) -> list[str]:
        urls = []
        for name in plain_url_names():
            url = reverse(name)
            if not url.startswith(SKIPPED_PREFIXES):
                urls.append(url)
        contact = Contact.objects.first()
        urls += [
            reverse("contacts:detail", args=[contact.code]),
            reverse("campaigns:detail", args=[self.draft.code]),
            reverse("campaigns:detail", args=[self.sent.code]),
            reverse("reports:campaign", args=[self.sent.code]),
            reverse("content:detail", args=[self.sent.template.code]),
            reverse("contacts:segment_edit", args=[self.segment.code]),
            reverse("reports:campaign_people", args=[self.sent.code, "no-abrieron"]),
        ]
        return urls

    def test_pages_hold_no_english(self) -> None:
        checked = 0
        for url in self.page_urls():
            response = self.client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            if getattr(response, "streaming", False):
                continue
            self.assert_spanish(url, visible_text(response.content.decode()))
            checked += 1
        self.assertGreater(checked, 30)

    def test_the_scan_sees_english(self) -> None:
        # The same pages in English fail the check: the scan reads what a person reads.
        self.client.cookies["pregon_language"] = "en"
        text = visible_text(self.client.get(reverse("campaigns:index")).content.decode())
        with self.assertRaises(AssertionError):
            self.assert_spanish("English", text)
        with self.assertRaises(AssertionError):
            self.assert_spanish("words", normalised("Connected to 127.0.0.1:25; NOOP: 250"))

    def test_the_relay_check_holds_no_english(self) -> None:
        url = reverse("sending:backend_check", args=[self.backend.code])
        response = self.client.post(url, follow=True)
        self.assert_spanish(url, visible_text(response.content.decode()))

    def test_exports_hold_no_english(self) -> None:
        for url in [
            reverse("contacts:export") + "?format=csv",
            reverse("reports:campaign_export", args=[self.sent.code, "abrieron"]),
            reverse("reports:campaign_export", args=[self.sent.code, "no-abrieron"]),
        ]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            body = b"".join(response.streaming_content).decode("utf-8-sig")
            cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
            self.assert_spanish(url, normalised(" | ".join(cells)))

    def test_api_errors_hold_no_english(self) -> None:
        token = ApiToken.issue(self.alice, "prueba")[1]
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "es"}
        calls = [
            ("post", "/api/v1/contacts", {"email": "no es un correo", "phone": "abc"}),
            ("post", "/api/v1/lists", {}),
            ("post", "/api/v1/segments", {"name": "", "rules": {"match": "x"}}),
            ("post", "/api/v1/templates/compile", {"source": "<mjml><mj-body>"}),
            ("get", "/api/v1/contacts/00000000-0000-0000-0000-000000000000", None),
            ("get", "/api/v1/no-existe", None),
            ("post", f"/api/v1/campaigns/{self.draft.code}/schedule", {"at": "mañana"}),
        ]
        for method, path, body in calls:
            response = getattr(self.client, method)(
                path, body, content_type="application/json", headers=headers
            )
            self.assertGreaterEqual(response.status_code, 400, path)
            answer = response.json()
            messages = [answer.get("detail", "")]
            for field_messages in (answer.get("errors") or {}).values():
                messages += field_messages
            self.assert_spanish(path, normalised(" | ".join(str(m) for m in messages)))
        # Without a token, too.
        response = self.client.get("/api/v1/contacts", headers={"Accept-Language": "es"})
        self.assert_spanish("no token", normalised(response.json()["detail"]))
