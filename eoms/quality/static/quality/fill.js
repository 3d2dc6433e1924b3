/* The inspector's phone page: live pass/fail of measurements (exact decimal comparison
   on scaled integers, as the server computes it) and signatures drawn on a canvas, sent as
   a PNG data URL in the item's hidden field. */
(function () {
  "use strict";
  var SCALE = 3;
  function scaled(text) {
    var m = /^\s*([+-]?)(\d*)(?:\.(\d{0,3}))?\s*$/.exec(String(text));
    if (!m || (m[2] === "" && !m[3])) { return null; }
    var digits = (m[2] || "0") + ((m[3] || "") + "000").slice(0, SCALE);
    var value = BigInt(digits);
    return m[1] === "-" ? -value : value;
  }
  function verdict(input) {
    var badge = document.querySelector('[data-verdict-for="' + input.name + '"]');
    if (!badge) { return; }
    var value = scaled(input.value), nominal = scaled(input.dataset.nominal);
    var minus = scaled(input.dataset.minus), plus = scaled(input.dataset.plus);
    if (value === null || nominal === null) { badge.textContent = ""; badge.className = "badge q-verdict"; return; }
    var ok = value >= nominal - minus && value <= nominal + plus;
    badge.textContent = ok ? badge.dataset.pass : badge.dataset.fail;
    badge.className = "badge q-verdict " + (ok ? "bg-green-lt" : "bg-red-lt");
  }
  document.querySelectorAll("[data-measure]").forEach(function (input) {
    input.addEventListener("input", function () { verdict(input); });
    verdict(input);
  });
  document.querySelectorAll("canvas[data-signature-for]").forEach(function (canvas) {
    var field = document.getElementById(canvas.dataset.signatureFor);
    var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
    function fit() { canvas.width = canvas.clientWidth || 300; ctx.lineWidth = 2.5; ctx.lineCap = "round"; }
    function at(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    fit();
    canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) { return; } var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
    function end() { if (drawing && drawn) { field.value = canvas.toDataURL("image/png"); } drawing = false; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = document.querySelector('[data-signature-clear="' + canvas.dataset.signatureFor + '"]');
    if (clear) { clear.addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; drawn = false; }); }
  });
}());
