"""Editor Markdown to member HTML: CommonMark, then an allow-list sanitiser."""

import re
from html import unescape

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def markdown_tokens(source: str) -> list:
    """An editor's Markdown as CommonMark reads it, block by block, as render_markdown does."""
    return _markdown.parse(source or "")


def render_markdown(source: str) -> str:
    html = _markdown.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


# A table's rule row: dashes and pipes only, with a pipe ("| --- |" for one column).
_TABLE_RULE = re.compile(r"^(?=[^\n]*\|)(?=[^\n]*-{3})[ \t|:-]+$", re.MULTILINE)
# HTML by its elements' names, so that "<your name>" or "<su nombre>" stays a placeholder;
# and comments, CDATA and processing instructions, which members would see as typed.
_HTML_ELEMENTS = (
    "a|abbr|address|article|aside|audio|b|big|blockquote|body|br|button|caption|center|cite|"
    "code|col|dd|del|details|dfn|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|"
    "form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|kbd|label|li|link|main|mark|meta|"
    "nav|object|ol|option|p|picture|pre|q|s|samp|script|section|select|small|source|span|"
    "strike|strong|style|sub|summary|sup|svg|table|tbody|td|textarea|tfoot|th|thead|title|tr|"
    "tt|u|ul|var|video|wbr"
)
_HTML_TAG = re.compile(
    rf"</?(?:{_HTML_ELEMENTS})(?=[\s/>])[^<>]*>|<!--|<!\[CDATA\[|<\?[A-Za-z]+", re.IGNORECASE
)


# What a reader never sees as a word: spaces, zero-width characters, a soft hyphen.
_INVISIBLE = re.compile("[\\s\u00ad\u200b-\u200d\u2060\ufeff]")


def _empty_link(tokens) -> bool:
    """Whether a link has no words: members, and screen readers, find nothing to tap."""
    for token in tokens:
        words = None
        for child in token.children or ():
            if child.type == "link_open":
                words = ""
            elif child.type == "link_close":
                if not _INVISIBLE.sub("", words):
                    return True
                words = None
            elif words is not None:
                words += child.content
    return False


# A link's address with a scheme ("javascript:", "ftp:"); relative addresses have none.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_PHONE_SCHEMES = {"sms", "callto", "facetime", "facetime-audio"}
# Links CommonMark leaves as typed text, whatever the sanitiser would allow after it.
_REFUSED_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|file|data):)", re.IGNORECASE)


def _unopenable_link(tokens, text: str) -> str:
    """A link's scheme members could not open: CommonMark leaves "javascript:" links as
    typed text, and the sanitiser takes the address off any other not in URL_SCHEMES."""
    if refused := _REFUSED_LINK.search(text):
        return refused.group(1)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                scheme = _SCHEME.match(child.attrs.get("href", ""))
                # Links to phone numbers are refused apart, with their own words (forms.py).
                if scheme and scheme.group(1).lower() not in URL_SCHEMES | _PHONE_SCHEMES:
                    return f"{scheme.group(1)}:"
    return ""


def markup_unshown(source: str) -> list[str]:
    """What of an editor's Markdown members would not see as the editor meant it: what the
    sanitiser drops (a level-1, -5 or -6 heading, an image), a link with no words to tap,
    a text with no words at all, or what shows as typed (HTML
    tags, a table), in words for the editor."""
    found = []
    tokens = markdown_tokens(source)
    headings = {token.tag for token in tokens if token.type == "heading_open"}
    if headings & {"h1", "h5", "h6"}:
        found.append("a heading written with one, five or six # (use ## to ####)")
    if any(child.type == "image" for token in tokens for child in token.children or ()):
        found.append("an image (members see nothing in its place)")
    if _empty_link(tokens):
        found.append("a link with no words, such as “[](https://…)” (members see nothing to tap)")
    code = {token.content for token in tokens if token.type in ("code_block", "fence")}
    code |= {
        child.content
        for token in tokens
        for child in token.children or ()
        if child.type == "code_inline"
    }
    text = source or ""
    for snippet in code:
        text = text.replace(snippet, " ")
    if tag := _HTML_TAG.search(text):
        found.append(f"HTML such as “{tag.group(0)[:40]}” (members see it as typed; use Markdown)")
    if _TABLE_RULE.search(text):
        found.append("a table (members see its | and - as typed; use a list)")
    if scheme := _unopenable_link(tokens, text):
        found.append(
            f"a link to a “{scheme}” address (members cannot open it; use https://, mailto: "
            "or tel:)"
        )
    shown = unescape(re.sub(r"<[^>]*>", "", render_markdown(source)))
    if not found and not _INVISIBLE.sub("", shown):  # an image alone is named already
        found.append(
            "no words at all, only spaces, invisible characters or rules (members read nothing)"
        )
    return found
