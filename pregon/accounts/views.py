from django.http import HttpRequest, HttpResponse


def temporary(request: HttpRequest, *args: object) -> HttpResponse:
    return HttpResponse("TEMPORARY: being written")
