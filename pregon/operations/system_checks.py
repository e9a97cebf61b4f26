"""A system check of PREGON_METRICS_ALLOW: a network written wrong would keep Prometheus
out without a word."""

import ipaddress

from django.conf import settings
from django.core.checks import Warning, register


@register("pregon")
def check_metrics_networks(app_configs: object, **kwargs: object) -> list[Warning]:
    wrong = []
    for cidr in settings.METRICS_ALLOW:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            wrong.append(cidr)
    if not wrong:
        return []
    return [
        Warning(
            f"PREGON_METRICS_ALLOW has entries that are not networks: {', '.join(wrong)}.",
            hint="Write addresses or networks separated by commas, such as 10.0.0.0/24,::1.",
            id="pregon.W190",
        )
    ]
