from django.urls import include, path

from pregon.help.views import guides

app_name = "help"

urlpatterns = [
    path("", guides.index, name="index"),
    path("manual/", include("pregon.help.urls_manual")),
    path("capacitacion/", include("pregon.help.urls_training")),
    path("solicitudes/", include("pregon.help.urls_support")),
    path("", include("pregon.help.urls_delivery")),
    path("<slug:slug>/", guides.guide, name="guide"),
]
