"""The staff's screens for signup forms, under /formularios/ (the public page, embed and
confirmation under /f/ are in the ``forms_public`` namespace)."""

from django.urls import path

from pregon.forms.views import actions, forms, preview, report

app_name = "forms"

urlpatterns = [
    # The list and the builder (views/forms.py).
    path("formularios/", forms.form_index, name="index"),
    path("formularios/nuevo/", forms.form_create, name="create"),
    path("formularios/<uuid:code>/editar/", forms.form_edit, name="edit"),
    # The builder's buttons (views/actions.py).
    path("formularios/<uuid:code>/publicar/", actions.form_publish, name="publish"),
    path("formularios/<uuid:code>/retirar/", actions.form_unpublish, name="unpublish"),
    path("formularios/<uuid:code>/duplicar/", actions.form_duplicate, name="duplicate"),
    path("formularios/<uuid:code>/eliminar/", actions.form_delete, name="delete"),
    # The preview and the embed code (views/preview.py).
    path("formularios/<uuid:code>/vista-previa/", preview.form_preview, name="preview"),
    # The report (views/report.py).
    path("formularios/<uuid:code>/informe/", report.report, name="report"),
    path(
        "formularios/<uuid:code>/informe/inscripciones.csv",
        report.report_export,
        name="report_export",
    ),
]
