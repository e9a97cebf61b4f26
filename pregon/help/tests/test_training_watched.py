"""Marking a tutorial watched: by hand with the page's button, or by training.js when the
video ends (a JSON request, answered with 204); once per user, only by POST with CSRF."""

from django.test import Client
from django.urls import reverse

from pregon.help.models import WatchedTutorial
from pregon.testing.training import BUILT, NOT_BUILT, TrainingTestCase


def url(slug: str) -> str:
    return reverse("help:training_watched", args=[slug])


class TrainingWatchedTestCase(TrainingTestCase):
    def watched(self) -> list[tuple[str, str]]:
        rows = WatchedTutorial.objects.order_by("user__email", "slug")
        return list(rows.values_list("user__email", "slug"))

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url(BUILT)).status_code, 405)
        self.assertEqual(self.watched(), [])

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.post(url(BUILT))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertEqual(self.watched(), [])

    def test_the_button_marks_it_for_this_user_and_goes_back_to_the_tutorial(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post(url(NOT_BUILT), follow=True)
        self.assertRedirects(response, reverse("help:training_tutorial", args=[NOT_BUILT]))
        self.assertContains(response, "“Campañas” is marked as watched.")
        self.assertEqual(self.watched(), [("charlie@example.org", NOT_BUILT)])

    def test_the_end_of_the_video_marks_it_once(self) -> None:
        self.client.force_login(self.bob)
        first = self.client.post(url(BUILT), headers={"Accept": "application/json"})
        self.assertEqual(first.status_code, 204)
        at = WatchedTutorial.objects.get().watched_at
        again = self.client.post(url(BUILT), headers={"Accept": "application/json"})
        self.assertEqual(again.status_code, 204)
        self.assertEqual(self.watched(), [("bob@example.org", BUILT)])
        self.assertEqual(WatchedTutorial.objects.get().watched_at, at)

    def test_an_unknown_tutorial_is_not_found(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(url("no-existe")).status_code, 404)
        self.assertEqual(self.watched(), [])

    def test_it_needs_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.bob)
        self.assertEqual(client.post(url(BUILT)).status_code, 403)
        self.assertEqual(self.watched(), [])
