from django.urls import include, path

from pregon.reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuenta/", include("pregon.accounts.urls")),
    path("contactos/", include("pregon.contacts.urls")),
    path("", include("pregon.content.urls")),
    path("campanas/", include("pregon.campaigns.urls")),
    path("envio/", include("pregon.sending.urls")),
    path("dominios/", include("pregon.sending.domain_urls")),
    path("", include("pregon.tracking.urls")),
    path("ayuda/", include("pregon.help.urls")),
    path("informes/", include("pregon.reports.urls")),
    path("api/v1/", include("pregon.api.urls")),
]
