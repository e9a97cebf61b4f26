"""Impact in the API's route table: conversions the virtual classroom reports from its
server (pregon.tracking.conversions). api.py adds this router to its API."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.api.errors import ERRORS, ApiError, invalid
from pregon.api.schemas.impact import ConversionIn, ConversionOut
from pregon.lib import signing
from pregon.sending.models import Message
from pregon.tracking import conversions
from pregon.tracking.models import ConversionMethod

router = Router()


@router.post(
    "/conversions",
    response={200: ConversionOut, 201: ConversionOut, **ERRORS},
    tags=["impact"],
    summary=gettext_lazy("Record a conversion"),
    description=gettext_lazy(
        "Record that the person a message went to reached a goal (enrolled): once per "
        "message and goal. Answers 201 when recorded, 200 when it already was, 404 for "
        "a token that Pregón did not sign."
    ),
)
def conversion_create(request: HttpRequest, payload: ConversionIn) -> Status[dict]:
    try:
        goal = conversions.goal_name(payload.goal)
    except conversions.BadGoal:
        message = _("Name the goal with letters, digits and dashes, at most %(max)s.") % {
            "max": conversions.MAX_GOAL
        }
        raise invalid({"goal": [message]}) from None
    try:
        message_id = conversions.read_token(payload.token)
        recorded = conversions.record(message_id, goal, method=ConversionMethod.API)
    except (signing.BadToken, Message.DoesNotExist):
        raise ApiError(404, _("This conversion code is not valid.")) from None
    campaign = (
        Message.objects.filter(pk=message_id)
        .values_list("mailing__campaign__code", flat=True)
        .first()
    )
    body = {"recorded": recorded, "goal": goal, "campaign": str(campaign) if campaign else None}
    return Status(201 if recorded else 200, body)
