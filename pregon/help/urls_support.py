from django.urls import path

from pregon.help.views import support

urlpatterns = [
    path("", support.support_index, name="support_index"),
    path("nueva/", support.support_new, name="support_new"),
    path("<int:number>/", support.support_detail, name="support_detail"),
    path("<int:number>/responder/", support.support_reply, name="support_reply"),
    path("<int:number>/estado/", support.support_status, name="support_status"),
    path(
        "<int:number>/adjuntos/<int:attachment>/",
        support.support_attachment,
        name="support_attachment",
    ),
]
