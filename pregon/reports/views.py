from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.models import Contact, MailingList, Segment, Status


@authorize(Role.ANALYST)
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the figures that exist so far, in one aggregate query per table."""
    counts = Contact.objects.aggregate(
        total=Count("id"),
        subscribed=Count("id", filter=Q(status=Status.SUBSCRIBED)),
        unsubscribed=Count("id", filter=Q(status=Status.UNSUBSCRIBED)),
        bounced=Count("id", filter=Q(status=Status.BOUNCED)),
        complained=Count("id", filter=Q(status=Status.COMPLAINED)),
    )
    lists = MailingList.objects.annotate(contact_count=Count("subscription")).order_by(
        "-contact_count", "name"
    )[:10]
    context = {
        "counts": counts,
        "list_count": MailingList.objects.count(),
        "segment_count": Segment.objects.count(),
        "top_lists": lists,
    }
    return render(request, "reports/home.html", context)
