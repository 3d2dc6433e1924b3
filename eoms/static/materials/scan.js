/* Scanning batch codes on the receiving and scan pages (no build step, no CDN).
 *
 * 1. The browser's BarcodeDetector, where it exists: the camera runs in a <video> and
 *    each frame is searched until a code is found.
 * 2. Otherwise a photo (file input with capture) posted to /api/v1/materials/decode,
 *    which reads it with zxing-cpp on the server and stores nothing.
 * 3. Otherwise the user types into the input.
 * A found text fills the input named by data-scan-for; on the scan page (data-scan-open)
 * an EOMS label opens its batch page.
 * Also: "add a batch" on the receiving page clones the last batch row of the formset.
 */
(function () {
  "use strict";

  var LABEL = /\/materials\/b\/(MB-\d{4}-\d{6})\/?/;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function status(box, text, bad) {
    var el = box.querySelector("[data-scan-status]");
    el.textContent = text;
    el.className = "small mt-1 " + (bad ? "text-danger" : "text-green");
  }

  function found(box, text) {
    var label = LABEL.exec(text);
    if (box.hasAttribute("data-scan-open") && label) {
      window.location.assign("/materials/b/" + label[1] + "/");
      return;
    }
    var input = document.getElementById(box.getAttribute("data-scan-for"));
    if (input) {
      input.value = text;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    status(box, text, false);
  }

  function decodePhoto(box, file) {
    var body = new FormData();
    body.append("image", file);
    status(box, "…", false);
    fetch(box.getAttribute("data-decode"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (answer.ok && answer.data.texts && answer.data.texts.length) {
        found(box, answer.data.batch_url || answer.data.texts[0]);
      } else {
        var errors = answer.data.errors || [];
        status(box, errors.length ? errors[0].message : (answer.data.detail || answer.data.title), true);
      }
    }).catch(function () { status(box, box.getAttribute("data-offline") || "✕", true); });
  }

  function liveScan(box) {
    var video = box.querySelector("[data-scan-video]");
    var detector = new window.BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      function stop() { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; }
      function look() {
        detector.detect(video).then(function (codes) {
          if (codes.length) { stop(); found(box, codes[0].rawValue); } else { window.setTimeout(look, 250); }
        }).catch(function () { window.setTimeout(look, 500); });
      }
      look();
    }).catch(function (error) { status(box, String(error), true); });
  }

  function addRow(form) {
    var rows = form.querySelector("[data-batch-rows]");
    var total = form.querySelector("input[name=lines-TOTAL_FORMS]");
    var last = rows.querySelector("[data-batch-row]:last-of-type");
    if (!last || !total) return;
    var index = parseInt(total.value, 10);
    var copy = last.cloneNode(true);
    copy.innerHTML = copy.innerHTML.replace(/lines-\d+-/g, "lines-" + index + "-");
    copy.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (el) { el.value = ""; });
    copy.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    copy.querySelectorAll(".invalid-feedback, .alert, [data-scan-status]").forEach(function (el) { el.textContent = ""; });
    var title = copy.querySelector(".card-title");
    if (title) title.textContent = title.textContent.replace(/\d+/, String(index + 1));
    rows.appendChild(copy);
    total.value = String(index + 1);
    setup(copy);
  }

  function setup(root) {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    root.querySelectorAll("[data-scan-live]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var live = event.target.closest("[data-scan-live]");
    if (live) { liveScan(live.closest("[data-scan]")); return; }
    var add = event.target.closest("[data-add-row]");
    if (add) addRow(add.closest("form"));
  });
  document.addEventListener("change", function (event) {
    var input = event.target.closest("[data-scan-photo]");
    if (input && input.files && input.files[0]) {
      decodePhoto(input.closest("[data-scan]"), input.files[0]);
      input.value = "";
    }
  });
  document.addEventListener("DOMContentLoaded", function () { setup(document); });
})();
