from django.urls import reverse

from pregon.sending.models import DomainLimit, SendingLimits
from pregon.testing import BaseTestCase


class LimitsEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("sending:limits")
        self.client.force_login(self.alice)

    def test_it_saves_the_rate_and_the_domain_limits(self) -> None:
        DomainLimit.objects.create(domain="yahoo.com", per_minute=10)
        data = {"per_second": "40", "domains": "gmail.com 600\n\n@Hotmail.com 300\n"}
        response = self.client.post(self.url, data)
        self.assertRedirects(response, self.url)
        self.assertEqual(SendingLimits.load().per_second, 40)
        self.assertEqual(
            list(DomainLimit.objects.values_list("domain", "per_minute")),
            [("gmail.com", 600), ("hotmail.com", 300)],
        )
        response = self.client.get(self.url)
        self.assertContains(response, "gmail.com 600\nhotmail.com 300")

    def test_a_bad_line_is_named_and_nothing_saved(self) -> None:
        lines = (
            "gmail.com",
            "gmail.com muchos",
            "gmail 600",
            "ana@gmail.com 5",
            "x.pe 0",
            "x.pe ²",
        )
        for line in lines:
            with self.subTest(line):
                data = {"per_second": "5", "domains": f"hotmail.com 300\n{line}"}
                response = self.client.post(self.url, data)
                self.assertContains(response, "Line 2: write a domain and a number of messages")
        self.assertFalse(DomainLimit.objects.exists())
        self.assertEqual(SendingLimits.load().per_second, 0)

    def test_only_administrators(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"per_second": "1"}).status_code, 403)

    def test_it_saves_the_frequency_cap(self) -> None:
        response = self.client.post(self.url, {"per_second": "0", "frequency_cap": "3"})
        self.assertRedirects(response, self.url)
        self.assertEqual(SendingLimits.load().frequency_cap, 3)
        self.assertContains(self.client.get(self.url), 'name="frequency_cap" value="3"')
        # Empty: no cap.
        self.client.post(self.url, {"per_second": "0", "frequency_cap": ""})
        self.assertEqual(SendingLimits.load().frequency_cap, 0)

    def test_a_negative_cap_is_refused(self) -> None:
        self.client.cookies["pregon_language"] = "es"
        response = self.client.post(self.url, {"per_second": "0", "frequency_cap": "-1"})
        self.assertContains(response, "Asegúrese de que este valor es mayor o igual a 0.")
        self.assertEqual(SendingLimits.load().frequency_cap, 0)
