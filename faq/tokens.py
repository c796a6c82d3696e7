"""Phone tokens: answers name a contact number as [[phone:member-services]], never its digits.

The stored answer keeps the token; pages expand it at request time from the live contact
revisions, so an approved change of number reaches every page that uses it without a re-save.
"""

import html
import logging
import re
from collections.abc import Iterable, Mapping

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from faq.models import ContactNumberRevision, EntryRevision, NoticeRevision, Status

logger = logging.getLogger(__name__)

PHONE_TOKEN = re.compile(r"\[\[phone:([A-Za-z0-9_-]+)\]\]")
# What an editor may have meant as a token: spaces, capitals, a typo in the key.
LOOSE_PHONE_TOKEN = re.compile(r"\[\[\s*phone\s*:([^\[\]]*)\]\]", re.IGNORECASE)
# Tags in sanitised HTML: attribute values are always double-quoted and may hold ">".
_TAG = re.compile(r'(<(?:[^>"]|"[^"]*")*>)')
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_BLOCK_TAG = re.compile(r"</?(?:p|ul|ol|li|h[1-6]|blockquote|pre|br|hr)\b[^>]*>", re.IGNORECASE)
# Inside these a link would nest or be misleading: the number is written out, unlinked.
_NO_LINK_INSIDE = ("a", "code", "pre")


def phone_token(key: str) -> str:
    return f"[[phone:{key}]]"


def phone_keys(text: str) -> set[str]:
    """The contact keys a text refers to."""
    return set(PHONE_TOKEN.findall(text or ""))


def phone_link(contact: ContactNumberRevision, *, with_tty: bool = True) -> SafeString:
    """A number as members tap it, with its TTY number when it has one."""
    link = format_html(
        '<a class="phone" href="{}">{}</a>', contact.number_href, contact.number_display
    )
    if not (contact.tty_number and with_tty):
        return link
    return format_html(
        '{} (TTY: <a class="phone" href="{}">{}</a>)',
        link,
        contact.tty_href,
        contact.tty_display,
    )


def phone_text(contact: ContactNumberRevision, *, with_tty: bool = True) -> str:
    if contact.tty_number and with_tty:
        return f"{contact.number_display} (TTY: {contact.tty_display})"
    return contact.number_display


def _missing(key: str) -> SafeString:
    # Withdrawal and the answer form keep this from happening; if it does, the page still reads.
    logger.warning("Phone token %s names no live contact number.", phone_token(key))
    return format_html('<span class="phone-missing">{}</span>', key.replace("-", " ").title())


def _expand(text: str, contacts: Mapping[str, ContactNumberRevision], *, linkable: bool) -> str:
    def replace(match):
        contact = contacts.get(match.group(1))
        if contact is None:
            return _missing(match.group(1))
        with_tty = not _gives_its_tty(text, match.end(), contact, contacts)
        if linkable:
            return phone_link(contact, with_tty=with_tty)
        return escape(phone_text(contact, with_tty=with_tty))

    return PHONE_TOKEN.sub(replace, text)


# How near after a number its text may write the TTY: "(TTY: ", "（TTY：", "(телетайп: ".
_TTY_WRITTEN_WITHIN = 24


def _gives_its_tty(
    text: str,
    end: int,
    contact: ContactNumberRevision,
    contacts: Mapping[str, ContactNumberRevision],
) -> bool:
    """Whether the text writes the number's TTY as a token of its own just after it, as
    approved taglines do ("[[phone:member-services]] (TTY: [[phone:relay]])"). Once the
    number has that TTY too, adding it would say it twice, the second time in English."""
    after = PHONE_TOKEN.search(text, end)
    if not contact.tty_number or after is None or after.start() - end > _TTY_WRITTEN_WITHIN:
        return False
    named = contacts.get(after.group(1))
    return named is not None and named.number_href == contact.tty_href


