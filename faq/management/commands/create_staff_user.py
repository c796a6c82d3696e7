import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from faq.roles import EDITORS, REVIEWERS, roles_sync

ROLES = {"editor": EDITORS, "reviewer": REVIEWERS}


class Command(BaseCommand):
    help = (
        "Create an admin account for an editor, a compliance reviewer or an administrator. "
        "The password is asked for, or read from HELPCENTER_NEW_USER_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=[*ROLES, "admin"], required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        User = get_user_model()
        user = User(username=username, email=email, is_staff=True, is_superuser=role == "admin")
        try:
            # The admin's user form's checks: allowed characters, length, a valid email.
            user.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as error:
            raise CommandError(
                " ".join(f"{field}: {' '.join(messages)}" for field, messages in error)
            ) from None
        # As the admin's form: "Bob" beside "bob" would be two accounts nobody can tell apart.
        if existing := User.objects.filter(username__iexact=user.username).first():
            raise CommandError(f"A user named {existing.username!r} already exists.")
        password = os.environ.get("HELPCENTER_NEW_USER_PASSWORD") or self.ask_password()
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        if role in ROLES:
            if not Group.objects.filter(name=ROLES[role]).exists():
                roles_sync()  # the migrations create them; a flushed database has none
            user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(f"Created {role} {user.username!r}. Sign in at /admin/.")

    def ask_password(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password given.") from None
        if first != second:
            raise CommandError("The passwords do not match.")
        return first
