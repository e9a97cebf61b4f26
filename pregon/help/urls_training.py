from django.urls import path

from pregon.help.views import training

urlpatterns = [
    path("", training.index, name="training_index"),
    path("<slug:slug>/", training.tutorial, name="training_tutorial"),
    path("<slug:slug>/visto/", training.mark_watched, name="training_watched"),
    path("<slug:slug>/<str:name>", training.media, name="training_media"),
]
