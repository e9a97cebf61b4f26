import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: the open pixel is answered ahead of Django.
from pregon.tracking.hits import FastPixel  # noqa: E402

application = FastPixel(django_application)
