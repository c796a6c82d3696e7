"""The contact numbers list and form count and list every live use, notices included."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from faq.models import ContactNumber, Notice

pytestmark = pytest.mark.django_db


def test_relay_counts_the_taglines_and_the_notice_that_use_it(client, demo_content):
    from tests.factories import make_user

    client.force_login(make_user(role="editor"))
    relay = ContactNumber.objects.get(key="relay")
    notices = Notice.objects.filter(revisions__body__contains="[[phone:relay]]").distinct()
    assert notices.count() >= 21  # the 20 taglines and the notice of nondiscrimination
    listing = client.get(reverse("admin:faq_contactnumber_changelist"))
    assertContains(listing, "Used in live answers and notices")
    row = re.search(
        rf'<a href="{reverse("admin:faq_contactnumber_change", args=[relay.pk])}">.*?</tr>',
        listing.content.decode(),
        re.S,
    ).group(0)
    assert re.search(rf'class="field-uses">{notices.count()}<', row)
    change = client.get(reverse("admin:faq_contactnumber_change", args=[relay.pk]))
    assertContains(change, "Answers and notices that name [[phone:relay]]")
    tagline = notices.get(kind="tagline", language="ar")
    assertContains(change, reverse("admin:faq_notice_change", args=[tagline.pk]))
