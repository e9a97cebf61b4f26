from django.http import HttpRequest, HttpResponse

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role


@authorize(Role.EDITOR)
def import_index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("TEMPORARY: being written")
