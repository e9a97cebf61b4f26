"""The pages people reach without logging in (/f/): a form's hosted page, and the page of the
confirmation link in its email.

The hosted page is a plain HTML form that works without JavaScript (only a form with the
proof-of-work challenge needs it); its submission goes through pregon.forms.submit like the
embed's and the pop-ups'. With ``?vista_previa=1`` (the staff's preview, framed by Pregón's
own pages) it counts no view and takes no submission; staff may preview a form not yet
published. The page may be framed by Pregón's own origin only.

The confirmation link shows a button that confirms: mail scanners that follow every link
of a message (GET) must not confirm a signup that a robot made with somebody's address.
"""

from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pregon.accounts.models import Role
from pregon.content.models import BrandKit
from pregon.forms import confirmation, days, defences, describe, links, mails
from pregon.forms.defences import Refused
from pregon.forms.models import SignupForm, SignupStatus
from pregon.forms.questions import choices, questions
from pregon.forms.submit import submit
from pregon.lib.proxy import address

FRAME_POLICY = {"frame-ancestors": ["'self'"]}
DATA_NAMES = ("email", "first_name", "last_name", "phone", defences.HONEYPOT, "stamp", "pow")


def _form(request: HttpRequest, slug: str, preview: bool) -> SignupForm | None:
    """The published form at ``slug``; in a preview, staff see an unpublished one too."""
    form = SignupForm.objects.filter(slug=slug).first()
    if form is None:
        return None
    staff = request.user.is_authenticated and request.user.has_role(Role.ANALYST)
    return form if form.is_active or (preview and staff) else None


def answers_from_post(form: SignupForm, post: QueryDict) -> dict:
    """The page's fields as pregon.forms.submit reads them (as the embed sends them)."""
    data: dict = {name: post.get(name, "") for name in DATA_NAMES}
    data["consent"] = post.get("consent") == "on"
    data["lists"] = post.getlist("lists")
    data["fields"] = {}
    for question in questions(form):
        if not question.field_key:
            continue
        value = post.get(question.name, "")
        if question.type == "checkbox":
            value = True if value else (False if question.required else None)
        data["fields"][question.field_key] = value
    return data


def _context(form: SignupForm, data: dict, refused: Refused | None, preview: bool) -> dict:
    errors = refused.errors if refused else {}
    fields = []
    for question in questions(form):
        value = (data.get("fields") or {}).get(question.field_key) if question.field_key else None
        if not question.field_key:
            value = data.get(question.name, "")
        fields.append({"q": question, "value": value, "errors": errors.get(question.name, [])})
    chosen = set(data.get("lists") or [])
    offered = [{"c": choice, "checked": choice.code in chosen} for choice in choices(form)]
    order = ["email", *(f["q"].name for f in fields), "lists", "consent"]
    stamp = data.get("stamp") or ""
    if defences.stamped_at(form.pk, stamp) is None:
        stamp = defences.stamp(form.pk)
    return {
        "signup_form": form,
        "brand": BrandKit.load(),
        "colours": describe.colours(form),
        "labels": describe.labels(),
        "data": data,
        "fields": fields,
        "choices": offered,
        "errors": errors,
        "detail": refused.detail if refused else "",
        "first_error": next((name for name in order if name in errors), ""),
        "stamp": stamp,
        "honeypot": defences.HONEYPOT,
        "pow_bits": defences.POW_BITS if form.proof_of_work else 0,
        "preview": preview,
    }


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@xframe_options_sameorigin
@csp_replace(FRAME_POLICY)
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """The hosted page: the form, and once sent the thanks (or the form's redirect).

    No CSRF token: anyone may send this form from anywhere (as the embed does), and the
    defences, not a cookie, decide what is taken."""
    preview = request.GET.get(links.PREVIEW) == "1"
    form = _form(request, slug, preview)
    if form is None:
        return render(
            request, "forms/public/unavailable.html", {"brand": BrandKit.load()}, status=404
        )
    if request.method == "POST" and not preview:
        data = answers_from_post(form, request.POST)
        try:
            accepted = submit(form, data, ip=address(request.META), channel="page")
        except Refused as refused:
            context = _context(form, data, refused, preview)
            return render(request, "forms/public/page.html", context, status=refused.status)
        if accepted.redirect:
            return redirect(accepted.redirect)
        context = {"signup_form": form, "brand": BrandKit.load(), "message": accepted.message}
        return render(request, "forms/public/thanks.html", context)
    if not preview and request.method == "GET":
        days.add(form, "views")
    response = render(request, "forms/public/page.html", _context(form, {}, None, preview))
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: a button (GET), which confirms (POST).

    No CSRF token, as on the unsubscribe and preference pages: the signed token in the
    address is what authorises, and a browser that keeps no cookies can still confirm."""
    context = {"brand": BrandKit.load(), "token": token}
    try:
        found = confirmation.find(token)
        if request.method == "POST":
            found = confirmation.confirm(token)
    except confirmation.Invalid:
        context["title"] = _("This link is not valid")
        return render(request, "forms/public/confirm_invalid.html", context, status=404)
    except confirmation.Unusable as unusable:
        form = unusable.signup.form
        context.update(signup_form=form, contact_address=mails.contact_address(form))
        return render(request, "forms/public/confirm_unusable.html", context, status=409)
    signup = found.signup
    context.update(signup=signup, signup_form=signup.form, page_url=links.page_url(signup.form))
    if found.expired:
        return render(request, "forms/public/confirm_expired.html", context, status=410)
    if signup.status == SignupStatus.CONFIRMED:
        return render(request, "forms/public/confirmed.html", context)
    return render(request, "forms/public/confirm.html", context)
