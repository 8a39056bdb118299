"""Scale-out on PostgreSQL: gunicorn web workers plus ``fao worker`` processes, 8 clients.

Each client works its own lane: it completes only the tasks of the cases it started (from the
``next_tasks`` of each answer), so no two clients want the same case and a 409 is an error here.

- completions: each client starts a case of the 10-task process and completes its ten tasks, again
  and again, for ``seconds``;
- starts: each client starts cases of a process whose first step (a script task) runs in the start
  command, as fast as the server answers, for ``seconds``.
"""
from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

from bench.http_api import Http, gunicorn
from bench.load import Server, _env

FIRST_KEY = "bench_first"
FIRST_MODEL = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="bench">
<bpmn:process id="{FIRST_KEY}" name="First step" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l" name="fao_clerk"><bpmn:flowNodeRef>examine</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="begin"/>
<bpmn:scriptTask id="register" name="Register"><bpmn:script>registered = True</bpmn:script></bpmn:scriptTask>
<bpmn:userTask id="examine" name="Examine"/>
<bpmn:endEvent id="finish"/>
<bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="register"/>
<bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="examine"/>
<bpmn:sequenceFlow id="f3" sourceRef="examine" targetRef="finish"/>
</bpmn:process></bpmn:definitions>""".encode()


class Lane(threading.Thread):
    def __init__(self, port: int, token: str, mode: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.mode, self.deadline = port, token, mode, deadline
        self.completions = self.starts = self.errors = 0
        self.latencies: list[float] = []

    def _post(self, client: Http, path: str, body: dict, ok: int) -> dict | None:
        t0 = time.perf_counter()
        status, answer = client.post(path, body)
        self.latencies.append(time.perf_counter() - t0)
        if status != ok:
            self.errors += 1
            return None
        return answer

    def run(self) -> None:
        client = Http(self.port, self.token)
        key = "bench_seq" if self.mode == "completions" else FIRST_KEY
        while time.monotonic() < self.deadline:
            body = self._post(client, f"/api/v1/processes/{key}/instances", {}, 201)
            if body is None:
                continue
            self.starts += 1
            if self.mode != "completions":
                continue
            tasks = body["active_tasks"]
            while tasks and time.monotonic() < self.deadline:
                body = self._post(client, f"/api/v1/tasks/{tasks[0]['id']}/complete", {"data": {"ok": True}}, 200)
                if body is None:
                    break
                self.completions += 1
                tasks = body["next_tasks"]
        client.close()


def drive(port: int, tokens: list[str], mode: str, seconds: float) -> dict:
    began = time.monotonic()
    lanes = [Lane(port, t, mode, began + seconds) for t in tokens]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join(seconds + 120)
    elapsed = time.monotonic() - began
    lat = sorted(x for lane in lanes for x in lane.latencies)
    return {"completions": sum(l.completions for l in lanes) / elapsed, "starts": sum(l.starts for l in lanes) / elapsed,
            "errors": sum(l.errors for l in lanes), "p50_ms": statistics.median(lat) * 1000 if lat else 0.0,
            "p95_ms": lat[int(len(lat) * 0.95) - 1] * 1000 if lat else 0.0, "requests": len(lat)}


def scale_out(url: str, tokens: list[str], tmp: Path, web_workers: int, threads: int, timer_workers: int,
              seconds: float) -> dict:
    """Both rows against one server set-up; returns {'completions': ..., 'starts': ..., 'setup': ...}."""
    server = gunicorn(url, tmp / "web", web_workers, threads, name="gunicorn")
    workers = [Server(f"worker{i}", [sys.executable, "-m", "webui.cli", "worker", "--interval", "1"],
                      _env(url, tmp / "web"), 0, tmp) for i in range(timer_workers)]
    try:
        drive(server.port, tokens, "completions", 3)  # warm every web worker
        out = {"completions": drive(server.port, tokens, "completions", seconds),
               "starts": drive(server.port, tokens, "starts", seconds)}
    finally:
        for w in workers:
            w.stop()
        server.stop()
    out["setup"] = f"gunicorn {web_workers}x{threads} + {timer_workers} fao worker, {len(tokens)} clients"
    return out
