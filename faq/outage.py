"""When the database is down, members still get the number to call, and no traceback."""

import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from faq.contacts import last_known_primary

logger = logging.getLogger(__name__)

DATABASE_OUTAGE = (OperationalError, InterfaceError)


def database_unavailable(request):
    response = render(request, "503.html", {"fallback_contact": last_known_primary()}, status=503)
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
