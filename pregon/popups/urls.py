"""The staff's screens for pop-ups (under /emergentes/)."""

from django.urls import path

from pregon.popups.views import actions, popups, preview, report, sites

app_name = "popups"

urlpatterns = [
    # The list and the form (views/popups.py).
    path("", popups.popup_index, name="index"),
    path("nueva/", popups.popup_designs, name="designs"),
    path("nueva/<slug:design>/", popups.popup_create, name="create"),
    path("<uuid:code>/editar/", popups.popup_edit, name="edit"),
    # The form's buttons (views/actions.py).
    path("<uuid:code>/publicar/", actions.popup_publish, name="publish"),
    path("<uuid:code>/retirar/", actions.popup_unpublish, name="unpublish"),
    path("<uuid:code>/duplicar/", actions.popup_duplicate, name="duplicate"),
    path("<uuid:code>/eliminar/", actions.popup_delete, name="delete"),
    # The preview (views/preview.py).
    path("<uuid:code>/vista-previa/", preview.popup_preview, name="preview"),
    path("<uuid:code>/vista-previa/aula/", preview.popup_preview_page, name="preview_page"),
    # Installation in Moodle (views/sites.py).
    path("instalacion/", sites.install, name="install"),
    path("instalacion/<str:key>/comprobar/", sites.site_check, name="site_check"),
    path("instalacion/<str:key>/quitar/", sites.site_delete, name="site_delete"),
    # The report (views/report.py).
    path("<uuid:code>/informe/", report.report, name="report"),
    path("<uuid:code>/informe/personas.csv", report.report_export, name="report_export"),
]
