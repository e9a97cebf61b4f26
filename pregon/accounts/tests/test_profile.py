from pregon.testing import BaseTestCase


class ProfileTestCase(BaseTestCase):
    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get("/cuenta/perfil/")
        self.assertRedirects(
            response, "/cuenta/entrar/?next=/cuenta/perfil/", fetch_redirect_response=False
        )

    def test_every_role_sees_its_profile(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get("/cuenta/perfil/")
        self.assertContains(response, "You log in as <strong>charlie@example.org</strong>")
        self.assertContains(response, "Analyst")
        self.assertContains(response, "Turn on two-factor")

    def test_it_saves_the_name(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post("/cuenta/perfil/", {"name": "Roberto Quispe"})
        self.assertRedirects(response, "/cuenta/perfil/", fetch_redirect_response=False)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.name, "Roberto Quispe")

    def test_a_script_in_the_name_is_shown_escaped(self) -> None:
        self.client.force_login(self.bob)
        self.client.post("/cuenta/perfil/", {"name": "<script>alert(1)</script>"})
        response = self.client.get("/cuenta/perfil/")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)")

    def test_it_offers_the_language_switch(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/cuenta/perfil/")
        self.assertContains(response, '<option value="en" lang="en" selected>', html=False)
        self.client.post("/i18n/setlang/", {"language": "es", "next": "/cuenta/perfil/"})
        self.assertContains(self.client.get("/cuenta/perfil/"), '<html lang="es">')
