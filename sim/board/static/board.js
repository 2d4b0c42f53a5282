// The facilitator's board: draws what the server's JSON API says. No library, no network
// beyond this server. Controller view by default; ?view=participant for the projector.
"use strict";

const VIEW = new URLSearchParams(location.search).get("view") === "participant"
  ? "participant" : "controller";
const COLOURS = ["#1f5fa8", "#d9822b", "#2a9d5c", "#8e44ad", "#c0392b", "#16a085",
  "#7f6a00", "#d35490", "#34495e", "#b5651d"];
const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const kid of kids) node.append(kid);
  return node;
};
const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
};

let board = null;   // /api/board (controller)
let state = null;   // /api/state
let zoomDay = "follow";  // "follow": the day of the clock; "all"; or a day number
let wallBase = { s: 0, at: performance.now(), paused: false };
let riskTimer = null;

function fmtTime(h) {
  if (h === null || h === undefined || !isFinite(h)) return "";
  const m = Math.round(h * 60), day = Math.floor(m / 1440) + 1, rest = m % 1440;
  return `D${day} ${String(Math.floor(rest / 60)).padStart(2, "0")}:${String(rest % 60).padStart(2, "0")}`;
}
function fmtHours(h) {
  if (h === null || h === undefined) return "";
  const sign = h > 1e-6 ? "+" : h < -1e-6 ? "-" : "";
  const m = Math.round(Math.abs(h) * 60);
  if (!m) return "0";
  return sign + (m < 60 ? `${m}min` : `${Math.floor(m / 60)}h${m % 60 ? String(m % 60).padStart(2, "0") : ""}`);
}
const pct = (p) => (p === null || p === undefined ? "n/a" : `${Math.round(p * 100)}%`);

async function api(method, url, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const response = await fetch(url, opts);
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw Object.assign(new Error(data.error || response.status), { data });
  return data;
}

