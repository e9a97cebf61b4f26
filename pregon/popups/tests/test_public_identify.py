"""POST /p/i/<site key>: whether an email's identity token names a contact, and which
segment-targeted pop-ups that contact may see."""

from pregon.contacts.models import Segment
from pregon.lib import signing
from pregon.popups import conversions
from pregon.popups.models import Audience, Popup
from pregon.testing.popup_public import ELSEWHERE, PublicTestCase, identity_token, sent_message


def segment_of(email: str) -> Segment:
    rules = {"match": "all", "rules": [{"field": "email", "operator": "equals", "value": email}]}
    return Segment.objects.create(name=f"Solo {email}", rules=rules)


class IdentifyTestCase(PublicTestCase):
    def test_a_known_contact_and_their_segment_popups(self) -> None:
        message = sent_message()
        theirs = Popup.objects.create(
            name="Para ella",
            title="t",
            is_published=True,
            audience=Audience.KNOWN,
            segment=segment_of(message.contact.email),
        )
        Popup.objects.create(
            name="Para otra",
            title="t",
            is_published=True,
            audience=Audience.KNOWN,
            segment=segment_of("otra@example.pe"),
        )
        Popup.objects.create(  # A draft: not live.
            name="Borrador",
            title="t",
            audience=Audience.KNOWN,
            segment=segment_of(f"x{message.contact.email}"),
        )
        response = self.post("i", {"t": identity_token(message)})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"known": True, "popups": [theirs.pk]})
        self.assertEqual(response["Access-Control-Allow-Origin"], self.site.origin)

    def test_valid_tokens_that_name_nobody(self) -> None:
        message = sent_message()
        token = identity_token(message)
        popup_token = conversions.token(self.popup.pk)
        message.delete()
        for name, value in (("deleted message", token), ("pop-up conversion", popup_token)):
            with self.subTest(name):
                response = self.post("i", {"t": value})
                self.assertEqual(response.json(), {"known": False, "popups": []})

    def test_forged_tokens_and_other_origins_are_refused(self) -> None:
        forged = signing.sign("unsubscribe", 1)
        for value in (forged, "", "x", 12):
            with self.subTest(value):
                response = self.post("i", {"t": value})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json()["errors"]["t"], ["Este código de identidad no es válido."]
                )
        self.assertEqual(
            self.post("i", {"t": identity_token(sent_message())}, ELSEWHERE).status_code, 403
        )
