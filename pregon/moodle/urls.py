from django.urls import path

from pregon.moodle.views import connection, courses, syncs

app_name = "moodle"
urlpatterns = [
    path("", connection.connection_page, name="connection"),
    path("probar/", connection.connection_check, name="check"),
    path("quitar/", connection.connection_delete, name="delete"),
    path("sincronizar/", syncs.sync_start, name="sync"),
    path("sincronizaciones/", syncs.sync_history, name="history"),
    path("sincronizaciones/<int:pk>/progreso/", syncs.sync_progress, name="progress"),
    path("cursos/", courses.course_index, name="courses"),
]
