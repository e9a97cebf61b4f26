"""The preview: the real embed script fed with this pop-up's configuration, inside a page
dressed as a Moodle course page that only our own pages may frame, and which other pop-ups
would show first, or wait, where they meet."""

import datetime
import json
import re

from django.urls import reverse

from pregon.popups.models import Popup
from pregon.testing import BaseTestCase

UTC = datetime.UTC


def make_popup(**fields: object) -> Popup:
    values = {"name": "Curso", "title": "Nuevo curso", "priority": 10, "is_published": True}
    values.update(fields)
    return Popup.objects.create(**values)


class PreviewPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.popup = make_popup(
            is_published=False,
            body="<p>Hola</p>",
            button_text="Inscribirme",
            button_url="https://aula.example.pe/enrol/index.php?id=12",
        )
        self.client.force_login(self.charlie)

    def test_the_preview_frames_the_classroom_page_at_two_widths(self) -> None:
        response = self.client.get(reverse("popups:preview", args=[self.popup.code]))
        self.assertEqual(response.status_code, 200)
        frame = reverse("popups:preview_page", args=[self.popup.code])
        self.assertContains(response, f'src="{frame}"', count=2)
        self.assertContains(response, 'id="preview-phone"')

    def test_the_classroom_page_runs_the_embed_script_with_this_popup_only(self) -> None:
        response = self.client.get(reverse("popups:preview_page", args=[self.popup.code]))
        html = response.content.decode()
        self.assertIn('<body id="page-course-view-topics"', html)
        self.assertIn('<script async src="/p/embed.js" data-preview="pregon-preview">', html)
        data = re.search(
            r'<script id="pregon-preview" type="application/json">(.*?)</script>', html
        )
        document = json.loads(data.group(1))
        self.assertEqual(document["v"], 1)
        self.assertEqual([entry["id"] for entry in document["popups"]], [self.popup.pk])
        entry = document["popups"][0]
        self.assertEqual(entry["title"], "Nuevo curso")
        # A preview's button leads straight to the link: no signed click is recorded.
        self.assertEqual(entry["button"]["url"], "https://aula.example.pe/enrol/index.php?id=12")
        self.assertIn("close", document["labels"])

    def test_only_our_own_pages_may_frame_the_classroom_page(self) -> None:
        response = self.client.get(reverse("popups:preview_page", args=[self.popup.code]))
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        policy = response["Content-Security-Policy"]
        self.assertIn("frame-ancestors 'self'", policy)
        self.assertNotIn("'none'", policy.split("frame-ancestors", 1)[1].split(";")[0])
        self.assertIn("script-src 'self'", policy)
        # Every other page still refuses to be framed.
        other = self.client.get(reverse("popups:preview", args=[self.popup.code]))
        self.assertIn("frame-ancestors 'none'", other["Content-Security-Policy"])

    def test_anonymous_visitors_must_log_in(self) -> None:
        self.client.logout()
        for name in ("preview", "preview_page"):
            response = self.client.get(reverse(f"popups:{name}", args=[self.popup.code]))
            self.assertEqual(response.status_code, 302)


class PriorityTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)

    def notes(self, popup: Popup) -> tuple[str, str, str]:
        response = self.client.get(reverse("popups:preview", args=[popup.code]))
        html = response.content.decode()
        section = html.split('id="popup-priority"', 1)[1].split("</section>", 1)[0]
        ahead = re.findall(r'data-ahead="([^"]+)"', section)
        behind = re.findall(r'data-behind="([^"]+)"', section)
        return section, ahead, behind

    def test_a_higher_priority_popup_on_the_same_pages_is_named_first(self) -> None:
        mine = make_popup(name="Encuesta", priority=10, include_urls="/course/view.php?id=*")
        first = make_popup(name="Matrícula", priority=20, include_urls="/course/*")
        later = make_popup(name="Aviso menor", priority=5)
        section, ahead, behind = self.notes(mine)
        self.assertEqual(ahead, [str(first.code)])
        self.assertEqual(behind, [str(later.code)])
        self.assertIn(
            "Where it coincides with “Matrícula” (priority 20), “Matrícula” shows first; "
            "this one waits for another page.",
            " ".join(section.split()),
        )

    def test_the_same_sentence_in_spanish(self) -> None:
        mine = make_popup(name="Encuesta", priority=10)
        make_popup(name="Matrícula", priority=20)
        self.use_spanish()
        section, _ahead, _behind = self.notes(mine)
        self.assertIn(
            "Si coincide con «Matrícula» (prioridad 20), se mostrará «Matrícula» primero; "
            "esta esperará a otra página.",
            " ".join(section.split()),
        )

    def test_popups_kept_apart_by_their_rules_are_not_named(self) -> None:
        mine = make_popup(
            priority=10,
            starts_at=datetime.datetime(2030, 3, 1, tzinfo=UTC),
            ends_at=datetime.datetime(2030, 3, 31, tzinfo=UTC),
            weekdays=[0, 1],
            hour_from=8,
            hour_to=12,
            device="desktop",
            course_ids=[12],
            include_urls="/course/view.php?id=12",
        )
        apart = [
            {"ends_at": datetime.datetime(2030, 2, 1, tzinfo=UTC)},
            {"weekdays": [5, 6]},
            {"hour_from": 12, "hour_to": 18},
            {"device": "phone"},
            {"course_ids": [13, 14]},
            {"include_urls": "/mod/quiz/*\nhttps://aula.example.pe/my/"},
            {"is_published": False},
            {"ends_at": datetime.datetime(2021, 1, 1, tzinfo=UTC)},
        ]
        for fields in apart:
            make_popup(name=str(fields), priority=20, **fields)
        meeting = make_popup(
            name="Sí coincide",
            priority=20,
            include_urls="https://aula.example.pe/course/*",
            course_ids=[12, 13],
            device="any",
        )
        _section, ahead, behind = self.notes(mine)
        self.assertEqual((ahead, behind), ([str(meeting.code)], []))

    def test_a_popup_alone_says_so(self) -> None:
        mine = make_popup()
        section, ahead, behind = self.notes(mine)
        self.assertIn("data-alone", section)
        self.assertEqual((ahead, behind), ([], []))
