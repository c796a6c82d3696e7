"""When the database is down, members still get the number to call, and no traceback."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from faq.contacts import last_known_primary

logger = logging.getLogger(__name__)

DATABASE_OUTAGE = (OperationalError, InterfaceError)


def standalone_page(template_name: str, status: int) -> HttpResponse:
    """An error page (templates/_standalone.html) with Member Services' number, asking
    nothing of the database. Rendered without the request: one refused for its Host header
    would raise again in anything that asks for it."""
    content = render_to_string(template_name, {"fallback_contact": last_known_primary()})
    return HttpResponse(content, status=status)


def database_unavailable(request):
    response = standalone_page("503.html", status=503)
    response["Retry-After"] = "30"
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Turns a lost database connection in any view into the 503 page. Django closes the
    broken connection at the end of the request, so the next request reconnects by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_OUTAGE):
            logger.error("database unavailable: %s", exception)
            return database_unavailable(request)
        return None
