from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from faq.contacts import EMERGENCY_KEY, PRIMARY_KEY, live_contacts
from faq.views import requested_moment


def help_contacts(request):
    """The numbers in every page's frame, read once per request and only when a page shows them."""
    as_of = requested_moment(request)
    contacts = SimpleLazyObject(lambda: live_contacts(as_of, get_language()))
    return {
        "as_of": as_of,
        # A reviewer's mistyped or future moment: say the page is today's, not silently show it.
        "as_of_refused": as_of is None
        and bool(request.GET.get("as_of"))
        and request.user.has_perm("faq.view_compliance_report"),
        "help_contacts": contacts,
        "primary_contact": SimpleLazyObject(lambda: contacts.get(PRIMARY_KEY)),
        "emergency_contact": SimpleLazyObject(lambda: contacts.get(EMERGENCY_KEY)),
        "plan_name": settings.HELPCENTER_PLAN_NAME,
    }
