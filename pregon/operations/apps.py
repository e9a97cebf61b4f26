from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "pregon.operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from pregon.operations import system_checks  # noqa: F401  (importing registers it)
