import sys
from itertools import groupby

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import is_valid_path, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import format_html
from django.utils.translation import get_language
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from faq.cache import NON_PUBLIC_PREFIXES, kept_until_content_changes
from faq.contacts import live_contacts
from faq.forms import past_moment
from faq.models import (
    Category,
    ContactPurpose,
    Entry,
    EntryRevision,
    NoticeKind,
    NoticeRevision,
    category_text,
)
from faq.outage import DATABASE_OUTAGE, database_unavailable, standalone_page
from faq.search import (
    MAX_RESULTS,
    is_known_word,
    search_clean,
    search_elsewhere,
    search_hits,
    search_log_record,
    search_results,
    search_terms,
    terms_for_answers,
)


def requested_moment(request):
    """A past moment to rebuild pages at, for compliance reviewers only; None means now."""
    raw = request.GET.get("as_of")
    if not raw or not request.user.has_perm("faq.view_compliance_report"):
        return None
    return past_moment(raw)


def live_entries(at=None, language=None):
    """The one QuerySet behind every public page: what members reading the page's language
    may see (now, or at `at`), each with its topic's words in that language."""
    language = language or get_language()
    return (
        EntryRevision.objects.shown_in(language, at)
        .select_related("entry__category", "approval")
        .annotate(**category_text(language, "entry__category__", at))
        .placed_at(at)
        .in_topic_order(at)
    )


def show_categories(revisions, at=None):
    """Put each revision's topic words in the page's language (see live_entries); at a
    past moment, a question that has moved since goes under its topic of then, in that
    topic's words then (EntryRevisionQuerySet.placed_at)."""
    revisions = list(revisions)
    for revision in revisions:
        revision.entry.category.show_as(revision)
    moved = [
        r
        for r in revisions
        if getattr(r, "placed_category_id", r.entry.category_id) != r.entry.category_id
    ]
    if moved:
        topics = Category.objects.filter(pk__in={r.placed_category_id for r in moved})
        then = {topic.pk: topic for topic in topics.shown_in(get_language(), at)}
        for topic in then.values():
            topic.show_as(topic)
        for revision in moved:
            revision.entry.category = then[revision.placed_category_id]
    return revisions


def moved_to(request, address: str, *, permanent: bool = False):
    """A redirect to `address`, with the request's query: the page asked for is there now.
    Not permanent unless it always will be (an address in capitals): an editor may give the
    old address back, or to another question, and a browser that kept the redirect would
    then send members round in a loop, or to the wrong page."""
    query = request.META.get("QUERY_STRING")
    response = redirect(f"{address}?{query}" if query else address, permanent=permanent)
    if not permanent:
        patch_cache_control(response, no_cache=True)
    return response


class PublicPageMixin:
    """Every public page: built from live content, or from a past moment for reviewers."""

    def dispatch(self, request, *args, **kwargs):
        self.at = requested_moment(request)
        response = super().dispatch(request, *args, **kwargs)
        if self.at is not None:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


HOME_QUESTIONS_PER_CATEGORY = 6


class HomeView(PublicPageMixin, TemplateView):
    template_name = "faq/home.html"

    def get_context_data(self, **kwargs):
        # The first few questions of each category, so the page stays small however many
        # there are; each category links to all of its questions. Each topic's first ones
        # are read in its order from the index on it, and the totals are a narrow count:
        # 0.7 + 7.5 ms of Postgres time at 10,000 questions, where ranking every live
        # question with window functions took 18.7 ms (docs/benchmarks.md).
        language = get_language()
        shown = EntryRevision.objects.shown_in(language, self.at).placed_at(self.at)
        totals = dict(EntryRevision.objects.shown_per_category(self.at))
        firsts = shown.filter(placed_category_id=OuterRef("pk")).order_by(
            "placed_position", "entry_id"
        )
        each_topics_first = (
            Category.objects.order_by()
            .annotate(
                firsts=ArraySubquery(firsts.values("pk")[:HOME_QUESTIONS_PER_CATEGORY]),
                revision=Func(F("firsts"), function="unnest", output_field=IntegerField()),
            )
            .values("revision")
        )
        revisions = show_categories(live_entries(self.at).filter(pk__in=each_topics_first), self.at)
        for revision in revisions:
            revision.in_category = totals[revision.entry.category_id]
        sections = [
            (category, list(items))
            for category, items in groupby(revisions, key=lambda r: r.entry.category)
        ]
        return super().get_context_data(sections=sections, page_revisions=revisions, **kwargs)


