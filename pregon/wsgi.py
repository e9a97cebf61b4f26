import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: the open pixel, and the pop-ups' configuration and
# beacons, are answered ahead of Django.
from pregon.popups.fast import FastPopups  # noqa: E402
from pregon.tracking.hits import FastPixel  # noqa: E402

application = FastPixel(FastPopups(django_application))
