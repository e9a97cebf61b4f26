"""A built tutorial's files: only the names a build writes, to signed-in users, with their
content types and single byte ranges (206), which browsers need to seek a video."""

from django.urls import reverse

from pregon.testing.training import BUILT, NOT_BUILT, TrainingTestCase

TYPES = {
    "video.webm": "video/webm",
    "video.mp4": "video/mp4",
    "captions.vtt": "text/vtt; charset=utf-8",
    "chapters.vtt": "text/vtt; charset=utf-8",
    "poster.jpg": "image/jpeg",
}


def url(name: str, slug: str = BUILT) -> str:
    return reverse("help:training_media", args=[slug, name])


class TrainingMediaTestCase(TrainingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = self.var_dir / "tutorials" / BUILT
        self.video = (self.folder / "video.webm").read_bytes()

    def body(self, response: object) -> bytes:
        return b"".join(response.streaming_content)

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(url("video.webm"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_each_file_comes_whole_with_its_type(self) -> None:
        self.client.force_login(self.charlie)
        for name, content_type in TYPES.items():
            with self.subTest(name):
                response = self.client.get(url(name))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], content_type)
                self.assertEqual(response["Accept-Ranges"], "bytes")
                self.assertEqual(self.body(response), (self.folder / name).read_bytes())

    def test_a_head_request_gets_the_size_without_the_file(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.head(url("video.mp4"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Length"], str((self.folder / "video.mp4").stat().st_size)
        )
        self.assertEqual(self.body(response), b"")

    def test_a_range_comes_as_partial_content(self) -> None:
        self.client.force_login(self.charlie)
        size = len(self.video)
        ranges = {
            "bytes=0-99": (0, 99),
            "bytes=100-": (100, size - 1),
            "bytes=-50": (size - 50, size - 1),
            f"bytes=10-{size + 500}": (10, size - 1),
        }
        for asked, (first, last) in ranges.items():
            with self.subTest(asked):
                response = self.client.get(url("video.webm"), headers={"Range": asked})
                self.assertEqual(response.status_code, 206)
                self.assertEqual(response["Content-Type"], "video/webm")
                self.assertEqual(response["Content-Range"], f"bytes {first}-{last}/{size}")
                self.assertEqual(response["Content-Length"], str(last - first + 1))
                self.assertEqual(self.body(response), self.video[first : last + 1])

    def test_a_range_past_the_end_cannot_be_satisfied(self) -> None:
        self.client.force_login(self.charlie)
        size = len(self.video)
        response = self.client.get(url("video.webm"), headers={"Range": f"bytes={size}-"})
        self.assertEqual(response.status_code, 416)
        self.assertEqual(response["Content-Range"], f"bytes */{size}")

    def test_several_ranges_get_the_whole_file(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(url("video.webm"), headers={"Range": "bytes=0-9,20-29"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.body(response), self.video)

    def test_only_the_files_a_build_writes_are_served(self) -> None:
        self.client.force_login(self.charlie)
        self.assertTrue((self.folder / "manifest.json").exists())
        for name in ("manifest.json", "video.WEBM", "..", "%2e%2e%2fmanifest.json"):
            with self.subTest(name):
                self.assertEqual(self.client.get(url(name)).status_code, 404)
        escape = f"/ayuda/capacitacion/{BUILT}/..%2F..%2F{BUILT}%2Fmanifest.json"
        self.assertEqual(self.client.get(escape).status_code, 404)

    def test_a_tutorial_not_built_has_no_files(self) -> None:
        stray = self.var_dir / "tutorials" / NOT_BUILT
        stray.mkdir(exist_ok=True)
        (stray / "poster.jpg").write_bytes((self.folder / "poster.jpg").read_bytes())
        self.addCleanup((stray / "poster.jpg").unlink)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url("poster.jpg", NOT_BUILT)).status_code, 404)
        self.assertEqual(self.client.get(url("poster.jpg", "no-existe")).status_code, 404)
