from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pregon.api"
    verbose_name = "API"
