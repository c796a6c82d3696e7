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
