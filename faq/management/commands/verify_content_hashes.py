from django.core.management.base import BaseCommand, CommandError

from faq.models import ContactNumberRevision, EntryRevision, NoticeRevision
from faq.reports import verify_content_hashes


class Command(BaseCommand):
    help = "Check that every revision's stored content hash matches its stored words."

    def handle(self, *args, **options):
        total = sum(
            model.objects.count()
            for model in (EntryRevision, ContactNumberRevision, NoticeRevision)
        )
        mismatched = verify_content_hashes()
        for revision in mismatched:
            self.stderr.write(
                f"MISMATCH {revision._meta.model_name} {revision.pk}: stored "
                f"{revision.content_hash}, computed {revision.compute_hash()}"
            )
        if mismatched:
            raise CommandError(f"{len(mismatched)} of {total} revisions fail the hash check.")
        self.stdout.write(f"All {total} revision hashes verified.")
