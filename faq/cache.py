"""Cached public pages, invalidated the moment what members see changes.

A page is cached under a key naming the *generation* of public content. Generations come from
a database sequence: every change members could see takes a new value and announces it with
NOTIFY, so every app process (each listens on a connection of its own) moves to the new key
at once, and pages kept in a shared Redis stay consistent between app servers. Scheduled
go-lives and expiries need no job: the key also names the next scheduled transition, and the
first request after that moment looks up the one after it.
"""

import datetime
import hashlib
import logging
import re
import threading
import time

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.text import compress_string
from django.utils.translation import get_language_from_path
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CHANNEL = "helpcenter_public"
SEQUENCE = "faq_public_generation"
MARK = "faq_public_generation_mark"  # the latest generation, committed with its content
NON_PUBLIC_PREFIXES = ("/admin/", "/healthz", "/readyz")
# Search results are counted per search, so each one must reach the view.
UNCACHED_PREFIXES = (*NON_PUBLIC_PREFIXES, "/search/")
# What members' pages read from the query, by address (without its language prefix, in
# any case and without its last slash, as an address typed from paper redirects with its
# query): the search's words and page, a topic's page, a sitemap section's page. Anything
# else (utm_source, fbclid, a made-up one, a member's as_of, a page number or words on a
# page that reads none) changes nothing on the page but would make each variant a page to
# render and keep. Last, the parameter that is a cached page's number, written one way:
# ?page=02, ?page=+2 and ?page= 2 are page 2.
PARAMETERS_READ = (
    ("/search", frozenset({"q", "page"}), ""),
    ("/topics", frozenset({"page"}), "page"),
    ("/sitemap-", frozenset({"p"}), "p"),
)

NEXT_TRANSITION_SQL = """
SELECT min(moment) FROM (
    SELECT min(go_live_at) AS moment FROM faq_entryrevision
        WHERE status = 'approved' AND go_live_at > %(now)s
    UNION ALL SELECT min(expires_at) FROM faq_entryrevision
        WHERE status = 'approved' AND expires_at > %(now)s
    UNION ALL SELECT min(go_live_at) FROM faq_contactnumberrevision
        WHERE status = 'approved' AND go_live_at > %(now)s
    UNION ALL SELECT min(expires_at) FROM faq_contactnumberrevision
        WHERE status = 'approved' AND expires_at > %(now)s
    UNION ALL SELECT min(go_live_at) FROM faq_noticerevision
        WHERE status = 'approved' AND go_live_at > %(now)s
    UNION ALL SELECT min(expires_at) FROM faq_noticerevision
        WHERE status = 'approved' AND expires_at > %(now)s
    UNION ALL SELECT min(withdrawn_at) FROM faq_entry WHERE withdrawn_at > %(now)s
    UNION ALL SELECT min(withdrawn_at) FROM faq_contactnumber WHERE withdrawn_at > %(now)s
    UNION ALL SELECT min(withdrawn_at) FROM faq_notice WHERE withdrawn_at > %(now)s
) AS upcoming
"""


class _Generation:
    """This process's view of the public content generation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.value: int | None = None
        self.next_transition: datetime.datetime | None = None
        self.transition_for: int | None = None
        self.listener: threading.Thread | None = None
        # The newest generation known to be committed: from notifications, which Postgres
        # delivers only on commit. A read replica is current once it has replayed this.
        self.committed: int | None = None
        self.listening = False

    def seen(self, value: int, *, committed: bool = False) -> None:
        with self.lock:
            if self.value is None or value > self.value:
                self.value = value
            if committed and (self.committed is None or value > self.committed):
                self.committed = value


_generation = _Generation()


def public_content_changed() -> None:
    """Call wherever a change could alter what members see.

    A new generation is taken at once and again when the transaction commits, so a page
    rendered from the old content while the change was being committed is never reused.
    """
    _advance()
    transaction.on_commit(_advance)


def _advance() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MARK} SET value = greatest(value, nextval(%s)) RETURNING value", [SEQUENCE]
        )
        value = cursor.fetchone()[0]
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(value)])
    _generation.seen(value)


def page_key_prefix() -> str:
    """The part of every cache key that changes whenever public content does.

    Costs no query while nothing changes; one after a change or a scheduled transition.
    """
    now = timezone.now()
    generation = _generation.value
    stale = (
        generation is None
        or _generation.transition_for != generation
        or (_generation.next_transition is not None and now >= _generation.next_transition)
    )
    if stale:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT last_value FROM {SEQUENCE}), ({NEXT_TRANSITION_SQL})",
                {"now": now},
            )
            last_value, upcoming = cursor.fetchone()
        _generation.seen(last_value)
        with _generation.lock:
            if _generation.value == last_value:
                _generation.next_transition = upcoming
                _generation.transition_for = last_value
    upcoming = _generation.next_transition
    return f"{_generation.value}:{upcoming.timestamp() if upcoming else '-'}"


_MISSING = object()


def _cached(key: str, default=None):
    """The cache's value, or default when the cache cannot be reached: a shared Redis that is
    down costs speed (every page is rendered), never the page."""
    try:
        return cache.get(key, default)
    except RedisError as error:
        logger.warning("page cache unavailable: %s", error)
        return default


def _keep(values: dict) -> None:
    try:
        cache.set_many(values, settings.HELPCENTER_PAGE_CACHE_SECONDS)
    except RedisError as error:
        logger.warning("page cache unavailable: %s", error)


def generation_cached(name: str, parts: tuple, compute):
    """compute() once per generation of public content for the same parts (a search's words,
    say), kept as long as pages are; computed afresh when the generation cannot be read."""
    if settings.HELPCENTER_PAGE_CACHE_SECONDS <= 0:
        return compute()
    start_listener()
    try:
        key = generation_key(name, parts)
    except DatabaseError:
        return compute()
    value = _cached(key, _MISSING)
    if value is _MISSING:
        value = compute()  # None too is kept: "nothing" is an answer worth keeping
        _keep({key: value})
    return value


def kept_until_content_changes(at, name: str, parts: tuple, compute):
    """What members see now, kept per generation (generation_cached); a reviewer's past
    moment (`at`) is computed afresh."""
    return compute() if at is not None else generation_cached(name, parts, compute)


def generation_key(name: str, parts: tuple) -> str:
    """The cache key generation_cached keeps compute()'s value under, for now's generation."""
    return f"{name}:{page_key_prefix()}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def start_listener() -> None:
    """Follow other processes' changes: one daemon thread per process, started once."""
    with _generation.lock:
        if _generation.listener is not None or not settings.HELPCENTER_PAGE_CACHE_LISTEN:
            return
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        thread = threading.Thread(
            target=_listen_forever, args=(params,), name="public-cache-listener", daemon=True
        )
        _generation.listener = thread
    thread.start()


