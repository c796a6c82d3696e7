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


def test_a_translation_members_no_longer_read_is_not_counted(client, monkeypatch):
    import datetime

    from django.utils import timezone

    from tests.factories import (
        add_revision,
        add_translation,
        make_contact,
        make_entry,
        make_user,
        publish,
    )

    contact = make_contact(key="pharmacy")
    entry = make_entry(answer="Call the pharmacy: [[phone:pharmacy]].")
    add_translation(entry, answer="Llame a la farmacia: [[phone:pharmacy]].")
    soon = timezone.now() + datetime.timedelta(minutes=1)
    publish(add_revision(entry, expires_at=soon))
    client.force_login(make_user(role="editor"))

    def counted() -> str:
        listing = client.get(reverse("admin:faq_contactnumber_changelist")).content.decode()
        change = reverse("admin:faq_contactnumber_change", args=[contact.pk])
        row = re.search(rf'<a href="{change}">.*?</tr>', listing, re.S).group(0)
        return re.search(r'class="field-uses">(\d+)<', row).group(1)

    assert counted() == "2"  # the English and its translation
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert counted() == "0"
