from django.core.management.base import BaseCommand

from faq.demo.loader import demo_content_load


class Command(BaseCommand):
    help = (
        "Load the demo help center (the Missouri Care FAQ). "
        "Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds any question.",
        )

    def handle(self, *args, if_empty=False, **options):
        from faq.models import Entry

        if if_empty and Entry.objects.exists():
            self.stdout.write("The help center already has content; demo content not loaded.")
            return
        self.stdout.write(str(demo_content_load()))
