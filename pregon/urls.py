from django.urls import include, path

from pregon.domains import urls as domain_urls
from pregon.reports.views import home
from pregon.sending.views import deliverability

# The deliverability checklist reads the sending app's data, which the domains app may not
# import, so it joins the domains namespace here ("domains:checklist").
domain_patterns = [
    *domain_urls.urlpatterns,
    path("entregabilidad/", deliverability.checklist, name="checklist"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuenta/", include("pregon.accounts.urls")),
    path("contactos/", include("pregon.contacts.urls")),
    path("moodle/", include("pregon.moodle.urls")),
    path("", include("pregon.content.urls")),
    path("campanas/", include("pregon.campaigns.urls")),
    path("envio/", include("pregon.sending.urls")),
    path("dominios/", include((domain_patterns, domain_urls.app_name))),
    path("", include("pregon.tracking.urls")),
    path("", include("pregon.forms.urls")),
    path("f/", include("pregon.forms.public_urls")),
    path("emergentes/", include("pregon.popups.urls")),
    path("automatizaciones/", include("pregon.automation.urls")),
    path("webhooks/", include("pregon.webhooks.urls")),
    path("p/", include("pregon.popups.public_urls")),
    path("ayuda/", include("pregon.help.urls")),
    path("informes/", include("pregon.reports.urls")),
    path("api/v1/", include("pregon.api.urls")),
    path("", include("pregon.operations.urls")),
]