def expand_phone_tokens(
    answer_html: str, contacts: Mapping[str, ContactNumberRevision]
) -> SafeString:
    """Sanitised answer HTML with each token replaced by the live number's markup.

    Only text between tags is touched, so a token in an attribute stays inert text; everything
    around the tokens is passed through as the sanitiser left it.
    """
    parts = []
    open_tags = dict.fromkeys(_NO_LINK_INSIDE, 0)
    for piece in _TAG.split(answer_html or ""):
        tag = _TAG_NAME.match(piece)
        if tag:
            name = tag.group(2).lower()
            if name in open_tags:
                open_tags[name] = max(0, open_tags[name] + (-1 if tag.group(1) else 1))
            parts.append(piece)
        else:
            parts.append(_expand(piece, contacts, linkable=not any(open_tags.values())))
    # The input is the sanitiser's output and the replacements come from format_html.
    return mark_safe("".join(parts))


def html_to_text(fragment: str) -> str:
    """Markup as one line of plain text, the words a member reads."""
    return " ".join(html.unescape(_without_tags(fragment)).split())


def _without_tags(fragment: str) -> str:
    """Sanitised HTML with its tags taken out, its entities still escaped; blocks end in a
    space so that their words stay apart."""
    return _TAG.sub("", _BLOCK_TAG.sub(" ", fragment))


def answer_text(revision: EntryRevision, contacts: Mapping[str, ContactNumberRevision]) -> str:
    """The answer as plain text with its numbers written out (descriptions, structured data).
    Tags go first, so the numbers need no links: what is left reads the same, and a topic
    page writes 25 of these for its structured data."""
    text = _without_tags(revision.answer_html or "")
    return html_to_text(_expand(text, contacts, linkable=False))


def unknown_phone_tokens(source: str, known: Iterable[str]) -> list[str]:
    """Tokens in an editor's text that would not turn into a number, as the editor typed them."""
    known = set(known)
    return [
        match.group(0)
        for match in LOOSE_PHONE_TOKEN.finditer(source or "")
        if not PHONE_TOKEN.fullmatch(match.group(0)) or match.group(1) not in known
    ]


def _on_their_way(model, text_field: str, key: str, at) -> QuerySet:
    """Revisions of `model` whose `text_field` names the number and that members see now or
    are about to: live, submitted for review, or approved and waiting for their go-live."""
    parent = model.PARENT_FIELD
    # A translation whose English is not live counts too: it shows again, number and all,
    # when a new English version is approved (use_state says so).
    live = model.objects.live(at).values("pk")
    scheduled = Q(status=Status.APPROVED, go_live_at__gt=at) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=at)
    )
    return (
        model.objects.filter(**{f"{text_field}__contains": phone_token(key)})
        .filter(Q(pk__in=live) | Q(status=Status.SUBMITTED) | scheduled)
        .of_current_items(at)
        .select_related(parent)
    )


def answers_using(key: str, *, at=None) -> QuerySet[EntryRevision]:
    """Answers that use a number now or are on their way to members."""
    return _on_their_way(EntryRevision, "answer", key, at or timezone.now()).order_by(
        "entry__category__position", "entry__position", "entry_id", "-created_at"
    )


def notices_using(key: str, *, at=None) -> QuerySet[NoticeRevision]:
    """As answers_using, for the language assistance page's notices and taglines."""
    return _on_their_way(NoticeRevision, "body", key, at or timezone.now()).order_by(
        "notice__kind", "notice__position", "-created_at"
    )


def use_state(revision: EntryRevision | NoticeRevision, *, at=None) -> str:
    """How an answer from answers_using() stands, in words for editors."""
    at = at or timezone.now()
    if revision.status == Status.SUBMITTED:
        return "submitted for review"
    if revision.go_live_at > at:
        return f"goes live {timezone.localtime(revision.go_live_at):%m/%d/%Y}"
    if isinstance(revision, EntryRevision) and not (
        EntryRevision.objects.filter(pk=revision.pk).with_live_original(at).exists()
    ):
        return "not shown while no English version is live; shown again when one is"
    return "live"
