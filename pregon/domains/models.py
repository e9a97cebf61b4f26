import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.domains import verification
from pregon.lib import dkim, vault


class DomainStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    PARTIAL = "partial", _("Partly verified")
    VERIFIED = "verified", _("Verified")


# The subdomain proposed for the return path: "rebotes.entidad.gob.pe".
RETURN_PATH_LABEL = "rebotes"


def default_return_path(name: str) -> str:
    """The return-path domain proposed for the From domain ``name``."""
    return f"{RETURN_PATH_LABEL}.{name}"


class SendingDomain(models.Model):
    """A domain messages are sent from, with the DKIM keys that sign them.

    ``results`` holds the last DNS verification (``pregon.domains.verification``), stored as data
    and worded when read; ``status`` sums it up.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("domain"), max_length=253, unique=True)
    # The return path's domain (VERP bounces, "rebote+<token>@"), a subdomain with its own
    # MX and SPF, so that the From domain's own mail keeps going to its own servers.
    return_path = models.CharField(_("return-path domain"), max_length=253, blank=True)
    # Where receivers send DMARC aggregate reports (rua=); empty: dmarc@<the domain>.
    report_address = models.EmailField(_("DMARC report address"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DomainStatus.choices, default=DomainStatus.UNVERIFIED
    )
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    results = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sending domain")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.return_path:
            self.return_path = default_return_path(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def for_address(cls, address: str) -> "SendingDomain":
        """The domain of ``address``, created with fresh DKIM keys the first time."""
        # DKIM names domains in ASCII: an internationalised domain is kept in punycode.
        name = address.rpartition("@")[2].lower().encode("idna").decode()
        domain, created = cls.objects.get_or_create(name=name)
        if created:
            domain.add_keys()
        return domain

    @property
    def dmarc_reports_to(self) -> str:
        return self.report_address or f"dmarc@{self.name}"

    @property
    def is_verified(self) -> bool:
        return self.status == DomainStatus.VERIFIED

    def add_keys(self, is_active: bool = True) -> None:
        """Generate an RSA-2048 and an Ed25519 key, under a selector dated today.

        A second pair made in the same month (a rotation) gets "v2", "v3"… in its selector.
        """
        base = timezone.now().strftime("pregon%Y%m")
        taken = set(DkimKey.objects.filter(domain=self).values_list("selector", flat=True))
        selector, number = base, 1
        while f"{selector}r" in taken or f"{selector}e" in taken:
            number += 1
            selector = f"{base}v{number}"
        for algorithm in (DkimKey.RSA, DkimKey.ED25519):
            key = dkim.generate_key(algorithm)
            DkimKey.objects.create(
                domain=self,
                algorithm=algorithm,
                selector=f"{selector}{'e' if algorithm == DkimKey.ED25519 else 'r'}",
                private_key=vault.encrypt(key.private_pem),
                dns_value=key.dns_value,
                is_active=is_active,
            )

    def rotate_keys(self) -> bool:
        """Start a key rotation: a new pair under a new selector, waiting to be published.

        The current keys keep signing until verification finds the new ones in the DNS
        (``apply_results``). Returns False, changing nothing, if a rotation is under way.
        """
        if self.pending_keys().exists():
            return False
        self.add_keys(is_active=False)
        return True

    def pending_keys(self) -> models.QuerySet["DkimKey"]:
        """New keys of a rotation, published or not, that do not sign yet."""
        return self.keys.filter(is_active=False, retired_at=None)

    def apply_results(self, results: list[dict]) -> None:
        """Store a verification (``verification.verify``'s stored results) and what follows from it.

        Pending keys that were all found in the DNS start signing and retire the old ones.
        When the DNS could not be asked, the status stays as it was.
        """
        now = timezone.now()
        found = {r["params"].get("selector") for r in results if r["state"] == verification.OK}
        # One transaction, the domain locked: a sender never finds it without active keys
        # (it would send unsigned), and a verification running at the same time (Verify
        # and the daily check) waits, then finds no pending keys left to switch.
        with transaction.atomic():
            SendingDomain.objects.select_for_update().only("pk").get(pk=self.pk)
            pending = list(self.pending_keys().values_list("selector", flat=True))
            if pending and all(selector in found for selector in pending):
                current = self.keys.filter(is_active=True).exclude(selector__in=pending)
                current.update(is_active=False, retired_at=now)
                self.keys.filter(selector__in=pending).update(is_active=True)
            self.results = results
            self.checked_at = now
            if not any(result["state"] == verification.ERROR for result in results):
                self.status = verification.status_of(results)
            self.save(update_fields=["results", "checked_at", "status"])

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
    # Active keys sign. A rotation's new keys wait inactive until they are published; the
    # keys they replace are then retired (kept on record, no longer signing).
    is_active = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "selector"], name="unique_dkim_selector")
        ]

    def __str__(self) -> str:
        return f"{self.selector}._domainkey.{self.domain_id}"
