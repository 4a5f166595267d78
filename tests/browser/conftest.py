"""Fixtures for the browser tests: headless Debian Chromium driven by Playwright.

Fixtures
--------
``browser``          session: a Playwright ``Browser`` (Chromium at ``/usr/bin/chromium``,
                     or ``$SOSGEN_CHROMIUM``). No Chromium / no Playwright: the test
                     *fails* when ``$CI`` is set, and is *skipped* otherwise.
``serve_site``       session: ``serve_site(path, headers=None) -> base_url`` serves a folder
                     over HTTP on 127.0.0.1 (free port) from a thread; ``base_url`` ends
                     with ``/``. Servers stop at the end of the session.
``page_errors``      function: list of console errors, uncaught page errors, failed
                     requests and HTTP >= 400 responses seen by ``page`` (the browser's
                     implicit ``/favicon.ico`` request is left out).
``page``             function: a fresh ``Page`` in a new context (1280x900), closed after
                     the test; a screenshot ``FAILED-<test>.png`` is saved if the test fails.
``axe_violations``   session: ``axe_violations(page, context=None, options=None) -> list[dict]``
                     runs the axe-core bundled in axe-playwright-python (offline) on the
                     current page and returns its ``violations``.
``screenshot``       session: ``screenshot(page, name, full_page=True) -> Path`` saves
                     ``<repo>/test-artifacts/screenshots/<name>.png``.

Mark browser tests with ``@pytest.mark.browser`` (or ``pytestmark = pytest.mark.browser``).
Never run ``playwright install``: the browser is Debian's ``chromium`` package.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
TESTS_DIR = Path(__file__).resolve().parents[1]
ARTIFACTS_DIR = REPO / "test-artifacts"
SCREENSHOT_DIR = ARTIFACTS_DIR / "screenshots"

CHROMIUM = os.environ.get("SOSGEN_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's
# hosts, which this sandbox's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Make ``import sitecheck`` (tests/sitecheck.py) work from tests in this folder.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> NoReturn:
    """Fail in CI (browser tests must run there), skip on a developer's machine."""
    if _in_ci():
        pytest.fail(
            f"{reason}. CI must run the browser tests: `apt-get install -y chromium` and "
            "`pip install -e .[test]` (playwright, axe-playwright-python) in .ci/run; "
            "never `playwright install`.",
            pytrace=False,
        )
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    exe = shutil.which(CHROMIUM)
    if exe is None:
        _unavailable(f"Chromium not found at {CHROMIUM} (Debian package `chromium`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python package `playwright` is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


class _QuietHandler(SimpleHTTPRequestHandler):
    extra_headers: Mapping[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser dropping a connection mid-response is not a test failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def serve_site() -> Iterator[Callable[..., str]]:
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def serve(path: Path | str, headers: Mapping[str, str] | None = None) -> str:
        root = Path(path).resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"site folder {root} does not exist")
        handler_cls = type("Handler", (_QuietHandler,), {"extra_headers": dict(headers or {})})
        handler = functools.partial(handler_cls, directory=str(root))
        server = _QuietServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def page(
    browser: Browser, page_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()

    def on_console(msg: Any) -> None:
        if msg.type not in ("error", "assert"):
            return
        url = (msg.location or {}).get("url", "")
        if urlsplit(url).path == "/favicon.ico":
            return  # the browser's own implicit request, not a link of the site
        page_errors.append(f"console {msg.type}: {msg.text} ({url})")

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: page_errors.append(f"page error: {exc}"))

    def on_request_failed(req: Any) -> None:
        if req.failure and "ERR_ABORTED" in req.failure:
            return  # cancelled by a navigation (a click), not a broken resource
        page_errors.append(f"request failed: {req.url} ({req.failure})")

    pg.on("requestfailed", on_request_failed)
    pg.on(
        "response",
        lambda resp: (
            page_errors.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None
        ),
    )
    try:
        yield pg
    finally:
        if request.node.stash.get(_CALL_FAILED, False):
            name = re.sub(r"[^A-Za-z0-9._-]+", "-", request.node.nodeid).strip("-")
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            try:
                pg.screenshot(path=str(SCREENSHOT_DIR / f"FAILED-{name}.png"), full_page=True)
            except Exception as exc:  # the page may be gone; keep the real failure
                print(f"could not save failure screenshot: {exc}", file=sys.stderr)
        context.close()


@pytest.fixture(scope="session")
def axe_violations() -> Callable[..., list[dict[str, Any]]]:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _unavailable("Python package `axe-playwright-python` is not installed")
    axe = Axe()

    def run(
        page: Page,
        context: str | list[Any] | dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        opts = {"resultTypes": ["violations"], **(options or {})}
        results = axe.run(page, context=context, options=opts)
        violations: list[dict[str, Any]] = results.response["violations"]
        return violations

    return run


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    def take(page: Page, name: str, full_page: bool = True) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "screenshot"
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{safe}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
