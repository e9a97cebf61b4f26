"""The staff's screens for workflows (under /automatizaciones/)."""

from django.urls import path

from pregon.automation.views import builder, report, workflows

app_name = "automation"

urlpatterns = [
    # The list, a new workflow and its settings (views/workflows.py).
    path("", workflows.workflow_index, name="index"),
    path("nueva/", workflows.workflow_create, name="create"),
    path("<uuid:code>/ajustes/", workflows.workflow_settings, name="settings"),
    # The builder and its buttons (views/builder.py).
    path("<uuid:code>/", builder.builder, name="builder"),
    path("<uuid:code>/activar/", builder.workflow_activate, name="activate"),
    path("<uuid:code>/pausar/", builder.workflow_pause, name="pause"),
    path("<uuid:code>/reanudar/", builder.workflow_resume, name="resume"),
    path("<uuid:code>/inscribir/", builder.workflow_enrol_segment, name="enrol_segment"),
    # The report (views/report.py).
    path("<uuid:code>/informe/", report.report, name="report"),
]
