import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("HELPCENTER_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip(f"No Chromium at {CHROMIUM} (install Debian's chromium package).")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def demo_content(db):
    from faq.demo.loader import demo_content_load

    return demo_content_load()


@pytest.fixture(autouse=True, scope="session")
def _no_cache_listener():
    """The test process keeps no LISTEN connection open: it would stop the test database from
    being dropped. (Tests of the listener run app servers in processes of their own.)"""
    from django.conf import settings

    settings.HELPCENTER_PAGE_CACHE_LISTEN = False


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request to a Spanish page leaves Spanish active in the test's thread (the locale
    middleware activates a language per request and never resets it); reverse() in the next
    test would then give /es/ addresses."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
