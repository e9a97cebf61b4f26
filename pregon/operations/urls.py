"""Addresses for the IT office's tools: liveness, readiness and metrics (no staff screens)."""

from django.urls import path

from pregon.operations import views

app_name = "operations"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
