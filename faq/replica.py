"""Members' reads from a read replica, never older than what the primary has committed.

With DATABASE_REPLICA_URL set, a member's request (see faq.cache.member_request) reads from
the replica if the replica has replayed the newest committed public content generation;
otherwise, and whenever the replica cannot be reached, from the primary. Writes (the search
counts) and everything staff do always go to the primary. A cached page is therefore never
rendered from content older than the generation its cache key names.
"""

import contextvars
import logging

from django.conf import settings
from django.db import DatabaseError, connections

from faq.cache import MARK, committed_generation, member_request, start_listener

logger = logging.getLogger(__name__)

REPLICA = "replica"
_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_current() -> bool:
    """Whether the replica has replayed every committed change to public content."""
    try:
        wanted = committed_generation()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(f"SELECT value FROM {MARK}")
            return cursor.fetchone()[0] >= wanted
    except DatabaseError as error:
        logger.warning("read replica not used: %s", error)
        return False


class PublicReadRouter:
    """Sends reads to the replica while a member's request is being answered from it."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_from_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # replication copies the schema


class PublicReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (replica_configured() and member_request(request)):
            return self.get_response(request)
        start_listener()
        token = _reading_from_replica.set(replica_current())
        try:
            return self.get_response(request)
        finally:
            _reading_from_replica.reset(token)
