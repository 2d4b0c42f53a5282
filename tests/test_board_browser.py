"""The board in a real browser: headless Chromium (the system's, through Playwright) against
a server started here on a free port. It opens the board, steps to the first inject,
skips it and sees the end move, shows a bad edit's reason next to its field, runs a small
risk comparison, saves the variant (which `tabletop validate` accepts) and downloads the
run. Screenshots at 1280x720 of both views go to the test's folder, or to
``$TABLETOP_SCREENSHOTS`` when set (how docs/images/board.png is made).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from sim.board.app import build_app
from sim.board.targets import load_target
from sim.cli.main import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}
WAIT_MS = 30_000  # a hang guard for each step, not a speed check


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("NO BROWSER FOUND: the board's browser tests did not run. Install Debian's "
                "`chromium` (apt-get install -y chromium; .ci/run does it in CI)")


class Server:
    """The board's app under uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, workdir: Path, target: Path) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        config = uvicorn.Config(build_app(load_target(target), workdir), log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        for _ in range(600):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise AssertionError("the board's server did not start")

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium()
    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name in ("seminar.yaml", "kazind21.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    return tmp_path


def shots_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("TABLETOP_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path / "shots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# the browser logs every 4xx; a 400 is the answer to the test's own bad edit
EXPECTED = "Failed to load resource: the server responded with a status of 400"


def open_board(page: Page, url: str) -> list[str]:
    """Open the page; the console errors and page errors it gives, as they come."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith(EXPECTED) else None)
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    return errors


def test_facilitating_the_seminar_end_to_end(browser: Browser, workdir: Path,
                                             tmp_path: Path) -> None:
    with Server(workdir, workdir / "seminar.yaml") as server:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        page = context.new_page()
        errors = open_board(page, server.url)
        assert page.inner_text("#end") == "D1 14:17"  # the seminar's run with its power cut
        page.click("#step-inject")
        page.wait_for_function("document.querySelector('#ex-time').textContent === 'D1 11:00'")
        # skipping the power cut moves the end 2 h earlier: the debrief no longer waits
        page.click("button.toggle[data-inject='M-01']")
        page.wait_for_function("document.querySelector('#end').textContent === 'D1 12:17'")
        assert "-2h against baseline D1 14:17" in page.inner_text("#end-delta")
        page.click("[data-tab=whatif]")
        assert "(-2h)" in page.inner_text("#diff")
        # a bad capacity: the checks' reason and code appear next to the field
        page.select_option("#f-capacity select[name=resource]", "hall")
        page.fill("#f-capacity input[name=value]", "0")
        page.click("#f-capacity button[type=submit]")
        page.wait_for_selector("#f-capacity .err[data-field=value]:not(:empty)")
        assert "[out-of-range]" in page.inner_text("#f-capacity .err[data-field=value]")
        add_disruption_and_step_by_key(page)
        run_risk(page)
        save_and_download(page, tmp_path)
        assert errors == []
        context.close()


def add_disruption_and_step_by_key(page: Page) -> None:
    page.select_option("#f-disruption select[name=kind]", "group_unavailable")
    page.fill("#f-disruption input[name=target]", "green")
    page.fill("#f-disruption input[name=at]", "D1 06:00")
    page.fill("#f-disruption input[name=span]", "2h")
    page.click("#f-disruption button[type=submit]")
    page.wait_for_function("document.querySelector('#edits').textContent"
                           ".includes('add group_unavailable green at D1 06:00 for 2h')")
    page.click("h2")  # the keys step the clock when no field has the focus
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#ex-time').textContent === 'D1 12:00'")


def run_risk(page: Page) -> None:
    page.click("[data-tab=risk]")
    page.fill("#f-risk input[name=n]", "6")
    page.click("#risk-run")
    page.wait_for_selector("#risk-table")
    text = page.inner_text("#risk-result")
    assert "whole programme" in text and "6 replications" in text
    assert page.inner_text("#risk-text").startswith("6 of 6 replications · done")


def save_and_download(page: Page, tmp_path: Path) -> None:
    page.click("[data-tab=notes]")
    with page.expect_download() as saved:
        page.click("#save-variant")
    variant = tmp_path / "variant.yaml"
    saved.value.save_as(variant)
    assert "# edit: skip M-01" in variant.read_text(encoding="utf-8")
    assert cli_main(["validate", str(variant)]) == 0
    with page.expect_download() as run:
        page.click("#download-run")
    archive = tmp_path / "run.zip"
    run.value.save_as(archive)
    names = zipfile.ZipFile(io.BytesIO(archive.read_bytes())).namelist()
    assert any(n.endswith("/summary.json") for n in names)
    assert any(n.endswith("/after-action.csv") for n in names)


def test_both_views_at_1280x720_on_kazind(browser: Browser, workdir: Path,
                                          tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    with Server(workdir, workdir / "kazind21.yaml") as server:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        errors = open_board(page, server.url)
        for _ in range(3):  # to M-03, the range closing on D4
            before = page.inner_text("#ex-time")
            page.click("#step-inject")
            page.wait_for_function(
                f"document.querySelector('#ex-time').textContent !== '{before}'")
        page.click("[data-tab=notes]")
        page.fill("#f-note input[name=text]", "Sub-groups moved to the lecture hall")
        page.select_option("#f-note select[name=inject]", "M-03")
        page.click("#f-note button[type=submit]")
        page.wait_for_selector("#notes tbody tr")
        page.click("[data-tab=msel]")
        page.mouse.move(1, 1)
        page.screenshot(path=str(shots / "board-controller.png"))
        assert_fits_a_projector(page)
        projector = context.new_page()  # the same browser: the same session and clock
        errors += open_board(projector, server.url + "?view=participant")
        shown = projector.inner_text("#injects-now")
        assert "Lightning warning" in shown  # M-03 has come
        assert "Senior observers" not in shown  # M-06 (D11) has not
        assert "expected" not in shown.lower()
        assert not projector.is_visible("#tabs") and not projector.is_visible("#controls")
        projector.screenshot(path=str(shots / "board-participant.png"))
        assert_fits_a_projector(projector)
        whatif_shot(page, shots)
        assert errors == []
        context.close()


def whatif_shot(page: Page, shots: Path) -> None:
    """The range closed for 30 h instead of 3: the phases after it run late."""
    page.click("[data-tab=whatif]")
    page.select_option("#f-inject select[name=inject]", "M-03")
    page.fill("#f-inject input[name=value]", "30h")
    page.click("#f-inject button[data-act=length]")
    page.wait_for_selector("#diff table")
    diff = page.inner_text("#diff")
    assert "Range practice" in diff and "M-03 lasts 30h" in page.inner_text("#edits")
    page.screenshot(path=str(shots / "board-whatif.png"))
    assert_fits_a_projector(page)
    page.fill("#f-set input[name=key]", "calendar.day_end")
    page.fill("#f-set input[name=value]", "21:00")
    page.click("#f-set button[type=submit]")
    page.wait_for_function("document.querySelector('#edits').textContent"
                           ".includes('set calendar.day_end=21:00')")


def assert_fits_a_projector(page: Page) -> None:
    """No sideways scrolling, and the clock in large type."""
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#ex-time'))"
                         ".fontSize)")
    assert size >= 32
