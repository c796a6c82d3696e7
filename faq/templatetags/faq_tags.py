import json
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, override

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


@register.filter
def mid_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "about your membership", but "about MO
    HealthNet" and "about QA topics": only a first word capitalised as a sentence starts."""
    first, _, rest = str(name).partition(" ")
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        first = first[0].lower() + first[1:]
    return f"{first} {rest}" if rest else first


@register.simple_tag(takes_context=True)
def faq_page_json_ld(context, revisions):
    """schema.org FAQPage data for the questions shown, with the same words as the page,
    each in its own language (a question not translated yet is in the original's)."""
    contacts = context.get("help_contacts") or {}
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": get_language(),
        "mainEntity": [
            {
                "@type": "Question",
                "inLanguage": _language_of(revision),
                "name": revision.question,
                "acceptedAnswer": {"@type": "Answer", "text": _answer_text(revision, contacts)},
            }
            for revision in revisions
        ],
    }
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def _language_of(content) -> str:
    """The language `content` is written in: a revision's or a topic's own, else the original
    (contact numbers are not translated)."""
    return getattr(content, "language", None) or settings.LANGUAGE_CODE


@register.simple_tag
def content_lang(content=None):
    """` lang="en"` on content written in another language than the page's, so screen
    readers switch voices; nothing otherwise."""
    language = _language_of(content)
    if language == get_language():
        return ""
    return format_html(' lang="{}"', language)


@register.simple_tag
def in_content_lang(content, words: str):
    """`words` of `content` as a sentence of the page holds them: in a span marking their
    language where it is not the page's, for `{% blocktranslate with name=... %}`."""
    language = _language_of(content)
    if language == get_language():
        return words
    return format_html('<span lang="{}">{}</span>', language, words)


@register.simple_tag
def not_translated_note(shown):
    """A visible note, read by screen readers too, when what the page shows (a revision or a
    list of them) is not all in the page's language yet."""
    is_list = isinstance(shown, list | tuple)
    revisions = shown if is_list else [shown]
    untranslated = [r for r in revisions if _language_of(r) != get_language()]
    if not untranslated:
        return ""
    if not is_list:
        text = gettext("This answer is not translated yet, so it is shown in English.")
    elif len(untranslated) == len(revisions):
        text = gettext("These questions are not translated yet, so they are shown in English.")
    else:
        text = gettext("Some of these questions are not translated yet: they are shown in English.")
    return format_html('<p class="translation-note" role="note">{}</p>', text)


def _in_language(request, code: str, page: int | None = None) -> str:
    path = translate_url(request.path, code)
    return path + (f"?page={page}" if page and page > 1 else "")


def _switched(address: str, code: str) -> str:
    """`address` in language `code`; that language's home page when the address names no
    page at all (a mistyped one), rather than a link back to the same missing page, or
    names another site: browsers read //evil.example/ as one, and translate_url kept it."""
    translated = translate_url(address, code)
    if translated != address and not urlsplit(translated).netloc:
        return translated
    with override(code):
        return reverse("faq:index")


@register.inclusion_tag("faq/_language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in the other languages, each named in its own language."""
    request = context["request"]
    current = get_language()
    return {
        "languages": [
            {"code": code, "name": get_language_info(code)["name_local"],
             "url": _switched(request.get_full_path(), code)}
            for code, _ in settings.LANGUAGES
            if code != current
        ]
    }  # fmt: skip


@register.simple_tag(takes_context=True)
def language_alternates(context, page=None):
    """hreflang links to this page in every language, English as the default."""
    request = context["request"]
    links = [
        (code, request.build_absolute_uri(_in_language(request, code, page)))
        for code, _ in settings.LANGUAGES
    ]
    links.append(("x-default", links[0][1]))
    return format_html_join(
        "\n  ", '<link rel="alternate" hreflang="{}" href="{}">', ((c, u) for c, u in links)
    )
