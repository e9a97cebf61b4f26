from django.urls import path

from pregon.contacts.views import contacts, fields, imports, lists, segments, suppressions

app_name = "contacts"

urlpatterns = [
    # Contacts, bulk actions and export (views/contacts.py).
    path("", contacts.contact_list, name="list"),
    path("nuevo/", contacts.contact_create, name="create"),
    path("acciones/", contacts.contact_bulk, name="bulk"),
    path("exportar/", contacts.contact_export, name="export"),
    path("<uuid:code>/", contacts.contact_detail, name="detail"),
    path("<uuid:code>/editar/", contacts.contact_edit, name="edit"),
    path("<uuid:code>/eliminar/", contacts.contact_delete, name="delete"),
    path("<uuid:code>/sms/dejar/", contacts.contact_sms, {"opting_in": False}, name="sms_opt_out"),
    path("<uuid:code>/sms/reanudar/", contacts.contact_sms, {"opting_in": True}, name="sms_opt_in"),
    # Lists and tags (views/lists.py).
    path("listas/", lists.list_index, name="lists"),
    path("listas/nueva/", lists.list_create, name="list_create"),
    path("listas/<uuid:code>/editar/", lists.list_edit, name="list_edit"),
    path("listas/<uuid:code>/eliminar/", lists.list_delete, name="list_delete"),
    path("etiquetas/<int:pk>/editar/", lists.tag_edit, name="tag_edit"),
    path("etiquetas/<int:pk>/eliminar/", lists.tag_delete, name="tag_delete"),
    # Custom fields (views/fields.py).
    path("campos/", fields.field_index, name="fields"),
    path("campos/<int:pk>/editar/", fields.field_edit, name="field_edit"),
    path("campos/<int:pk>/eliminar/", fields.field_delete, name="field_delete"),
    # Suppression list (views/suppressions.py).
    path("supresion/", suppressions.suppression_index, name="suppressions"),
    path("supresion/<int:pk>/quitar/", suppressions.suppression_delete, name="suppression_delete"),
    # Imports (views/imports.py).
    path("importar/", imports.import_index, name="imports"),
    path("importar/<uuid:code>/", imports.import_detail, name="import_detail"),
    path("importar/<uuid:code>/campo/", imports.import_field_create, name="import_field_create"),
    path("importar/<uuid:code>/progreso/", imports.import_progress, name="import_progress"),
    path("importar/<uuid:code>/rechazados/", imports.import_report, name="import_report"),
    path("importar/<uuid:code>/descartar/", imports.import_discard, name="import_discard"),
    # Segments (views/segments.py).
    path("segmentos/", segments.segment_index, name="segments"),
    path("segmentos/nuevo/", segments.segment_create, name="segment_create"),
    path("segmentos/contar/", segments.segment_count, name="segment_count"),
    path("segmentos/<uuid:code>/", segments.segment_edit, name="segment_edit"),
    path("segmentos/<uuid:code>/eliminar/", segments.segment_delete, name="segment_delete"),
]
