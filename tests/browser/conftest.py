"""Real-browser fixtures: Debian's chromium through Playwright, the app served on a free port."""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"],
    }


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` with werkzeug in a background thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


@pytest.fixture
def live_server(tmp_path, seed_db):
    """The app with CSRF on, served in a background thread; yields its base URL."""
    from tests.web.conftest import make_app

    with serving(make_app(tmp_path, seed_db, csrf=True)) as base:
        yield base


@pytest.fixture
def shot():
    """``shot(page, "inbox")`` saves a full-page screenshot into test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


from tests.web.conftest import seed_db  # noqa: E402,F401  (the seeded database, shared with the web tests)
