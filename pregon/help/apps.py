from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "pregon.help"
    verbose_name = _("Help")

    def ready(self) -> None:
        from pregon.help import system_checks  # noqa: F401  (importing registers it)
        from pregon.help.support import replies
        from pregon.tracking.signals import mail_unclaimed

        # Tracking may not import help (STYLE.md's import order), so the bounce mailbox
        # hands replies to support requests over through this signal.
        mail_unclaimed.connect(replies.receive, dispatch_uid="pregon.help.support.replies")
