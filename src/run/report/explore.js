// picsim report explorer (see explore.rs): draws each chart of the run again as an SVG from the
// JSON in #picsim-data, with a hover rule and tooltip, legend buttons that switch series off and
// on, and key-date markers the key-dates table highlights. Fetches nothing, evaluates nothing.
(function () {
  "use strict";
  const source = document.getElementById("picsim-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  // The SVG namespace, read from a parsed element (so the page holds no URL).
  const probe = document.createElement("div");
  probe.innerHTML = "<svg></svg>";
  const NS = probe.firstChild.namespaceURI;
  const DAY = 86400000;
  const banded = data.replications > 1;

  // Days since the first reported date, from "YYYY-MM-DD" (UTC: no time zone moves a day).
  const dayOf = (iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / DAY;
  };
  const origin = dayOf(data.dates[0]);
  const xs = data.dates.map((d) => dayOf(d) - origin);
  const last = xs[xs.length - 1];
  // One reported day: a month around it, as the PNG does.
  const [xLo, xHi] = last > 0 ? [0, last] : [-15, 15];

  // Thousands separators as the rest of the page writes them (not the reader's locale).
  const grouped = (v, decimals) => {
    const [int, frac] = Math.abs(v).toFixed(decimals).split(".");
    const sign = v < 0 && Number(Math.abs(v).toFixed(decimals)) !== 0 ? "-" : "";
    const withCommas = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + withCommas + (frac === undefined ? "" : "." + frac);
  };
  const meanText = (v) => grouped(v, banded ? 1 : 0);

  const el = (name, attrs, parent) => {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  };
  const html = (name, cls, parent) => {
    const e = document.createElement(name);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  };

  // Round y ticks: 0 to a multiple of 1, 2, 2.5 or 5 × 10^k above the highest value.
  const yTicks = (max) => {
    const top = max > 0 ? max * 1.03 : 1;
    const raw = top / 5;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
    const ticks = [];
    for (let t = 0; t < top + step * 0.999; t += step) ticks.push(t);
    return ticks;
  };

  // Date ticks on the first of a month, every `months`, as few as leave room for their labels.
  const xTicks = (width) => {
    if (last === 0) return { ticks: [0], label: (x) => data.dates[0] };
    const first = new Date((origin + xLo) * DAY);
    const end = new Date((origin + xHi) * DAY);
    const span = (end.getUTCFullYear() - first.getUTCFullYear()) * 12 + end.getUTCMonth() - first.getUTCMonth() + 1;
    const months = [1, 2, 3, 6, 12, 24, 60, 120].find((m) => (span / m) * (m >= 12 ? 48 : 72) <= width) || 120;
    const ticks = [];
    let y = first.getUTCFullYear();
    let m = months >= 12 ? 0 : Math.ceil(first.getUTCMonth() / months) * months;
    for (;;) {
      const x = Date.UTC(y, m, 1) / DAY - origin;
      if (x > xHi) break;
      if (x >= xLo && (months < 12 || y % (months / 12) === 0)) ticks.push(x);
      m += months >= 12 ? 12 : months;
      while (m >= 12) { m -= 12; y += 1; }
    }
    const label = (x) => {
      const d = new Date((origin + x) * DAY);
      const month = String(d.getUTCMonth() + 1).padStart(2, "0");
      return months >= 12 ? String(d.getUTCFullYear()) : d.getUTCFullYear() + "-" + month;
    };
    return { ticks, label };
  };

  const charts = [];
  // Key-date number → its marker groups, in every chart.
  const markers = new Map();

  // Draws chart `c` into its `view` (the plot box), at the box's width.
  const draw = (c) => {
    const width = Math.max(320, Math.round(c.plot.clientWidth || 800));
    const height = Math.round(Math.min(520, Math.max(260, width * 0.5)));
    const columns = c.spec.series.map((s) => data.columns[s.column]);
    let yMax = 0;
    c.spec.series.forEach((s, i) => {
      const col = columns[i];
      for (const v of col.mean) yMax = Math.max(yMax, v);
      if (s.band && banded) for (const v of col.p95) yMax = Math.max(yMax, v);
    });
    const ticks = yTicks(yMax);
    const yTop = ticks[ticks.length - 1];
    const inMarkers = data.keyDates.filter((k) => {
      const x = dayOf(k.date) - origin;
      return x >= xLo && x <= xHi;
    });
    // Badges a few pixels apart go on separate rows (up to three), above the plot.
    const left = 16 + Math.max(...ticks.map((t) => grouped(t, 0).length)) * 7.2;
    const right = width - 14;
    const X = (x) => left + ((x - xLo) / (xHi - xLo)) * (right - left);
    const rows = [];
    const badgeRow = inMarkers.map((k) => {
      const px = X(dayOf(k.date) - origin);
      let r = rows.findIndex((lastX) => px - lastX >= 20);
      if (r < 0) r = rows.length < 3 ? rows.length : rows.indexOf(Math.min(...rows));
      rows[r] = px;
      return r;
    });
    const top = 14 + Math.max(1, rows.length) * 20;
    const bottom = height - 26;
    const Y = (v) => bottom - (v / yTop) * (bottom - top);

    c.plot.textContent = "";
    const svg = el("svg", {
      viewBox: "0 0 " + width + " " + height,
      width: width,
      height: height,
      tabindex: 0,
      role: "img",
      "aria-label": c.spec.title + ": move the pointer over the chart, or use the arrow keys, to read each day's values",
      "data-plot-left": left,
      "data-plot-right": right,
    }, c.plot);
    const grid = el("g", { class: "grid" }, svg);
    for (const t of ticks) {
      el("line", { x1: left, x2: right, y1: Y(t), y2: Y(t) }, grid);
      el("text", { x: left - 6, y: Y(t) + 4, "text-anchor": "end" }, grid).textContent = grouped(t, 0);
    }
    const xt = xTicks(right - left);
    for (const x of xt.ticks) {
      el("line", { x1: X(x), x2: X(x), y1: bottom, y2: bottom + 5, class: "axis" }, svg);
      el("text", { x: X(x), y: bottom + 18, "text-anchor": "middle" }, svg).textContent = xt.label(x);
    }
    el("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "axis" }, svg);
    el("line", { x1: left, x2: left, y1: top, y2: bottom, class: "axis" }, svg);

    inMarkers.forEach((k, i) => {
      const px = X(dayOf(k.date) - origin);
      const by = 14 + badgeRow[i] * 20;
      const g = el("g", { class: "marker", "data-key": k.n }, svg);
      el("title", {}, g).textContent = k.n + ". " + k.date + ": " + k.label;
      el("line", { x1: px, x2: px, y1: by + 9, y2: bottom }, g);
      el("circle", { cx: px, cy: by, r: 9 }, g);
      el("text", { x: px, y: by + 4 }, g).textContent = k.n;
      if (!markers.has(k.n)) markers.set(k.n, []);
      markers.get(k.n).push(g);
      if (c.highlight === k.n) g.classList.add("hl");
    });

    // Bands, then reference lines, then the others: every line above every band.
    c.parts = c.spec.series.map(() => []);
    c.spec.series.forEach((s, i) => {
      const col = columns[i];
      if (!(s.band && banded) || xs.length < 2 || col.p05.every((lo, j) => lo === col.p95[j])) return;
      let d = "M" + xs.map((x, j) => X(x).toFixed(1) + " " + Y(col.p95[j]).toFixed(1)).join("L");
      for (let j = xs.length - 1; j >= 0; j--) d += "L" + X(xs[j]).toFixed(1) + " " + Y(col.p05[j]).toFixed(1);
      c.parts[i].push(el("path", { d: d + "Z", fill: s.colour, "fill-opacity": 0.18, class: "band" }, svg));
    });
    const order = c.spec.series.map((s, i) => i);
    order.sort((a, b) => Number(c.spec.series[b].reference) - Number(c.spec.series[a].reference));
    for (const i of order) {
      const s = c.spec.series[i];
      const col = columns[i];
      const d = xs.length === 1
        ? "M" + X(xs[0]) + " " + Y(col.mean[0]) + "h0.01"
        : "M" + xs.map((x, j) => X(x).toFixed(1) + " " + Y(col.mean[j]).toFixed(1)).join("L");
      const line = el("path", {
        d: d,
        fill: "none",
        stroke: s.colour,
        "stroke-width": Math.max(1.2, xs.length === 1 ? 10 : s.width * 0.75),
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
        class: "line",
        "data-series": i,
      }, svg);
      if (s.dashed) line.setAttribute("stroke-dasharray", "7 4.5");
      c.parts[i].push(line);
    }
    const rule = el("line", { class: "rule", y1: top, y2: bottom, visibility: "hidden" }, svg);
    const dots = c.spec.series.map((s, i) => {
      const dot = el("circle", { r: 4, fill: s.colour, stroke: "#fff", "stroke-width": 1.5, visibility: "hidden" }, svg);
      c.parts[i].push(dot);
      return dot;
    });
    c.spec.series.forEach((s, i) => { if (c.hidden.has(i)) c.parts[i].forEach((p) => { p.style.display = "none"; }); });

    // Hover: the reported day nearest the pointer.
    const tip = html("div", "explore-tip", c.plot);
    tip.hidden = true;
    tip.setAttribute("role", "status");
    const nearest = (px) => {
      const x = xLo + ((px - left) / (right - left)) * (xHi - xLo);
      let lo = 0;
      let hi = xs.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] <= x) lo = mid; else hi = mid;
      }
      return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
    };
    const show = (j) => {
      c.at = j;
      const px = X(xs[j]);
      rule.setAttribute("x1", px);
      rule.setAttribute("x2", px);
      rule.setAttribute("visibility", "visible");
      tip.textContent = "";
      html("div", "tip-date", tip).textContent = data.dates[j];
      const rows = html("div", "tip-rows", tip);
      c.spec.series.forEach((s, i) => {
        dots[i].setAttribute("cx", px);
        dots[i].setAttribute("cy", Y(columns[i].mean[j]));
        dots[i].setAttribute("visibility", "visible");
        if (c.hidden.has(i)) return;
        const row = html("div", "tip-row", rows);
        row.setAttribute("data-series", i);
        row.setAttribute("data-column", s.column);
        html("span", "swatch", row).style.background = s.colour;
        html("span", "tip-label", row).textContent = s.label;
        html("span", "tip-value", row).textContent = meanText(columns[i].mean[j]);
        html("span", "tip-band", row).textContent = banded
          ? "p05–p95 " + grouped(columns[i].p05[j], 0) + "–" + grouped(columns[i].p95[j], 0)
          : "";
      });
      tip.hidden = false;
      // Beside the rule, on the side with room, inside the plot box (never wider than the page).
      const scale = c.plot.clientWidth / width;
      const box = c.plot.clientWidth;
      const w = tip.offsetWidth;
      let at = px * scale + 14;
      if (at + w > box) at = px * scale - 14 - w;
      tip.style.left = Math.max(0, Math.min(at, box - w)) + "px";
      tip.style.top = top * scale + "px";
    };
    const hide = () => {
      c.at = null;
      rule.setAttribute("visibility", "hidden");
      dots.forEach((d) => d.setAttribute("visibility", "hidden"));
      tip.hidden = true;
    };
    // A legend switch redraws the tooltip at the same day.
    c.show = show;
    svg.addEventListener("pointermove", (e) => {
      const r = svg.getBoundingClientRect();
      show(nearest(((e.clientX - r.left) / r.width) * width));
    });
    svg.addEventListener("pointerleave", hide);
    svg.addEventListener("blur", hide);
    svg.addEventListener("focus", () => show(c.at === null ? xs.length - 1 : c.at));
    svg.addEventListener("keydown", (e) => {
      const step = { ArrowLeft: -1, ArrowRight: 1, PageDown: -10, PageUp: 10 }[e.key];
      let j = c.at === null ? xs.length - 1 : c.at;
      if (step !== undefined) j = Math.max(0, Math.min(xs.length - 1, j + step));
      else if (e.key === "Home") j = 0;
      else if (e.key === "End") j = xs.length - 1;
      else if (e.key === "Escape") { hide(); return; }
      else return;
      e.preventDefault();
      show(j);
    });
  };

  for (const spec of data.charts) {
    const figure = document.getElementById(spec.id);
    // A chart with nothing to draw keeps its PNG, which says so.
    if (!figure || spec.series.length === 0) continue;
    const c = { spec, hidden: new Set(), at: null, highlight: null };
    const box = html("div", "explore");
    const title = html("p", "explore-title", box);
    title.textContent = spec.title + " ";
    html("span", "unit", title).textContent = "(" + spec.unit + (banded ? "; mean, band p05–p95)" : ")");
    const legend = html("div", "explore-legend", box);
    legend.setAttribute("role", "group");
    legend.setAttribute("aria-label", "Series of " + spec.title + ": press to show or hide");
    spec.series.forEach((s, i) => {
      const b = html("button", "explore-key", legend);
      b.type = "button";
      b.setAttribute("aria-pressed", "true");
      b.setAttribute("data-series", i);
      b.setAttribute("data-column", s.column);
      const sample = html("span", "explore-sample" + (s.dashed ? " dashed" : ""), b);
      sample.style.borderTopColor = s.colour;
      html("span", "", b).textContent = s.label;
      b.addEventListener("click", () => {
        const off = !c.hidden.has(i);
        if (off) c.hidden.add(i); else c.hidden.delete(i);
        b.setAttribute("aria-pressed", String(!off));
        c.parts[i].forEach((p) => { p.style.display = off ? "none" : ""; });
        if (c.at !== null) c.show(c.at);
      });
    });
    c.plot = html("div", "explore-plot", box);
    figure.insertBefore(box, figure.querySelector("figcaption"));
    figure.classList.add("explore-on");
    charts.push(c);
  }
  const drawAll = () => {
    markers.clear();
    for (const c of charts) {
      draw(c);
    }
  };
  drawAll();

  // Key-dates table: a row highlights its marker in every chart while hovered or focused.
  const highlight = (n, on) => {
    for (const c of charts) c.highlight = on ? n : null;
    for (const g of markers.get(n) || []) g.classList.toggle("hl", on);
  };
  for (const row of document.querySelectorAll("tr[data-key-date]")) {
    const n = Number(row.getAttribute("data-key-date"));
    row.tabIndex = 0;
    const on = () => { row.classList.add("hl"); highlight(n, true); };
    const off = () => { row.classList.remove("hl"); highlight(n, false); };
    row.addEventListener("pointerenter", on);
    row.addEventListener("pointerleave", off);
    row.addEventListener("focus", on);
    row.addEventListener("blur", off);
  }

  let pending = false;
  window.addEventListener("resize", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawAll();
    });
  });
})();
