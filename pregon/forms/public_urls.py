"""What people reach without logging in, under /f/: a form's hosted page and the
confirmation link of its email (the embed script is a static file, pregon/forms/static/forms/,
and posts to the public API)."""

from django.urls import path

from pregon.forms.views import public

app_name = "forms_public"

urlpatterns = [
    path("confirmar/<str:token>/", public.confirm, name="confirm"),
    path("<slug:slug>", public.page, name="page"),
]
