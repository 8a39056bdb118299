"""Real-browser fixtures: Debian's chromium through Playwright, the app served on a free port."""
from __future__ import annotations

import shutil
import threading
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


@pytest.fixture
def live_server(tmp_path, seed_db):
    """The app with CSRF on, served by werkzeug in a background thread; yields its base URL."""
    from werkzeug.serving import make_server

    from tests.web.conftest import make_app

    app = make_app(tmp_path, seed_db, csrf=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


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
