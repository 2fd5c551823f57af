// picsim report explorer (see explore.rs): draws each chart of the run again as an SVG from the
// JSON in #picsim-data, with a hover rule and tooltip, legend buttons that switch series off and
// on, and key-date markers the key-dates table highlights. Fetches nothing, evaluates nothing.
// Every rule of the charts comes with the data, computed by the code that draws the PNGs: tick
// positions and labels, colours, line widths and dashes, band opacity, badge sizes. This script
// lays them out at the page's width and holds no copy of them.
(function () {
  "use strict";
  const source = document.getElementById("picsim-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  // The SVG namespace, read from a parsed element (so the page holds no URL).
  const probe = document.createElement("div");
  probe.innerHTML = "<svg></svg>";
  const NS = probe.firstChild.namespaceURI;
  const banded = data.replications > 1;
  // Each reported day's x (days since the first), and the x range of every chart.
  const xs = data.x.days;
  const [xLo, xHi] = data.x.range;
  const badge = data.badge;

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

  // The x ticks for a plot `width` pixels wide: the densest set whose labels have room (they
  // come densest first), else the sparsest.
  const xTicks = (width) => data.x.ticks.find((t) => t.minWidth <= width) || data.x.ticks[data.x.ticks.length - 1];

  const charts = [];
  // Key-date number → its marker groups, in every chart.
  const markers = new Map();

  // Draws chart `c` into its `view` (the plot box), at the box's width.
  const draw = (c) => {
    const width = Math.max(320, Math.round(c.plot.clientWidth || 800));
    const height = Math.round(Math.min(520, Math.max(260, width * 0.5)));
    const columns = c.spec.series.map((s) => data.columns[s.column]);
    const yt = c.spec.y;
    const [yBottom, yTop] = [yt.ticks[0], yt.ticks[yt.ticks.length - 1]];
    const inMarkers = data.keyDates.filter((k) => k.x !== null);
    const left = 16 + Math.max(...yt.labels.map((l) => l.length)) * 7.2;
    const right = width - 14;
    const X = (x) => left + ((x - xLo) / (xHi - xLo)) * (right - left);
    // Badges closer than their spacing go on separate rows (as many as the PNG has), above the plot.
    const rows = [];
    const badgeRow = inMarkers.map((k) => {
      const px = X(k.x);
      let r = rows.findIndex((lastX) => px - lastX >= badge.spacing);
      if (r < 0) r = rows.length < badge.rows ? rows.length : rows.indexOf(Math.min(...rows));
      rows[r] = px;
      return r;
    });
    const top = 14 + Math.max(1, rows.length) * badge.rowHeight;
    const bottom = height - 26;
    const Y = (v) => bottom - ((v - yBottom) / (yTop - yBottom)) * (bottom - top);

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
    yt.ticks.forEach((t, i) => {
      el("line", { x1: left, x2: right, y1: Y(t), y2: Y(t) }, grid);
      el("text", { x: left - 6, y: Y(t) + 4, "text-anchor": "end" }, grid).textContent = yt.labels[i];
    });
    const xt = xTicks(right - left);
    xt.at.forEach((x, i) => {
      el("line", { x1: X(x), x2: X(x), y1: bottom, y2: bottom + 5, class: "axis" }, svg);
      el("text", { x: X(x), y: bottom + 18, "text-anchor": "middle" }, svg).textContent = xt.labels[i];
    });
    el("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "axis" }, svg);
    el("line", { x1: left, x2: left, y1: top, y2: bottom, class: "axis" }, svg);

    inMarkers.forEach((k, i) => {
      const px = X(k.x);
      const by = 14 + badgeRow[i] * badge.rowHeight;
      const g = el("g", { class: "marker", "data-key": k.n }, svg);
      el("title", {}, g).textContent = k.n + ". " + k.date + ": " + k.label;
      el("line", { x1: px, x2: px, y1: by + badge.radius, y2: bottom }, g);
      el("circle", { cx: px, cy: by, r: badge.radius }, g);
      el("text", { x: px, y: by + 4 }, g).textContent = k.n;
      if (!markers.has(k.n)) markers.set(k.n, []);
      markers.get(k.n).push(g);
      if (c.highlight === k.n) g.classList.add("hl");
    });

    // Bands, then the lines in the PNG's drawing order: every line above every band.
    c.parts = c.spec.series.map(() => []);
    c.spec.series.forEach((s, i) => {
      const col = columns[i];
      if (!s.band) return;
      let d = "M" + xs.map((x, j) => X(x).toFixed(1) + " " + Y(col.p95[j]).toFixed(1)).join("L");
      for (let j = xs.length - 1; j >= 0; j--) d += "L" + X(xs[j]).toFixed(1) + " " + Y(col.p05[j]).toFixed(1);
      c.parts[i].push(el("path", { d: d + "Z", fill: s.colour, "fill-opacity": data.bandOpacity, class: "band" }, svg));
    });
    for (const i of c.spec.layers) {
      const s = c.spec.series[i];
      const col = columns[i];
      const d = xs.length === 1
        ? "M" + X(xs[0]) + " " + Y(col.mean[0]) + "h0.01"
        : "M" + xs.map((x, j) => X(x).toFixed(1) + " " + Y(col.mean[j]).toFixed(1)).join("L");
      const line = el("path", {
        d: d,
        fill: "none",
        stroke: s.colour,
        "stroke-width": s.width,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
        class: "line",
        "data-series": i,
      }, svg);
      if (s.dash) line.setAttribute("stroke-dasharray", s.dash.join(" "));
      c.parts[i].push(line);
    }
    const rule = el("line", { class: "rule", y1: top, y2: bottom, visibility: "hidden" }, svg);
    const dots = c.spec.series.map((s, i) => {
      const dot = el("circle", { r: 4, fill: s.colour, "stroke-width": 1.5, class: "dot", visibility: "hidden" }, svg);
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
