"""What members and editors see, in a real Chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from faq.demo.loader import demo_content_load

    demo_content_load()
    return live_server.url


def test_member_opens_home_and_follows_a_question(page, site):
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frequently Asked Questions")
    page.get_by_role("link", name="What if I lose my Missouri Care member ID card?").click()
    expect(page).to_have_url(site + "/questions/lost-member-id-card/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What if I lose my Missouri Care member ID card?"
    )
    expect(page.get_by_text("A new card will be sent out right away.")).to_be_visible()
    expect(page.locator("footer .stamp")).to_have_text(
        "State Approved: 06/22/2016 MOC16078 Last Updated On: 10/6/2020"
    )
    member_services = page.locator("header a.phone")
    expect(member_services).to_have_attribute("href", "tel:+18003226027")


def test_a_printed_page_gives_the_addresses_of_its_footer_links(page, site):
    page.goto(site + "/questions/lost-member-id-card/")
    page.emulate_media(media="print")
    help_link = page.locator("footer .language-help a")
    after = help_link.evaluate("link => getComputedStyle(link, '::after').content")
    assert after == f'" ({site}/language-assistance/)"', after
    assert help_link.get_attribute("data-address") == f"{site}/language-assistance/"
    expect(page.locator("footer .paper-copy")).to_be_hidden()
    page.emulate_media(media="screen")
    assert help_link.evaluate("link => getComputedStyle(link, '::after').content") == "none"


def test_a_printed_notice_gives_the_address_of_the_links_it_names(page, site):
    """On paper, "Online: Office for Civil Rights Complaint Portal" named no place to go: the
    notice of nondiscrimination's links printed as their words alone."""
    for path, name in [
        ("/language-assistance/", "Office for Civil Rights Complaint Portal"),
        ("/es/language-assistance/", "Portal de quejas de la Oficina de Derechos Civiles"),
    ]:
        page.goto(site + path)
        portal = page.locator(".notice").get_by_role("link", name=name)
        page.emulate_media(media="print")
        after = portal.evaluate("link => getComputedStyle(link, '::after').content")
        assert after == '" (https://ocrportal.hhs.gov/ocr/portal/lobby.jsf)"', after
        # Its numbers print as they read: written out already.
        number = page.locator(".notice a.phone").first
        assert number.evaluate("link => getComputedStyle(link, '::after').content") == "none"
        page.emulate_media(media="screen")
        assert portal.evaluate("link => getComputedStyle(link, '::after').content") == "none"


def sign_in(page, site, username):
    from tests.factories import PASSWORD

    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Help center", exact=True).first).to_be_visible()


def edit_and_submit(page, site, new_words):
    sign_in(page, site, "erin")
    page.goto(site + "/admin/faq/entry/")
    page.get_by_role("link", name="What if I lose my Missouri Care member ID card?").click()
    answer = page.locator("#id_answer")
    answer.fill(answer.input_value().replace("right away.", new_words))
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()


def member_sees(page, site, text, stamp):
    page.goto(site + "/questions/lost-member-id-card/")
    expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("footer .stamp")).to_have_text(stamp)


SEED_STAMP = "State Approved: 06/22/2016 MOC16078 Last Updated On: 10/6/2020"


@pytest.fixture
def team(site):
    from tests.factories import make_user

    make_user(role="editor", username="erin")
    make_user(role="reviewer", username="rob")
    return site


def open_review(page, site):
    sign_in(page, site, "rob")
    page.goto(site + "/admin/faq/entryrevision/?status__exact=submitted")
    page.get_by_role("link", name="What if I lose my Missouri Care member ID card?").click()
    expect(page.locator(".diff del")).to_have_text("right away. ")
    expect(page.locator(".diff ins")).to_have_text("within 7 to 10 days. ")


def test_edit_review_approve_story(page, team):
    site = team
    edit_and_submit(page, site, "within 7 to 10 days.")
    member_sees(page, site, "A new card will be sent out right away.", SEED_STAMP)

    open_review(page, site)
    page.get_by_role("radio", name="Approve").check()
    page.get_by_label("Material ID").fill("MOC26114")
    page.get_by_label("State tracking number").fill("MO-26-0114")
    page.get_by_label("Approved on").fill("2026-11-20")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Approved 1 under MOC26114")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    from django.utils import timezone

    today = timezone.localdate()
    member_sees(
        page,
        site,
        "A new card will be sent out within 7 to 10 days.",
        "State Approved: 06/22/2016 MOC16078; 11/20/2026 MOC26114 "
        f"Last Updated On: {today.month}/{today.day}/{today.year}",
    )


def test_edit_review_reject_story(page, team):
    site = team
    edit_and_submit(page, site, "within 7 to 10 days.")
    open_review(page, site)
    page.get_by_role("radio", name="Reject").check()
    page.get_by_label("Comment").fill("Keep 'right away': the contract says so.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Rejected 1")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    member_sees(page, site, "A new card will be sent out right away.", SEED_STAMP)
    page.goto(site + "/questions/lost-member-id-card/")
    expect(page.locator("main")).not_to_contain_text("7 to 10 days")


def test_an_address_an_editor_renamed_still_leads_members_to_the_question(page, team):
    site = team
    sign_in(page, site, "erin")
    page.goto(site + "/admin/faq/entry/")
    page.get_by_role("link", name="What if I lose my Missouri Care member ID card?").click()
    page.get_by_label("Slug").fill("replace-member-id-card")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.goto(site + "/questions/lost-member-id-card/")
    expect(page).to_have_url(site + "/questions/replace-member-id-card/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What if I lose my Missouri Care member ID card?"
    )
    expect(page.locator("footer .stamp")).to_have_text(SEED_STAMP)
