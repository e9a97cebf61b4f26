from django.urls import path

from pregon.reports import campaign_views, views

app_name = "reports"

urlpatterns = [
    path("consumo/", views.consumption, name="consumption"),
    path("contactos/<uuid:code>/historial/", views.contact_history, name="contact_history"),
    path("campanas/<uuid:code>/", campaign_views.campaign_report, name="campaign"),
    path("campanas/<uuid:code>/en-vivo/", campaign_views.campaign_live, name="campaign_live"),
    path("campanas/<uuid:code>/mapa/", campaign_views.campaign_heatmap, name="campaign_heatmap"),
    path(
        "campanas/<uuid:code>/personas/<slug:slug>/",
        campaign_views.campaign_people,
        name="campaign_people",
    ),
    path(
        "campanas/<uuid:code>/personas/<slug:slug>/exportar/",
        campaign_views.campaign_export,
        name="campaign_export",
    ),
]
