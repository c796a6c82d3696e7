"""The sitemap lists exactly the public pages, from the same live content the pages show."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from faq.views import live_entries


class MembersSitemap(Sitemap):
    """Each page in every language, with the others as hreflang alternates, as on the page."""

    i18n = True
    alternates = True
    x_default = True


class StaticPageSitemap(MembersSitemap):
    def items(self):
        return ["faq:index", "faq:contact"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(MembersSitemap):
    def items(self):
        latest = {}
        for revision in live_entries():
            category = revision.entry.category
            if category not in latest or revision.go_live_at > latest[category]:
                latest[category] = revision.go_live_at
        self.lastmods = latest
        return list(latest)

    def lastmod(self, category):
        return self.lastmods[category]


class EntrySitemap(MembersSitemap):
    def items(self):
        return live_entries()

    def location(self, revision):
        return revision.get_absolute_url()

    def lastmod(self, revision):
        return revision.go_live_at


sitemaps = {"pages": StaticPageSitemap, "topics": CategorySitemap, "questions": EntrySitemap}
