"""The sitemap lists exactly the public pages, from the same live content the pages show.

/sitemap.xml is an index of sections, each in pages of at most SITEMAP_PAGE_URLS addresses:
at 10,000 questions one sitemap of every page took 7 s to build and weighed 7.3 MB, where a
section's page reads only what it lists (docs/benchmarks.md).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from faq.models import Category, EntryRevision

SITEMAP_PAGE_URLS = 2_000


class MembersSitemap(Sitemap):
    """Each page in every language, with the others as hreflang alternates, as on the page."""

    i18n = True
    alternates = True
    x_default = True
    # Counted as addresses: each page in each language is one.
    limit = SITEMAP_PAGE_URLS


class StaticPageSitemap(MembersSitemap):
    def items(self):
        return ["faq:index", "faq:contact"]

    def location(self, item):
        return reverse(item)


def _shown():
    # Every language shows the questions with a live original (EntryRevision.shown_in).
    return EntryRevision.objects.shown_in(settings.LANGUAGE_CODE)


class CategorySitemap(MembersSitemap):
    def items(self):
        latest = dict(
            _shown().order_by().values_list("entry__category").annotate(Max("go_live_at"))
        )
        self.lastmods = latest
        return list(Category.objects.filter(pk__in=latest))

    def lastmod(self, category):
        return self.lastmods[category.pk]


class EntrySitemap(MembersSitemap):
    def items(self):
        return _shown().select_related("entry").only("go_live_at", "entry__slug").order_by("pk")

    def location(self, revision):
        return revision.get_absolute_url()

    def lastmod(self, revision):
        return revision.go_live_at

    def get_latest_lastmod(self):
        return _shown().aggregate(latest=Max("go_live_at"))["latest"]


sitemaps = {"pages": StaticPageSitemap, "topics": CategorySitemap, "questions": EntrySitemap}
