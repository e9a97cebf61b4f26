from django.urls import path

from pregon.tracking import views

app_name = "tracking"

urlpatterns = [
    path("t/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
