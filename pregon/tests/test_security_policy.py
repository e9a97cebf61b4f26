from pregon.content.models import EmailTemplate, Format
from pregon.content.preview import PREVIEW_POLICY
from pregon.testing import BaseTestCase

MJML = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>Hola</mj-text>"
    "</mj-column></mj-section></mj-body></mjml>"
)


def directives(response: object) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())


class SecurityPolicyTestCase(BaseTestCase):
    def test_application_pages_allow_only_their_own_scripts_styles_and_frames(self) -> None:
        self.client.force_login(self.bob)
        policy = directives(self.client.get("/contactos/"))
        self.assertEqual(policy["default-src"], "'self'")
        self.assertEqual(policy["script-src"], "'self'")
        self.assertEqual(policy["style-src"], "'self'")
        self.assertEqual(policy["frame-ancestors"], "'none'")
        self.assertEqual(policy["form-action"], "'self'")
        self.assertEqual(policy["base-uri"], "'none'")
        self.assertEqual(policy["object-src"], "'none'")

    def test_public_pages_have_it_too(self) -> None:
        for path in ("/cuenta/entrar/", "/t/baja/1-aaaaaaaaaaaaaaaa/"):
            with self.subTest(path):
                self.assertEqual(directives(self.client.get(path))["script-src"], "'self'")

    def test_a_preview_keeps_its_stricter_policy(self) -> None:
        template = EmailTemplate(name="Boletín", format=Format.MJML)
        template.set_source(MJML)
        template.save()
        self.client.force_login(self.bob)
        response = self.client.get(f"/plantillas/{template.code}/vista-previa/")
        self.assertEqual(response["Content-Security-Policy"], PREVIEW_POLICY)

    def test_only_the_visual_editor_allows_style_elements_and_images_from_anywhere(self) -> None:
        template = EmailTemplate(name="Boletín", format=Format.MJML)
        template.set_source(MJML)
        template.save()
        self.client.force_login(self.bob)
        editor = directives(self.client.get(f"/plantillas/{template.code}/editor/"))
        self.assertIn("'unsafe-inline'", editor["style-src"])
        self.assertIn("*", editor["img-src"])
        self.assertEqual(editor["script-src"], "'self'")
        code_editor = directives(self.client.get(f"/plantillas/{template.code}/codigo/"))
        self.assertEqual(code_editor["style-src"], "'self'")
