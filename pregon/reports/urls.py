from django.urls import path

from pregon.reports.views import ab, calendar, campaign, consumption, history

app_name = "reports"

urlpatterns = [
    path("consumo/", consumption.consumption, name="consumption"),
    path("calendario/", calendar.calendar_page, name="calendar"),
    path("consumo/plazo/", consumption.quota_settings_edit, name="quota_settings"),
    path("contactos/<uuid:code>/historial/", history.contact_history, name="contact_history"),
    path("campanas/<uuid:code>/", campaign.campaign_report, name="campaign"),
    path("campanas/<uuid:code>/en-vivo/", campaign.campaign_live, name="campaign_live"),
    path("campanas/<uuid:code>/mapa/", campaign.campaign_heatmap, name="campaign_heatmap"),
    path("campanas/<uuid:code>/prueba-ab/", ab.campaign_ab_report, name="ab"),
    path("campanas/<uuid:code>/informe.pdf", campaign.campaign_pdf, name="campaign_pdf"),
    path(
        "campanas/<uuid:code>/personas/<slug:slug>/",
        campaign.campaign_people,
        name="campaign_people",
    ),
    path(
        "campanas/<uuid:code>/personas/<slug:slug>/exportar/",
        campaign.campaign_export,
        name="campaign_export",
    ),
]
