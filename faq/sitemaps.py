"""The sitemap lists exactly the public pages, from the same live content the pages show.

/sitemap.xml is an index of sections, each in pages of at most SITEMAP_PAGE_URLS addresses:
at 10,000 questions one sitemap of every page took 7 s to build and weighed 7.3 MB, where a
section's page reads only what it lists (docs/benchmarks.md).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
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

    @property
    def paginator(self):
        # Django's i18n sitemap lists every item in every language to cut out one page;
        # every item here has every language, so a page's items are a slice of them.
        return Paginator(_InEveryLanguage(self.items(), self._languages()), self.limit)


class _InEveryLanguage:
    """(item, language) for each of `items` in each of `languages`, as Sitemap._items lists
    them, counted and sliced without reading more of `items` than a slice needs."""

    def __init__(self, items, languages):
        self.items, self.languages = items, list(languages)

    def count(self) -> int:
        total = self.items.count() if isinstance(self.items, QuerySet) else len(self.items)
        return total * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, where: slice) -> list:
        width = len(self.languages)
        first, last = where.start // width, -(-where.stop // width)
        pairs = [(item, language) for item in self.items[first:last] for language in self.languages]
        return pairs[where.start - first * width : where.stop - first * width]


class StaticPageSitemap(MembersSitemap):
    def items(self):
        return ["faq:index", "faq:contact", "faq:language_assistance"]

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
