"""Word-level differences between two versions of a text, as escaped HTML for reviewers."""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|\S+\s*")


def inline_diff(old: str, new: str) -> SafeString:
    """Deleted words in <del>, added words in <ins>; every piece of text is escaped."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(a[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(b[b1:b2]))}</ins>")
    return mark_safe("".join(parts))


def choice_diff(old: str, new: str) -> SafeString:
    """One choice replaced by another, each whole: "Left to right" is no edit of words."""
    if old == new:
        return escape(new)
    if not old:
        return format_html("<ins>{}</ins>", new)
    return format_html("<del>{}</del> <ins>{}</ins>", old, new)


def revision_diff(live, revision) -> list[tuple[str, SafeString, bool, str]]:
    """(field label, diff HTML, changed?, language of its words) for each member-visible
    field; a choice (a notice's direction) by its label, in the admin's words (language "").
    The language lets a screen reader read a translation's words in their own voice."""
    language = getattr(revision, "language", "")  # contact numbers are not translated
    rows = []
    for name in revision.CONTENT_FIELDS:
        field = revision._meta.get_field(name)
        label = field.verbose_name.capitalize()
        if field.choices:
            old = getattr(live, f"get_{name}_display")() if live is not None else ""
            new = getattr(revision, f"get_{name}_display")()
            rows.append((label, choice_diff(str(old), str(new)), old != new, ""))
            continue
        old = str(getattr(live, name)) if live is not None else ""
        new = str(getattr(revision, name))
        rows.append((label, inline_diff(old, new), old != new, language))
    return rows
