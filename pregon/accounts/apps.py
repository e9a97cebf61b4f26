from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pregon.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from pregon.accounts import system_checks  # noqa: F401  (registers them)
