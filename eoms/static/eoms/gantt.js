/*
 * The Gantt chart (eoms/scheduling/templates/scheduling/gantt.html): its data, scrolling,
 * zoom, outline, tooltip and dragging; the drawing is in gantt-draw.js (loaded first).
 * Vanilla JS, no libraries, no inline script (the page's words come from
 * <script type="application/json" id="gantt-i18n">).
 *
 * Data: the JSON of eoms/scheduling/gantt_data.py — the tasks as columns in outline order
 * (decodeTasks turns them into one object per task, as gantt_data.decode does), dates as day
 * numbers from `origin`; links become [predecessor row, successor row, type, critical].
 *
 * One scroll box holds everything; the grid column and the header are sticky. A frame
 * (one per animation frame at most) reads the scroll position, then only writes: the
 * rows in view, the days in view, the links of the rows in view. Nothing else exists in
 * the page, so 5,000 tasks scroll like 50.
 *
 * Dragging (tasks the JSON marks editable): the bar moves (start) or its right end moves
 * (finish), snapped to working days; the server answers the tasks that changed, which
 * move at once, or the reason for a refusal, and the bar snaps back.
 *
 * Ready: <body data-gantt-ready="1" data-gantt-ready-ms="…"> once the data is drawn and
 * the first frame painted (read by bench/bench_gantt.py and the browser tests).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-gantt]");
  if (!root || !window.EomsGanttDraw) {
    return;
  }
  var T = JSON.parse(document.getElementById("gantt-i18n").textContent);
  var scroller = root.querySelector("[data-gantt-scroller]");
  var grid = root.querySelector("[data-gantt-grid]");
  var timeline = root.querySelector("[data-gantt-timeline]");
  var stateBox = root.querySelector("[data-gantt-state]");
  var tip = root.querySelector("[data-gantt-tip]");
  var toast = document.querySelector("[data-gantt-toast]");
  var countBox = root.querySelector("[data-gantt-count]");
  var baselineSelect = root.querySelector("[data-gantt-baseline]");
  var multiGroup = root.getAttribute("data-scope") === "project";

  var HEAD = 46;
  var OVERSCAN = 6;
  var ZOOMS = { day: 30, week: 10, month: 3.2, quarter: 1.15 };
  var PAD = { day: 10, week: 35, month: 100, quarter: 270 };
  var CRITICAL = 1, MILESTONE = 2, SUMMARY = 4, OVERDUE = 8, EDITABLE = 16, STARTED = 64;

  var S = {
    doc: null, originMs: 0, originDow: 0, tasks: [], byId: {}, groups: [], links: [],
    adjacent: [], rows: [], rowOf: null, weekdays: {}, holidays: {}, workdays: {},
    zoom: "day", px: ZOOMS.day, dayMin: 0, dayMax: 0, gridW: 0, viewW: 0, viewH: 0, indent: 14,
    active: new Map(), free: [], dirty: true, pending: false, last: "", linkStamp: null,
    stamp: 0, drag: null, ready: false
  };
  var D = window.EomsGanttDraw(S, {
    canvas: root.querySelector("[data-gantt-canvas]"),
    scale: root.querySelector("[data-gantt-scale]"), grid: grid, timeline: timeline,
    paths: root.querySelector("[data-gantt-links]").querySelectorAll("path")
  }, T);
  var ROW = D.ROW;

  /* --- Loading the document ---------------------------------------------------------------- */
  function setSet(target, list) {
    for (var i = 0; i < list.length; i++) {
      target[list[i]] = true;
    }
  }

  /* A value after a base (days after a start, rows after a row); null stays null. */
  function back(value, base) {
    return value === null || base === null ? value : value + base;
  }

  /* The columns of the document into one object per task (see gantt_data.encode). */
  function decodeTasks(doc) {
    var c = doc.tasks, n = c.id.length, tasks = new Array(n), sizes = doc.groupSizes;
    var id = 0, group = 0, left = sizes.length ? sizes[0] : n;
    for (var i = 0; i < n; i++) {
      while (!left && group < sizes.length - 1) { left = sizes[++group]; }
      left--;
      id += c.id[i];
      var parent = c.parent[i] ? i - c.parent[i] : -1, up = parent >= 0 ? tasks[parent] : null;
      var wbs = c.wbs[i], start = c.start[i], finish = back(c.finish[i], start);
      if (typeof wbs === "number") { wbs = (up ? up.wbs + "." : "") + wbs; }
      tasks[i] = { i: i, id: id, group: group, parent: parent, depth: up ? up.depth + 1 : 0,
        wbs: wbs, name: doc.names[c.name[i]], start: start, finish: finish, days: c.days[i],
        fl: c["float"][i], flags: c.flags[i], pct: c.percent[i], bs: back(c.bstart[i], start),
        bf: back(c.bfinish[i], finish), version: c.version[i],
        owner: c.owner[i] ? doc.ownerNames[c.owner[i] - 1] : "", kids: 0, collapsed: false };
    }
    return tasks;
  }

  /* [row shift, rows to the successor, type] triples → [predecessor, successor, type, critical]
     (refreshDerived sets the critical mark). */
  function decodeLinks(flat) {
    var links = new Array(flat.length / 3), a = 0;
    for (var k = 0; k < links.length; k++) {
      a += flat[3 * k];
      links[k] = [a, a + flat[3 * k + 1], flat[3 * k + 2], 0];
    }
    return links;
  }

  function load(doc) {
    S.doc = doc;
    var o = doc.origin;
    S.originMs = Date.UTC(+o.slice(0, 4), +o.slice(5, 7) - 1, +o.slice(8, 10));
    S.originDow = (new Date(S.originMs).getUTCDay() + 6) % 7;
    S.weekdays = {}; S.holidays = {}; S.workdays = {};
    setSet(S.weekdays, doc.calendar.weekdays);
    setSet(S.holidays, doc.calendar.holidays);
    setSet(S.workdays, doc.calendar.workdays);
    S.groups = doc.groups.map(function (g) {
      return { id: g.id, code: g.code, title: g.title, url: g.url, collapsed: false,
        start: null, finish: null, pct: 0 };
    });
    var tasks = decodeTasks(doc);
    S.byId = {};
    for (var i = 0; i < tasks.length; i++) {
      S.byId[tasks[i].id] = tasks[i];
      if (tasks[i].parent >= 0) {
        tasks[tasks[i].parent].kids++;
      }
    }
    S.tasks = tasks;
    S.links = decodeLinks(doc.links);
    S.adjacent = tasks.map(function () { return []; });
    for (i = 0; i < S.links.length; i++) {
      S.adjacent[S.links[i][0]].push(i);
      S.adjacent[S.links[i][1]].push(i);
    }
    S.linkStamp = new Int32Array(S.links.length);
    S.rowOf = new Int32Array(tasks.length);
    refreshDerived();
    buildRows();
  }

  /* Group spans, link criticality and the counts: after loading and after every move. */
  function refreshDerived() {
    var groups = S.groups, tasks = S.tasks, weight = groups.map(function () { return 0; });
    groups.forEach(function (g) { g.start = null; g.finish = null; g.pct = 0; });
    var critical = 0, overdue = 0;
    for (var i = 0; i < tasks.length; i++) {
      var t = tasks[i], g = groups[t.group];
      if (t.flags & CRITICAL && !(t.flags & SUMMARY)) { critical++; }
      if (t.flags & OVERDUE && !(t.flags & SUMMARY)) { overdue++; }
      if (!g || t.start === null) { continue; }
      if (g.start === null || t.start < g.start) { g.start = t.start; }
      if (g.finish === null || t.finish > g.finish) { g.finish = t.finish; }
      if (!t.kids) {
        g.pct += t.pct * Math.max(t.days, 0.1);
        weight[t.group] += Math.max(t.days, 0.1);
      }
    }
    groups.forEach(function (g, k) { g.pct = weight[k] ? g.pct / weight[k] : 0; });
    for (i = 0; i < S.links.length; i++) {
      var l = S.links[i];
      l[3] = tasks[l[0]].flags & CRITICAL && tasks[l[1]].flags & CRITICAL ? 1 : 0;
    }
    var editable = tasks.some(function (t) { return t.flags & EDITABLE; });
    countBox.textContent = D.fmt(T.summaryLine, { n: tasks.length, c: critical, o: overdue }) +
      (editable || !tasks.length ? "" : " · " + T.readOnlyBadge);
  }

  /* The rows shown, in outline order: a group row per order (project chart), then the
     tasks whose ancestors are all expanded. */
  function buildRows() {
    var rows = [], tasks = S.tasks, rowOf = S.rowOf, group = -1, skipDepth = -1, hidden = false;
    rowOf.fill(-1);
    for (var i = 0; i < tasks.length; i++) {
      var t = tasks[i];
      if (t.group !== group) {
        group = t.group;
        skipDepth = -1;
        hidden = multiGroup && S.groups[group].collapsed;
        if (multiGroup) { rows.push(-(group + 1)); }
      }
      if (hidden) { continue; }
      if (skipDepth >= 0) {
        if (t.depth > skipDepth) { continue; }
        skipDepth = -1;
      }
      rowOf[i] = rows.length;
      rows.push(i);
      if (t.collapsed && t.kids) { skipDepth = t.depth; }
    }
    S.rows = rows;
  }

  /* --- Geometry ------------------------------------------------------------------------------ */
  function computeRange() {
    var lo = 0, hi = S.doc.end || 0, today = S.doc.today, tasks = S.tasks;
    for (var i = 0; i < tasks.length; i++) {
      var t = tasks[i];
      if (t.start !== null && t.start < lo) { lo = t.start; }
      if (t.finish !== null && t.finish > hi) { hi = t.finish; }
      if (t.bs !== null && t.bs < lo) { lo = t.bs; }
      if (t.bf !== null && t.bf > hi) { hi = t.bf; }
    }
    if (Math.abs(today - hi) < 400 || Math.abs(today - lo) < 400) {
      lo = Math.min(lo, today);
      hi = Math.max(hi, today);
    }
    var pad = PAD[S.zoom];
    S.dayMin = lo - pad;
    S.dayMax = hi + pad * 2;
    var wanted = Math.ceil((S.viewW - S.gridW) / S.px) + 1;
    if (S.dayMax - S.dayMin < wanted) { S.dayMax = S.dayMin + wanted; }
  }

  /* --- The frame ---------------------------------------------------------------------------- */
  function frame() {
    S.pending = false;
    var top = scroller.scrollTop, left = scroller.scrollLeft;
    var r0 = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    var r1 = Math.min(S.rows.length, Math.ceil((top + S.viewH - HEAD) / ROW) + OVERSCAN);
    var tx0 = left, tx1 = left + Math.max(0, S.viewW - S.gridW);
    if (S.dirty) {
      S.dirty = false;
      S.last = "";
      D.releaseAll();
      D.applySizes();
    }
    D.renderRows(r0, r1);
    var key = Math.floor(tx0) + ":" + Math.floor(tx1) + ":" + S.px;
    if (key !== S.last) {
      S.last = key;
      D.renderScale(tx0, tx1);
    }
    D.renderLinks(r0, r1);
  }

  function schedule(full) {
    if (full) { S.dirty = true; }
    if (!S.pending && S.doc) {
      S.pending = true;
      window.requestAnimationFrame(frame);
    }
  }

  /* --- Zoom, scrolling, outline ---------------------------------------------------------- */
  function measure() {
    S.viewW = scroller.clientWidth;
    S.viewH = scroller.clientHeight;
    S.gridW = root.querySelector(".eoms-gantt-corner").getBoundingClientRect().width;
    S.indent = S.viewW < 500 ? 8 : 14;
  }

  function pressZoomButton() {
    root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-zoom") === S.zoom ? "true" : "false");
    });
  }

  function setZoom(zoom) {
    var span = Math.max(0, S.viewW - S.gridW);
    var center = (scroller.scrollLeft + span / 2) / S.px + S.dayMin;
    S.zoom = zoom;
    S.px = ZOOMS[zoom];
    pressZoomButton();
    try { window.localStorage.setItem("eoms.gantt.zoom", zoom); } catch (e) { /* private mode */ }
    computeRange();
    D.applySizes();
    scroller.scrollLeft = Math.max(0, D.x(center) - span / 2);
    schedule(true);
  }

  function scrollToDay(day, fraction, smooth) {
    var span = Math.max(0, S.viewW - S.gridW), left = Math.max(0, D.x(day) - span * fraction);
    if (smooth && scroller.scrollTo) {
      scroller.scrollTo({ left: left, behavior: "smooth" });
    } else {
      scroller.scrollLeft = left;
    }
  }

  /* The earliest start among the first `count` rows (all rows: the whole plan). */
  function firstStart(count) {
    var best = null, rows = S.rows, end = Math.min(rows.length, count || rows.length);
    for (var r = 0; r < end; r++) {
      var entry = rows[r], s = entry < 0 ? S.groups[-entry - 1].start : S.tasks[entry].start;
      if (s !== null && (best === null || s < best)) { best = s; }
    }
    return best === null ? S.doc.today : best;
  }

  function autoZoom() {
    var stored = null;
    try { stored = window.localStorage.getItem("eoms.gantt.zoom"); } catch (e) { /* ignore */ }
    if (stored && ZOOMS[stored]) { return stored; }
    var span = (S.doc.end || 0) - firstStart();
    return span <= 45 ? "day" : span <= 240 ? "week" : span <= 900 ? "month" : "quarter";
  }

  /* Clicking a grid line brings its bar into view (long plans run far to the right). */
  function revealRow(r) {
    var entry = S.rows[r];
    if (entry === undefined) { return; }
    var start = entry < 0 ? S.groups[-entry - 1].start : S.tasks[entry].start;
    if (start !== null) { scrollToDay(start, 0.1, true); }
  }

  function toggle(r) {
    var entry = S.rows[r];
    if (entry === undefined) { return; }
    if (entry < 0) {
      var g = S.groups[-entry - 1];
      g.collapsed = !g.collapsed;
    } else {
      S.tasks[entry].collapsed = !S.tasks[entry].collapsed;
    }
    buildRows();
    schedule(true);
  }

  function expandAll(expand) {
    S.tasks.forEach(function (t) { if (t.kids) { t.collapsed = !expand; } });
    S.groups.forEach(function (g) { g.collapsed = !expand && S.groups.length > 1; });
    buildRows();
    schedule(true);
  }

  /* --- Tooltip ---------------------------------------------------------------------------- */
  function tipLine(list, label, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function showTip(event, t, start, finish) {
    tip.textContent = "";
    var title = document.createElement("strong");
    title.textContent = (t.wbs ? t.wbs + " " : "") + t.name;
    tip.appendChild(title);
    var list = document.createElement("dl");
    tipLine(list, T.start, D.iso(start));
    tipLine(list, T.finish, D.iso(finish));
    if (!(t.flags & MILESTONE)) { tipLine(list, T.duration, D.fmt(T.days, { n: D.number(t.days) })); }
    if (!(t.flags & SUMMARY)) { tipLine(list, T["float"], D.fmt(T.floatDays, { n: D.number(t.fl) })); }
    tipLine(list, T.progress, Math.round(t.pct) + "%");
    if (t.bs !== null) { tipLine(list, T.baseline, D.iso(t.bs) + " – " + D.iso(t.bf)); }
    if (t.owner) { tipLine(list, T.owner, t.owner); }
    tip.appendChild(list);
    var tags = document.createElement("div");
    tags.className = "tip-tags";
    [[CRITICAL, T.critical, "is-critical"], [OVERDUE, T.overdue, "is-overdue"],
      [MILESTONE, T.milestone, ""], [SUMMARY, T.summary, ""], [STARTED, T.started, ""]]
      .forEach(function (tag) {
        if (t.flags & tag[0]) {
          var span = document.createElement("span");
          span.className = "tip-tag " + tag[2];
          span.textContent = tag[1];
          tags.appendChild(span);
        }
      });
    if (tags.children.length) { tip.appendChild(tags); }
    if (!(t.flags & SUMMARY)) {
      var hint = document.createElement("div");
      hint.className = "tip-hint";
      hint.textContent = !(t.flags & EDITABLE) ? T.readOnly
        : t.flags & MILESTONE ? T.dragMilestone : T.dragHint;
      tip.appendChild(hint);
    }
    tip.hidden = false;
    placeTip(event);
  }

  function placeTip(event) {
    var left = event.clientX + 14, top = event.clientY + 16;
    if (left + 300 > window.innerWidth) { left = Math.max(8, event.clientX - 310); }
    if (top + 190 > window.innerHeight) { top = Math.max(8, event.clientY - 200); }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function taskOfBar(bar) {
    var entry = S.rows[+bar.dataset.row];
    return entry === undefined || entry < 0 ? null : S.tasks[entry];
  }

  /* --- Messages ------------------------------------------------------------------------------ */
  var toastTimer = null;
  function say(message, kind) {
    toast.className = "eoms-gantt-toast alert alert-" + kind;
    toast.textContent = message;
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { toast.hidden = true; }, kind === "danger" ? 9000 : 5000);
  }

  /* --- Dragging ------------------------------------------------------------------------------- */
  function snap(day, direction, floor) {
    for (var i = 0; i < 31 && !D.isWorking(day); i++) {
      if (floor !== undefined && day + direction < floor) { break; }
      day += direction;
    }
    return day;
  }

  function proposal(drag, delta) {
    var t = drag.t;
    if (drag.mode === "finish") {
      var finish = Math.max(t.start, t.finish + delta);
      return { start: t.start, finish: snap(finish, -1, t.start) };
    }
    var start = delta ? snap(t.start + delta, delta > 0 ? 1 : -1) : t.start;
    return { start: start, finish: start + (t.finish - t.start) };
  }

  function preview(drag, next) {
    var bar = drag.bar, t = drag.t;
    if (t.flags & MILESTONE) {
      bar.style.left = (D.milestoneX(t, next.start) - 7) + "px";
    } else {
      bar.style.left = D.x(next.start) + "px";
      bar.style.width = Math.max(3, D.x(next.finish + 1) - D.x(next.start)) + "px";
    }
  }

  function restore(drag) {
    drag.bar.classList.remove("is-dragging", "is-saving");
    var slot = S.active.get(+drag.bar.dataset.row);
    if (slot) { D.fillBar(slot, +drag.bar.dataset.row, drag.t); }
  }

  function onPointerDown(event) {
    var bar = event.target.closest(".g-bar.is-editable");
    if (!bar || event.button !== 0 || S.drag) { return; }
    var t = taskOfBar(bar);
    if (!t) { return; }
    event.preventDefault();
    bar.setPointerCapture(event.pointerId);
    S.drag = { t: t, bar: bar, x0: event.clientX, moved: false, next: null,
      mode: event.target.classList.contains("g-handle") ? "finish" : "start" };
  }

  function onPointerMove(event) {
    var drag = S.drag;
    if (!drag) {
      if (!tip.hidden) { placeTip(event); }
      return;
    }
    var dx = event.clientX - drag.x0;
    if (!drag.moved && Math.abs(dx) < 4) { return; }
    drag.moved = true;
    drag.bar.classList.add("is-dragging");
    drag.next = proposal(drag, Math.round(dx / S.px));
    preview(drag, drag.next);
    showTip(event, drag.t, drag.next.start, drag.next.finish);
  }

  function onPointerUp(event) {
    var drag = S.drag;
    if (!drag) { return; }
    S.drag = null;
    tip.hidden = true;
    if (drag.bar.hasPointerCapture && drag.bar.hasPointerCapture(event.pointerId)) {
      drag.bar.releasePointerCapture(event.pointerId);
    }
    var next = drag.next, t = drag.t;
    if (event.type === "pointercancel" || !drag.moved || !next ||
        (drag.mode === "start" ? next.start === t.start : next.finish === t.finish)) {
      restore(drag);
      return;
    }
    commit(drag, next);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function commit(drag, next) {
    var t = drag.t, body = new URLSearchParams();
    body.set(drag.mode, D.iso(drag.mode === "start" ? next.start : next.finish));
    body.set("version", String(t.version));
    drag.bar.classList.remove("is-dragging");
    drag.bar.classList.add("is-saving");
    root.setAttribute("aria-busy", "true");
    fetch(S.doc.moveUrl.replace("/0/", "/" + t.id + "/"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "If-Match": '"' + t.version + '"',
        "Accept": "application/json", "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      }, function () { return { status: response.status, data: {} }; });
    }).then(function (answer) {
      root.removeAttribute("aria-busy");
      if (answer.data && answer.data.ok) {
        applyChanges(answer.data.tasks || []);
        say(answer.data.message, "success");
        return;
      }
      restore(drag);
      say((answer.data && answer.data.message) || T.saveFailed, "danger");
      if (answer.status === 412) { reload(); }
    }, function () {
      root.removeAttribute("aria-busy");
      restore(drag);
      say(T.saveFailed, "danger");
    });
  }

  function applyChanges(changed) {
    for (var i = 0; i < changed.length; i++) {
      var p = changed[i], t = S.byId[p.id];
      if (!t) { continue; }
      t.start = D.dayOfIso(p.start);
      t.finish = D.dayOfIso(p.finish);
      t.days = p.days;
      t.fl = p["float"];
      t.flags = p.flags;
      t.pct = p.percent;
      t.version = p.version;
    }
    refreshDerived();
    var before = S.dayMin;
    computeRange();
    if (S.dayMin !== before) {
      D.applySizes();
      scroller.scrollLeft += (before - S.dayMin) * S.px;
    }
    schedule(true);
  }

  /* --- Baselines -------------------------------------------------------------------------- */
  function fillBaselines() {
    if (!baselineSelect) { return; }
    var keep = baselineSelect.options[0];
    baselineSelect.textContent = "";
    baselineSelect.appendChild(keep);
    (S.doc.baselines || []).forEach(function (b) {
      var option = document.createElement("option");
      option.value = String(b.id);
      option.textContent = b.name + " (" + b.date + ")";
      baselineSelect.appendChild(option);
    });
    baselineSelect.value = S.doc.baseline ? String(S.doc.baseline) : "none";
    baselineSelect.disabled = !(S.doc.baselines || []).length;
  }

  function dataUrl() {
    var url = new URL(root.getAttribute("data-url"), window.location.href);
    if (baselineSelect && !baselineSelect.disabled) { url.searchParams.set("baseline", baselineSelect.value); }
    return url.toString();
  }

  /* --- Start -------------------------------------------------------------------------------- */
  function showState(message) {
    stateBox.textContent = message;
    stateBox.hidden = false;
  }

  function markReady() {
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        if (!S.ready) {
          S.ready = true;
          document.body.dataset.ganttReadyMs = String(Math.round(window.performance.now()));
          document.body.dataset.ganttReady = "1";
        }
      }, 0);
    });
  }

  function mark(name) {
    if (window.performance && window.performance.mark) { window.performance.mark(name); }
  }

  /* What a reload keeps: the outline's collapsed lines and the date at the left edge. */
  function keepView() {
    return {
      top: scroller.scrollTop,
      leftMs: S.originMs + (scroller.scrollLeft / S.px + S.dayMin) * 86400000,
      tasks: S.tasks.filter(function (t) { return t.collapsed; }).map(function (t) { return t.id; }),
      groups: S.groups.filter(function (g) { return g.collapsed; }).map(function (g) { return g.id; })
    };
  }

  function restoreView(view) {
    view.tasks.forEach(function (id) { if (S.byId[id]) { S.byId[id].collapsed = true; } });
    S.groups.forEach(function (g) { g.collapsed = view.groups.indexOf(g.id) >= 0; });
    buildRows();
    D.applySizes();
    scroller.scrollTop = view.top;
    scroller.scrollLeft = Math.max(0, D.x((view.leftMs - S.originMs) / 86400000));
  }

  function draw(doc, first) {
    var view = first ? null : keepView();
    load(doc);
    fillBaselines();
    measure();
    if (first) {
      S.zoom = autoZoom();
      S.px = ZOOMS[S.zoom];
      pressZoomButton();
    }
    computeRange();
    S.dirty = true;
    D.applySizes();
    if (view) {
      restoreView(view);
    } else {
      scrollToDay(firstStart(Math.ceil(S.viewH / ROW)), 0.02);
    }
    frame();
    mark("gantt:drawn");
    if (S.tasks.length) { stateBox.hidden = true; } else { showState(T.empty); }
    markReady();
  }

  function fetchDocument(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("json") < 0) { throw new Error(String(response.status)); }
      return response.json();
    });
  }

  function reload() {
    fetchDocument(dataUrl()).then(function (doc) { draw(doc, false); }, function () {
      say(T.loadFailed, "danger");
    });
  }

  function wire() {
    scroller.addEventListener("scroll", function () { schedule(false); }, { passive: true });
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () {
        if (!S.doc) { return; }
        measure();
        computeRange();
        schedule(true);
      }).observe(scroller);
    }
    root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { if (S.doc) { setZoom(button.getAttribute("data-zoom")); } });
    });
    root.querySelector("[data-gantt-today]").addEventListener("click", function () {
      if (S.doc) { scrollToDay(S.doc.today, 0.3, true); }
    });
    root.querySelectorAll("[data-gantt-expand]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (S.doc) { expandAll(button.getAttribute("data-gantt-expand") === "1"); }
      });
    });
    var columns = root.querySelector("[data-gantt-columns]");
    columns.addEventListener("click", function () {
      var compact = root.classList.toggle("is-compact");
      columns.setAttribute("aria-pressed", compact ? "false" : "true");
      if (S.doc) { measure(); computeRange(); schedule(true); }
    });
    grid.addEventListener("click", function (event) {
      var twisty = event.target.closest(".g-twisty");
      if (twisty) {
        toggle(+twisty.dataset.row);
        return;
      }
      var row = event.target.closest(".g-row");
      if (row && !event.target.closest("a")) { revealRow(+row.dataset.row); }
    });
    if (baselineSelect) {
      baselineSelect.addEventListener("change", function () {
        var page = new URL(window.location.href);
        page.searchParams.set("baseline", baselineSelect.value);
        window.history.replaceState(null, "", page.toString());
        reload();
      });
    }
    timeline.addEventListener("pointerover", function (event) {
      var bar = event.target.closest(".g-bar");
      var t = bar && !S.drag ? taskOfBar(bar) : null;
      if (t) { showTip(event, t, t.start, t.finish); }
    });
    timeline.addEventListener("pointerout", function (event) {
      if (!S.drag && event.target.closest(".g-bar")) { tip.hidden = true; }
    });
    timeline.addEventListener("pointerdown", onPointerDown);
    timeline.addEventListener("pointermove", onPointerMove);
    timeline.addEventListener("pointerup", onPointerUp);
    timeline.addEventListener("pointercancel", onPointerUp);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && S.drag) {
        var drag = S.drag;
        S.drag = null;
        tip.hidden = true;
        restore(drag);
      }
    });
  }

  wire();
  if (window.matchMedia("(max-width: 767.98px)").matches) {
    root.classList.add("is-compact");
  }
  fetchDocument(dataUrl()).then(function (doc) {
    mark("gantt:data");
    draw(doc, true);
  }, function () {
    showState(T.loadFailed);
    document.body.dataset.ganttError = "1";
  });
}());
