"""System checks: bad deploy configuration is caught at start-up, not at send time."""

from django.conf import settings
from django.core.checks import Warning, register


@register("pregon")
def check_deploy_settings(app_configs: object, **kwargs: object) -> list[Warning]:
    warnings = []
    if settings.SITE_URL.startswith("https://") and not settings.SECRET_KEY_FROM_ENV:
        warnings.append(
            Warning(
                "PREGON_SECRET_KEY is not set; a key generated under var/ is in use.",
                hint="Set PREGON_SECRET_KEY (or PREGON_SECRET_KEY_FILE) in production.",
                id="pregon.W001",
            )
        )
    return warnings
