/*
 * Drawing the Gantt chart (loaded before gantt.js, which owns the data and the input).
 *
 * window.EomsGanttDraw(state, elements, words) returns the drawing functions over the
 * chart's shared state: day numbers ↔ dates and x positions, the row slots (a grid line,
 * a bar and a baseline bar, recycled as rows scroll in and out: a row keeps its slot
 * while it stays in view), the time scale, shading and lines of the days in view, and
 * the links of the rows in view as one SVG path per kind. It only writes to the page.
 */
(function () {
  "use strict";

  window.EomsGanttDraw = function (S, dom, T) {
    var DAY_MS = 86400000;
    var ROW = 30;
    var G = 7; // the elbow of a link arrow
    var CRITICAL = 1, MILESTONE = 2, SUMMARY = 4, OVERDUE = 8, EDITABLE = 16, DONE = 32;
    var AFTER_PREDECESSOR = 128;
    var canvas = dom.canvas, scale = dom.scale, grid = dom.grid, timeline = dom.timeline;
    var paths = dom.paths;
    var lang = document.documentElement.lang || "zh-hans";

    /* --- Words and dates ------------------------------------------------------------------ */
    function fmt(template, values) {
      return String(template).replace(/%\((\w+)\)s/g, function (m, key) {
        return values[key] === undefined ? m : values[key];
      });
    }

    function dateOf(day) {
      return new Date(S.originMs + day * DAY_MS);
    }

    function iso(day) {
      return day === null || day === undefined ? "" : dateOf(day).toISOString().slice(0, 10);
    }

    function dayOfIso(text) {
      if (!text) {
        return null;
      }
      var ms = Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10));
      return Math.round((ms - S.originMs) / DAY_MS);
    }

    function dayOfUtc(year, month, date) {
      return Math.round((Date.UTC(year, month, date) - S.originMs) / DAY_MS);
    }

    function weekday(day) { // Monday = 0, as in Python
      return ((S.originDow + day) % 7 + 7) % 7;
    }

    function isWorking(day) {
      if (S.workdays[day]) {
        return true;
      }
      return !!S.weekdays[weekday(day)] && !S.holidays[day];
    }

    var formats = {};
    function intl(key, options) {
      if (!formats[key]) {
        try {
          formats[key] = new Intl.DateTimeFormat(lang, Object.assign({ timeZone: "UTC" }, options));
        } catch (e) {
          formats[key] = new Intl.DateTimeFormat("zh-CN", Object.assign({ timeZone: "UTC" }, options));
        }
      }
      return formats[key];
    }

    function number(value) {
      return Math.round(value * 10) / 10;
    }


    function x(day) {
      return (day - S.dayMin) * S.px;
    }

    function startX(t) {
      return t.flags & MILESTONE ? milestoneX(t, t.start) - 6 : x(t.start);
    }

    function finishX(t) {
      return t.flags & MILESTONE ? milestoneX(t, t.start) + 6 : x(t.finish + 1);
    }

    function milestoneX(t, day) {
      return x(day + (t.flags & AFTER_PREDECESSOR ? 1 : 0));
    }

    function midY(row, t) {
      return row * ROW + (t.flags & SUMMARY ? 11 : 14);
    }

    function applySizes() {
      var width = (S.dayMax - S.dayMin) * S.px, height = S.rows.length * ROW;
      canvas.style.width = (S.gridW + width) + "px";
      scale.style.width = width + "px";
      timeline.style.width = width + "px";
      timeline.style.height = height + "px";
      grid.style.height = height + "px";
    }

    /* --- Element pools --------------------------------------------------------------------- */
    function Pool(parent, className) {
      this.parent = parent;
      this.className = className;
      this.items = [];
      this.used = 0;
    }

    Pool.prototype.take = function () {
      var el = this.items[this.used];
      if (!el) {
        el = document.createElement("div");
        el.className = this.className;
        this.parent.appendChild(el);
        this.items.push(el);
      }
      if (el.style.display) { el.style.display = ""; }
      this.used++;
      return el;
    };

    Pool.prototype.done = function () {
      for (var i = this.used; i < this.items.length; i++) {
        if (this.items[i].style.display !== "none") { this.items[i].style.display = "none"; }
      }
      this.used = 0;
    };

    var ticks = new Pool(scale, "g-tick");
    var offDays = new Pool(timeline, "g-off");
    var vlines = new Pool(timeline, "g-vline");
    var todayLine = document.createElement("div");
    todayLine.className = "g-today";
    timeline.appendChild(todayLine);

    function put(el, key, className, left, width, text) {
      if (el._key === key) { return; }
      el._key = key;
      el.className = className;
      el.style.left = left + "px";
      if (width !== null) { el.style.width = width + "px"; }
      if (text !== null && el.textContent !== text) { el.textContent = text; }
    }

    /* --- Rows: grid line, bar and baseline bar, one slot per row in view ----------------- */
    function makeSlot() {
      var row = document.createElement("div");
      row.innerHTML = '<div class="g-cell g-wbs"></div><div class="g-cell g-name">' +
        '<button type="button" class="g-twisty"></button><span class="g-code"></span>' +
        '<a class="g-text"></a></div>' +
        '<div class="g-cell g-num g-extra"></div><div class="g-cell g-date g-extra"></div>' +
        '<div class="g-cell g-date g-extra"></div><div class="g-cell g-num g-float g-extra"></div>';
      grid.appendChild(row);
      var bar = document.createElement("div");
      bar.innerHTML = '<div class="g-progress"></div><div class="g-label"></div>';
      timeline.appendChild(bar);
      var base = document.createElement("div");
      timeline.appendChild(base);
      var cells = row.children, name = cells[1].children;
      return { row: row, bar: bar, base: base, wbs: cells[0], name: cells[1], twisty: name[0],
        code: name[1], text: name[2], days: cells[2], start: cells[3],
        finish: cells[4], fl: cells[5], progress: bar.children[0], label: bar.children[1],
        handle: null };
    }

    function hideSlot(slot) {
      slot.row.style.display = "none";
      slot.bar.style.display = "none";
      slot.base.style.display = "none";
    }

    function setText(el, text) {
      if (el.textContent !== text) { el.textContent = text; }
    }

    function fillTwisty(slot, r, expandable, expanded) {
      slot.twisty.style.display = expandable ? "" : "none";
      slot.name.style.paddingLeft = "";
      if (expandable) {
        slot.twisty.setAttribute("aria-expanded", expanded ? "true" : "false");
        slot.twisty.setAttribute("aria-label", expanded ? T.collapse : T.expand);
        slot.twisty.dataset.row = r;
      }
    }

    function fillGroupSlot(slot, r, g) {
      var row = slot.row;
      row.className = "g-row is-group";
      row.style.top = r * ROW + "px";
      setText(slot.wbs, "");
      fillTwisty(slot, r, true, !g.collapsed);
      slot.code.style.display = "";
      setText(slot.code, g.code);
      setText(slot.text, g.title);
      slot.text.setAttribute("href", g.url);
      slot.text.title = T.openOrder;
      setText(slot.days, "");
      setText(slot.start, iso(g.start));
      setText(slot.finish, iso(g.finish));
      setText(slot.fl, "");
      slot.base.style.display = "none";
      var bar = slot.bar;
      bar.className = "g-bar is-group";
      bar.dataset.row = r;
      if (g.start === null) { bar.style.display = "none"; return; }
      bar.style.top = (r * ROW + 8) + "px";
      bar.style.left = x(g.start) + "px";
      bar.style.width = Math.max(2, x(g.finish + 1) - x(g.start)) + "px";
      slot.progress.style.width = Math.round(g.pct) + "%";
      setText(slot.label, "");
    }

    function fillTaskSlot(slot, r, t) {
      var row = slot.row, flags = t.flags;
      row.className = "g-row" + (flags & SUMMARY ? " is-summary" : "") +
        (flags & CRITICAL ? " is-critical" : "");
      row.style.top = r * ROW + "px";
      setText(slot.wbs, t.wbs);
      fillTwisty(slot, r, t.kids > 0, !t.collapsed);
      slot.name.style.paddingLeft = (4 + t.depth * S.indent + (t.kids ? 0 : 16)) + "px";
      slot.code.style.display = "none";
      setText(slot.text, t.name);
      slot.text.title = t.name;
      if (S.doc.taskUrl) {
        slot.text.setAttribute("href", S.doc.taskUrl.replace("/0/", "/" + t.id + "/"));
      } else {
        slot.text.removeAttribute("href");
      }
      setText(slot.days, flags & MILESTONE ? "0" : String(number(t.days)));
      setText(slot.start, iso(t.start));
      setText(slot.finish, iso(t.finish));
      slot.finish.className = "g-cell g-date g-extra" + (flags & OVERDUE ? " is-late" : "");
      slot.finish.title = flags & OVERDUE ? T.overdue : "";
      setText(slot.fl, flags & SUMMARY ? "" : String(number(t.fl)));
      slot.fl.className = "g-cell g-num g-float g-extra" + (t.fl < 0 ? " is-negative" : "");
      fillBar(slot, r, t);
      fillBaseline(slot, r, t);
    }

    function barClass(t) {
      var f = t.flags, cls = "g-bar";
      if (f & MILESTONE) { cls += " is-milestone"; } else if (f & SUMMARY) { cls += " is-summary"; }
      if (f & CRITICAL) { cls += " is-critical"; }
      if (f & OVERDUE && !(f & SUMMARY)) { cls += " is-overdue"; }
      if (f & DONE) { cls += " is-done"; }
      if (f & EDITABLE) { cls += " is-editable"; }
      return cls;
    }

    function fillBar(slot, r, t) {
      var bar = slot.bar, f = t.flags;
      bar.dataset.row = r;
      if (t.start === null) { bar.style.display = "none"; return; }
      bar.className = barClass(t);
      if (f & MILESTONE) {
        bar.style.left = (milestoneX(t, t.start) - 7) + "px";
        bar.style.width = "";
        bar.style.top = (r * ROW + 8) + "px";
        slot.progress.style.width = "0";
        setText(slot.label, iso(t.start).slice(5));
      } else {
        bar.style.left = x(t.start) + "px";
        bar.style.width = Math.max(3, x(t.finish + 1) - x(t.start)) + "px";
        bar.style.top = (r * ROW + (f & SUMMARY ? 8 : 7)) + "px";
        slot.progress.style.width = t.pct + "%";
        setText(slot.label, f & SUMMARY ? "" : t.name);
      }
      var wantsHandle = f & EDITABLE && !(f & MILESTONE);
      if (wantsHandle && !slot.handle) {
        slot.handle = document.createElement("div");
        slot.handle.className = "g-handle";
        bar.appendChild(slot.handle);
      }
      if (slot.handle) { slot.handle.style.display = wantsHandle ? "" : "none"; }
    }

    function fillBaseline(slot, r, t) {
      var base = slot.base;
      if (t.bs === null || t.bf === null || t.flags & SUMMARY) {
        base.style.display = "none";
        return;
      }
      if (t.flags & MILESTONE) {
        base.className = "g-baseline is-milestone";
        base.style.left = (milestoneX(t, t.bs) - 4) + "px";
        base.style.width = "";
        base.style.top = (r * ROW + 21) + "px";
      } else {
        base.className = "g-baseline";
        base.style.left = x(t.bs) + "px";
        base.style.width = Math.max(2, x(t.bf + 1) - x(t.bs)) + "px";
        base.style.top = (r * ROW + 23) + "px";
      }
    }

    function fillSlot(slot, r) {
      var entry = S.rows[r];
      slot.row.dataset.row = r;
      slot.row.style.display = "";
      slot.bar.style.display = "";
      slot.base.style.display = "";
      if (entry < 0) {
        fillGroupSlot(slot, r, S.groups[-entry - 1]);
      } else {
        fillTaskSlot(slot, r, S.tasks[entry]);
      }
    }

    function renderRows(r0, r1) {
      S.active.forEach(function (slot, r) {
        if (r < r0 || r >= r1) {
          hideSlot(slot);
          S.free.push(slot);
          S.active.delete(r);
        }
      });
      for (var r = r0; r < r1; r++) {
        if (!S.active.has(r)) {
          var slot = S.free.pop() || makeSlot();
          fillSlot(slot, r);
          S.active.set(r, slot);
        }
      }
    }

    function releaseAll() {
      S.active.forEach(function (slot) {
        hideSlot(slot);
        S.free.push(slot);
      });
      S.active.clear();
    }

    /* --- The time scale, non-working days and lines of the days in view ----------------- */
    function monthStart(day) {
      var d = dateOf(day);
      return dayOfUtc(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }

    function nextMonths(day, months) {
      var d = dateOf(day);
      return dayOfUtc(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
    }

    function yearStart(day) {
      return dayOfUtc(dateOf(day).getUTCFullYear(), 0, 1);
    }

    function quarterStart(day) {
      var d = dateOf(day);
      return dayOfUtc(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
    }

    /* [start day, end day (exclusive), label] of the units between d0 and d1. */
    function units(kind, d0, d1) {
      var out = [], day, next;
      if (kind === "day") {
        for (day = d0; day < d1; day++) { out.push([day, day + 1, String(dateOf(day).getUTCDate())]); }
      } else if (kind === "week") {
        for (day = d0 - weekday(d0); day < d1; day += 7) {
          out.push([day, day + 7, intl("md", { month: "numeric", day: "numeric" }).format(dateOf(day))]);
        }
      } else if (kind === "month") {
        for (day = monthStart(d0); day < d1; day = next) {
          next = nextMonths(day, 1);
          out.push([day, next, intl(S.zoom === "month" ? "m" : "ym", S.zoom === "month" ?
            { month: "short" } : { year: "numeric", month: "long" }).format(dateOf(day))]);
        }
      } else if (kind === "quarter") {
        for (day = quarterStart(d0); day < d1; day = next) {
          next = nextMonths(day, 3);
          out.push([day, next, fmt(T.quarter, { q: Math.floor(dateOf(day).getUTCMonth() / 3) + 1 })]);
        }
      } else {
        for (day = yearStart(d0); day < d1; day = next) {
          next = dayOfUtc(dateOf(day).getUTCFullYear() + 1, 0, 1);
          out.push([day, next, intl("y", { year: "numeric" }).format(dateOf(day))]);
        }
      }
      return out;
    }

    var TIERS = { day: ["month", "day"], week: ["month", "week"], month: ["year", "month"],
      quarter: ["year", "quarter"] };

    function renderScale(tx0, tx1) {
      var d0 = Math.floor(tx0 / S.px) + S.dayMin - 1, d1 = Math.ceil(tx1 / S.px) + S.dayMin + 1;
      var tiers = TIERS[S.zoom], upper = units(tiers[0], d0, d1), lower = units(tiers[1], d0, d1);
      var today = S.doc.today, i, u, el, left, width;
      for (i = 0; i < upper.length; i++) {
        u = upper[i];
        left = x(u[0]);
        width = x(u[1]) - left;
        el = ticks.take();
        put(el, "u" + u[0] + ":" + S.px, "g-tick is-upper", left, width, u[2]);
        var indent = Math.max(0, Math.min(tx0 - left, width - 90));
        el.style.paddingLeft = (4 + indent) + "px";
      }
      for (i = 0; i < lower.length; i++) {
        u = lower[i];
        var cls = "g-tick is-lower";
        if (S.zoom === "day") {
          cls += " is-day" + (isWorking(u[0]) ? "" : " is-off") + (u[0] === today ? " is-today" : "");
        } else if (today >= u[0] && today < u[1]) {
          cls += " is-today";
        }
        put(ticks.take(), "l" + u[0] + ":" + S.px + cls, cls, x(u[0]), x(u[1]) - x(u[0]), u[2]);
      }
      ticks.done();
      renderLines(upper, lower, d0, d1);
    }

    function renderLines(upper, lower, d0, d1) {
      var majors = {}, i;
      for (i = 0; i < upper.length; i++) { majors[upper[i][0]] = true; }
      for (i = 0; i < lower.length; i++) {
        var day = lower[i][0], major = !!majors[day];
        put(vlines.take(), "v" + day + ":" + S.px + major, major ? "g-vline is-major" : "g-vline",
          x(day), null, null);
      }
      vlines.done();
      if (S.px >= 6) {
        for (var d = d0; d < d1; d++) {
          if (isWorking(d)) { continue; }
          var end = d + 1;
          while (end < d1 && !isWorking(end)) { end++; }
          put(offDays.take(), "o" + d + ":" + end + ":" + S.px, "g-off", x(d), x(end) - x(d), null);
          d = end;
        }
      }
      offDays.done();
      var today = S.doc.today;
      todayLine.style.display = today >= S.dayMin && today <= S.dayMax ? "" : "none";
      todayLine.style.left = x(today) + "px";
    }

    /* --- Links of the rows in view ------------------------------------------------------ */
    function head(x0, y0, dir) {
      if (dir === "r") { return "M" + x0 + " " + y0 + "l-5 -3.5v7z"; }
      if (dir === "l") { return "M" + x0 + " " + y0 + "l5 -3.5v7z"; }
      if (dir === "d") { return "M" + x0 + " " + y0 + "l-3.5 -5h7z"; }
      return "M" + x0 + " " + y0 + "l-3.5 5h7z";
    }

    /* [line, arrowhead] of one link, in timeline coordinates. */
    function route(link) {
      var a = S.tasks[link[0]], b = S.tasks[link[1]], ra = S.rowOf[a.i], rb = S.rowOf[b.i];
      var ya = midY(ra, a), yb = midY(rb, b), down = rb > ra;
      var ymid = ra * ROW + (down ? ROW : 0), type = link[2], xs, xt, xc;
      if (type === 0) { // finish → start
        xs = finishX(a);
        xt = startX(b);
        if (xt >= xs + 2 * G) {
          return ["M" + xs + " " + ya + "H" + (xs + G) + "V" + yb + "H" + xt, head(xt, yb, "r")];
        }
        var xv = b.flags & MILESTONE ? (xt + 6) : Math.max(xs + G, xt + G);
        if (xv <= finishX(b) - 2 || b.flags & MILESTONE) {
          var ye = yb + (down ? -7 : 7);
          return ["M" + xs + " " + ya + "H" + xv + "V" + ye, head(xv, ye, down ? "d" : "u")];
        }
        return ["M" + xs + " " + ya + "H" + (xs + G) + "V" + ymid + "H" + (xt - G) + "V" + yb +
          "H" + xt, head(xt, yb, "r")];
      }
      if (type === 1) { // start → start
        xs = startX(a);
        xt = startX(b);
        xc = Math.min(xs, xt) - G;
        return ["M" + xs + " " + ya + "H" + xc + "V" + yb + "H" + xt, head(xt, yb, "r")];
      }
      if (type === 2) { // finish → finish
        xs = finishX(a);
        xt = finishX(b);
        xc = Math.max(xs, xt) + G;
        return ["M" + xs + " " + ya + "H" + xc + "V" + yb + "H" + xt, head(xt, yb, "l")];
      }
      xs = startX(a); // start → finish
      xt = finishX(b);
      if (xs - G >= xt + G) {
        return ["M" + xs + " " + ya + "H" + (xs - G) + "V" + yb + "H" + xt, head(xt, yb, "l")];
      }
      return ["M" + xs + " " + ya + "H" + (xs - G) + "V" + ymid + "H" + (xt + G) + "V" + yb +
        "H" + xt, head(xt, yb, "l")];
    }

    function renderLinks(r0, r1) {
      var lines = ["", ""], heads = ["", ""], stamp = ++S.stamp;
      for (var r = r0; r < r1; r++) {
        var entry = S.rows[r];
        if (entry < 0) { continue; }
        var list = S.adjacent[entry];
        for (var k = 0; k < list.length; k++) {
          var li = list[k];
          if (S.linkStamp[li] === stamp) { continue; }
          S.linkStamp[li] = stamp;
          var link = S.links[li], a = S.tasks[link[0]], b = S.tasks[link[1]];
          if (S.rowOf[a.i] < 0 || S.rowOf[b.i] < 0 || a.start === null || b.start === null) {
            continue;
          }
          var drawn = route(link), kind = link[3] ? 1 : 0;
          lines[kind] += drawn[0];
          heads[kind] += drawn[1];
        }
      }
      paths[0].setAttribute("d", lines[0]);
      paths[1].setAttribute("d", heads[0]);
      paths[2].setAttribute("d", lines[1]);
      paths[3].setAttribute("d", heads[1]);
    }

    return {
      ROW: ROW, fmt: fmt, iso: iso, dayOfIso: dayOfIso, isWorking: isWorking, number: number,
      x: x, milestoneX: milestoneX, applySizes: applySizes, renderRows: renderRows,
      releaseAll: releaseAll, renderScale: renderScale, renderLinks: renderLinks,
      fillBar: fillBar
    };
  };
}());
