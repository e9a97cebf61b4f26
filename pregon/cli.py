"""The ``pregon`` console command: Django's management commands under one name.

``pregon run`` starts everything (see pregon/management/commands/run.py); ``pregon setup``
prepares a fresh install; every other Django command passes through.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
