"""A ``fao worker`` whose every step pauses before its commit: a window to stop or kill it mid-step.

Run as ``python -m tests.faults.slow_worker`` with ``FAO_DATABASE_URL`` and ``FAO_TEST_PAUSE_S``.
It prints ``{"mid_step": CASE_ID}`` on stdout when a step has written its state and waits to commit.
Everything else is the real worker: :func:`webui.scheduler.run_worker` on the real engine.
"""
from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    from webui.config import load_settings
    from webui.logging_setup import configure
    from webui.scheduler import run_worker
    from webui.wiring import build_engine

    configure()
    pause_s = float(os.environ.get("FAO_TEST_PAUSE_S", "5"))
    engine = build_engine(load_settings().database_url)

    def pause(cmd) -> None:
        sys.stdout.write(json.dumps({"mid_step": cmd.instance.id}) + "\n")
        sys.stdout.flush()
        time.sleep(pause_s)

    engine.runner.before_commit = pause
    run_worker(engine, 0.2)


if __name__ == "__main__":
    main()
