"""Screenshots of the home and a topic page at a phone and a desktop size, for docs/.

    python manage.py screenshots        (make screenshots)

Serves the configured database's content (load the demo content first) with runserver on a
free port and photographs it in Debian's Chromium through Playwright (dev dependencies).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

OUT = Path(settings.BASE_DIR) / "docs" / "screenshots"
PAGES = {"home": "/", "topic": "/topics/urgent-and-emergency-care/"}
SIZES = {"phone": (360, 740), "desktop": (1280, 900)}


class Command(BaseCommand):
    help = "Photograph the home and a topic page at phone and desktop sizes into docs/."

    def handle(self, *args, **options):
        from playwright.sync_api import sync_playwright

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "HELPCENTER_PAGE_CACHE_SECONDS": "0"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self.wait_for(base)
            OUT.mkdir(parents=True, exist_ok=True)
            chromium = os.environ.get("HELPCENTER_CHROMIUM", "/usr/bin/chromium")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
                )
                for size, (width, height) in SIZES.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    for name, path in PAGES.items():
                        page.goto(base + path)
                        target = OUT / f"{name}-{size}.png"
                        page.screenshot(path=target, full_page=True)
                        self.stdout.write(f"Wrote {target.relative_to(settings.BASE_DIR)}")
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)

    def wait_for(self, base: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("runserver did not start")
