from django.urls import path

from pregon.help.views import delivery

urlpatterns = [
    path("manual.pdf", delivery.manual_download, name="manual_pdf"),
    path("entrega/", delivery.delivery_index, name="delivery_index"),
]
