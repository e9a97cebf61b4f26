from django.test import SimpleTestCase, override_settings

from pregon.lib.vault import InvalidToken, decrypt, encrypt


class VaultTestCase(SimpleTestCase):
    def test_it_encrypts_and_decrypts(self) -> None:
        token = encrypt("contraseña del relé")
        self.assertNotIn("contraseña", token)
        self.assertEqual(decrypt(token), "contraseña del relé")
        self.assertNotEqual(encrypt("x"), encrypt("x"))  # A fresh IV each time.

    def test_empty_stays_empty(self) -> None:
        self.assertEqual((encrypt(""), decrypt("")), ("", ""))

    def test_another_key_cannot_read_it(self) -> None:
        token = encrypt("secreto")
        with override_settings(ENCRYPTION_KEY="otra clave"), self.assertRaises(InvalidToken):
            decrypt(token)
