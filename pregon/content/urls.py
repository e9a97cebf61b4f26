from django.urls import path

from pregon.content.views import assets, brand, editors, gallery, templates

app_name = "content"

urlpatterns = [
    # The user's templates (views/templates.py).
    path("plantillas/", templates.template_index, name="index"),
    path("plantillas/nueva/", templates.template_create, name="create"),
    path("plantillas/importar/", templates.template_import, name="import"),
    path("plantillas/<uuid:code>/", templates.template_detail, name="detail"),
    path("plantillas/<uuid:code>/vista-previa/", templates.template_preview, name="preview"),
    path("plantillas/<uuid:code>/texto/", templates.template_text, name="text"),
    path("plantillas/<uuid:code>/renombrar/", templates.template_rename, name="rename"),
    path("plantillas/<uuid:code>/eliminar/", templates.template_delete, name="delete"),
    # Editors (views/editors.py).
    path("plantillas/<uuid:code>/editor/", editors.template_visual, name="visual"),
    path("plantillas/<uuid:code>/codigo/", editors.template_code, name="code"),
    path("plantillas/<uuid:code>/guardar/", editors.template_save, name="save"),
    path("plantillas/<uuid:code>/comprobar/", editors.template_check, name="check"),
    # Gallery (views/gallery.py).
    path("plantillas/galeria/", gallery.gallery_index, name="gallery"),
    path("plantillas/galeria/<slug:key>/", gallery.gallery_detail, name="gallery_detail"),
    path(
        "plantillas/galeria/<slug:key>/vista-previa/",
        gallery.gallery_preview,
        name="gallery_preview",
    ),
    # Image library (views/assets.py); the last one is public.
    path("plantillas/imagenes/", assets.asset_index, name="assets"),
    path("plantillas/imagenes/subir/", assets.asset_upload, name="asset_upload"),
    path("plantillas/imagenes/lista/", assets.asset_list, name="asset_list"),
    path("plantillas/imagenes/<uuid:code>/eliminar/", assets.asset_delete, name="asset_delete"),
    path("imagenes/<uuid:code>.<slug:extension>", assets.asset_file, name="asset"),
    # Brand kit (views/brand.py).
    path("plantillas/marca/", brand.brand_edit, name="brand"),
    path(
        "plantillas/marca/actualizar-plantillas/",
        brand.brand_update_templates,
        name="brand_update",
    ),
]