function say(text, isError) {
  const s = $("#status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

// ------------------------------------------------------------------ header and clocks

function drawHeader() {
  const sc = state ? state.scenario : null;
  if (sc) {
    $("#name").textContent = sc.name;
    $("#planned").textContent = `planned end ${sc.planned_end} · seed ${sc.seed}`;
    document.title = `${sc.name} · tabletop board`;
  }
  if (!state) return;
  $("#ex-time").textContent = state.clock.time;
  $("#ex-date").textContent = state.clock.date + (state.clock.rest_day ? " · rest day" : "");
  const scrub = $("#scrub");
  scrub.max = String(state.horizon_h);
  if (document.activeElement !== scrub) scrub.value = String(state.clock.t_h);
  wallBase = { s: state.wall_s, at: performance.now(), paused: state.wall_paused };
  $("#wall-toggle").textContent = state.wall_paused ? "Resume" : "Pause";
  $("#wall-state").textContent = state.wall_paused ? "(paused)" : "";
  tickWall();
  if (VIEW === "controller" && board) {
    $("#end").textContent = board.end;
    const d = board.diff.end;
    const delta = $("#end-delta");
    delta.textContent = !board.edits.length ? "baseline"
      : d.delta === "0" ? "same end as the baseline" : `${d.delta} against baseline ${d.base}`;
    delta.className = d.delta_h > 1e-6 ? "late" : d.delta_h < -1e-6 ? "early" : "";
  } else {  // the room sees the plan's end, and the actual end once it has come
    const done = state.clock.t_h >= state.end_h;
    $("#end-label").textContent = done ? "Programme ended" : "Planned end";
    $("#end").textContent = done ? fmtTime(state.end_h) : sc.planned_end;
  }
}

function tickWall() {
  const s = wallBase.paused ? wallBase.s : wallBase.s + (performance.now() - wallBase.at) / 1000;
  const t = Math.floor(s);
  $("#wall").textContent = `${Math.floor(t / 3600)}:${String(Math.floor(t / 60) % 60).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
}

// ------------------------------------------------------------------ the Gantt

function phaseColour(phase) {
  const phases = state.scenario.phases;
  const k = phases.findIndex((p) => p.id === phase);
  return COLOURS[(k < 0 ? 0 : k) % COLOURS.length];
}

function visibleRows(t0, t1) {
  return state.schedule.filter((a) => {
    const s = a.start_h ?? a.plan_start_h, e = a.end_h ?? a.plan_end_h;
    return s !== null && e !== null && e >= t0 && s <= t1;
  });
}

function drawGantt() {
  const g = $("#gantt");
  const wrap = $("#gantt-wrap");
  const width = wrap.clientWidth || 700;
  const days = state.scenario.days;
  const horizon = Math.max(state.horizon_h, days * 24);
  const day = zoomDay === "follow" ? state.clock.day : zoomDay;
  const [t0, t1] = day === "all" ? [0, horizon] : [(day - 1) * 24, day * 24];
  const rows = visibleRows(t0, t1);
  const label = day === "all" ? 0 : VIEW === "participant" ? 290 : 230, top = 24;
  const rowH = Math.max(day === "all" ? 9 : VIEW === "participant" ? 32 : 26, Math.min(30, (wrap.clientHeight - top - 4) / Math.max(rows.length, 1)));
  const height = top + rows.length * rowH + 4;
  const x = (t) => label + ((t - t0) / (t1 - t0)) * (width - label - 8);
  g.replaceChildren();
  g.setAttribute("width", width);
  g.setAttribute("height", height);
  drawDays(g, t0, t1, x, height, top, day === "all");
  rows.forEach((a, i) => drawRow(g, a, i, x, top, rowH, label));
  for (const inj of (board ? board.msel : [])) {
    if (inj.hit_h !== null && inj.hit_h >= t0 && inj.hit_h <= t1 && VIEW === "controller") {
      g.append(svg("path", { d: `M${x(inj.hit_h) - 6},2 L${x(inj.hit_h) + 6},2 L${x(inj.hit_h)},14 Z`, class: "inject-mark" }));
    }
  }
  const now = state.clock.t_h;
  if (now >= t0 && now <= t1) g.append(svg("line", { x1: x(now), x2: x(now), y1: 0, y2: height, class: "now" }));
  if (day === "all") {  // bring the rows around the clock into view
    const k = rows.findIndex((a) => (a.end_h ?? a.plan_end_h) >= now);
    wrap.scrollTop = Math.max(0, top + Math.max(k, 0) * rowH - wrap.clientHeight / 3);
  }
}

function drawDays(g, t0, t1, x, height, top, all) {
  const sc = state.scenario;
  for (let d = Math.floor(t0 / 24); d < Math.ceil(t1 / 24); d++) {
    const rest = sc.rest_days.includes(d + 1);
    if (rest) g.append(svg("rect", { x: x(d * 24), y: top, width: x(d * 24 + 24) - x(d * 24), height, class: "rest" }));
    else {
      g.append(svg("rect", { x: x(d * 24), y: top, width: x(d * 24 + sc.day_start) - x(d * 24), height, class: "night" }));
      g.append(svg("rect", { x: x(d * 24 + sc.day_end), y: top, width: x(d * 24 + 24) - x(d * 24 + sc.day_end), height, class: "night" }));
    }
    g.append(svg("line", { x1: x(d * 24), x2: x(d * 24), y1: 0, y2: height, stroke: "#888" }));
    const text = svg("text", { x: x(d * 24) + 3, y: 15, class: "day-label" });
    text.textContent = all ? `D${d + 1}` : `D${d + 1} ${rest ? "(rest day)" : ""}`;
    g.append(text);
    if (!all) {
      const every = x(d * 24 + 2) - x(d * 24) < 56 ? 4 : 2;  // hours between labels that fit
      for (let h = every; h < 24; h += every) {
        const tick = svg("text", { x: x(d * 24 + h), y: 15, "text-anchor": "middle" });
        tick.textContent = `${String(h).padStart(2, "0")}:00`;
        g.append(tick);
      }
    }
  }
}

function drawRow(g, a, i, x, top, rowH, label) {
  const y = top + i * rowH;
  if (label) {
    const name = svg("text", { x: 4, y: y + rowH * 0.7 });
    const most = VIEW === "participant" ? 32 : 30;
    name.textContent = a.name.length > most ? a.name.slice(0, most - 1) + "…" : a.name;
    g.append(name);
  }
  const span = (s, e) => {  // x and width of [s, e], cut to the drawing area
    const right = Number(g.getAttribute("width")) - 8;
    const a0 = Math.max(label, x(s)), a1 = Math.min(right, x(e));
    return a1 - a0 < -1 ? null : { x: a0, width: Math.max(2, a1 - a0) };
  };
  const plan = a.plan_start_h !== null && a.plan_end_h !== null ? span(a.plan_start_h, a.plan_end_h) : null;
  if (plan) g.append(svg("rect", { ...plan, y: y + 1, height: rowH - 2, class: "plan" }));
  const actual = a.start_h !== null && a.end_h !== null ? span(a.start_h, a.end_h) : null;
  if (actual) {
    const moved = a.base_end_h !== null && Math.abs(a.base_end_h - a.end_h) > 1e-6;
    const bar = svg("rect", { ...actual, y: y + rowH * 0.15, height: rowH * 0.7, fill: phaseColour(a.phase), class: moved && VIEW === "controller" ? "bar moved" : "bar" });
    bar.dataset.id = a.id;
    g.append(bar);
  }
  const hit = svg("rect", { x: 0, y, width: "100%", height: rowH, fill: "transparent" });
  hit.addEventListener("mousemove", (ev) => showTip(ev, a));
  hit.addEventListener("mouseleave", () => { $("#tip").hidden = true; });
  g.append(hit);
}

function showTip(ev, a) {
  const tip = $("#tip");
  const lines = [`<b>${esc(a.name)}</b>`, `phase ${esc(a.phase)}`];
  if (a.groups.length) lines.push(`groups: ${esc(a.groups.join(", "))}`);
  if (a.needs.length) lines.push(`place: ${esc(a.needs.join(", "))}`);
  lines.push(`planned ${fmtTime(a.plan_start_h)} – ${fmtTime(a.plan_end_h)}`);
  if (a.start_h !== null) lines.push(`actual ${fmtTime(a.start_h)} – ${fmtTime(a.end_h)}`);
  if (VIEW === "controller" && a.base_start_h !== null && Math.abs(a.base_end_h - a.end_h) > 1e-6) {
    lines.push(`baseline ${fmtTime(a.base_start_h)} – ${fmtTime(a.base_end_h)}`);
  }
  if (a.waited_h) lines.push(`waited ${fmtHours(a.waited_h).replace("+", "")}${a.waited_for ? " for " + esc(a.waited_for) : ""}`);
  tip.innerHTML = lines.join("<br>");
  tip.hidden = false;
  const box = $("#gantt-panel").getBoundingClientRect();
  tip.style.left = `${Math.min(ev.clientX - box.left + 14, box.width - 430)}px`;
  tip.style.top = `${ev.clientY - box.top + 14}px`;
}

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

// ------------------------------------------------------------------ the state now

function drawNow() {
  const now = state.now;
  const groups = $("#groups"), resources = $("#resources"), waiting = $("#waiting");
  groups.replaceChildren(...now.groups.map((g) => el("div", { class: "row" },
    el("span", { class: "who", text: g.name }),
    g.absent ? el("span", { class: "absent", text: "not available" })
      : el("span", { text: g.where.length ? `${g.busy}/${g.teams} teams: ${g.where.map((w, i) => (w.length <= 28 ? w : g.where_ids[i])).join("; ")}` : "free",
        title: g.where.join("; ") }))));
  resources.replaceChildren(...now.resources.map((r) => {
    const meter = el("span", { class: r.reduced ? "meter reduced" : "meter" });
    const fill = el("span");
    fill.style.width = `${Math.min(100, (100 * r.in_use) / Math.max(r.base, 1))}%`;
    meter.append(fill);
    return el("div", { class: "row" }, el("span", { class: "who", text: r.name }), meter,
      el("span", { text: `${r.in_use} of ${r.capacity}${r.reduced ? ` (normally ${r.base})` : ""}` }));
  }));
  waiting.replaceChildren(...(now.waiting.length ? now.waiting.map((w) => el("div", { class: "row" },
    el("span", { class: "who", text: w.name }),
    el("span", { text: `${w.state} since ${w.since}${w.why ? " — " + w.why : ""}` })))
    : [el("div", { text: "nothing waits" })]));
  drawInjectsNow();
}

function drawInjectsNow() {
  const box = $("#injects-now");
  if (VIEW === "participant") {
    $("#injects-title").textContent = "Injects";
    const shown = state.revealed.slice(0, 3);
    box.replaceChildren(...(shown.length ? shown.map((r, i) => el("div", { class: i ? "inject older" : "inject" },
      el("span", { class: "when", text: `${r.time}  ` }), el("span", { text: r.description }),
      r.from ? el("div", { class: "small", text: `from ${r.from} to ${r.to}` }) : ""))
      : [el("div", { text: "No inject yet." })]));
    return;
  }
  box.replaceChildren(...(state.coming.length ? state.coming.map((c) => {
    const div = el("div", { class: c.held ? "inject held" : "inject" },
      el("span", { class: "when", text: `${c.held ? "HELD · " : ""}${c.time} ${c.id}  ` }),
      el("span", { text: c.description || c.effect }));
    if (c.expected_action) div.append(el("div", { class: "expected", text: `expected: ${c.expected_action}` }));
    const btn = el("button", { type: "button", text: c.held ? "Release" : "Hold" });
    btn.addEventListener("click", () => injectAction(c.id, c.held ? "release" : "hold"));
    div.append(" ", btn);
    return div;
  }) : [el("div", { text: "No more injects." })]));
}

// ------------------------------------------------------------------ controller tabs

function drawMsel() {
  const body = $("#msel tbody");
  body.replaceChildren(...board.msel.map((m) => {
    const tr = el("tr", { class: m.skipped ? "skipped" : m.hit_h !== null && m.hit_h <= state.clock.t_h ? "hit" : "" },
      el("td", { text: m.id }), el("td", { text: m.hit || m.time }), el("td", { text: m.effect }),
      el("td", { text: m.description }), el("td", { text: m.expected_action }),
      el("td", { text: m.held ? `${m.status}, held` : m.status }));
    const td = el("td");
    const skip = el("button", { type: "button", text: m.skipped ? "Restore" : "Skip", "data-inject": m.id, class: "toggle" });
    skip.addEventListener("click", () => injectAction(m.id, "toggle"));
    td.append(skip);
    tr.append(td);
    return tr;
  }));
}

function fillSelect(select, items, keep) {
  const old = select.value;
  select.replaceChildren(...items.map(([v, t]) => el("option", { value: v, text: t })));
  if (keep && items.some(([v]) => v === old)) select.value = old;
}

function drawForms() {
  const sc = board.scenario;
  const injects = board.msel.map((m) => [m.id, `${m.id} ${m.skipped ? "(skipped)" : m.time}`]);
  for (const sel of document.querySelectorAll("select[name=inject]")) fillSelect(sel, injects, true);
  fillSelect($("#f-capacity select[name=resource]"), sc.resources.map((r) => [r.id, `${r.name} (${r.capacity})`]), true);
  fillSelect($("#f-group select[name=group]"), sc.groups.map((g) => [g.id, `${g.name} (${g.headcount}, ${g.teams} teams)`]), true);
  const targets = [...sc.resources.map((r) => r.id), ...sc.groups.map((g) => g.id), ...state.schedule.map((a) => a.id)];
  $("#targets").replaceChildren(...targets.map((t) => el("option", { value: t })));
  const zoom = $("#zoom");
  if (zoom.options.length !== sc.days + 2) {
    const days = [["follow", "the clock's day"], ["all", "all days"]];
    for (let d = 1; d <= sc.days; d++) days.push([String(d), `day D${d}`]);
    fillSelect(zoom, days, true);
  }
  $("#edits").replaceChildren(...(board.edits.length ? board.edits.map((e) => {
    const b = el("button", { type: "button", text: `${e.label} ✕`, title: "remove this edit" });
    b.addEventListener("click", () => change(api("DELETE", `/api/edits/${e.index}`)));
    return b;
  }) : [el("span", { text: "none (this is the baseline)" })]));
}

function drawDiff() {
  const d = board.diff;
  const cls = (h) => (h > 1e-6 ? "late" : h < -1e-6 ? "early" : "");
  const box = $("#diff");
  if (!board.edits.length) { box.replaceChildren(el("p", { text: "Make an edit: each one re-runs with the same seed and is compared with the baseline here." })); return; }
  const head = el("p", {}, el("strong", { text: "End: " }), `${d.end.base} → ${d.end.variant} `,
    el("span", { class: cls(d.end.delta_h), id: "diff-end", text: `(${d.end.delta})` }),
    d.end.on_time ? " on time" : " LATE");
  const phases = el("table", {}, el("tr", {}, el("th", { text: "Phase" }), el("th", { text: "late, baseline" }), el("th", { text: "late, variant" })));
  const changed = d.phases.filter((p) => (p.delta_h !== null && Math.abs(p.delta_h) > 1e-6) || p.late_h > 1e-6);
  if (!changed.length) phases.append(el("tr", {}, el("td", { text: "no phase is late", colspan: "3" })));
  for (const p of changed) {
    phases.append(el("tr", {}, el("td", { text: p.name }), el("td", { text: fmtHours(p.base_late_h).replace("+", "") }),
      el("td", { class: cls(p.delta_h), text: `${fmtHours(p.late_h).replace("+", "")} (${fmtHours(p.delta_h)})` })));
  }
  const moved = el("p", { text: d.moved_count ? `${d.moved_count} activities moved: ` + d.moved.slice(0, 12).map((m) => `${m.id} ${m.gone ? "gone" : m.new ? "new" : m.end_delta}`).join(", ") : "No activity moved." });
  box.replaceChildren(head, phases, moved);
}

function drawNotes() {
  $("#notes tbody").replaceChildren(...board.observations.map((o) => el("tr", {},
    el("td", { text: o.inject }), el("td", { text: o.time }), el("td", { text: o.text }))));
}

// ------------------------------------------------------------------ loading and actions

function drawAll() {
  drawHeader();
  drawGantt();
  drawNow();
  if (VIEW === "controller" && board) { drawMsel(); drawForms(); drawDiff(); drawNotes(); }
}

async function refresh() {
  if (VIEW === "controller") board = await api("GET", "/api/board");
  state = await api("GET", `/api/state?view=${VIEW}`);
  drawAll();
}

async function change(promise) {
  clearErrors();
  try {
    const data = await promise;
    if (data.board) board = data.board;
    if (data.state) state = data.state;
    else if (data.clock) state = data;
    if (data.board && !data.state) state = await api("GET", `/api/state?view=${VIEW}`);
    drawAll();
    say("");
    return true;
  } catch (err) {
    say(err.message, true);
    return err;
  }
}

function clearErrors() {
  for (const e of document.querySelectorAll(".err")) e.textContent = "";
  for (const e of document.querySelectorAll(".bad")) e.classList.remove("bad");
}

function showFieldError(form, err) {
  const data = err.data || { error: err.message };
  const span = form.querySelector(`.err[data-field="${data.field}"]`) || form.querySelector(".err");
  if (span) span.textContent = `${data.error}${data.code ? ` [${data.code}]` : ""}`;
  const input = form.querySelector(`[name="${data.field === "for" || data.field === "by" ? "span" : data.field}"]`);
  if (input) input.classList.add("bad");
}

async function submitEdit(form, edit) {
  const result = await change(api("POST", "/api/edits", edit));
  if (result !== true) showFieldError(form, result);
}

const val = (form, name) => form.elements.namedItem(name).value;

function injectAction(id, action) {
  return change(api("POST", `/api/injects/${encodeURIComponent(id)}/${action}`));
}

function wireForms() {
  const fi = $("#f-inject");
  fi.addEventListener("click", (ev) => {
    const act = ev.target.dataset.act;
    if (!act) return;
    const inject = val(fi, "inject");
    if (act === "toggle") change(injectAction(inject, "toggle")).then((r) => r !== true && showFieldError(fi, r));
    if (act === "move") submitEdit(fi, { op: "move", inject, at: val(fi, "at") });
    if (act === "length") submitEdit(fi, { op: "length", inject, value: val(fi, "value") });
  });
  $("#f-capacity").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = ev.target;
    submitEdit(f, { op: "capacity", resource: val(f, "resource"), value: val(f, "value") });
  });
  $("#f-group").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = ev.target;
    submitEdit(f, { op: val(f, "op"), group: val(f, "group"), value: val(f, "value") });
  });
  $("#f-disruption").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const edit = { op: "disruption", kind: val(f, "kind"), target: val(f, "target"), at: val(f, "at") };
    edit[val(f, "kind") === "delay" ? "by" : "for"] = val(f, "span");
    submitEdit(f, edit);
  });
  $("#f-set").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = ev.target;
    submitEdit(f, { op: "set", key: val(f, "key"), value: val(f, "value") });
  });
  $("#reset-edits").addEventListener("click", () => change(api("POST", "/api/edits/reset")));
  $("#f-note").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const r = await change(api("POST", "/api/observations", { inject: val(f, "inject"), text: val(f, "text") }));
    if (r === true) f.elements.namedItem("text").value = ""; else showFieldError(f, r);
  });
  $("#f-risk").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    clearErrors();
    try {
      drawRisk(await api("POST", "/api/risk", { n: Number(val(f, "n")) }));
      pollRisk();
    } catch (err) { showFieldError(f, err); }
  });
  $("#risk-cancel").addEventListener("click", async () => drawRisk(await api("DELETE", "/api/risk")));
}

function pollRisk() {
  clearTimeout(riskTimer);
  riskTimer = setTimeout(async () => {
    const job = await api("GET", "/api/risk");
    drawRisk(job);
    if (job.state === "running") pollRisk();
  }, 300);
}

function drawRisk(job) {
  const running = job.state === "running";
  $("#risk-run").disabled = running;
  $("#risk-cancel").disabled = !running;
  $("#risk-progress").max = Math.max(job.total, 1);
  $("#risk-progress").value = job.done;
  $("#risk-text").textContent = job.state === "idle" ? "" : `${job.done} of ${job.total} replications · ${job.state}${job.error ? ": " + job.error : ""}`;
  const box = $("#risk-result");
  if (!job.result) { if (!running && job.state !== "idle") box.replaceChildren(); return; }
  const r = job.result;
  const ci = (x) => (x && x.p !== null ? `${pct(x.p)} ` : "n/a");
  const range = (x) => (x && x.p !== null ? el("span", { class: "ci", text: `(${pct(x.lo)}–${pct(x.hi)})` }) : "");
  const table = el("table", { id: "risk-table" }, el("tr", {}, el("th", { text: "P(on time)" }),
    el("th", { text: "baseline" }), el("th", { text: `variant: ${job.label}` })));
  table.append(el("tr", {}, el("td", { text: "whole programme" }), el("td", {}, ci(r.base.on_time), range(r.base.on_time)),
    el("td", {}, ci(r.variant.on_time), range(r.variant.on_time))));
  for (const p of r.phases) {
    table.append(el("tr", {}, el("td", { text: p.name }), el("td", {}, ci(p.base), range(p.base)),
      el("td", {}, ci(p.variant), range(p.variant))));
  }
  const e = r.end_difference_h;
  box.replaceChildren(table, el("p", { text: `End, variant minus baseline (paired, ${r.n} replications, common random numbers): ${fmtHours(e.mean)} (95% interval ${fmtHours(e.lo)} to ${fmtHours(e.hi)})` }));
}

function wireClock() {
  for (const b of document.querySelectorAll("[data-step]")) {
    b.addEventListener("click", () => change(api("POST", "/api/clock", { step: b.dataset.step })));
  }
  $("#scrub").addEventListener("input", (ev) => change(api("POST", "/api/clock", { t: Number(ev.target.value) })));
  $("#wall-toggle").addEventListener("click", () => change(api("POST", "/api/clock", { wall: state.wall_paused ? "resume" : "pause" })));
  $("#wall-reset").addEventListener("click", () => change(api("POST", "/api/clock", { wall: "reset" })));
  $("#zoom").addEventListener("change", (ev) => { const v = ev.target.value;
    zoomDay = v === "all" || v === "follow" ? v : Number(v); drawGantt(); });
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll("[data-tab], .tab")) t.classList.remove("active");
      tab.classList.add("active");
      $(`#tab-${tab.dataset.tab}`).classList.add("active");
    });
  }
}

