import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from faq.demo.loader import demo_content_load
from faq.models import (
    Approval,
    AuditEvent,
    Category,
    CategoryTranslation,
    ContactNumber,
    ContactNumberRevision,
    ContactNumberTranslation,
    Entry,
    EntryRevision,
    Notice,
    NoticeRevision,
    SearchSynonym,
    SearchWord,
)

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_abd39377d004b80b.txt"
MODELS = [
    Category,
    Entry,
    EntryRevision,
    ContactNumber,
    ContactNumberRevision,
    Approval,
    AuditEvent,
    SearchSynonym,
    SearchWord,
    CategoryTranslation,
    ContactNumberTranslation,
    Notice,
    NoticeRevision,
]


def site_text(client) -> str:
    """The words of every public page, tags removed, as a member would read them."""
    pages = [reverse("faq:index"), reverse("faq:contact")]
    pages += [c.get_absolute_url() for c in Category.objects.all()]
    pages += [e.get_absolute_url() for e in Entry.objects.all()]
    text = " ".join(client.get(url).content.decode() for url in pages)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_loading_twice_changes_nothing():
    first = demo_content_load()
    counts = {model: model.objects.count() for model in MODELS}
    second = demo_content_load()
    assert (first.categories, first.entries, first.contacts, first.approvals) == (5, 9, 6, 3)
    # 5 topic names, 6 number labels and 9 questions in Spanish; 2 notices, 20 taglines.
    assert (first.translations, first.notices) == (20, 22)
    assert str(second) == "Demo content already loaded; nothing changed."
    assert counts == {model: model.objects.count() for model in MODELS}


def test_loader_never_overwrites_an_editors_work(demo_content):
    from tests.factories import add_revision

    entry = Entry.objects.get(slug="what-is-a-pcp")
    add_revision(entry, answer="Edited by an editor.")
    demo_content_load()
    assert entry.revisions.originals().count() == 2
    assert entry.revisions.originals().order_by("-pk").first().answer == "Edited by an editor."
    assert entry.revisions.filter(language="es").count() == 1


@pytest.mark.skipif(not SEED.exists(), reason="the seed page is not beside the project")
def test_every_seed_question_and_sentence_is_on_the_site(demo_content, client):
    text = site_text(client)
    seed = SEED.read_text(encoding="utf-8")
    body = seed.split("For More Frequently Asked Questions")[0]
    blocks = re.split(r"^Q: ", body, flags=re.MULTILINE)[1:]
    questions = [block.split("\n", 1)[0] for block in blocks]
    answers = [re.split(r"^A:\s", block, maxsplit=1, flags=re.MULTILINE)[1] for block in blocks]
    assert len(questions) == len(answers) == 9
    for question in questions:
        assert question.strip() in text
    for answer in answers:
        for line in answer.splitlines():
            line = re.sub(r"\s+", " ", line).strip(" •")
            for sentence in re.split(r"(?<=[.?!:])\s+", line):
                if sentence:
                    assert sentence in text, sentence


def test_every_seed_phone_number_is_a_working_tel_link(demo_content, client):
    body = client.get(reverse("faq:contact")).content.decode()
    assert '<a class="phone" href="tel:+18003226027">1-800-322-6027</a>' in body
    assert '<a class="phone" href="tel:+18003486627">1-800-348-6627</a>' in body
    assert '<a class="phone" href="tel:911">911</a>' in body


def test_demo_stamp_is_the_seed_footer(demo_content, client):
    for url in (reverse("faq:index"), "/questions/lost-member-id-card/"):
        body = client.get(url).content.decode()
        assert "State Approved: 06/22/2016 MOC16078 Last Updated On: 10/6/2020" in body
    # The contact page also lists the relay and civil-rights numbers the language assistance
    # page names, approved with it.
    body = client.get(reverse("faq:contact")).content.decode()
    assert (
        "State Approved: 06/22/2016 MOC16078; 10/06/2020 MOC-LA-DEMO Last Updated On: 10/6/2020"
        in body
    )


def test_demo_records_the_edit_after_approval_honestly(demo_content):
    approval = Approval.objects.get(material_id="MOC16078")
    assert approval.approved_on.isoformat() == "2016-06-22"
    assert "after this approval" in approval.notes
    revision = EntryRevision.objects.originals().get(entry__slug="what-is-a-pcp")
    assert revision.approval == approval
    assert revision.go_live_at.date().isoformat() == "2020-10-06"
    assert revision.created_at.date() > approval.approved_on
