"""Secure by default: response headers, cookies, admin sign-in lockout, the deploy checklist."""

import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings as django_settings
from django.contrib import admin
from django.db import OperationalError
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertTemplateUsed

from tests.factories import (
    PASSWORD,
    add_revision,
    make_contact,
    make_contact_number,
    make_entry,
    make_user,
    publish,
)

ROOT = Path(__file__).resolve().parents[1]

CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
DENIED_FEATURES = {
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def boom(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection refused")


# This module doubles as a URLconf with views that fail, to reach the real 500 and 503 pages.
urlpatterns = [
    path("boom/", boom),
    path("es/boom/", boom),
    path("database-down/", database_down),
    path("admin/", admin.site.urls),
    path("", include("faq.urls")),
]
handler400 = "faq.views.bad_request"
handler500 = "faq.views.server_error"


def csp_directives(header: str) -> dict[str, list[str]]:
    """A policy as {directive: sources}: django-csp does not keep the directives in order."""
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def permissions_policy(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


PAGES = {
    "home": ("/", 200),
    "category": ("/topics/urgent-and-emergency-care/", 200),
    "question": ("/questions/lost-member-id-card/", 200),
    "contact": ("/contact/", 200),
    "search": ("/search/?q=card", 200),
    "not found": ("/no-such-page/", 404),
    "bad request": ("/search/?" + "&".join(f"f{n}=x" for n in range(1001)), 400),
    "server error": ("/boom/", 500),
    "database outage": ("/database-down/", 503),
    "admin sign-in": ("/admin/login/", 200),
    "admin": ("/admin/", 302),
}


@pytest.mark.urls("tests.test_security")
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.django_db
def test_every_page_type_carries_the_security_headers(demo_content, client, page):
    url, status = PAGES[page]
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    assert csp_directives(response["Content-Security-Policy"]) == CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    policy = permissions_policy(response["Permissions-Policy"])
    assert policy == dict.fromkeys(DENIED_FEATURES, "()")
    for name, value in HEADERS.items():
        assert response[name] == value, name


@pytest.mark.urls("tests.test_security")
@pytest.mark.parametrize("url, status", [("/boom/", 500), ("/es/boom/", 500),
                                         ("/database-down/", 503)])  # fmt: skip
@pytest.mark.django_db
def test_error_pages_give_the_number_in_english_and_spanish(demo_content, client, url, status):
    client.raise_request_exception = False
    client.get("/")  # the app learns Member Services' number while the database answers
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert '<section lang="es"' in body and "llame al <a" in body
    assert body.count('href="tel:+18003226027"') == 2
    assert "Traceback" not in body


@pytest.mark.urls("tests.test_security")
@pytest.mark.parametrize("url, status", [("/boom/", 500), ("/database-down/", 503)])
@pytest.mark.django_db
def test_error_pages_give_member_services_tty_beside_its_number(demo_content, client, url, status):
    """A member who is deaf read the 500 and the outage page without the TTY number that
    every other page gives beside Member Services' number."""
    from faq.models import ContactNumber

    publish(add_revision(ContactNumber.objects.get(key="member-services"), tty_number="711"))
    client.raise_request_exception = False
    client.get("/")
    body = client.get(url).content.decode()
    tty = '(TTY: <a class="phone" href="tel:711">711</a>)'
    assert body.count(f'href="tel:+18003226027">1-800-322-6027</a> {tty}') == 2  # es and en


@pytest.mark.urls("tests.test_security")
@pytest.mark.django_db
def test_an_outage_page_gives_the_tty_another_app_server_saw(client, monkeypatch):
    from django.core.cache import cache

    from faq import contacts

    make_contact_number(
        key="member-services", label="Member Services", number="+18003226027", tty_number="711"
    )
    monkeypatch.setattr(contacts, "_last_known", {})  # this process's own copy: ours alone
    client.raise_request_exception = False
    client.get("/")
    contacts._last_known.clear()  # as on a server that has not read the number itself
    assertContains(client.get("/database-down/"), 'href="tel:711"', count=2, status_code=503)
    # A copy kept before the TTY was (label, number, link) still gives the number.
    cache.set(
        contacts.LAST_KNOWN_CACHE_KEY, ("Member Services", "1-800-322-6027", "tel:+18003226027")
    )
    response = client.get("/database-down/")
    assertContains(response, 'href="tel:+18003226027"', count=2, status_code=503)
    assert "TTY" not in response.content.decode()


def assert_friendly_error_page(response, status):
    assert response.status_code == status
    body = response.content.decode()
    assert '<section lang="es"' in body and "llame al <a" in body
    assert body.count('href="tel:+18003226027"') == 2
    assert 'href="tel:911"' in body and 'href="/"' in body
    assert "página principal del centro de ayuda</a>" in body  # the Spanish part's home link
    assert "Traceback" not in body and "Django" not in body


@pytest.mark.urls("tests.test_security")
@pytest.mark.parametrize(
    "url, headers",
    [
        ("/", {"HTTP_HOST": "help.example.org.attacker.example"}),
        ("/search/?" + "&".join(f"f{n}=x" for n in range(1001)), {}),
    ],
    ids=["unknown host", "too many fields"],
)
@pytest.mark.django_db
def test_a_request_django_refuses_gets_the_friendly_400(demo_content, client, url, headers):
    client.get("/")
    assert_friendly_error_page(client.get(url, **headers), 400)


@pytest.mark.parametrize(
    "path", ["//evil.example/", "//evil.example/contact/", "//evil.example/es/"]
)
@pytest.mark.django_db
def test_a_not_found_page_never_links_to_another_site(client, path):
    # Browsers read an address that starts with // as another site's: the 404 for
    # //evil.example/ linked "Español" to //evil.example/es/, for anyone to send in a mail.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    body = response.content.decode()
    links = re.findall(r'<a href="([^"]*)"', body)
    assert links and not [link for link in links if link.startswith("//")]
    assert '<a href="/es/" lang="es"' in body  # the switch leads to the Spanish home page


@pytest.mark.django_db
def test_a_form_sent_without_its_token_says_nothing_was_saved_and_what_to_do(demo_content):
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert_friendly_error_page(response, 403)
    assertContains(response, "Nothing was sent or saved", status_code=403)
    assertContains(response, "reload the page", status_code=403)
    # Each language's part leads to its own home page.
    assertContains(response, '<a href="/es/">página principal del centro', status_code=403)
    # The member who posts to a public page is told the same, not shown Django's page.
    response = client.post("/questions/lost-member-id-card/", {"q": "card"})
    assert_friendly_error_page(response, 403)


def test_the_csp_allows_exactly_the_inline_style_django_admin_writes():
    """The one hash in style-src is the <style> block of Django's change list template."""
    template = Path(admin.__file__).parent / "templates" / "admin" / "change_list.html"
    blocks = re.findall(r"<style>(.*?)</style>", template.read_text(), re.DOTALL)
    assert len(blocks) == 1
    digest = base64.b64encode(hashlib.sha256(blocks[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CSP["style-src"]


class InlineCode(HTMLParser):
    """What a strict CSP would block: inline scripts, event handlers, style attributes, and
    <style> blocks whose hash the policy does not list."""

    def __init__(self, allowed_style_hashes):
        super().__init__()
        self.allowed = allowed_style_hashes
        self.found = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
        for name in ("href", "src", "action", "formaction"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        data_block = attrs.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and not attrs.get("src") and not data_block:
            self._in = "script"
        if tag == "style":
            self._in = "style"

    def handle_data(self, data):
        if self._in == "script" and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}</script>")
        if self._in == "style":
            digest = base64.b64encode(hashlib.sha256(data.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in self.allowed:
                self.found.append(f"<style>{data.strip()[:60]}</style>")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode(CSP["style-src"])
    parser.feed(html)
    return parser.found


@pytest.mark.django_db
def test_public_and_admin_pages_need_no_inline_script_or_style(demo_content, client):
    """The policy forbids inline code; the pages must not need any, or they would break."""
    urls = [url for url, status in PAGES.values() if status == 200]
    client.force_login(make_user(is_superuser=True))
    urls.append(reverse("admin:index"))
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    revision = make_entry(live=False).revisions.get()
    urls.append(reverse("admin:faq_entryrevision_review") + f"?ids={revision.pk}")
    urls += [reverse("admin:faq_compliance_report"), reverse("admin:faq_as_of")]
    checked = 0
    for url in urls:
        response = client.get(url)
        if response.status_code in (302, 403, 405):
            continue
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url
        checked += 1
    assert checked > 25


def production(**extra) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environ = {k: v for k, v in environ.items() if not k.startswith("HELPCENTER_")}
    return {
        **environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "help.example.org",
        # Never connected to: these checks need no database.
        "DATABASE_URL": "postgresql://helpcenter@127.0.0.1:1/helpcenter",
        "DJANGO_SETTINGS_MODULE": "helpcenter.settings",
        **extra,
    }


def run_python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_check_deploy_finds_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRODUCTION_RESPONSE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Production's hashed static names need collectstatic first; nothing here depends on them.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client(HTTP_HOST="help.example.org").get("/admin/login/", secure=True)
names = [n for n in dir(settings) if n.startswith(("SESSION_COOKIE_", "CSRF_COOKIE_", "SECURE_"))]
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "cookies": {name: dict(morsel) for name, morsel in response.cookies.items()},
    "settings": {name: getattr(settings, name) for name in names},
}, default=str))
"""


@pytest.fixture(scope="module")
def in_production():
    """What a production process answers, through its whole middleware stack."""
    return json.loads(run_python(PRODUCTION_RESPONSE, production()))


def test_production_sends_hsts_with_the_other_headers(in_production):
    assert in_production["status"] == 200
    headers = in_production["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert csp_directives(headers["Content-Security-Policy"]) == CSP
    for name, value in HEADERS.items():
        assert headers[name] == value, name


def test_production_cookies_are_secure_httponly_and_same_site(in_production):
    csrf = in_production["cookies"]["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    assert csrf["path"] == "/"
    assert not csrf["domain"]  # a __Host- cookie must be host-only
    production_settings = in_production["settings"]
    assert production_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE"):
        assert production_settings[name] is True, name
    assert production_settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_settings["SECURE_SSL_REDIRECT"] is True


PROBES = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="help.example.org", raise_request_exception=False)
print(json.dumps({path: client.get(path).status_code for path in ("/healthz", "/readyz", "/")}))
"""


def test_health_probes_over_plain_http_are_answered_not_redirected():
    # A load balancer or the kubelet asks the app itself, over HTTP: a redirect to HTTPS,
    # which nothing there serves, would take every app server out of rotation.
    statuses = json.loads(run_python(PROBES, production()))
    assert statuses == {"/healthz": 200, "/readyz": 503, "/": 301}  # no database here


@pytest.mark.django_db
def test_production_session_cookie_is_secure_httponly_and_same_site(
    client, settings, in_production
):
    for name, value in in_production["settings"].items():
        if name.startswith(("SESSION_COOKIE_", "CSRF_COOKIE_")):
            setattr(settings, name, value)
    make_user(username="sam")
    response = client.post("/admin/login/", {"username": "sam", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


CLIENT_IP = """
import json, django
django.setup()
from django.test import RequestFactory
from axes.helpers import get_client_ip_address
def ip(forwarded):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return get_client_ip_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", **extra))
print(json.dumps([ip(f) for f in %r]))
"""


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client"),
    [
        ("0", ["", "203.0.113.5"], ["10.0.0.9", "10.0.0.9"]),
        ("1", ["203.0.113.5", "6.6.6.6, 203.0.113.5"], ["203.0.113.5", "203.0.113.5"]),
        ("2", ["203.0.113.5, 10.0.0.8", "6.6.6.6, 203.0.113.5, 10.0.0.8"], ["203.0.113.5"] * 2),
    ],
)
def test_lockouts_count_the_address_the_outermost_trusted_proxy_saw(proxies, forwarded_for, client):
    """A client cannot pick its own address by sending X-Forwarded-For, nor share the
    proxy's address with everyone who does."""
    env = production(HELPCENTER_TRUSTED_PROXY_COUNT=proxies)
    assert json.loads(run_python(CLIENT_IP % (forwarded_for,), env)) == client


def sign_in(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


@pytest.mark.parametrize(
    "next_page", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/admin/faq/"]
)
@pytest.mark.django_db
def test_signing_in_leads_only_to_this_sites_pages(client, next_page):
    # A link to the sign-in page with another site's address after it: Django refuses to
    # go there, and went to /accounts/profile/ instead, a page this site does not have.
    make_user(username="nina")
    response = client.post(
        f"/admin/login/?next={next_page}", {"username": "nina", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == ("/admin/faq/" if next_page == "/admin/faq/" else "/admin/")


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_out_even_with_the_right_password(client, settings):
    make_user(username="rita")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        response = sign_in(client, "rita", "wrong")
        assert response.status_code == 200
        assertContains(response, "Please enter the correct username and password")

    response = sign_in(client, "rita", "wrong")
    assert response.status_code == 429
    assertTemplateUsed(response, "admin/lockout.html")
    assertContains(response, "Too many sign-in attempts", status_code=429)
    assertContains(response, "after 5 unsuccessful attempts", status_code=429)
    assertContains(response, "Please wait 15 minutes", status_code=429)

    response = sign_in(client, "rita", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    attempt = AccessAttempt.objects.get(username="rita")
    assert attempt.failures_since_start == limit + 1
    assert attempt.ip_address == "127.0.0.1"
    assert "wrong" not in attempt.post_data
    assert AccessFailureLog.objects.filter(username="rita", locked_out=True).count() == 2


@pytest.mark.django_db
def test_the_lockout_is_for_one_username_from_one_address(client):
    make_user(username="rita")
    make_user(username="rob")
    for _ in range(5):
        sign_in(client, "rita", "wrong")
    assert sign_in(client, "rita", PASSWORD).status_code == 429
    assert sign_in(client, "rita", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    client.logout()
    assert sign_in(client, "rob", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, settings):
    make_user(username="rita")
    for _ in range(5):
        sign_in(client, "rita", "wrong")
    assert sign_in(client, "rita", PASSWORD).status_code == 429
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == datetime.timedelta(minutes=15)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = sign_in(client, "rita", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_an_attempt_during_the_lockout_starts_the_wait_again(client):
    make_user(username="rita")
    for _ in range(5):
        sign_in(client, "rita", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=10))
    assert sign_in(client, "rita", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=10))
    assert sign_in(client, "rita", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_lockout_page_gives_no_hint_whether_the_username_exists(client):
    make_user(username="rita")
    pages = []
    for username in ("rita", "nobody-by-this-name"):
        for _ in range(5):
            response = sign_in(client, username, "wrong")
        assert response.status_code == 429
        pages.append(response.content)
    assert pages[0] == pages[1]
    assert b"rita" not in pages[0]


@pytest.mark.django_db
def test_sign_in_failures_are_visible_read_only_in_the_admin(client):
    make_user(username="rita")
    for _ in range(5):
        sign_in(client, "rita", "wrong")
    client.force_login(make_user(is_superuser=True))
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assertContains(response, "rita")
    response = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assertContains(response, "rita")
    attempt = AccessAttempt.objects.get()
    response = client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    assert response.context["adminform"].form.fields == {}  # every field is read-only
    assert client.get(reverse("admin:axes_accessattempt_add")).status_code == 403


@pytest.mark.django_db
def test_axes_comes_first_among_authentication_backends_and_last_in_middleware():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.MIDDLEWARE[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["entryrevision", "contactnumberrevision"])
def test_staff_who_may_not_view_revisions_cannot_read_them_on_the_review_page(client, model):
    entry = make_entry(live=False, question="Draft words nobody approved yet?")
    contact = make_contact(live=False, label="Draft number label")
    revision = (entry if model == "entryrevision" else contact).revisions.get()
    url = reverse(f"admin:faq_{model}_review") + f"?ids={revision.pk}"
    client.force_login(make_user())  # staff, in no group
    response = client.get(url)
    assert response.status_code == 403
    assert b"Draft" not in response.content
    client.force_login(make_user(role="editor"))
    assertContains(client.get(url), "Draft")


WATCH_POLICY = """
window.__blocked = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__blocked.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""
POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Permissions.Policy|Refused to", re.IGNORECASE)


@pytest.fixture
def watched_page(page):
    """A page that records what the policies blocked or could not parse."""
    page.context.add_init_script(WATCH_POLICY)
    page.policy_messages = []
    page.on(
        "console",
        lambda message: (
            POLICY_MESSAGE.search(message.text) and page.policy_messages.append(message.text)
        ),
    )
    return page


def blocked(page) -> list[str]:
    return page.evaluate("window.__blocked") + page.policy_messages


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_in_chromium_under_the_policies(watched_page, live_server):
    from faq.demo.loader import demo_content_load

    page, site = watched_page, live_server.url
    demo_content_load()
    make_user(username="root", is_superuser=True)
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + "/admin/")

    # Admin scripts run: the slug follows the name as it is typed (prepopulate.js).
    page.goto(site + reverse("admin:faq_category_add"))
    page.locator("#id_name").press_sequentially("Dental care")
    assert page.get_by_label("Slug").input_value() == "dental-care"

    revision = make_entry(live=False).revisions.get()
    urls = [
        reverse("admin:index"),
        reverse("admin:faq_compliance_report"),
        reverse("admin:faq_as_of"),
        reverse("admin:faq_entryrevision_review") + f"?ids={revision.pk}",
    ]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    problems = {}
    for url in urls:
        response = page.goto(site + url)
        assert response.status == 200, url
        if found := blocked(page):
            problems[url] = found
        page.policy_messages.clear()
    assert problems == {}

    # The review page's styles come from static/css/admin.css, not inline <style>.
    page.goto(site + reverse("admin:faq_entryrevision_review") + f"?ids={revision.pk}")
    border = page.locator(".review-box").first.evaluate("e => getComputedStyle(e).borderTopStyle")
    assert border == "solid"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_locked_out_editor_sees_the_friendly_page_in_chromium(watched_page, live_server):
    page, site = watched_page, live_server.url
    make_user(username="erin")
    for _ in range(5):
        page.goto(site + "/admin/login/")
        page.get_by_label("Username").fill("erin")
        page.get_by_label("Password").fill("not my password")
        with page.expect_response(lambda r: r.request.method == "POST") as response:
            page.get_by_role("button", name="Log in").click()
    assert response.value.status == 429
    assert page.get_by_role("heading", name="Too many sign-in attempts").is_visible()
    assert "Please wait 15 minutes" in page.locator("#content-main").text_content()
    assert blocked(page) == []
