"""Approval letters open through the admin, for staff who may view approvals, and nobody else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import make_approval, make_user

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.4\n% the state's approval letter\n"


@pytest.fixture
def approval(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_approval(letter=SimpleUploadedFile("letter.pdf", LETTER))


def letter_url(approval):
    return reverse("admin:faq_approval_letter", args=[approval.pk])


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_staff_who_may_view_approvals_download_the_letter(client, approval, role):
    client.force_login(make_user(role=role))
    page = client.get(reverse("admin:faq_approval_change", args=[approval.pk]))
    assertContains(page, f'href="{letter_url(approval)}"')
    assertNotContains(page, approval.letter.url)
    response = client.get(letter_url(approval))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LETTER
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'


def test_members_and_anonymous_visitors_cannot_get_the_letter(client, approval):
    login = reverse("admin:login")
    assertRedirects(client.get(letter_url(approval)), f"{login}?next={letter_url(approval)}", 302)
    assert client.get(approval.letter.url).status_code == 404  # no public media directory
    client.force_login(make_user(is_staff=False))
    response = client.get(letter_url(approval))
    assert response.status_code == 302 and response["Location"].startswith(login)


def test_staff_without_the_view_permission_are_refused(client, approval):
    client.force_login(make_user())
    assert client.get(letter_url(approval)).status_code == 403


def test_a_missing_letter_file_is_explained(client, approval):
    approval.letter.storage.delete(approval.letter.name)
    client.force_login(make_user(role="reviewer"))
    response = client.get(letter_url(approval), follow=True)
    assertRedirects(response, reverse("admin:faq_approval_change", args=[approval.pk]))
    assertContains(response, "its file is missing from the letter storage")


def test_an_approval_without_a_letter_says_so(client):
    approval = make_approval()
    client.force_login(make_user(role="reviewer"))
    page = client.get(reverse("admin:faq_approval_change", args=[approval.pk]))
    assertContains(page, "No letter was recorded with this approval.")
    response = client.get(letter_url(approval), follow=True)
    assertContains(response, "No letter was recorded with this approval.")


def test_a_reviewer_uploads_the_letter_with_the_decision_and_can_open_it(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from faq.approvals import revision_submit
    from tests.factories import add_revision, make_entry

    draft = add_revision(make_entry(), answer="New words.", by=make_user(role="editor"))
    revision_submit(revision=draft, by=None)
    client.force_login(make_user(role="reviewer"))
    url = reverse("admin:faq_entryrevision_review") + f"?ids={draft.pk}"
    decision = {
        "decision": "approve",
        "material_id": "MOC26009",
        "approving_body": "MO HealthNet Division",
        "approved_on": "2026-03-02",
        "letter": SimpleUploadedFile("moc26009.pdf", LETTER),
    }
    assert client.post(url, decision).status_code == 302
    draft.refresh_from_db()
    response = client.get(letter_url(draft.approval))
    assert b"".join(response.streaming_content) == LETTER


def test_recording_an_approval_by_hand_still_takes_a_letter(client):
    client.force_login(make_user(role="reviewer"))
    response = client.get(reverse("admin:faq_approval_add"))
    assertContains(response, 'type="file" name="letter"')


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("letter.html", b"<script>alert(1)</script>", "File extension"),
        ("evil.exe", b"MZ\x90\x00", "File extension"),
        ("letter.pdf", b"not a pdf at all", "this file is not one"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024), "the limit is 20 MB"),
        ("l" * 200 + ".pdf", LETTER, "at most 100 characters"),
    ],
    ids=["html", "program", "named pdf", "too big", "long name"],
)
@pytest.mark.parametrize("form", ["review", "approval"])
def test_a_letter_that_is_not_a_reasonable_pdf_is_refused_on_both_forms(
    client, settings, tmp_path, name, content, error, form
):
    from faq.approvals import revision_submit
    from faq.models import Approval
    from tests.factories import add_revision, make_entry

    settings.MEDIA_ROOT = tmp_path
    draft = add_revision(make_entry(), answer="New words.", by=make_user(role="editor"))
    revision_submit(revision=draft, by=None)
    client.force_login(make_user(role="reviewer"))
    fields = {"material_id": "MOC26010", "approving_body": "MO HealthNet Division",
              "approved_on": "2026-03-02", "notes": "",
              "letter": SimpleUploadedFile(name, content)}  # fmt: skip
    if form == "review":
        url = reverse("admin:faq_entryrevision_review") + f"?ids={draft.pk}"
        response = client.post(url, {"decision": "approve", **fields})
    else:
        response = client.post(reverse("admin:faq_approval_add"), fields)
    assertContains(response, error, status_code=response.status_code)
    assert response.status_code in (200, 400)
    assert not Approval.objects.filter(material_id="MOC26010").exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_letter_of_an_approval_refused_with_its_review_is_not_kept(client, settings, tmp_path):
    from faq.approvals import revision_submit
    from faq.models import Approval, Status
    from tests.factories import add_revision, make_entry

    settings.MEDIA_ROOT = tmp_path
    editor = make_user(role="editor")
    ready = revision_submit(revision=add_revision(make_entry(), answer="New.", by=editor), by=None)
    draft = add_revision(make_entry(), answer="Not submitted.", by=editor)
    client.force_login(make_user(role="reviewer"))
    review = reverse("admin:faq_entryrevision_review") + f"?ids={ready.pk},{draft.pk}"
    data = {"decision": "approve", "comment": "", "material_id": "MOC26013",
            "approving_body": "MO HealthNet Division", "approved_on": "2026-03-02",
            "letter": SimpleUploadedFile("letter.pdf", LETTER)}  # fmt: skip
    refused = client.post(review, data)
    assertContains(refused, f"#{draft.pk} (“", status_code=400)
    assert not Approval.objects.filter(material_id="MOC26013").exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []

    ready.refresh_from_db()
    assert ready.status == Status.SUBMITTED
    data["letter"] = SimpleUploadedFile("letter.pdf", LETTER)
    review = reverse("admin:faq_entryrevision_review") + f"?ids={ready.pk}"
    assert client.post(review, data).status_code == 302
    kept = Approval.objects.get(material_id="MOC26013")
    assert [path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()] == [LETTER]
    assert (tmp_path / kept.letter.name).read_bytes() == LETTER


def test_a_letter_just_over_the_limit_is_not_said_to_be_at_it():
    from django.core.exceptions import ValidationError

    from faq.models import letter_is_a_pdf

    just_over = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        letter_is_a_pdf(just_over)
    assert refused.value.messages[0].startswith("The letter is 20.1 MB; the limit is 20 MB.")
