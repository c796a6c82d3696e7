from django import template

from faq.approvals import stamp_for

register = template.Library()


@register.inclusion_tag("faq/_stamp.html", takes_context=True)
def approval_stamp(context):
    """The stamp for what this page shows: its own content plus the numbers in its frame."""
    shown = list(context.get("page_revisions") or [])
    for contact in (context.get("primary_contact"), context.get("emergency_contact")):
        if contact and contact not in shown:
            shown.append(contact)
    return {"stamp": stamp_for(shown)}
