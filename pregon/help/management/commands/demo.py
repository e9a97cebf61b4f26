from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pregon.accounts.models import User
from pregon.contacts.models import Contact
from pregon.help import demo


class Command(BaseCommand):
    help = (
        "Fill an empty instance with realistic Spanish demo data (what the video tutorials "
        "show): users, some 2,000 contacts, templates, campaigns with their results, a "
        "segment, a pop-up, a workflow and a signup form. Refuses a database with users or "
        "contacts."
    )

    def handle(self, *args: object, **options: object) -> None:
        # Its users' password is published, one of them an administrator: never into a
        # real installation, which has its administrator before it has any contact.
        if User.objects.exists() or Contact.objects.exists():
            raise CommandError(
                _(
                    "This database already has users or contacts: the demo data goes only into "
                    "a new, empty one."
                )
            )
        demo.seed()
        self.stdout.write(_("Demo data loaded. Sign in as:"))
        for role, email in demo.USERS.items():
            self.stdout.write(f"  {role}: {email}")
        self.stdout.write(_("Password: %(password)s") % {"password": demo.PASSWORD})
