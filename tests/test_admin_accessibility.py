"""WCAG 2.1 AA on the admin pages editors and reviewers use, in a real Chromium."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.test_accessibility import WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 1280 px is a desktop; 320 px is WCAG's reflow width (a 1280 px screen at 400 % zoom).
WIDTHS = [1280, 320]

_axe = Axe()


def sign_in_as(page, site, username):
    """A session cookie, not the login form: test_browser signs in through the form already."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": site}])


@pytest.fixture
def admin_pages(live_server):
    """The demo content, an editor and a reviewer, and the pages each of them works on."""
    from faq.approvals import revision_submit
    from faq.demo.loader import demo_content_load
    from faq.models import Category, ContactNumber, Entry
    from tests.factories import add_revision, make_user

    demo_content_load()
    make_user(role="editor", username="erin")
    make_user(role="reviewer", username="rob")
    entry = Entry.objects.get(slug="lost-member-id-card")
    submitted = add_revision(entry, answer="A new card will be sent out within 7 to 10 days.")
    revision_submit(revision=submitted, by=None)
    translation = entry.revisions.live().exclude(language="en").get()
    category = Category.objects.filter(translations__isnull=False).first()
    contact = ContactNumber.objects.get(key="member-services")  # used in answers and notices
    pages = {
        "erin": {
            "categories": "/admin/faq/category/",
            "category": f"/admin/faq/category/{category.pk}/change/",
            "contact-number": f"/admin/faq/contactnumber/{contact.pk}/change/",
            "entry": f"/admin/faq/entry/{entry.pk}/change/",
        },
        "rob": {
            # The version waiting for review, with the decision form.
            "revision": f"/admin/faq/entryrevision/{submitted.pk}/change/",
            # With a translation, which quotes its original.
            "review": f"/admin/faq/entryrevision/review/?ids={submitted.pk},{translation.pk}",
            "compliance-report": "/admin/faq/approval/report/",
        },
    }
    return live_server.url, pages


# One test and one browser page for every admin page and width: the demo content takes
# seconds to load, more than the checks themselves.
def test_admin_pages_have_no_wcag_aa_violations_and_reflow(page, admin_pages):
    site, pages = admin_pages
    violations, too_wide = {}, {}
    for username, urls in pages.items():
        sign_in_as(page, site, username)
        for name, url in urls.items():
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            response = page.goto(site + url)
            assert (response.status, page.url) == (200, site + url), username  # not the login
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                key = f"{username} {name} {width}px"
                results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
                if results.violations_count:
                    violations[key] = results.generate_report()
                if (scroll_width := page.evaluate("document.documentElement.scrollWidth")) > width:
                    too_wide[key] = scroll_width
    reports = [f"{key}:\n{report}" for key, report in violations.items()]
    if too_wide:
        reports.append(f"Scrolls sideways (page width in px): {too_wide}")
    assert not reports, "\n\n".join(reports)


DESCRIPTIONS = """() => [...document.querySelectorAll('#content-main [aria-describedby]')].map(
  el => ({
    name: el.getAttribute('name') || el.querySelector('legend')?.textContent,
    described: el.getAttribute('aria-describedby').split(/\\s+/).map(
        id => document.getElementById(id)?.textContent.trim() ?? `missing #${id}`
    ),
  })
)"""


def test_a_reviewers_help_and_errors_are_read_with_their_fields(page, admin_pages):
    """A screen reader reads a field's help and its error with the field (WCAG 1.3.1, 3.3.1):
    each aria-describedby names text on the page, and the decision's radio buttons, a group
    of their own, have their error read with the group."""
    site, pages = admin_pages
    sign_in_as(page, site, "rob")
    page.goto(site + pages["rob"]["revision"])
    with page.expect_navigation():
        page.get_by_role("button", name="Record decision").click()  # no decision chosen
    described = {d["name"]: d["described"] for d in page.evaluate(DESCRIPTIONS)}
    assert described["Decision"] == ["This field is required."]
    assert described["comment"] == ["Required to reject: the author reads it."]
    assert described["approved_on"] == [
        "The state's approval date. May be in the past; not in the future."
    ]
    assert not [d for d in described.values() if any(t.startswith("missing #") for t in d)]


def test_a_reviewer_hears_a_translations_words_in_their_language(page, admin_pages):
    """The words a reviewer approves in a translation are marked with their language, as the
    original it quotes is, so a screen reader reads Spanish as Spanish (WCAG 3.1.2); the
    field names and an English version's words stay in the page's English."""
    site, pages = admin_pages
    sign_in_as(page, site, "rob")
    page.goto(site + pages["rob"]["review"])
    boxes = page.locator(".review-box").filter(has=page.locator(".review-diff"))
    spanish = boxes.filter(has=page.locator(".translation-source")).locator(".review-diff")
    english = boxes.filter(has_not=page.locator(".translation-source")).locator(".review-diff")
    expect(spanish.locator("td.diff").first).to_have_attribute("lang", "es")
    expect(spanish.locator("td.diff[lang=es]")).to_have_count(2)  # the question and answer
    expect(spanish.locator("th[lang]")).to_have_count(0)
    expect(english.locator("[lang]")).to_have_count(0)
