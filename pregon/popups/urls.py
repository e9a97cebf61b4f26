"""The staff's screens for pop-ups (under /emergentes/)."""

from django.urls import path

from pregon.popups.views import report

app_name = "popups"

urlpatterns: list = [
    path("<uuid:code>/informe/", report.report, name="report"),
    path("<uuid:code>/informe/personas.csv", report.report_export, name="report_export"),
]
