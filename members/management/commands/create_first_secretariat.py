import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from members.models import Organisation, Person, Representative, User, WorkingGroup


class Command(BaseCommand):
    help = "Create the first secretariat account when no account exists, and say how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=os.environ.get(
            "TALANOA_ADMIN_EMAIL", "secretariat@talanoa.localhost"))
        parser.add_argument("--organisation", default="usp",
                            help="slug of the secretariat's organisation")

    @transaction.atomic
    def handle(self, *args, email, organisation, **options):
        if User.objects.exists():
            self.stdout.write("Accounts exist already; log in with yours "
                              "(`python manage.py changepassword EMAIL` resets a password).")
            return
        group = WorkingGroup.objects.get(slug=settings.DEFAULT_GROUP_SLUG)
        org = Organisation.objects.get(slug=organisation)
        password = os.environ.get("TALANOA_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_user(email, password)
        person = Person.objects.create(name="Secretariat", email=email, organisation=org,
                                       user=user)
        Representative.objects.create(group=group, organisation=org, person=person,
                                      year=timezone.localdate().year,
                                      role=Representative.Role.SECRETARIAT,
                                      status=Representative.Status.CONFIRMED)
        self.stdout.write(self.style.SUCCESS(
            f"First secretariat account created.\n  Log in at /accounts/login/ as {email}\n"
            f"  password: {password}\n  You will be asked to set up a TOTP authenticator app."))
