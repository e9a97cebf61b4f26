import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.lib import dkim, vault


class SendingDomain(models.Model):
    """A domain messages are sent from, with the DKIM keys that sign them."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("domain"), max_length=253, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sending domain")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_address(cls, address: str) -> "SendingDomain":
        """The domain of ``address``, created with fresh DKIM keys the first time."""
        # DKIM names domains in ASCII: an internationalised domain is kept in punycode.
        name = address.rpartition("@")[2].lower().encode("idna").decode()
        domain, created = cls.objects.get_or_create(name=name)
        if created:
            domain.add_keys()
        return domain

    def add_keys(self) -> None:
        """Generate an RSA-2048 and an Ed25519 key, under a selector dated today."""
        selector = timezone.now().strftime("pregon%Y%m")
        for algorithm in (DkimKey.RSA, DkimKey.ED25519):
            key = dkim.generate_key(algorithm)
            DkimKey.objects.create(
                domain=self,
                algorithm=algorithm,
                selector=f"{selector}{'e' if algorithm == DkimKey.ED25519 else 'r'}",
                private_key=vault.encrypt(key.private_pem),
                dns_value=key.dns_value,
            )

    def signers(self) -> list[dkim.Signer]:
        """One signer per active key: Ed25519 first, RSA second, as receivers try both."""
        keys = self.keys.filter(is_active=True).order_by("algorithm")
        return [
            dkim.Signer(self.name, key.selector, vault.decrypt(key.private_key)) for key in keys
        ]


class DkimKey(models.Model):
    RSA = "rsa"
    ED25519 = "ed25519"

    domain = models.ForeignKey(SendingDomain, on_delete=models.CASCADE, related_name="keys")
    algorithm = models.CharField(
        max_length=8, choices=[(RSA, "RSA-2048"), (ED25519, "Ed25519")], default=RSA
    )
    selector = models.CharField(max_length=63)
    # PKCS#8 PEM, encrypted (pregon.lib.vault): never shown, never in an API answer.
    private_key = models.TextField()
    # What to publish at <selector>._domainkey.<domain> as TXT.
    dns_value = models.TextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "selector"], name="unique_dkim_selector")
        ]

    def __str__(self) -> str:
        return f"{self.selector}._domainkey.{self.domain_id}"
