"""Fixtures for journeys through a real browser: Debian's chromium driven by Playwright's sync
API against pytest-django's live server.

Every test in this directory is marked `browser` (see `pytest_itemcollected`), so `make test`
never starts a browser and `make test-browser` runs them all. IBASHO_CHROMIUM points at another
chromium binary than Debian's /usr/bin/chromium.
"""

import contextlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from tests.support.parts import require_part

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # a developer machine without the browser extras
    sync_playwright = None
    PlaywrightError = Exception

try:
    from axe_playwright_python.base import AXE_FILE_PATH
except ImportError:
    AXE_FILE_PATH = None

CHROMIUM = Path(os.environ.get("IBASHO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root in a container, where the sandbox cannot start
    "--disable-gpu",
    # The site under test is all the browser talks to: no update checks, sync or QUIC probes.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).parent


def pytest_itemcollected(item):
    """Mark every test in this directory `browser`, so none can slip into `make test`."""
    if BROWSER_DIR in Path(item.path).parents:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after pytest-django has grouped tests by database use
def pytest_collection_modifyitems(items):
    """Run browser tests last: once the browser is up it changes how Django sees the main
    thread (see `browser`), which other tests of a plain `pytest` run should not inherit."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def unavailable(reason):
    require_part(False, reason)


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        unavailable("Playwright is not installed (pip install -r requirements.txt)")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API marks its asyncio loop as running on the main thread between
    # calls, which misleads Django twice while the browser is up:
    # - its `async_unsafe` guard takes every ORM call of a test or fixture for async code and
    #   raises SynchronousOnlyOperation. The calls really are synchronous (the loop only turns
    #   while Playwright waits for the browser), so the guard is switched off;
    # - its connections live in a thread-local that becomes a per-context variable under a
    #   running loop, so tests would get fresh connection objects, not those pytest-django set
    #   up, and what is kept on them (the serialized rollback `demo_site` relies on) would
    #   silently do nothing. So the same objects are handed on.
    originals = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in originals.items():
            connections[alias] = connection
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            unavailable(f"chromium at {CHROMIUM} did not start: {error}")
        yield browser
        browser.close()


@dataclass
class BrowserLog:
    """What the pages of one test asked the network for, and what went wrong in them."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def requests_elsewhere(self, base_url):
        """Requests that did not go to base_url's scheme, host and port: third parties."""
        own = urlsplit(base_url)
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:", "about:")) and urlsplit(url)[:2] != own[:2]
        ]

    def watch(self, page):
        page.on("request", lambda request: self.requests.append(request.url))
        # Console errors include the browser's own CSP reports ("Refused to load ...").
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _on_console(self, message):
        if message.type == "error":
            location = message.location.get("url", "")
            self.console_errors.append(f"{message.text} ({location})")


@pytest.fixture
def browser_log():
    """Every request and console error of the pages opened by `new_page` in this test.

    Use `browser_log.requests_elsewhere(live_server.url) == []` and
    `browser_log.console_errors == []`.
    """
    return BrowserLog()


@pytest.fixture
def new_page(browser, browser_log, request):
    """Make a page in a fresh context (no cookies, no cache); keyword arguments go to
    `browser.new_context`, e.g. `viewport={"width": 320, "height": 640}`."""
    contexts = []

    def make(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        browser_log.watch(page)
        return page

    yield make

    report = getattr(request.node, "report_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            _save_screenshots(
                context, request.config.rootpath / "test-artifacts", request.node.nodeid, number
            )
        context.close()


def _save_screenshots(context, directory, nodeid, number):
    """Full-page screenshots of a failed test's pages, for CI to keep as artifacts."""
    directory.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid)
    for index, page in enumerate(context.pages):
        # A crashed page has nothing to show; the failure itself says enough then.
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=directory / f"{name}-{number}-{index}.png", full_page=True)


@pytest.fixture
def page(new_page):
    """A page in a clean browser context with the default 1280×720 viewport."""
    return new_page()


@pytest.fixture
def context(page):
    return page.context


@pytest.fixture
def demo_site(live_server, transactional_db, django_db_serialized_rollback):
    """The live server with the demo content loaded; returns its base URL (no trailing /).

    The live server runs in another thread, so the database is really committed
    (transactional_db). Each such test ends with a flush, which would also remove the page
    tree root, default locale and site that migrations create; the serialized rollback puts
    them back before the next test, as a fresh installation has them.
    """
    # Wagtail caches the site's root paths; a flush between tests leaves them stale.
    cache.clear()
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


def format_axe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def check_axe(page, axe_source, options=None):
    """Run axe-core on the page and fail with a readable list of its violations.

    The site sends a strict Content-Security-Policy (script-src 'self', no inline script) and
    the tests must see it as visitors do, so it is not bypassed. Instead of a <script> tag,
    which the policy would block, axe's source is evaluated through the DevTools protocol,
    which CSP does not govern.
    """
    page.evaluate(axe_source)
    if not page.evaluate("typeof window.axe === 'object'"):
        pytest.fail("axe-core could not be injected into the page", pytrace=False)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"resultTypes": ["violations"], **(options or {})},
    )
    if results["violations"]:
        pytest.fail(
            f"axe found accessibility violations on {page.url}:\n"
            + format_axe_violations(results["violations"]),
            pytrace=False,
        )
    return results


@pytest.fixture(scope="session")
def axe_source():
    """axe-core as bundled with axe-playwright-python (pinned in requirements.txt)."""
    if AXE_FILE_PATH is None:
        unavailable("axe-playwright-python is not installed (pip install -r requirements.txt)")
    return AXE_FILE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def assert_no_axe_violations(axe_source):
    """`assert_no_axe_violations(page, options=None)`: axe-core's default rule set (WCAG 2.x A
    and AA plus best practices); `options` are axe.run's, e.g. {"rules": {...}}."""

    def check(page, options=None):
        return check_axe(page, axe_source, options)

    return check
