"""The brand kit: logo, colours and footer that new messages start with."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.content.assets import store_image
from pregon.content.forms import BrandKitForm
from pregon.content.models import BrandKit


@authorize(Role.EDITOR)
def brand_edit(request: HttpRequest) -> HttpResponse:
    brand = BrandKit.load()
    form = BrandKitForm(request.POST or None, request.FILES or None, instance=brand)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                brand = form.save(commit=False)
                if upload := form.cleaned_data.get("logo_file"):
                    brand.logo = store_image(upload, request.user)
                brand.updated_at = timezone.now()
                brand.save()
        except ValidationError as error:
            form.add_error("logo_file", error)
        else:
            messages.success(request, _("Brand kit saved. New messages will start with it."))
            return redirect("content:brand")
    return render(request, "content/brand_form.html", {"form": bootstrap(form), "brand": brand})
