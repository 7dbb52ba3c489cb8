/* The mock exam's clock: counts down from the seconds the server said were left
   (data-remaining), shows m:ss, and when it reaches 0 shows "time is up" and, a second later, submits
   the finish form. The server enforces the deadline itself; this clock is only the display. */
(function () {
  "use strict";
  var clock = document.getElementById("exam-clock");
  if (!clock) { return; }
  var remaining = parseFloat(clock.getAttribute("data-remaining"));
  if (!isFinite(remaining)) { return; }
  var deadline = performance.now() + remaining * 1000;
  var finished = false;
  var GRACE_MS = 1000;

  function text(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function tick() {
    var left = (deadline - performance.now()) / 1000;
    if (left <= 0) {
      clock.textContent = clock.getAttribute("data-time-up") || "0:00";
      clock.classList.add("exam-clock-up");
      if (!finished) {
        finished = true;
        var form = document.getElementById("exam-finish");
        // a second's grace, so the server (whose clock decides) sees the deadline passed
        if (form) { window.setTimeout(function () { form.submit(); }, GRACE_MS); }
      }
      return;
    }
    clock.textContent = text(left);
    if (left < 60) { clock.classList.add("exam-clock-low"); }
    window.setTimeout(tick, 250);
  }
  tick();
}());