CATEGORY_QUESTIONS_PER_PAGE = 25
MAX_PAGE_NUMBER = 100_000


def page_number(raw: str | None) -> int:
    """A page number from the address; anything that is not one means the first page."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE_NUMBER)


class CategoryView(PublicPageMixin, DetailView):
    """A category's questions, CATEGORY_QUESTIONS_PER_PAGE at a time, in one query: the
    window count gives the total along with the page. (Reading the page in the index's order
    and counting apart took 0.14 + 2.5 ms of Postgres time against 5.7 ms, but the second
    query cost as much Python as it saved; docs/benchmarks.md.)"""

    template_name = "faq/category.html"
    context_object_name = "category"
    per_page = CATEGORY_QUESTIONS_PER_PAGE

    def get(self, request, *args, **kwargs):
        revisions = live_entries(self.at)
        if self.at is None:
            revisions = revisions.filter(entry__category__slug=self.kwargs["slug"])
        else:  # the questions in the topic at this address then, else (a link of today's) now
            slug = self.kwargs["slug"]
            then = Category.objects.addressed_at(slug, self.at).values("pk")[:1]
            now = Category.objects.filter(slug=slug).values("pk")
            revisions = revisions.filter(placed_category_id=Coalesce(Subquery(then), Subquery(now)))
        number = page_number(request.GET.get("page"))
        start = (number - 1) * self.per_page
        self.revisions = show_categories(
            revisions.annotate(in_category=Window(Count("pk")))[start : start + self.per_page],
            self.at,
        )
        if not self.revisions:
            total = revisions.count() if number > 1 else 0
            if not total:
                moved = Category.objects.moved_from(self.kwargs["slug"], self.at).first()
                if moved is not None:
                    slug = moved.slug if self.at is None else moved.address_then
                    return moved_to(request, reverse("faq:category", kwargs={"slug": slug}))
                raise Http404("No category with published questions here.")
            query = request.GET.copy()
            query["page"] = Paginator(range(total), self.per_page).num_pages
            return redirect(f"{request.path}?{query.urlencode()}")
        self.page = Paginator(range(self.revisions[0].in_category), self.per_page).page(number)
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.revisions[0].entry.category

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            revisions=self.revisions,
            page=self.page,
            page_revisions=self.revisions,
            page_answers=self.revisions,
            **kwargs,
        )


class EntryView(PublicPageMixin, DetailView):
    template_name = "faq/entry.html"
    context_object_name = "revision"
    slug_field = "entry__slug"

    related_limit = 5

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if self.at is None:
                moved = (
                    live_entries()
                    .filter(entry__in=Entry.objects.moved_from(kwargs["slug"]))
                    .values_list("entry__slug", flat=True)
                    .first()
                )
            else:  # where members were sent from this address then
                shown = EntryRevision.objects.shown_in(get_language(), self.at)
                moved = (
                    Entry.objects.moved_from(kwargs["slug"], self.at)
                    .filter(pk__in=shown.values("entry_id"))
                    .values_list("address_then", flat=True)
                    .first()
                )
            if moved is None:
                raise
            return moved_to(request, reverse("faq:entry", kwargs={"slug": moved}))

    def get_queryset(self):
        return live_entries(self.at)

    def get_object(self, queryset=None):
        if self.at is None:
            revision = super().get_object(queryset)
        else:  # the question at this address then, else (a link of today's) now
            then = Entry.objects.addressed_at(self.kwargs["slug"], self.at).values("pk")
            revision = self.get_queryset().filter(entry__in=then).first()
            revision = revision or super().get_object(queryset)
        return show_categories([revision], self.at)[0]

    def get_context_data(self, **kwargs):
        # In the topic's own order, so the index on it gives them without a sort: 0.1 ms
        # where sorting the topic's 663 questions took 9 ms (docs/benchmarks.md).
        related = list(
            live_entries(self.at)
            .filter(placed_category_id=self.object.entry.category_id)
            .exclude(pk=self.object.pk)
            .order_by("placed_position", "entry_id")[: self.related_limit]
        )
        return super().get_context_data(
            related=related,
            page_revisions=[self.object, *related],
            page_answers=[self.object],
            **kwargs,
        )


class ContactView(PublicPageMixin, TemplateView):
    template_name = "faq/contact.html"

    def get_context_data(self, **kwargs):
        contacts = list(live_contacts(self.at, get_language()).values())
        groups = [
            (purpose, grouped)
            for purpose in ContactPurpose
            if (grouped := [c for c in contacts if c.contact.purpose == purpose])
        ]
        return super().get_context_data(groups=groups, page_revisions=contacts, **kwargs)


class LanguageAssistanceView(PublicPageMixin, TemplateView):
    """Free language help and the notice of nondiscrimination (Section 1557): the notice in
    the page's language (else the original's), then every tagline, each in its own language."""

    template_name = "faq/language_assistance.html"

    def get_context_data(self, **kwargs):
        notices = list(
            NoticeRevision.objects.live(self.at)
            .select_related("notice", "approval")
            .order_by("notice__position", "notice__language")
        )
        statements = {
            n.notice.language: n for n in notices if n.notice.kind == NoticeKind.NONDISCRIMINATION
        }
        statement = statements.get(get_language()) or statements.get(settings.LANGUAGE_CODE)
        taglines = [n for n in notices if n.notice.kind == NoticeKind.TAGLINE]
        shown = [statement, *taglines] if statement else taglines
        return super().get_context_data(
            statement=statement,
            taglines=taglines,
            page_revisions=shown,
            page_answers=shown,
            **kwargs,
        )


def server_error(request):
    """A 500 page that needs nothing from the database to give members the number to call;
    a 503 when the cause is that the database cannot be reached."""
    if isinstance(sys.exc_info()[1], DATABASE_OUTAGE):
        return database_unavailable(request)
    return standalone_page("500.html", status=500)


def page_not_found(request, exception):
    """A 404, unless the address was typed from paper in capitals (``/CONTACT/``, ``/ES/``)
    or with the original language's prefix (``/en/contact/``), with its last slash or without
    (``/CONTACT``, ``/en``): those lead to the page."""
    typed = request.path.lower()
    original = f"/{settings.LANGUAGE_CODE}/"
    # Without its last slash, as APPEND_SLASH would add it to an address in lower case.
    for path in [typed] if typed.endswith("/") else [typed, f"{typed}/"]:
        if path.startswith(original):
            path = path[len(original) - 1 :]
        if (
            path != request.path
            and request.method in ("GET", "HEAD")
            and not path.startswith(NON_PUBLIC_PREFIXES)
            and is_valid_path(path)
        ):
            return moved_to(request, path, permanent=True)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """A 400 (an unknown host, a request with too many fields) that still gives the number."""
    return standalone_page("400.html", status=400)


def csrf_failure(request, reason=""):
    """A 403 for a form sent without its security token: most often a form left open until
    its session ended, or a post to a page that takes none."""
    return standalone_page("403_csrf.html", status=403)


SEARCH_RESULTS_PER_PAGE = 10


def search_hits_kept_as(terms) -> tuple[str, tuple]:
    """The name and parts a search's matches are kept under (faq.cache.generation_cached):
    members ask the same things again and again."""
    return "search", (terms,)


def search_page_kept_as(terms, *, match_all: bool, number: int) -> tuple[str, tuple]:
    """The name and parts one page of a search's results is kept under: within a generation
    the same words always have the same hits, so the page number names the rows."""
    return "search-page", (terms, match_all, number)


def search_elsewhere_kept_as(terms) -> tuple[str, tuple]:
    """The name and parts what answers a search besides questions (the language assistance
    page, numbers to call) is kept under."""
    return "search-elsewhere", (terms,)


def _search_hits(at, terms, elsewhere) -> tuple[list[int], bool]:
    return kept_until_content_changes(
        at,
        *search_hits_kept_as(terms),
        lambda: search_hits(
            EntryRevision.objects.shown_in(terms.language, at),
            terms_for_answers(terms, elsewhere),
            at=at,
        ),
    )


def _categories_with_questions(at) -> list[Category]:
    language = get_language()

    def categories():
        found = (
            Category.objects.with_questions_shown_in(language, at)
            .shown_in(language, at)
            .in_order(at)
        )
        for category in found:
            category.show_as(category)
        return list(found)

    return kept_until_content_changes(at, "topics", (language,), categories)


def search_found(at, terms, raw_page) -> dict:
    """What members find for some words (faq.search.search_terms) on one page of results:
    the hits, best first (those with some of the words when none has all), the page's
    results with their topics in the page's language, and the numbers to call and language
    assistance page that answer too. Kept per content generation, as members ask the same
    things again and again. The search page shows it; the admin's search preview too."""
    numbers = live_contacts(at, terms.language)
    elsewhere = kept_until_content_changes(
        at, *search_elsewhere_kept_as(terms), lambda: search_elsewhere(terms, numbers, at)
    )
    # When no answer has every word, those with some of them, best first.
    hits, match_all = _search_hits(at, terms, elsewhere)
    page = Paginator(hits[:MAX_RESULTS], SEARCH_RESULTS_PER_PAGE).get_page(page_number(raw_page))
    # Members search for the same few things: the page's rows and snippets are kept with
    # the hits, and only the count is written each time.
    results = kept_until_content_changes(
        at,
        *search_page_kept_as(terms, match_all=match_all, number=page.number),
        lambda: search_results(page.object_list, terms, match_all=match_all, at=at),
    )
    contact_matches = [numbers[key] for key in elsewhere.contact_keys if key in numbers]
    if terms.is_crisis:
        # Whatever the synonyms say: a member in crisis is given the emergency number first.
        emergency = [n for n in numbers.values() if n.contact.purpose == ContactPurpose.EMERGENCY]
        contact_matches = [*emergency, *(n for n in contact_matches if n not in emergency)]
    return {
        "hits": hits,
        "is_partial": bool(hits) and not match_all,
        "has_more_results": len(hits) > MAX_RESULTS,
        "page": page,
        "results": results,
        "revisions": show_categories([result.revision for result in results], at),
        "numbers": numbers,
        # The number to call comes first when the words name one ("deaf", "enrollment").
        "contact_matches": contact_matches,
        "language_help": elsewhere.language_help,
    }


