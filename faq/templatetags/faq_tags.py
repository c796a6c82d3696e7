import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from faq.approvals import stamp_for
from faq.tokens import answer_text as _answer_text
from faq.tokens import expand_phone_tokens, phone_keys, phone_link

register = template.Library()

# As json_script does: the JSON cannot end the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.inclusion_tag("faq/_stamp.html", takes_context=True)
def approval_stamp(context):
    """The stamp for what this page shows: its own content, the numbers in its frame and the
    numbers its answers name."""
    shown = list(context.get("page_revisions") or [])
    contacts = context.get("help_contacts") or {}
    frame = [context.get("primary_contact"), context.get("emergency_contact")]
    named = [
        contacts.get(key)
        for revision in context.get("page_answers") or []
        for key in sorted(phone_keys(revision.answer_html))
    ]
    for contact in frame + named:
        if contact and contact not in shown:
            shown.append(contact)
    return {"stamp": stamp_for(shown)}


@register.simple_tag
def phone(contact):
    """A contact number as a tel: link, with its TTY number when it has one."""
    return phone_link(contact)


@register.filter
def answer_markup(revision, contacts):
    """The answer as members read it: `{{ revision|answer_markup:help_contacts }}`."""
    return expand_phone_tokens(revision.answer_html, contacts or {})


@register.filter
def answer_text(revision, contacts):
    """The answer as plain text with its numbers written out, for descriptions."""
    return _answer_text(revision, contacts or {})


@register.simple_tag(takes_context=True)
def faq_page_json_ld(context, revisions):
    """schema.org FAQPage data for the questions shown, with the same words as the page."""
    contacts = context.get("help_contacts") or {}
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": revision.question,
                "acceptedAnswer": {"@type": "Answer", "text": _answer_text(revision, contacts)},
            }
            for revision in revisions
        ],
    }
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