// keys for the facilitator: right arrow an hour, left arrow back, n next inject, d next day
const STEP_KEYS = { ArrowRight: "hour", ArrowLeft: "back", n: "inject", d: "day" };

function stepKey(ev) {
  const tag = ev.target.tagName;
  if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || ev.ctrlKey || ev.metaKey) return;
  const step = STEP_KEYS[ev.key];
  if (!step) return;
  ev.preventDefault();
  change(api("POST", "/api/clock", { step }));
}

async function start() {
  if (VIEW === "participant") {
    document.body.classList.add("participant");
    $("#viewname").textContent = "Participant view";
  }
  wireClock();
  wireForms();
  await refresh().catch((err) => say(err.message, true));
  if (VIEW === "controller") {  // a job started before a reload carries on: show it
    const job = await api("GET", "/api/risk").catch(() => null);
    if (job) { drawRisk(job); if (job.state === "running") pollRisk(); }
  }
  setInterval(tickWall, 1000);
  // the projector follows the controller's clock; the controller picks up its other tab
  setInterval(() => {
    api("GET", `/api/state?view=${VIEW}`).then((s) => {
      const moved = !state || s.clock.t_h !== state.clock.t_h || s.version !== state.version;
      state = s;
      if (moved && VIEW === "controller") refresh(); else if (moved) drawAll(); else drawHeader();
    }).catch(() => {});
  }, VIEW === "participant" ? 1000 : 3000);
  window.addEventListener("resize", drawGantt);
  if (VIEW === "controller") document.addEventListener("keydown", stepKey);
  document.body.dataset.ready = "1";
}

start();
