from django.http import HttpRequest, HttpResponse

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role


@authorize(Role.EDITOR)
def contact_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("TEMPORARY: being written")
