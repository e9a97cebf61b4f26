"""The SMS channel's public addresses: tracked short links inside SMS (/s/<token>), and
each gateway's delivery receipts and replies (/t/sms/<gateway code>/…; the code is the
gateway's secret part of the address, as providers call them without our login)."""

import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pregon.lib import signing
from pregon.sending.models import SmsGateway, SmsMessage
from pregon.sending.sms import gateways, links, replies
from pregon.tracking import hits


@require_http_methods(["GET", "HEAD"])
def short_link(request: HttpRequest, token: str) -> HttpResponse:
    """A short link in an SMS: sends the person to the message's own link, and notes the
    first click. Any token we did not sign is a 404."""
    try:
        message_id, position = links.resolve(token)
    except signing.BadToken:
        raise Http404 from None
    urls = SmsMessage.objects.filter(pk=message_id).values_list("links", flat=True).first()
    if urls is None or position >= len(urls):
        raise Http404
    if request.method == "GET":
        SmsMessage.objects.filter(pk=message_id, clicked_at__isnull=True).update(
            clicked_at=timezone.now()
        )
    response = HttpResponseRedirect(urls[position])
    response["Cache-Control"] = hits.NO_STORE
    return response


def _fields(request: HttpRequest) -> dict:
    """A provider's fields, whichever way it sends them: query, form or JSON."""
    data = {**request.GET.dict(), **request.POST.dict()}
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        if isinstance(body, dict):
            data.update(body)
        elif isinstance(body, list):
            data["_items"] = body
    return data


def _gateway(request: HttpRequest, code: str, data: dict) -> SmsGateway:
    """The gateway of the address, if the request proves to come from its provider."""
    gateway = get_object_or_404(SmsGateway, code=code)
    if not gateways.module(gateway).authentic(gateway, request, data):
        raise Http404
    return gateway


@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """A gateway's delivery receipt: updates the SMS it names."""
    data = _fields(request)
    gateway = _gateway(request, code, data)
    found = gateways.module(gateway).receipts(gateway, data)
    return JsonResponse({"updated": replies.apply_receipts(gateway, found)})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def inbound(request: HttpRequest, code: str) -> HttpResponse:
    """A reply from a phone, through a gateway: "BAJA" or "STOP" opts it out of SMS."""
    data = _fields(request)
    gateway = _gateway(request, code, data)
    reply = gateways.module(gateway).inbound(gateway, data)
    opted_out = replies.handle_reply(reply) if reply is not None else 0
    return JsonResponse({"opted_out": opted_out})
