"""What the virtual classroom's pages reach (under /p/): the embed script, the pop-ups'
configuration, beacons, the signed click redirect, identification and the form."""

from django.urls import path

from pregon.popups.views import public

app_name = "popups_public"

urlpatterns = [
    path("embed.js", public.embed, name="embed"),
    path("s/<str:key>.json", public.configuration, name="configuration"),
    path("b/<str:key>", public.beacon, name="beacon"),
    path("c/<str:token>", public.clicked, name="click"),
    path("i/<str:key>", public.identify, name="identify"),
    path("f/<str:key>", public.form, name="form"),
]
