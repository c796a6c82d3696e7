from html.parser import HTMLParser

import pytest

from faq.markup import markup_unshown, render_markdown
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def dangerous_markup(html: str) -> list:
    """Elements that could run script: script-like tags, event handlers, javascript: URLs."""
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.elements:
        if tag == "script" and attrs.get("type") == "application/ld+json":
            continue  # a data block browsers never execute
        if tag in {"script", "iframe", "object", "embed", "img", "svg", "style"}:
            found.append(tag)
        for name, value in attrs.items():
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on") or value.startswith(("javascript:", "vbscript:", "data:")):
                found.append(f"{tag}[{name}]")
    return found


def test_lists_and_links_survive():
    html = render_markdown(
        "Call us:\n\n- [Find a provider](https://example.org/find)\n- Chest pain"
    )
    assert "<ul>" in html and "<li>Chest pain</li>" in html
    assert '<a href="https://example.org/find" rel="noopener noreferrer">' in html
    assert dangerous_markup(html) == []


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>Hello",
        "[click](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "<iframe src=https://evil.example></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_scripts_never_reach_the_html(source):
    assert dangerous_markup(render_markdown(source)) == []


def test_the_test_helper_does_catch_script(source='<a href="javascript:x" onclick="y">'):
    assert dangerous_markup(source + "<script></script>") == ["a[href]", "a[onclick]", "script"]


def test_hostile_answer_never_reaches_the_member_page(client):
    entry = make_entry(
        answer='Safe text.\n\n<script>alert("x")</script>\n\n[bad](javascript:alert(1))'
    )
    for url in (entry.get_absolute_url(), entry.category.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Safe text." in body
        assert dangerous_markup(body) == []


@pytest.mark.parametrize(
    ("source", "unshown"),
    [
        ("# A title", "a heading written with one, five or six #"),
        ("###### Small print", "a heading written with one, five or six #"),
        ("![Card](https://example.org/card.png)", "an image"),
        ("<details><summary>More</summary>Text</details>", "HTML such as “<details>”"),
        ("| Visit | Copay |\n| --- | --- |\n| PCP | $0 |", "a table"),
        ("| Visit |\n| --- |\n| PCP |", "a table"),
        ("Before <!-- a note for editors --> after", "HTML such as “<!--”"),
        ("<![CDATA[ x ]]>", "HTML such as “<![CDATA[”"),
        ("<?php echo 1; ?>", "HTML such as “<?php”"),
        ("<IMG SRC=x>", "HTML such as “<IMG SRC=x>”"),
        ("See [](https://example.org/forms).", "a link with no words"),
        ("See [ \u200b ](https://example.org/forms).", "a link with no words"),
        ("&nbsp;", "no words at all"),
        ("\u200b\u200b", "no words at all"),
        ("***", "no words at all"),
        ("> \n\n---", "no words at all"),
        ("[form]: https://example.org/form", "no words at all"),
        ("[click](javascript:alert(1))", "a link to a “javascript:” address"),
        ("[x](DATA:text/html,hi)", "a link to a “DATA:” address"),
        ("[files](ftp://example.org/forms)", "a link to a “ftp:” address"),
        ("[local](file:///etc/passwd)", "a link to a “file:” address"),
    ],
)
def test_markdown_members_would_not_see_as_written_is_named(source, unshown):
    (found,) = markup_unshown(source)
    assert found.startswith(unshown)


@pytest.mark.parametrize(
    "source",
    [
        "## Heading\n\n- a list\n- of | things\n\n---\n\nAge < 19 and > 2; `<b>` as code.",
        "```\n<div>| a | b |\n|---|---|\n```",
        "Write <your name> and <su nombre> on the form; 3 < 5 > 2.",
        "A rule:\n\n---\n\nand a - list - of | things",
        "[The `W-9` form](https://example.org/w9), <https://example.org> and [*it*](/es/).",
        "[Call](tel:+18003226027), [write](mailto:help@example.org), `[x](javascript:1)`.",
    ],
)
def test_markdown_members_see_as_written_passes(source):
    assert markup_unshown(source) == []


def test_demo_answers_and_notices_are_shown_as_written(demo_content):
    from faq.models import EntryRevision, NoticeRevision

    for revision in EntryRevision.objects.all():
        assert markup_unshown(revision.answer) == [], revision.question
    for revision in NoticeRevision.objects.all():
        assert markup_unshown(revision.body) == [], revision.title
