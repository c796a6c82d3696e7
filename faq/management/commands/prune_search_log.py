from django.core.management.base import BaseCommand, CommandError

from faq.search import search_log_prune, search_log_retention_days


class Command(BaseCommand):
    help = (
        "Delete search counts older than HELPCENTER_SEARCH_LOG_RETENTION_DAYS "
        "(default 365 days). Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help="Keep this many days instead of the configured retention."
        )

    def handle(self, *args, days=None, **options):
        days = search_log_retention_days() if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        deleted = search_log_prune(days=days)
        self.stdout.write(f"Deleted {deleted} search counts older than {days} days.")
