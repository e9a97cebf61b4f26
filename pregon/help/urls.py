from django.urls import path

from pregon.help.views import guides

app_name = "help"

urlpatterns = [
    path("", guides.index, name="index"),
    path("<slug:slug>/", guides.guide, name="guide"),
]
