"""The board's speed on KAZIND-21: page load and what-if latency, against their targets.

Starts the board (uvicorn, in a thread, on a free port of 127.0.0.1) and prints:

- page load over HTTP: the page, its script and style, and the board's first JSON
  (``/api/board`` and ``/api/state``), as a browser asks for them (target < 1 s);
- with Chromium at ``/usr/bin/chromium``: first contentful paint and the time until the
  board is drawn (``body[data-ready]``) in a real browser (target < 1 s);
- what-if latency: an edit posted until its answer (re-run with the same seed, the
  difference against the baseline and the new board) for a capacity change, an inject
  skipped and a disruption added, median and worst of ``--repeat`` (target < 1 s);
- the baseline measured in the same run: one ``simulate()`` of the same scenario, and
  the what-if's ratio to it (what the web layer adds).

Run: ``.venv/bin/python benchmarks/board_speed.py [--repeat 20]``.
Figures, not tests: the exit status is 0 whatever the figures say.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import statistics
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import uvicorn  # noqa: E402

from sim.board.app import build_app  # noqa: E402
from sim.board.targets import load_target  # noqa: E402
from sim.engine import simulate  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SCENARIO = REPO / "scenarios" / "kazind21.yaml"
TARGET_S = 1.0
CHROMIUM = "/usr/bin/chromium"
EDITS = [{"op": "capacity", "resource": "range", "value": 2},
         {"op": "skip", "inject": "M-03"},
         {"op": "disruption", "kind": "resource_down", "target": "field_area", "at": "D4 06:00",
          "for": "12h"}]


def serve() -> tuple[uvicorn.Server, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = build_app(load_target(SCENARIO), REPO)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}/"


class Browserless:
    """HTTP as the page does it: one session cookie, JSON in and out."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cookie = ""

    def call(self, method: str, path: str, body: Any = None) -> bytes:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path.lstrip("/"), data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        with urllib.request.urlopen(request, timeout=60) as answer:
            cookie = answer.headers.get("set-cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            payload: bytes = answer.read()
            return payload


def timed(work: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def line(label: str, times: list[float]) -> None:
    median, worst = statistics.median(times), max(times)
    verdict = "meets" if worst < TARGET_S else "MISSES"
    print(f"  {label:<34} median {median * 1000:7.1f} ms, worst {worst * 1000:7.1f} ms "
          f"({verdict} the {TARGET_S:g} s target)")


def page_load(url: str, repeat: int) -> None:
    def load() -> None:
        client = Browserless(url)
        for path in ("/", "/static/board.js", "/static/board.css", "/api/board", "/api/state"):
            client.call("GET", path)

    line("page load over HTTP (5 requests)", timed(load, repeat))


def browser_paint(url: str) -> None:
    if not os.access(CHROMIUM, os.X_OK) or importlib.util.find_spec("playwright") is None:
        print(f"  real browser: skipped (needs {CHROMIUM} and Playwright, the test extra)")
        return
    # Playwright is in the test extra only: `make bench` runs without it
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=args)
        paints, ready = [], []
        for _ in range(3):
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready='1']")
            ready.append(time.perf_counter() - start)
            fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0]"
                                " || {startTime: NaN}).startTime")
            paints.append(fcp / 1000)
            page.context.close()
        browser.close()
    line("browser: first contentful paint", paints)
    line("browser: board drawn (data-ready)", ready)


def what_if(url: str, repeat: int) -> list[float]:
    client = Browserless(url)
    client.call("GET", "/api/board")
    every: list[float] = []
    for edit in EDITS:
        # each sample: the edit's answer only (the reset after it is not counted)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.call("POST", "/api/edits", edit)
            times.append(time.perf_counter() - start)
            client.call("POST", "/api/edits/reset", {})
        line(f"what-if: {edit['op']}", times)
        every += times
    return every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    server, url = serve()
    print(f"board speed, {scenario.name} ({scenario.outline()}), load average "
          f"{os.getloadavg()[0]:.2f}")
    page_load(url, args.repeat)
    browser_paint(url)
    every = what_if(url, args.repeat)
    base = timed(lambda: (simulate(scenario), simulate(scenario, plan=True)), args.repeat)
    line("baseline: simulate() run + plan", base)
    ratio = statistics.median(every) / statistics.median(base)
    print(f"  what-if median / simulate median: {ratio:.1f}x (the rest is checking the "
          "edited file, the replay and JSON)")
    server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
