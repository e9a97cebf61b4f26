"""What the virtual classroom's pages reach (under /p/): the embed script, the pop-ups'
configuration, beacons, the signed click redirect, identification and the form."""

app_name = "popups_public"

urlpatterns: list = []
