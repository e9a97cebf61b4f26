from django.urls import path

from pregon.help.views import manual

urlpatterns = [
    path("", manual.index, name="manual_index"),
    path("buscar/", manual.search, name="manual_search"),
    path("capturas/<slug:name>.png", manual.screenshot, name="manual_screenshot"),
    path("<slug:slug>/", manual.page, name="manual_page"),
]
