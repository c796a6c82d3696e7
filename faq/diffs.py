"""Word-level differences between two versions of a text, as escaped HTML for reviewers."""

import difflib
import re

from django.utils.html import escape
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


def _shown(revision, name: str) -> str:
    """A field's value as reviewers read it: a choice (a notice's direction) by its label."""
    if revision._meta.get_field(name).choices:
        return str(getattr(revision, f"get_{name}_display")())
    return str(getattr(revision, name))


def revision_diff(live, revision) -> list[tuple[str, SafeString, bool]]:
    """(field label, diff HTML, changed?) for each member-visible field."""
    rows = []
    for name in revision.CONTENT_FIELDS:
        label = revision._meta.get_field(name).verbose_name.capitalize()
        old = _shown(live, name) if live is not None else ""
        new = _shown(revision, name)
        rows.append((label, inline_diff(old, new), old != new))
    return rows
