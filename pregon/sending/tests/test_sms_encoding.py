"""SMS encoding and parts: GSM-7 until a character outside its alphabet, then UCS-2."""

from django.test import SimpleTestCase

from pregon.sending.sms.encoding import GSM7, UCS2, count, non_gsm_characters


class SmsEncodingTestCase(SimpleTestCase):
    def test_plain_spanish_without_accents_is_gsm7_in_one_part(self) -> None:
        result = count("Hola Ana, su curso empieza el lunes 9:00. Responda BAJA para salir.")
        self.assertEqual((result.encoding, result.segments), (GSM7, 1))
        self.assertEqual(result.characters, 67)

    def test_an_accent_outside_the_alphabet_switches_to_ucs2(self) -> None:
        self.assertEqual(count("Inscripción abierta").encoding, UCS2)
        self.assertEqual(non_gsm_characters("Inscripción, información"), ["ó"])
        # "é" and "ñ" are in the GSM alphabet: "Año café" stays GSM-7.
        self.assertEqual(count("Año café").encoding, GSM7)

    def test_gsm7_boundaries_160_then_153_per_part(self) -> None:
        self.assertEqual(count("a" * 160).segments, 1)
        self.assertEqual(count("a" * 161).segments, 2)
        self.assertEqual(count("a" * 306).segments, 2)
        self.assertEqual(count("a" * 307).segments, 3)
        self.assertEqual(count("a" * 161).remaining, 145)

    def test_extension_characters_take_two_septets(self) -> None:
        result = count("€" * 80)
        self.assertEqual((result.encoding, result.characters, result.segments), (GSM7, 160, 1))
        self.assertEqual(count("€" * 80 + "a").segments, 2)

    def test_ucs2_boundaries_70_then_67_and_emoji_count_twice(self) -> None:
        self.assertEqual(count("ó" * 70).segments, 1)
        self.assertEqual(count("ó" * 71).segments, 2)
        self.assertEqual(count("ó" * 134).segments, 2)
        self.assertEqual(count("ó" * 135).segments, 3)
        self.assertEqual(count("🎓").characters, 2)

    def test_empty_text_takes_no_part(self) -> None:
        self.assertEqual(count("").segments, 0)
