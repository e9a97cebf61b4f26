import datetime

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import BaseTestCase


class AuditLogTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.at = datetime.datetime(2026, 3, 2, 15, 4, 5, tzinfo=datetime.UTC)
        AuditEntry.objects.create(
            at=self.at,
            actor=self.bob,
            actor_email="bob@example.org",
            action=AuditAction.EXPORT,
            target="<b>Lista</b>",
            ip="10.0.0.7",
        )
        AuditEntry.objects.create(
            actor_email="mallory@example.org", action=AuditAction.LOGIN_FAILED, ip="10.0.0.9"
        )

    def test_it_shows_entries_in_lima_time(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/auditoria/")
        # 15:04 UTC is 10:04 in Lima (UTC-5).
        self.assertContains(response, "2026-03-02 10:04:05")
        self.assertContains(response, "Contacts exported")
        self.assertContains(response, "10.0.0.7")
        self.assertContains(response, "&lt;b&gt;Lista&lt;/b&gt;")
        self.assertContains(response, "Failed login")

    def test_it_writes_details_out_for_people(self) -> None:
        AuditEntry.objects.create(
            actor=self.bob,
            action=AuditAction.IMPORT,
            target="alumnos.csv",
            detail={"columns": {"Correo": "email"}, "update_existing": True, "tags": ["a", "b"]},
        )
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/auditoria/")
        self.assertContains(response, "columns:</span> Correo → Email address")
        self.assertContains(response, "update existing contacts:</span> yes")
        self.assertContains(response, "tags:</span> a, b")
        self.use_spanish()
        response = self.client.get("/cuenta/auditoria/")
        self.assertContains(response, "Correo → Correo electrónico")
        self.assertNotContains(response, "update_existing")

    def test_codes_and_keys_are_in_spanish_words(self) -> None:
        AuditEntry.objects.create(
            actor=self.bob,
            action=AuditAction.IMPORT,
            target="alumnos.csv",
            detail={"columns": {"Correo": "email", "Región": "field:region"}},
        )
        AuditEntry.objects.create(
            actor=self.bob, action=AuditAction.LOGIN, target="bob", detail={"two_factor": True}
        )
        AuditEntry.objects.create(
            actor=self.alice,
            action=AuditAction.DELETION,
            target="Relé",
            detail={"kind": "delivery backend", "status": "unsubscribed", "via": "command"},
        )
        self.client.force_login(self.alice)
        self.use_spanish()
        response = self.client.get("/cuenta/auditoria/")
        self.assertContains(response, "Correo → Correo electrónico")
        self.assertContains(response, "Región → campo personalizado “region”")
        self.assertContains(response, "inicio de sesión en dos pasos:</span> sí")
        self.assertContains(response, "servidor de envío")
        self.assertContains(response, "la línea de comandos")
        self.assertContains(response, "Desuscrito")
        for code in ("field:region", "two_factor", "delivery backend", "unsubscribed", "command"):
            self.assertNotContains(response, code)

    def test_it_filters_by_action(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/auditoria/", {"action": "login_failed"})
        self.assertContains(response, "mallory@example.org")
        self.assertNotContains(response, "10.0.0.7")

    def test_it_filters_by_actor_email(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/auditoria/", {"actor": "BOB@"})
        self.assertContains(response, "10.0.0.7")
        self.assertNotContains(response, "mallory@example.org")

    def test_it_paginates_keeping_the_filter(self) -> None:
        AuditEntry.objects.bulk_create(
            AuditEntry(actor_email="bob@example.org", action=AuditAction.LOGIN, target=str(i))
            for i in range(60)
        )
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/auditoria/", {"action": "login"})
        self.assertContains(response, "Page 1 of 2")
        self.assertContains(response, "?action=login&amp;page=2")
        response = self.client.get("/cuenta/auditoria/", {"action": "login", "page": 2})
        self.assertEqual(len(response.context["page"]), 10)

    def test_editors_and_analysts_get_403(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/cuenta/auditoria/").status_code, 403)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get("/cuenta/auditoria/")
        self.assertIn("/cuenta/entrar/", response["Location"])
