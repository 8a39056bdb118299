"""Graceful shutdown for ``fao serve``: requests already begun finish before the process exits.

Werkzeug's threaded server runs each connection on a daemon thread, so a plain exit would cut
a response half written (the client reads the headers, then a closed socket). ``InFlight`` counts
requests from the moment the app is called until the server has written the last byte (the
WSGI ``close()`` of the response), and ``wait_idle`` blocks until that count is zero.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wsgi import ClosingIterator


class InFlight:
    """WSGI middleware counting the requests in progress."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self._count = 0
        self._idle = threading.Condition()

    @property
    def count(self) -> int:
        with self._idle:
            return self._count

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._idle:
            self._count += 1
        finished = False

        def finish() -> None:  # once per request, however often the server closes the body
            nonlocal finished
            if not finished:
                finished = True
                self._done()

        try:
            body = self.app(environ, start_response)
        except BaseException:
            finish()
            raise
        return ClosingIterator(body, finish)  # closes the app's body, then counts the request done

    def _done(self) -> None:
        with self._idle:
            self._count -= 1
            if self._count == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Block until no request is in progress or ``timeout_s`` passed; return whether idle."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
            return True
