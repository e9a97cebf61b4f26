"""Realistic Spanish demo data for a fresh instance: what the video tutorials show.

``seed()`` fills an empty database; ``pregon demo`` calls it.
"""

from pregon.accounts.models import Role, User

PASSWORD = "demo-capacitacion-2026"
# Who signs in, by the role a tutorial's script names.
USERS = {
    "admin": "admin@capacitacion.gob.pe",
    "editor": "editora@capacitacion.gob.pe",
    "analyst": "analista@capacitacion.gob.pe",
}
NAMES = {"admin": "Rosa Administradora", "editor": "Lucía Editora", "analyst": "Jorge Analista"}
ROLES = {"admin": Role.ADMIN, "editor": Role.EDITOR, "analyst": Role.ANALYST}


def seed() -> None:
    """Fill an empty database with the demo's users and data."""
    for key, email in USERS.items():
        User.objects.create_user(email, PASSWORD, role=ROLES[key], name=NAMES[key])
