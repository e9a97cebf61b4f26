from django.urls import path

from pregon.contacts.views import contacts, fields, imports, lists, segments, suppressions

app_name = "contacts"

urlpatterns = [
    # Contacts, bulk actions and export (views/contacts.py).
    path("", contacts.contact_list, name="list"),
    # Lists and tags (views/lists.py).
    path("listas/", lists.list_index, name="lists"),
    # Custom fields (views/fields.py).
    path("campos/", fields.field_index, name="fields"),
    # Suppression list (views/suppressions.py).
    path("supresion/", suppressions.suppression_index, name="suppressions"),
    # Imports (views/imports.py).
    path("importar/", imports.import_index, name="imports"),
    # Segments (views/segments.py).
    path("segmentos/", segments.segment_index, name="segments"),
]
