from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "pregon.tracking"
    verbose_name = _("Tracking")

    def ready(self) -> None:
        from anymail.signals import tracking

        from pregon.tracking import system_checks, webhooks  # noqa: F401  (importing registers them)

        # The one signal Pregón listens to (STYLE.md): anymail's, from providers' webhooks.
        tracking.connect(webhooks.receive, dispatch_uid="pregon.tracking.webhooks")
