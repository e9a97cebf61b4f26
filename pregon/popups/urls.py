"""The staff's screens for pop-ups (under /emergentes/)."""

app_name = "popups"

urlpatterns: list = []
