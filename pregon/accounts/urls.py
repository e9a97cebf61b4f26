from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from pregon.accounts.forms import PasswordResetForm
from pregon.accounts.views import audit_log, login, profile, tokens, two_factor, users

app_name = "accounts"

password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm,
    template_name="accounts/password_reset.html",
    subject_template_name="emails/password-reset-subject.html",
    email_template_name="emails/password-reset-body-text.html",
    html_email_template_name="emails/password-reset-body-html.html",
    # Links in mail use the configured public address, never the request's Host header.
    extra_email_context={"site_url": settings.SITE_URL},
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)

urlpatterns = [
    path("entrar/", login.login, name="login"),
    path("verificar/", login.verify, name="verify"),
    path("salir/", login.logout, name="logout"),
    path("perfil/", profile.profile, name="profile"),
    path("perfil/contrasena/", profile.password_change, name="password_change"),
    path("perfil/correo/", profile.email_change, name="email_change"),
    path("perfil/correo/<str:token>/", profile.email_confirm, name="email_confirm"),
    path("perfil/dos-pasos/", two_factor.two_factor, name="two_factor"),
    path("perfil/dos-pasos/codigos/", two_factor.backup_codes, name="backup_codes"),
    path("perfil/dos-pasos/desactivar/", two_factor.two_factor_disable, name="two_factor_disable"),
    path("contrasena/olvidada/", password_reset, name="password_reset"),
    path("contrasena/enviada/", password_reset_done, name="password_reset_done"),
    path("contrasena/lista/", password_reset_complete, name="password_reset_complete"),
    path(
        "restablecer/<uidb64>/<token>/",
        login.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revocar/", tokens.token_revoke, name="token_revoke"),
    path("usuarios/", users.users, name="users"),
    path("usuarios/dos-pasos/", users.two_factor_rule, name="two_factor_rule"),
    path("usuarios/<uuid:code>/rol/", users.user_role, name="user_role"),
    path("usuarios/<uuid:code>/desactivar/", users.user_deactivate, name="user_deactivate"),
    path("usuarios/<uuid:code>/reactivar/", users.user_reactivate, name="user_reactivate"),
    path("usuarios/<uuid:code>/reinvitar/", users.user_reinvite, name="user_reinvite"),
    path(
        "usuarios/<uuid:code>/dos-pasos/desactivar/",
        users.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
    path("auditoria/", audit_log.audit_log, name="audit"),
]
