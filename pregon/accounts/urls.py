from django.contrib.auth import views as auth_views
from django.urls import path

from pregon.accounts import views

app_name = "accounts"

urlpatterns = [
    path("entrar/", auth_views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("perfil/", views.temporary, name="profile"),
    path("verificar/", views.temporary, name="verify"),
    path("tokens/", views.temporary, name="tokens"),
    path("usuarios/", views.temporary, name="users"),
    path("auditoria/", views.temporary, name="audit"),
    path("restablecer/<uidb64>/<token>/", views.temporary, name="password_reset_confirm"),
]
