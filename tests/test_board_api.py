"""The board's JSON API through Starlette's test client: every route, bad requests answered
4xx with a reason, sessions kept apart, files kept inside the working directory, body size
limited, a token required off this computer, and a live server after malformed input."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from sim.board.app import build_app
from sim.board.errors import BoardError
from sim.board.risk_jobs import RiskJob
from sim.board.security import MAX_BODY, Guard, confine
from sim.board.state import SessionStore
from sim.board.targets import load_target
from sim.cli.commands.serve import board_url
from sim.cli.main import main as cli_main
from sim.core.timefmt import format_time
from sim.engine import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEMINAR = ROOT / "scenarios" / "seminar.yaml"
KAZIND = ROOT / "scenarios" / "kazind21.yaml"
LOCAL = "http://127.0.0.1:8765"


def client_for(workdir: Path, target: Path, host: str = "127.0.0.1") -> TestClient:
    app = build_app(load_target(target), workdir, Guard.for_host(host))
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(SEMINAR, tmp_path / "seminar.yaml")
    shutil.copy(KAZIND, tmp_path / "kazind21.yaml")
    return tmp_path


@pytest.fixture
def seminar(workdir: Path) -> Iterator[TestClient]:
    with client_for(workdir, workdir / "seminar.yaml") as client:
        yield client


@pytest.fixture
def kazind(workdir: Path) -> Iterator[TestClient]:
    with client_for(workdir, workdir / "kazind21.yaml") as client:
        yield client


def bad(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The answer is a ``status`` with a JSON reason carrying ``code`` (and ``field``)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["error"], body
    if field is not None:
        assert body["field"] == field, body
    return body


# ---------------------------------------------------------------- the page and the board

def test_the_page_and_its_static_files_are_served_with_a_session_cookie(seminar: TestClient,
                                                                         ) -> None:
    page = seminar.get("/")
    assert page.status_code == 200 and "board.js" in page.text
    assert "tabletop_session" in page.cookies
    for name in ("board.js", "board.css"):
        assert seminar.get(f"/static/{name}").status_code == 200
    assert seminar.get("/favicon.ico").status_code == 204
    assert seminar.get("/api/health").json() == {"ok": True}


def test_the_board_lists_the_schedule_msel_and_resources_of_the_run(kazind: TestClient) -> None:
    board = kazind.get("/api/board").json()
    state = kazind.get("/api/state").json()
    scenario = load_scenario(KAZIND)
    result = simulate(scenario)
    assert [r["id"] for r in state["schedule"]] == [a.id for a in result.activities]
    assert [r["start_h"] for r in state["schedule"]] == [a.start_h for a in result.activities]
    assert [m["id"] for m in board["msel"]] == [i.id for i in scenario.injects]
    assert [r["id"] for r in board["scenario"]["resources"]] == [r.id for r in scenario.resources]
    assert board["end"] == format_time(result.end_h) and board["edits"] == []
    assert board["diff"]["same"] is True


def test_stepping_to_the_first_inject_shows_the_state_then(seminar: TestClient) -> None:
    state = seminar.post("/api/clock", json={"step": "inject"}).json()
    assert state["clock"]["time"] == "D1 11:00"  # M-01, the power cut, is written for 11:00
    halls = [r for r in state["now"]["resources"] if r["id"] == "hall"]
    assert halls[0]["capacity"] == 0 and halls[0]["reduced"]  # the cut takes the hall's unit
    assert [r["id"] for r in state["revealed"]] == ["M-01"]
    assert state["coming"] == []  # nothing after it


def test_clock_steps_by_hour_day_back_start_and_end(kazind: TestClient) -> None:
    def step(kind: str) -> float:
        value: float = kazind.post("/api/clock", json={"step": kind}).json()["clock"]["t_h"]
        return value

    assert step("hour") == 1.0
    assert step("day") == 6.0  # the working day starts at 06:00 on D1
    assert step("day") == 30.0
    assert step("back") == 29.0
    end = kazind.get("/api/board").json()["diff"]["end"]["h"]
    assert step("end") == end and step("start") == 0.0
    scrub = kazind.post("/api/clock", json={"t": 1e9}).json()["clock"]["t_h"]
    assert scrub == max(end, 308.0)  # clamped to the horizon (planned end D13 20:00)


def test_the_participant_view_hides_future_injects_and_expected_actions(
        kazind: TestClient) -> None:
    early = kazind.get("/api/state", params={"view": "participant"}).json()
    assert early["revealed"] == [] and "coming" not in early
    assert all(r["start_h"] is None for r in early["schedule"])  # nothing has begun at D1 00:00
    kazind.post("/api/clock", json={"t": 40.0})  # D2 16:00: after M-01 (D2 09:00) only
    later = kazind.get("/api/state", params={"view": "participant"}).json()
    assert [r["id"] for r in later["revealed"]] == ["M-01"]
    assert "expected_action" not in json.dumps(later["revealed"])
    assert all(r["start_h"] is None or r["start_h"] <= 40.0 for r in later["schedule"])
    assert all(r["end_h"] is None or r["end_h"] <= 40.0 for r in later["schedule"])


def test_an_activity_an_inject_will_add_stays_unnamed_until_it_starts(workdir: Path) -> None:
    shutil.copy(ROOT / "scenarios" / "training_week.yaml", workdir / "week.yaml")
    with client_for(workdir, workdir / "week.yaml") as client:
        def ids() -> set[str]:
            state = client.get("/api/state", params={"view": "participant"}).json()
            return {r["id"] for r in state["schedule"]}

        assert "observer_brief" not in ids()  # W-05 adds it on D3 09:00
        assert "observer_brief" in {r["id"] for r in client.get("/api/state").json()["schedule"]}
        client.post("/api/clock", json={"step": "end"})
        assert "observer_brief" in ids()


# ---------------------------------------------------------------- what-if

def test_skipping_the_power_cut_brings_the_end_forward_by_its_two_hours(
        seminar: TestClient) -> None:
    data = seminar.post("/api/injects/M-01/toggle").json()
    diff = data["board"]["diff"]
    # without the cut the debrief runs at 10:47 straight after day one, 2 h sooner
    assert diff["end"]["base"] == "D1 14:17" and diff["end"]["variant"] == "D1 12:17"
    assert diff["end"]["delta_h"] == pytest.approx(-2.0)
    assert [m["id"] for m in diff["moved"]] == ["debrief"]
    assert data["board"]["edits"][0]["label"] == "skip M-01"
    back = seminar.post("/api/injects/M-01/toggle").json()
    assert back["board"]["edits"] == [] and back["board"]["diff"]["same"]


def test_every_kind_of_edit_reruns_with_the_same_seed(kazind: TestClient) -> None:
    edits = [{"op": "capacity", "resource": "range", "value": 2},
             {"op": "headcount", "group": "ind", "value": 80},
             {"op": "teams", "group": "kaz", "value": 4},
             {"op": "move", "inject": "M-03", "at": "D4 10:00"},
             {"op": "length", "inject": "M-03", "value": "5h"},
             {"op": "disruption", "kind": "resource_down", "target": "range",
              "at": "D4 06:00", "for": "12h"},
             {"op": "set", "key": "calendar.day_end", "value": "21:00"}]
    for edit in edits:
        response = kazind.post("/api/edits", json=edit)
        assert response.status_code == 200, response.text
    board = kazind.get("/api/board").json()
    assert len(board["edits"]) == len(edits)
    # the board's variant is the scenario those --set changes give, run with its seed
    sets = ["resources.range.capacity=2", "groups.ind.headcount=80", "groups.kaz.teams=4",
            "injects.M-03.at=D4 10:00", "injects.M-03.for=5h", "calendar.day_end=21:00"]
    added = {"id": "WHATIF-1", "at": "D4 06:00", "kind": "resource_down", "target": "range",
             "for": "12h"}
    text = KAZIND.read_text(encoding="utf-8") + "\n  - " + json.dumps(added) + "\n"
    expected = simulate(load_scenario(text, sets))
    assert board["diff"]["end"]["h"] == expected.end_h
    state = kazind.get("/api/state").json()
    assert [r["start_h"] for r in state["schedule"]] == [a.start_h for a in expected.activities]
    assert kazind.delete("/api/edits/0").json()["board"]["edits"][0]["op"] == "headcount"
    assert kazind.post("/api/edits/reset").json()["board"]["edits"] == []


def test_a_bad_edit_gets_the_validate_code_next_to_its_field(
        kazind: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = bad(kazind.post("/api/edits", json={"op": "capacity", "resource": "range",
                                               "value": 0}), 400, "out-of-range", "value")
    assert body["problems"]
    # the same change in a file: `tabletop validate` names the same problem code
    broken = tmp_path / "broken.yaml"
    broken.write_text(KAZIND.read_text(encoding="utf-8").replace(
        "{id: range, name: Range (one practice slot), capacity: 1",
        "{id: range, name: Range (one practice slot), capacity: 0"), encoding="utf-8")
    assert cli_main(["validate", str(broken)]) == 2
    assert "error[out-of-range]" in capsys.readouterr().err
    bad(kazind.post("/api/edits", json={"op": "capacity", "resource": "rnge", "value": 2}),
        400, "unknown-resource", "resource")
    bad(kazind.post("/api/edits", json={"op": "move", "inject": "M-03", "at": "D99 10:00"}),
        400, "time-outside", "at")
    bad(kazind.post("/api/edits", json={"op": "disruption", "kind": "resource_down",
                                        "target": "nowhere", "at": "D4 06:00", "for": "2h"}),
        400, "unknown-reference", "target")
    bad(kazind.post("/api/edits", json={"op": "length", "inject": "M-01", "value": "2h"}),
        400, "no-length", "value")
    bad(kazind.post("/api/edits", json={"op": "capacity", "resource": "range",
                                        "value": "abc"}), 400, "wrong-type", "value")
    bad(kazind.post("/api/edits", json={"op": "set", "key": "resources.range.colour",
                                        "value": "1"}), 400, "bad-set", "key")
    bad(kazind.post("/api/edits", json={"op": "grow"}), 400, "unknown-op", "op")
    bad(kazind.post("/api/edits", json={"op": "skip"}), 400, "missing-field", "inject")
    bad(kazind.post("/api/edits", json={"op": "skip", "inject": "M-01", "x": 1}), 400,
        "unknown-field", "x")
    bad(kazind.post("/api/edits", json={"op": "skip", "inject": ["M-01"]}), 400, "bad-type",
        "inject")
    assert kazind.get("/api/board").json()["edits"] == []  # nothing half-applied


# ---------------------------------------------------------------- holds and observations

def test_a_held_inject_stays_hidden_until_released_then_comes_at_the_clock(
        kazind: TestClient) -> None:
    kazind.post("/api/injects/M-01/hold")
    kazind.post("/api/clock", json={"t": 40.0})
    shown = kazind.get("/api/state", params={"view": "participant"}).json()["revealed"]
    assert shown == []
    coming = kazind.get("/api/state").json()["coming"]
    assert coming[0]["id"] == "M-01" and coming[0]["held"]
    board = kazind.post("/api/injects/M-01/release").json()["board"]
    assert board["edits"][-1] == {"index": 0, "label": "move M-01 to D2 16:00", "op": "move",
                                  "inject": "M-01", "at": "D2 16:00"}
    shown = kazind.get("/api/state", params={"view": "participant"}).json()["revealed"]
    assert [(r["id"], r["time"]) for r in shown] == [("M-01", "D2 16:00")]
    bad(kazind.post("/api/injects/M-99/hold"), 404, "unknown-inject", "inject")
    bad(kazind.post("/api/injects/M-01/explode"), 404, "unknown-op", "action")


def test_observations_export_as_an_after_action_table(kazind: TestClient) -> None:
    kazind.post("/api/clock", json={"step": "inject"})
    board = kazind.post("/api/observations",
                        json={"inject": "M-01", "text": "Protocol team briefed in time"}).json()
    assert board["board"]["observations"] == [{"inject": "M-01", "time": "D2 09:00",
                                      "text": "Protocol team briefed in time"}]
    table = kazind.get("/api/after-action.csv")
    assert table.headers["content-disposition"].startswith("attachment")
    lines = table.text.splitlines()
    assert lines[0] == "inject,time,expected_action,observed,observed_at"
    assert lines[1] == ("M-01,D2 09:00,Protocol arrangements only; the programme is "
                        "unchanged.,Protocol team briefed in time,D2 09:00")
    assert len(lines) == 1 + 6  # the observation, then the five other injects
    bad(kazind.post("/api/observations", json={"inject": "M-01", "text": "  "}), 400,
        "bad-value", "text")
    bad(kazind.post("/api/observations", json={"inject": "nope", "text": "x"}), 400,
        "unknown-inject", "inject")
    bad(kazind.post("/api/observations", json={"text": "x"}), 400, "missing-field", "inject")


# ---------------------------------------------------------------- save and download

def test_the_saved_variant_validates_and_gives_the_same_run(
        kazind: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kazind.post("/api/edits", json={"op": "capacity", "resource": "range", "value": 2})
    kazind.post("/api/injects/M-02/toggle")
    saved = kazind.get("/api/variant.yaml")
    assert 'filename="kazind21-variant.yaml"' in saved.headers["content-disposition"]
    path = tmp_path / "variant.yaml"
    path.write_text(saved.text, encoding="utf-8")
    assert cli_main(["validate", str(path)]) == 0
    assert ": ok: " in capsys.readouterr().out
    again = simulate(load_scenario(path))
    state = kazind.get("/api/state").json()
    assert [r["end_h"] for r in state["schedule"]] == [a.end_h for a in again.activities]
    assert "M-02" not in {i.id for i in again.scenario.injects}


def test_download_run_writes_a_new_run_directory_and_zips_it(kazind: TestClient,
                                                            workdir: Path) -> None:
    kazind.post("/api/injects/M-03/toggle")
    first = kazind.get("/api/run.zip")
    assert first.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(first.content)).namelist()
    folder = names[0].split("/")[0]
    for part in ("summary.json", "activities.csv", "events.jsonl", "scenario.yaml",
                 "after-action.csv", "board-edits.json"):
        assert f"{folder}/{part}" in names
    assert (workdir / "runs" / folder / "summary.json").is_file()
    second = kazind.get("/api/run.zip")
    other = zipfile.ZipFile(io.BytesIO(second.content)).namelist()[0].split("/")[0]
    assert other != folder and (workdir / "runs" / folder).is_dir()  # never overwritten


# ---------------------------------------------------------------- risk

def wait_for(client: TestClient, state: str) -> dict[str, object]:
    for _ in range(600):  # a hang guard, not a speed check
        job: dict[str, object] = client.get("/api/risk").json()
        if job["state"] != "running":
            assert job["state"] == state, job
            return job
        time.sleep(0.05)
    raise AssertionError("the risk job did not finish")


def test_risk_compares_baseline_and_variant_with_intervals(kazind: TestClient) -> None:
    assert kazind.get("/api/risk").json()["state"] == "idle"
    kazind.post("/api/edits", json={"op": "length", "inject": "M-03", "value": "30h"})
    started = kazind.post("/api/risk", json={"n": 6})
    assert started.status_code == 202
    job = wait_for(kazind, "done")
    assert job["done"] == job["total"] == 6
    result = job["result"]
    assert isinstance(result, dict) and result["n"] == 6
    phases = result["phases"]
    assert {p["id"] for p in phases} >= {"range_practice", "validation"}
    for p in phases:
        for side in (p["base"], p["variant"]):
            assert 0 <= side["lo"] <= side["p"] <= side["hi"] <= 1 and side["n"] == 6
    bad(kazind.post("/api/risk", json={"n": 1}), 400, "out-of-range", "n")
    bad(kazind.post("/api/risk", json={"n": "many"}), 400, "out-of-range", "n")


def test_a_cancelled_risk_job_stops_between_chunks() -> None:
    scenario = load_scenario(KAZIND)
    job = RiskJob(scenario, scenario, 400, 0)
    job.cancel()  # before the first chunk is done: it stops after that chunk
    job.start()
    assert job.thread is not None
    job.thread.join(60)
    assert job.state == "cancelled" and 0 < job.done < 400 and "result" not in job.as_dict()


def test_risk_cancel_and_a_second_job_while_one_runs(kazind: TestClient) -> None:
    kazind.post("/api/risk", json={"n": 5000})
    bad(kazind.post("/api/risk", json={"n": 5}), 409, "busy")
    # the board answers while the job runs (5000 pairs of runs take far longer than this)
    assert kazind.post("/api/clock", json={"step": "inject"}).json()["clock"]["time"] == "D2 09:00"
    assert kazind.post("/api/edits", json={"op": "skip", "inject": "M-06"}).status_code == 200
    assert kazind.get("/api/risk").json()["state"] == "running"
    assert kazind.delete("/api/risk").status_code == 200
    wait_for(kazind, "cancelled")


# ---------------------------------------------------------------- sessions and safety

def test_two_browsers_each_have_their_own_state(workdir: Path) -> None:
    app = build_app(load_target(workdir / "seminar.yaml"), workdir)
    with TestClient(app, base_url=LOCAL) as a, TestClient(app, base_url=LOCAL) as b:
        a.post("/api/injects/M-01/toggle")
        a.post("/api/clock", json={"t": 12.0})
        assert len(a.get("/api/board").json()["edits"]) == 1
        assert b.get("/api/board").json()["edits"] == []
        assert b.get("/api/state").json()["clock"]["t_h"] == 0.0
        assert a.get("/api/state").json()["clock"]["t_h"] == 12.0


def test_sessions_past_the_limit_drop_the_oldest(workdir: Path) -> None:
    store = SessionStore(load_target(workdir / "seminar.yaml"), limit=2)
    first, _ = store.get(None)
    second, _ = store.get(None)
    assert store.get(first)[0] == first  # first is now the most recent
    third, _ = store.get(None)
    assert list(store.sessions) == [first, third]  # the least recently used went
    assert store.get(second)[0] != second  # an unknown cookie gets a new session


def test_files_are_read_only_inside_the_working_directory(seminar: TestClient,
                                                          workdir: Path) -> None:
    (workdir / "inside").mkdir()
    os.symlink("/etc", workdir / "inside" / "escape")
    for path in ("../seminar.yaml", "/etc/passwd", "inside/escape/hostname", str(SEMINAR)):
        bad(seminar.post("/api/open", json={"path": path}), 403, "outside-workdir", "path")
    bad(seminar.post("/api/open", json={"path": "missing.yaml"}), 404, "file-not-found", "path")
    opened = seminar.post("/api/open", json={"path": "kazind21.yaml"}).json()
    assert opened["board"]["scenario"]["name"].startswith("KAZIND-21")
    (workdir / "broken.yaml").write_text("format: tabletop/1\nname: x\ndays: 0\nphases: []\n",
                                         encoding="utf-8")
    bad(seminar.post("/api/open", json={"path": "broken.yaml"}), 400, "out-of-range", "path")
    with pytest.raises(BoardError):
        confine(workdir, "a\x00b")


def test_a_run_directory_is_served_with_its_own_seed(workdir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    assert cli_main(["run", "seminar.yaml", "--seed", "7", "--no-charts", "--out", "runs"]) == 0
    with client_for(workdir, workdir / "runs" / "seminar-seed7") as client:
        assert client.get("/api/board").json()["scenario"]["seed"] == 7


def test_a_body_over_the_limit_is_refused_and_the_server_lives_on(seminar: TestClient) -> None:
    huge = json.dumps({"op": "set", "key": "x", "value": "y" * MAX_BODY})
    bad(seminar.post("/api/edits", content=huge, headers={"content-type": "application/json"}),
        413, "too-large")
    assert seminar.get("/api/health").status_code == 200


def test_malformed_requests_get_a_reason(seminar: TestClient) -> None:
    json_type = {"content-type": "application/json"}
    bad(seminar.post("/api/edits", content=b"{nope", headers=json_type), 400, "bad-json")
    bad(seminar.post("/api/edits", content=b"\xff\xfe", headers=json_type), 400, "bad-json")
    bad(seminar.post("/api/edits", content=b"[1, 2]", headers=json_type), 400, "bad-json")
    bad(seminar.post("/api/edits", content=b"op=skip",
                     headers={"content-type": "application/x-www-form-urlencoded"}),
        415, "not-json")
    bad(seminar.post("/api/clock", json={"step": "fortnight"}), 400, "bad-value", "step")
    bad(seminar.post("/api/clock", json={"t": "noon"}), 400, "bad-type", "t")
    bad(seminar.post("/api/clock", json={"wall": "stop"}), 400, "bad-value", "wall")
    bad(seminar.get("/api/state", params={"view": "everyone"}), 400, "bad-value", "view")
    bad(seminar.delete("/api/edits/7"), 404, "unknown-edit", "index")
    bad(seminar.get("/api/nothing"), 404, "http-404")
    bad(seminar.put("/api/clock", json={}), 405, "http-405")


def test_the_room_clock_pauses_and_resumes(seminar: TestClient) -> None:
    paused = seminar.post("/api/clock", json={"wall": "pause"}).json()
    assert paused["wall_paused"] is True
    again = seminar.get("/api/state").json()
    assert again["wall_s"] == paused["wall_s"]  # paused: the room clock does not move
    assert seminar.post("/api/clock", json={"wall": "resume"}).json()["wall_paused"] is False
    assert seminar.post("/api/clock", json={"wall": "reset"}).status_code == 200


def test_off_this_computer_every_request_needs_the_token(workdir: Path) -> None:
    app = build_app(load_target(workdir / "seminar.yaml"), workdir, Guard(token="s3cret"))
    with TestClient(app, base_url="http://192.0.2.10:8765") as client:
        bad(client.get("/"), 403, "token-required")
        bad(client.get("/api/board"), 403, "token-required")
        bad(client.get("/api/board", params={"token": "wrong"}), 403, "token-required")
        assert client.get("/api/board", headers={"authorization": "token s3cret"}).is_success
        assert client.get("/", params={"token": "s3cret"}).status_code == 200
        assert client.get("/api/board").status_code == 200  # the cookie carries it now
    assert Guard.for_host("0.0.0.0").token and Guard.for_host("127.0.0.1").token is None


def test_the_printed_url_carries_the_token_only_off_this_computer() -> None:
    assert board_url("127.0.0.1", 8765, None) == "http://127.0.0.1:8765/"
    assert board_url("192.0.2.10", 80, "abc") == "http://192.0.2.10:80/?token=abc"
    assert board_url("::1", 8765, None) == "http://[::1]:8765/"
    assert board_url("0.0.0.0", 8765, "abc").endswith(":8765/?token=abc")


def test_on_this_computer_only_local_host_names_are_answered(seminar: TestClient) -> None:
    bad(seminar.get("/api/health", headers={"host": "attacker.example:8765"}), 403, "bad-host")
    assert seminar.get("/api/health", headers={"host": "localhost:8765"}).status_code == 200


EDIT_FIELDS = st.sampled_from(["op", "inject", "at", "value", "resource", "group", "kind",
                               "target", "for", "by", "key", "amount", "n", "t", "step"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
           | st.sampled_from(["skip", "move", "length", "capacity", "set", "disruption", "M-01",
                              "hall", "blue", "D1 11:00", "2h", "-1", "1e400"]))
JSON_VALUES = (SCALARS | st.lists(SCALARS, max_size=3)
               | st.dictionaries(st.text(max_size=5), SCALARS, max_size=3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(EDIT_FIELDS, JSON_VALUES, max_size=5) | JSON_VALUES,
       route=st.sampled_from(["/api/edits", "/api/clock", "/api/observations", "/api/risk",
                              "/api/open"]))
def test_fuzzed_posts_get_4xx_or_success_and_never_break_the_server(
        seminar: TestClient, body: object, route: str) -> None:
    if route == "/api/risk" and isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "n"}  # no real job from the fuzzer
    response = seminar.post(route, content=json.dumps(body, allow_nan=True),
                            headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]
    assert seminar.get("/api/health").status_code == 200


# ---------------------------------------------------------------- the command

def test_serve_refuses_a_target_outside_the_working_directory(
        workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    assert cli_main(["serve", str(SEMINAR), "--no-browser"]) == 2
    assert "outside the working directory" in capsys.readouterr().err
    assert cli_main(["serve", "missing.yaml", "--no-browser"]) == 2
    assert cli_main(["serve", "--port", "70000", "--no-browser"]) == 2


def test_serve_prints_its_url_serves_and_stops_cleanly_on_ctrl_c(workdir: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "serve", "seminar.yaml", "--port", "0",
                             "--no-browser"], cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        url = lines[1].split("open ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and "token" not in url
        with urllib.request.urlopen(url + "api/health", timeout=30) as answer:
            assert json.load(answer) == {"ok": True}
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
