from django.urls import path

from pregon.tracking import views

app_name = "tracking"

urlpatterns = [
    path("t/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("t/o/<str:token>.gif", views.opened, name="open"),
    path("t/c/<str:token>", views.clicked, name="click"),
]
