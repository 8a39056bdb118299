"""Graceful shutdown: ``fao serve`` waits for the requests already begun (webui/drain.py)."""
from __future__ import annotations

import threading

import pytest

from webui.drain import InFlight


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    if environ.get("fail"):
        raise RuntimeError("boom")
    return [b"part one, ", b"part two"]


def test_a_request_counts_until_the_server_has_closed_its_body():
    in_flight = InFlight(app)
    body = in_flight({}, lambda *_: None)
    assert in_flight.count == 1
    assert b"".join(body) == b"part one, part two"
    assert in_flight.count == 1  # written, but the server has not closed it yet
    assert in_flight.wait_idle(0.05) is False
    body.close()
    body.close()  # a second close counts once
    assert in_flight.count == 0
    assert in_flight.wait_idle(0.05) is True


def test_a_request_whose_app_raises_is_not_counted_forever():
    in_flight = InFlight(app)
    with pytest.raises(RuntimeError):
        in_flight({"fail": True}, lambda *_: None)
    assert in_flight.wait_idle(0) is True


def test_wait_idle_wakes_when_the_last_request_ends():
    in_flight = InFlight(app)
    bodies = [in_flight({}, lambda *_: None) for _ in range(3)]
    closer = threading.Timer(0.1, lambda: [body.close() for body in bodies])
    closer.start()
    assert in_flight.wait_idle(10) is True
    closer.join()
    assert in_flight.count == 0
