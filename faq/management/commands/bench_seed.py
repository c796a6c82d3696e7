from django.core.management.base import BaseCommand
from django.db import connection

from faq.demo.generated import generated_content_publish
from faq.demo.loader import demo_content_load
from faq.models import Entry


class Command(BaseCommand):
    help = (
        "Load the demo content, then publish generated questions until there are --entries "
        "in all. For benchmark databases only: it adds thousands of questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=10_000)

    def handle(self, *args, entries, **options):
        demo_content_load()
        missing = entries - Entry.objects.count()
        revisions = generated_content_publish(missing) if missing > 0 else 0
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"{Entry.objects.count()} questions; {revisions} generated revisions published."
        )
