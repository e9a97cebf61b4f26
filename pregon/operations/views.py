"""The addresses the IT office's tools call: liveness, readiness and metrics.

They answer without a session, a login or a CSRF token (machines call them, never a
browser form), and tell nothing about the install beyond what they are asked: "ok", or the
short name of the check that failed.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from pregon.operations import health, metrics

View = Callable[..., HttpResponse]


def _machine_view(view: View) -> View:
    """The decorators every view here shares: GET or HEAD only, never cached, no login."""
    return login_not_required(csrf_exempt(never_cache(require_safe(view))))


@_machine_view
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: nothing else is checked (a liveness probe restarts it if not)."""
    return _plain("ok")


@_machine_view
def readyz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the install can do its work, else 503 and the failing check's name."""
    failing = health.failing_check()
    if failing:
        return _plain(failing, status=503)
    return _plain("ok")


@_machine_view
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The figures in Prometheus' text format, for the token or an allowed network; the
    address does not exist (404) until one of the two is configured."""
    if not metrics.is_enabled():
        raise Http404
    if not metrics.is_allowed(request):
        return _plain("forbidden", status=403)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(metrics.Collector())
    # Prometheus asks for OpenMetrics; curl and older scrapers get the plain text format.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(registry), content_type=content_type)


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
