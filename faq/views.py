from itertools import groupby

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.views.generic import DetailView, TemplateView

from faq.contacts import last_known_primary, live_contacts
from faq.models import EntryRevision


def requested_moment(request):
    """A past moment to rebuild pages at, for compliance reviewers only; None means now."""
    raw = request.GET.get("as_of")
    if not raw or not request.user.has_perm("faq.view_compliance_report"):
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment if moment <= timezone.now() else None


def live_entries(at=None):
    """The one QuerySet behind every public page: what members may see (now, or at `at`)."""
    return (
        EntryRevision.objects.live(at)
        .select_related("entry__category", "approval")
        .order_by("entry__category__position", "entry__category__name", "entry__position", "pk")
    )


class PublicPageMixin:
    """Every public page: built from live content, or from a past moment for reviewers."""

    def dispatch(self, request, *args, **kwargs):
        self.at = requested_moment(request)
        response = super().dispatch(request, *args, **kwargs)
        if self.at is not None:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


class HomeView(PublicPageMixin, TemplateView):
    template_name = "faq/home.html"

    def get_context_data(self, **kwargs):
        revisions = list(live_entries(self.at))
        sections = [
            (category, list(items))
            for category, items in groupby(revisions, key=lambda r: r.entry.category)
        ]
        return super().get_context_data(sections=sections, page_revisions=revisions, **kwargs)


class CategoryView(PublicPageMixin, DetailView):
    template_name = "faq/category.html"
    context_object_name = "category"

    def get_object(self, queryset=None):
        self.revisions = list(
            live_entries(self.at).filter(entry__category__slug=self.kwargs["slug"])
        )
        if not self.revisions:
            raise Http404("No category with published questions here.")
        return self.revisions[0].entry.category

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            revisions=self.revisions, page_revisions=self.revisions, **kwargs
        )


class EntryView(PublicPageMixin, DetailView):
    template_name = "faq/entry.html"
    context_object_name = "revision"
    slug_field = "entry__slug"

    def get_queryset(self):
        return live_entries(self.at)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_revisions=[self.object], **kwargs)


class ContactView(PublicPageMixin, TemplateView):
    template_name = "faq/contact.html"

    def get_context_data(self, **kwargs):
        contacts = list(live_contacts(self.at).values())
        return super().get_context_data(contacts=contacts, page_revisions=contacts, **kwargs)


def server_error(request):
    """A 500 page that needs nothing from the database to give members the number to call."""
    return render(request, "500.html", {"fallback_contact": last_known_primary()}, status=500)