def _correction_language(word: str, language: str) -> str:
    """The language a correction is written in, to mark it for screen readers: on another
    language's pages a typo may be read as an original's word ("crad" is "card" on Spanish
    pages). The page's own when its dictionary has the word, or neither does."""
    original = settings.LANGUAGE_CODE
    if language == original or is_known_word(word, language):
        return language
    return original if is_known_word(word, original) else language


@require_safe
def search(request):
    """Search what members may see: live questions and answers, never drafts or expired ones."""
    at = requested_moment(request)
    typed = search_clean(request.GET.get("q", ""))
    # Isolated where it is echoed, so a query in a right-to-left script reads as typed.
    context = {"typed": typed, "typed_isolated": format_html("<bdi>{}</bdi>", typed)}
    if typed:
        terms = search_terms(typed, language=get_language())
        found = search_found(at, terms, request.GET.get("page"))
        hits, language_help = found["hits"], found["language_help"]
        contact_matches = found["contact_matches"]
        answers = [*found["revisions"], *([language_help.revision] if language_help else [])]
        context.update(
            found,
            corrections=[
                (corrected, _correction_language(corrected, terms.language))
                for _, corrected in terms.corrections
            ],
            page_revisions=[*contact_matches, *answers],
            page_answers=answers,
        )
        if not hits:
            context["categories"] = _categories_with_questions(at)
        # Counted once per search, not again for each page of its results; reviewers'
        # views of the past, and link checkers' HEAD requests, are not members' searches.
        if at is None and "page" not in request.GET and request.method == "GET":
            search_log_record(
                query=terms.text,
                result_count=len(hits),
                language=terms.language,
                found_elsewhere=bool(contact_matches or language_help),
                numbers=found["numbers"].values(),
            )
    response = render(request, "faq/search.html", context)
    # What someone searched for can reveal a health condition: no shared or browser cache
    # keeps it, and so every search reaches this view and is counted.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
