"""The numbers every page shows, and a last-known copy for when the database cannot answer."""

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from faq.cache import kept_until_content_changes
from faq.models import (
    ContactNumberLabelRecord,
    ContactNumberPlaceRecord,
    ContactNumberRevision,
    ContactNumberTranslation,
)

PRIMARY_KEY = "member-services"
EMERGENCY_KEY = "emergency"

# Refreshed on every successful read; the error pages fall back to it, then to settings.
_last_known: dict[str, tuple[str, ...]] = {}
LAST_KNOWN_CACHE_KEY = "contacts:last-known-primary"


def live_contacts(at=None, language=None) -> dict[str, ContactNumberRevision]:
    """The live numbers by key, each labelled in `language` where a translation exists (its
    `language` attribute says which; the hours stay in the original).

    Every page shows them, and they change only with public content: the numbers of now are
    read once per generation (faq.cache), a reviewer's past moment afresh."""
    original = settings.LANGUAGE_CODE
    language = language or original
    contacts = kept_until_content_changes(
        at, "contacts", (language,), lambda: _contacts(at, language)
    )
    if at is None and language == original and PRIMARY_KEY in contacts:
        primary = contacts[PRIMARY_KEY]
        _remember(
            (
                primary.label,
                primary.number_display,
                primary.number_href,
                primary.tty_display,
                primary.tty_href,
            )
        )
    return contacts


def _contacts(at, language: str) -> dict[str, ContactNumberRevision]:
    original = settings.LANGUAGE_CODE
    revisions = ContactNumberRevision.objects.live(at).select_related("contact", "approval")
    if at is None:
        revisions = revisions.order_by("contact__position", "contact__key")
    else:  # listed where they were then: under that heading, in that place
        placed = ContactNumberPlaceRecord.objects.filter(contact=OuterRef("contact")).said_at(at)
        revisions = revisions.annotate(
            purpose_then=Coalesce(Subquery(placed.values("purpose")[:1]), F("contact__purpose")),
            position_then=Coalesce(Subquery(placed.values("position")[:1]), F("contact__position")),
        ).order_by("position_then", "contact__key")
    if language != original:
        if at is None:
            translated = ContactNumberTranslation.objects.filter(
                contact=OuterRef("contact"), language=language
            )
        else:  # the label recorded as shown then; an empty one: no translation then
            translated = ContactNumberLabelRecord.objects.filter(
                contact=OuterRef("contact"), language=language
            ).said_at(at)
        revisions = revisions.annotate(translated_label=Subquery(translated.values("label")[:1]))
    contacts = {}
    for revision in revisions:
        if at is not None:  # shown on this page only, as the label below
            revision.contact.purpose = revision.purpose_then
            revision.contact.position = revision.position_then
        revision.language = original
        if getattr(revision, "translated_label", None):
            # Shown on this page only: public reads never save a revision.
            revision.label, revision.language = revision.translated_label, language
        contacts[revision.contact.key] = revision
    return contacts


def _remember(primary: tuple[str, ...]) -> None:
    if _last_known.get(PRIMARY_KEY) != primary:
        _last_known[PRIMARY_KEY] = primary
        # Shared with the other app servers when the cache is Redis.
        with contextlib.suppress(Exception):
            cache.set(LAST_KNOWN_CACHE_KEY, primary, timeout=None)


def last_known_primary() -> dict[str, str]:
    """Member Services' number and its TTY without asking the database: this process's last
    copy, then the shared cache's, then the configured fallback (which has no TTY)."""
    primary = _last_known.get(PRIMARY_KEY)
    if primary is None:
        with contextlib.suppress(Exception):
            primary = cache.get(LAST_KNOWN_CACHE_KEY)
    label, display, href, *tty = primary or (
        "Member Services",
        settings.HELPCENTER_FALLBACK_PHONE_DISPLAY,
        "tel:" + settings.HELPCENTER_FALLBACK_PHONE,
    )
    # A copy another server shared before the TTY was kept is (label, number, link).
    tty_display, tty_href = tty or ("", "")
    return {
        "label": label,
        "number_display": display,
        "number_href": href,
        "tty_display": tty_display,
        "tty_href": tty_href,
    }
