/*
 * EOMS page glue. Loaded with `defer` after Tabler and htmx; no inline scripts anywhere,
 * so pages work under a strict Content-Security-Policy.
 *
 * - htmx requests that change state carry the CSRF token (X-CSRFToken header), taken from
 *   the `csrftoken` cookie or, when the cookie is HttpOnly, from <meta name="csrf-token">.
 * - Alerts with data-autodismiss="6000" close themselves after that many milliseconds
 *   (not while the pointer rests on them).
 * - Buttons, links and forms with data-confirm="…" ask for confirmation first (works for
 *   plain forms and for htmx-powered elements alike).
 * - <select data-autosubmit> submits its form on change (language switcher, list filters).
 * - Elements marked data-eoms-poll (htmx polling: notification badge, job progress) never
 *   swap in a page they were redirected to (e.g. the login page after the session expired).
 */
(function () {
  "use strict";

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].trim();
      if (part.substring(0, name.length + 1) === name + "=") {
        return decodeURIComponent(part.substring(name.length + 1));
      }
    }
    return "";
  }

  function csrfToken() {
    var fromCookie = readCookie("csrftoken");
    if (fromCookie) {
      return fromCookie;
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  var SAFE_METHODS = { GET: true, HEAD: true, OPTIONS: true, TRACE: true };

  document.addEventListener("htmx:configRequest", function (evt) {
    var verb = String(evt.detail.verb || "get").toUpperCase();
    if (!SAFE_METHODS[verb]) {
      var token = csrfToken();
      if (token) {
        evt.detail.headers["X-CSRFToken"] = token;
      }
    }
  });

  /* --- Polling guard ------------------------------------------------------------------- */
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.detail.elt;
    var xhr = evt.detail.xhr;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-eoms-poll") || !xhr) {
      return;
    }
    var requested = evt.detail.pathInfo && evt.detail.pathInfo.requestPath;
    if (!xhr.responseURL || !requested) {
      return;
    }
    try {
      var got = new URL(xhr.responseURL, window.location.href).pathname;
      var wanted = new URL(requested, window.location.href).pathname;
      if (got !== wanted) {
        evt.detail.shouldSwap = false;
      }
    } catch (e) {
      /* an unparsable URL: let htmx decide */
    }
  });

  /* --- Alerts ---------------------------------------------------------------------------- */
  function closeAlert(el) {
    var bs = (window.tabler && window.tabler.bootstrap) || window.bootstrap;
    if (bs && bs.Alert) {
      bs.Alert.getOrCreateInstance(el).close();
    } else if (el.parentNode) {
      el.parentNode.removeChild(el);
    }
  }

  function scheduleDismiss(el, delay) {
    window.setTimeout(function () {
      if (!document.body.contains(el)) {
        return;
      }
      if (el.matches(":hover") || el.contains(document.activeElement)) {
        scheduleDismiss(el, 2000);
        return;
      }
      closeAlert(el);
    }, delay);
  }

  function armAlerts(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    var alerts = root.querySelectorAll("[data-autodismiss]");
    if (root.matches && root.matches("[data-autodismiss]")) {
      alerts = [root].concat(Array.prototype.slice.call(alerts));
    }
    Array.prototype.forEach.call(alerts, function (el) {
      if (el.getAttribute("data-eoms-armed")) {
        return;
      }
      el.setAttribute("data-eoms-armed", "1");
      var delay = parseInt(el.getAttribute("data-autodismiss"), 10);
      scheduleDismiss(el, isNaN(delay) || delay < 1000 ? 6000 : delay);
    });
  }

  armAlerts(document);
  document.addEventListener("htmx:load", function (evt) {
    armAlerts(evt.detail && evt.detail.elt);
  });

  /* --- Confirmation ------------------------------------------------------------------------ */
  function refuse(evt) {
    evt.preventDefault();
    evt.stopImmediatePropagation();
  }

  document.addEventListener(
    "click",
    function (evt) {
      var el = evt.target.closest ? evt.target.closest("[data-confirm]") : null;
      if (!el || el.tagName === "FORM" || el.disabled) {
        return;
      }
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        refuse(evt);
      }
    },
    true
  );

  document.addEventListener(
    "submit",
    function (evt) {
      var form = evt.target;
      if (form && form.matches && form.matches("form[data-confirm]")) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          refuse(evt);
        }
      }
    },
    true
  );

  /* --- Auto-submitting selects ------------------------------------------------------------- */
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (!el || !el.matches || !el.matches("[data-autosubmit]") || !el.form) {
      return;
    }
    if (typeof el.form.requestSubmit === "function") {
      el.form.requestSubmit();
    } else {
      el.form.submit();
    }
  });
})();
