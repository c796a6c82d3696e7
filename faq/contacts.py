"""The numbers every page shows, and a last-known copy for when the database cannot answer."""

from django.conf import settings

from faq.models import ContactNumberRevision

PRIMARY_KEY = "member-services"
EMERGENCY_KEY = "emergency"

# Refreshed on every successful read; the error pages fall back to it, then to settings.
_last_known: dict[str, tuple[str, str, str]] = {}


def live_contacts(at=None) -> dict[str, ContactNumberRevision]:
    revisions = (
        ContactNumberRevision.objects.live(at)
        .select_related("contact", "approval")
        .order_by("contact__position", "contact__key")
    )
    contacts = {revision.contact.key: revision for revision in revisions}
    if at is None and PRIMARY_KEY in contacts:
        primary = contacts[PRIMARY_KEY]
        _last_known[PRIMARY_KEY] = (primary.label, primary.number_display, primary.number_href)
    return contacts


def last_known_primary() -> dict[str, str]:
    label, display, href = _last_known.get(PRIMARY_KEY) or (
        "Member Services",
        settings.HELPCENTER_FALLBACK_PHONE_DISPLAY,
        "tel:" + settings.HELPCENTER_FALLBACK_PHONE,
    )
    return {"label": label, "number_display": display, "number_href": href}
