// Curves of the run and compare pages, drawn with uPlot from the JSON API.
// Every stored point is drawn (no downsampling); null values (NaN or +-inf in the
// database: a diverged step) leave a gap. No inline script: CSP default-src 'self'.
(function () {
  "use strict";
  var COLORS = ["#2456a6", "#c0392b", "#1f7a3a", "#8e44ad", "#d35400", "#16a085",
                "#7f8c8d", "#b7950b", "#2c3e50", "#e84393"];

  function color(i, alpha) {
    var c = COLORS[i % COLORS.length];
    if (alpha === undefined) return c;
    var n = parseInt(c.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function panel(container, title) {
    var box = document.createElement("div");
    box.className = "chart";
    box.setAttribute("data-series", title);
    container.appendChild(box);
    return box;
  }

  function size(box) {
    return { width: Math.max(320, box.clientWidth || 480), height: 260 };
  }

  function runCharts(container) {
    fetch(container.getAttribute("data-series-src"), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        Object.keys(data.series).sort().forEach(function (key, i) {
          var s = data.series[key];
          var box = panel(container, key);
          var opts = Object.assign(size(box), {
            title: key + " (" + s.steps.length + ")",
            scales: { x: { time: false } },
            series: [{ label: "step" },
                     { label: key, stroke: color(i), width: 1.5,
                       points: { show: s.steps.length < 30 } }],
          });
          new uPlot(opts, [s.steps, s.values], box);
        });
        container.setAttribute("data-ready", "1");
      })
      .catch(function (e) { container.textContent = "charts: " + e; });
  }

  function union(arrays) {
    var seen = {}, out = [];
    arrays.forEach(function (a) { a.forEach(function (x) { if (!seen[x]) { seen[x] = 1; out.push(x); } }); });
    return out.sort(function (a, b) { return a - b; });
  }

  function align(xs, x, values) {
    var at = {};
    x.forEach(function (v, i) { at[v] = values[i]; });
    return xs.map(function (v) { return at[v] === undefined ? null : at[v]; });
  }

  function compareCharts(container) {
    var groupLabel = container.getAttribute("data-group-label") || "group {n}";
    fetch(container.getAttribute("data-compare-src"), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var keys = union(data.groups.map(function (g) { return Object.keys(g.series); }));
        keys.forEach(function (key) {
          var groups = data.groups.filter(function (g) { return g.series[key]; });
          var xs = union(groups.map(function (g) { return g.series[key].x; }));
          var cols = [xs], series = [{ label: "step" }], bands = [];
          groups.forEach(function (g) {
            var i = data.groups.indexOf(g), b = g.series[key];
            var name = groupLabel.replace("{n}", String(i + 1));
            var seeds = g.run_ids.length;
            cols.push(align(xs, b.x, b.mean), align(xs, b.x, b.hi), align(xs, b.x, b.lo));
            series.push({ label: name + " (" + seeds + ")", stroke: color(i), width: 1.5 },
                        { label: name + " hi", stroke: color(i, 0.35), width: 0.5 },
                        { label: name + " lo", stroke: color(i, 0.35), width: 0.5 });
            var hi = series.length - 2, lo = series.length - 1;
            if (seeds > 1) bands.push({ series: [hi, lo], fill: color(i, 0.15) });
          });
          var box = panel(container, key);
          var opts = Object.assign(size(box), {
            title: key + " (" + data.band + ")", scales: { x: { time: false } },
            series: series, bands: bands,
          });
          new uPlot(opts, cols, box);
        });
        container.setAttribute("data-ready", "1");
      })
      .catch(function (e) { container.textContent = "charts: " + e; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var run = document.getElementById("run-charts");
    if (run) runCharts(run);
    var cmp = document.getElementById("compare-charts");
    if (cmp) compareCharts(cmp);
  });
})();
