"""The tutorials' scripts as data: each loads, names real screens (each in one chapter),
goes to real pages and uploads files that exist, and its narration lasts between one and a
half and four minutes.
Whether the steps still match the screens is test_browser_scripts.py's job."""

import uuid

from django.test import SimpleTestCase
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from pregon.help import demo
from pregon.help.tutorials import player, script

SLUGS = [
    "primeros-pasos",
    "contactos",
    "segmentos",
    "plantillas",
    "campanas",
    "informes",
    "dominio",
    "ventanas-emergentes",
    "automatizaciones",
]
# Arguments a screen's URL may take: a code, a slug, both, or a file's name.
ARGUMENTS = ([], [uuid.uuid4()], ["curso"], [uuid.uuid4(), "abrieron"])
# Narration is read at about this pace (espeak-ng's, and a person's).
WORDS_PER_MINUTE = 150


def reverses(name: str) -> bool:
    for args in ARGUMENTS:
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            continue
        return True
    return False


class TutorialScriptsTestCase(SimpleTestCase):
    def test_the_nine_tutorials_load_in_order(self) -> None:
        tutorials = script.all_tutorials()
        self.assertEqual([tutorial.slug for tutorial in tutorials], SLUGS)
        self.assertEqual([tutorial.order for tutorial in tutorials], list(range(1, 10)))
        for tutorial in tutorials:
            self.assertIn(tutorial.user, demo.USERS)

    def test_each_has_two_to_four_chapters_of_one_and_a_half_to_four_minutes(self) -> None:
        for tutorial in script.all_tutorials():
            with self.subTest(tutorial.slug):
                self.assertTrue(2 <= len(tutorial.chapters) <= 4)
                minutes = len(tutorial.transcript.split()) / WORDS_PER_MINUTE
                self.assertTrue(1.5 <= minutes <= 4, f"{minutes:.1f} minutes")

    def test_every_screen_is_a_real_url_name(self) -> None:
        for tutorial in script.all_tutorials():
            for chapter in tutorial.chapters:
                for name in chapter.screens:
                    self.assertTrue(reverses(name), f"{tutorial.slug}: {name}")

    def test_each_screen_leads_to_one_chapter(self) -> None:
        """A screen's "?" links to the one chapter that explains it."""
        named = [
            name
            for tutorial in script.all_tutorials()
            for chapter in tutorial.chapters
            for name in chapter.screens
        ]
        self.assertEqual(sorted(set(named)), sorted(named))
        for screen in ("home", "contacts:list", "contacts:segments", "campaigns:index"):
            self.assertIn(screen, named)

    def test_every_page_it_goes_to_exists(self) -> None:
        for tutorial in script.all_tutorials():
            for step in tutorial.steps:
                if step.action == "goto":
                    try:
                        resolve(step.target.partition("?")[0])
                    except Resolver404:
                        self.fail(f"{tutorial.slug}, step {step.number}: {step.target}")

    def test_every_file_it_uploads_exists(self) -> None:
        for tutorial in script.all_tutorials():
            for step in tutorial.steps:
                if step.action == "upload":
                    path = player.FILES / step.value
                    self.assertTrue(path.is_file(), f"{tutorial.slug}, step {step.number}")

    def test_a_screen_that_is_no_url_name_is_caught(self) -> None:
        self.assertFalse(reverses("contacts:no_such_screen"))
        self.assertTrue(reverses("contacts:detail"))
