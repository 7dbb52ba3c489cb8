// Live progress of a sweep: the server pushes "progress" events (server-sent events)
// whenever the sweep's counts change and an "end" event when it stops.
(function () {
  "use strict";
  function set(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }
  function show(s) {
    var bar = document.getElementById("sweep-progress");
    if (bar) { bar.max = Math.max(1, s.total); bar.value = s.done; }
    set("sweep-done", s.done);
    set("sweep-total", s.total);
    set("sweep-failed", s.failed);
    set("sweep-task", s.task || "–");
    set("sweep-task-index", s.task_index);
    set("sweep-updated", (s.updated_at || "").slice(0, 19).replace("T", " "));
    var st = document.getElementById("sweep-status");
    if (st) { st.textContent = s.status; st.className = "status-" + s.status; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("sweep");
    if (!box || box.getAttribute("data-status") !== "running" || !window.EventSource) return;
    var source = new EventSource(box.getAttribute("data-events"));
    source.addEventListener("progress", function (e) { show(JSON.parse(e.data)); });
    source.addEventListener("end", function (e) {
      show(JSON.parse(e.data));
      box.setAttribute("data-status", JSON.parse(e.data).status);
      var live = document.getElementById("sweep-live");
      if (live) live.textContent = live.getAttribute("data-ended");
      source.close();
    });
  });
})();