def _listen_forever(params: dict) -> None:
    while True:
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                # Catch up on whatever changed while this connection was away.
                _generation.seen(conn.execute(f"SELECT last_value FROM {SEQUENCE}").fetchone()[0])
                _generation.seen(
                    conn.execute(f"SELECT value FROM {MARK}").fetchone()[0], committed=True
                )
                _generation.listening = True
                for notify in conn.notifies():
                    _generation.seen(int(notify.payload), committed=True)
        except Exception as error:  # keep listening through database restarts
            _generation.listening = False
            logger.warning("public cache listener reconnecting: %s", error)
            time.sleep(1)


def _without_session(request) -> bool:
    """A read of public pages by someone not signed in (staff may see other things)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(NON_PUBLIC_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def member_request(request) -> bool:
    """A member reading public pages: no session, no as-of."""
    return _without_session(request) and "as_of" not in request.GET


def member_parameters_only(request) -> None:
    """Drop the query parameters members' pages do not read, before the view and the cache
    key see them: the page and its links (language switch, next page) are then the same for
    every variant of the address, and so is its one cached copy. A page number is written
    one way, and left out for the first page, as the page reads anything else."""
    if not request.GET:
        return
    path = _without_language(request.path.lower())
    read, numbered = next(
        ((names, number) for prefix, names, number in PARAMETERS_READ if path.startswith(prefix)),
        ((), ""),
    )
    kept = QueryDict(mutable=True)
    for name in request.GET:
        if name not in read:
            continue
        value = request.GET[name]  # the last, as the page reads it
        if name == numbered:
            value = _page_number(value)
        if value is not None:
            kept[name] = value
    if kept.urlencode() == request.META.get("QUERY_STRING", ""):
        return
    kept._mutable = False
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def _page_number(raw: str) -> str | None:
    """A page number as pages read it ("02" is 2), or None for the first page: what a page
    shows for 1, and for anything that is not a number above it."""
    try:
        number = int(raw)
    except ValueError:
        return None
    return str(number) if number > 1 else None


def committed_generation() -> int:
    """The newest generation committed on the primary database: what a replica must have."""
    if _generation.listening and _generation.committed is not None:
        return _generation.committed
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARK}")
        value = cursor.fetchone()[0]
    _generation.seen(value, committed=True)
    return value


def _without_language(path: str) -> str:
    """/es/search/ → /search/: members' pages carry their language in the address."""
    code = get_language_from_path(path)
    return path[len(code) + 1 :] if code else path


def _cacheable_request(request) -> bool:
    return (
        settings.HELPCENTER_PAGE_CACHE_SECONDS > 0
        and member_request(request)
        and not _without_language(request.path).startswith(UNCACHED_PREFIXES)
    )


def _cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and getattr(response, "is_rendered", True)
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PublicPageCacheMiddleware:
    """Serve members' pages from the cache; render and store them on a miss."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _without_session(request):
            member_parameters_only(request)
        if not _cacheable_request(request):
            return self.get_response(request)
        start_listener()
        try:
            # The scheme too: a page names its own address (canonical, hreflang, print).
            address = request.build_absolute_uri().encode()
            key = f"page:{page_key_prefix()}:{hashlib.sha256(address).hexdigest()}"
        except DatabaseError:
            return self.get_response(request)  # no generation, no caching
        gzip = bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
        response = _cached(f"{key}:gzip" if gzip else key)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            response["Cache-Control"] = "public, no-cache"  # revalidate with the ETag
            set_response_etag(response)
            patch_vary_headers(response, ("Accept-Encoding",))
            zipped = gzipped(response)
            _keep({key: response, f"{key}:gzip": zipped})
            response = zipped if gzip else response
            response["X-Cache"] = "miss"
        return response


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def gzipped(response: HttpResponse) -> HttpResponse:
    """A cached page compressed once, for the browsers that accept it (nearly all): a
    member on a slow or metered phone plan loads a third of the bytes. Members' pages hold
    no secret (no session, no form token), so compressing them reveals nothing (BREACH)."""
    body = compress_string(response.content)
    if len(body) >= len(response.content):
        return response
    zipped = HttpResponse(body, status=response.status_code)
    for header, value in response.items():
        zipped[header] = value
    zipped["Content-Encoding"] = "gzip"
    zipped["Content-Length"] = str(len(body))
    # Another representation, so another ETag; weak, as Django's GZipMiddleware marks it.
    zipped["ETag"] = "W/" + response["ETag"].removeprefix("W/")
    return zipped
