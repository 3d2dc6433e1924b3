/*
 * The field pages on a phone (templates/fieldwork/today.html, checkin_detail.html); needs
 * outbox.js and field-capture.js, loaded before it.
 *
 * - Registers the service worker (offline app shell, Background Sync of the outbox).
 * - Check-out forms post as usual; without signal they say so instead of failing.
 * - Today page, 签到: the check-in (fields, photos, the time of the tap) is stored on the
 *   phone first under an Idempotency-Key made at the tap, then sent to the API. Online, a
 *   refusal comes back on the form's fields and a success reloads the page; without signal
 *   it waits ("待上传") and is sent on `online`, on page load, every 15 s and by Background
 *   Sync — always the same bytes with the same key, so it is recorded once. The list shows
 *   what is pending, synced (with a link) and refused (the server's message, deletable).
 * Texts come from the page (#field-strings, data-* attributes), never from this file.
 */
(function () {
  "use strict";

  var RETRY_MS = 15000;
  var FIELDS = ["site", "task", "latitude", "longitude", "accuracy", "flag_reason", "note",
                "progress_percent", "quantity_done", "quantity_unit"];
  var BADGES = { pending: "bg-orange text-orange-fg", uploading: "bg-blue text-blue-fg",
                 synced: "bg-green text-green-fg", failed: "bg-red text-red-fg",
                 auth: "bg-yellow text-yellow-fg" };
  var C = window.EomsCapture;
  var O = window.EomsOutbox;

  function registerWorker() {
    var holder = document.querySelector("[data-sw]");
    if (holder && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(holder.getAttribute("data-sw")).catch(function () {});
    }
  }

  function readCookie(name) {
    var found = document.cookie.split(";").map(function (p) { return p.trim(); })
      .filter(function (p) { return p.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return readCookie("csrftoken") || (meta ? meta.getAttribute("content") : "");
  }

  function guardCheckouts() {
    document.querySelectorAll("[data-checkout-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine !== false) {
          return;
        }
        event.preventDefault();
        var note = form.querySelector("[data-offline-note]") || C.el("div");
        note.setAttribute("data-offline-note", "");
        note.className = "alert alert-warning mt-2";
        note.setAttribute("role", "alert");
        note.textContent = form.getAttribute("data-offline");
        form.appendChild(note);
      });
    });
  }

  function clock(iso) {
    var at = new Date(iso);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var time = pad(at.getHours()) + ":" + pad(at.getMinutes());
    var today = new Date();
    return at.toDateString() === today.toDateString() ? time
      : pad(at.getMonth() + 1) + "-" + pad(at.getDate()) + " " + time;
  }

  function Today(page) {
    this.page = page;
    this.T = JSON.parse(document.getElementById("field-strings").textContent);
    this.user = page.getAttribute("data-user");
    this.section = page.querySelector("[data-outbox]");
    this.list = page.querySelector("[data-outbox-list]");
    this.uploading = {};
    this.form = page.querySelector("[data-checkin-form]");
    if (this.form) {
      this.setUpForm(this.form);
    }
    var self = this;
    this.onChange = function (id, state) {
      if (id && state === "uploading") {
        self.uploading[id] = true;
      } else if (id) {
        delete self.uploading[id];
      }
      self.renderOutbox();
    };
    O.setMeta({ api: this.attr("data-api"), me: this.attr("data-me"), csrf: csrfToken(),
                user: this.user }).catch(function () {});
    O.prune().catch(function () {}).then(function () { return self.renderOutbox(); })
      .then(function () { self.flush(); });
    window.addEventListener("online", function () { self.flush(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        self.flush();
      }
    });
    setInterval(function () { self.flush(); }, RETRY_MS);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "eoms-outbox") {
          self.renderOutbox();
        }
      });
    }
  }

  Today.prototype.attr = function (name) {
    return this.page.getAttribute(name);
  };

  Today.prototype.context = function () {
    return { api: this.attr("data-api"), me: this.attr("data-me"), csrf: csrfToken(),
             user: this.user };
  };

  /* --- the form ------------------------------------------------------------------------- */

  Today.prototype.setUpForm = function (form) {
    var self = this;
    this.location = new C.Location(form, this.T, parseFloat(this.attr("data-tolerance")) || 0);
    this.photos = new C.Photos(form, this.T, parseInt(this.attr("data-photo-limit"), 10) || 12);
    this.button = form.querySelector("[data-submit]");
    this.label = form.querySelector("[data-submit-label]");
    this.buttonText = this.label.textContent;
    this.taskOptions = Array.prototype.map.call(form.elements.task.options, function (o) {
      return o.cloneNode(true);
    });
    form.elements.site.addEventListener("change", function () {
      self.filterTasks();
      self.location.render();
    });
    this.page.querySelectorAll("[data-pick-task]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (self.pickTask(link.getAttribute("data-pick-task"))) {
          event.preventDefault();
        }
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.filterTasks();
    this.location.locate();
  };

  function fits(task, site) {
    if (!task.value || !site || !site.value) {
      return true;
    }
    var own = task.getAttribute("data-site");
    return own ? own === site.value
      : task.getAttribute("data-project") === site.getAttribute("data-project");
  }

  /* The task choices of the chosen site only. */
  Today.prototype.filterTasks = function () {
    var select = this.form.elements.task;
    var site = this.form.elements.site.selectedOptions[0];
    var chosen = select.value;
    select.textContent = "";
    this.taskOptions.forEach(function (option) {
      if (fits(option, site)) {
        select.appendChild(option.cloneNode(true));
      }
    });
    select.value = chosen;
    if (select.value !== chosen) {
      select.value = "";
    }
  };

  Today.prototype.pickTask = function (id) {
    var form = this.form;
    var task = this.taskOptions.filter(function (o) { return o.value === id; })[0];
    if (!task) {
      return false;
    }
    var site = task.getAttribute("data-site") || (Array.prototype.filter.call(
      form.elements.site.options, function (o) {
        return o.value && o.getAttribute("data-project") === task.getAttribute("data-project");
      })[0] || {}).value;
    if (site) {
      form.elements.site.value = site;
    }
    this.filterTasks();
    form.elements.task.value = id;
    this.location.render();
    var closed = form.closest("details");
    if (closed) {
      closed.open = true;
    }
    form.scrollIntoView({ behavior: "smooth", block: "start" });
    return true;
  };

  Today.prototype.fields = function (at) {
    var form = this.form;
    var asks = this.location.asksReason();
    var pairs = [["at", at]];
    FIELDS.forEach(function (name) {
      var value = String(form.elements[name].value || "").trim();
      if (value && (name !== "flag_reason" || asks)) {
        pairs.push([name, value]);
      }
    });
    return pairs;
  };

  Today.prototype.submit = function () {
    var self = this;
    var form = this.form;
    if (this.busy) {
      return;
    }
    this.clearMessages();
    if (!form.elements.site.value) {
      this.fieldError("site", this.T.chooseSite);
      return;
    }
    this.setBusy(true);
    var at = new Date().toISOString();
    var key = O.uuid();  // once per tap: every retry of this check-in sends it again
    var site = form.elements.site.selectedOptions[0].textContent.trim();
    this.location.ready().then(function () { return self.photos.files(); }).then(function (files) {
      var encoded = O.encode(self.fields(at), files);
      var item = { id: O.uuid(), key: key, user: self.user, at: at, site: site,
                   photos: files.length, body: encoded.body, contentType: encoded.contentType,
                   state: "pending", created: Date.now(), tries: 0 };
      return O.put(item).then(function () { return self.send(item); }, function () {
        return self.submitWithoutOutbox(files);
      });
    }).catch(function () {
      self.setBusy(false);
    });
  };

  /* No IndexedDB (a locked-down browser): the plain form post, photos included. */
  Today.prototype.submitWithoutOutbox = function (files) {
    var transfer = new DataTransfer();
    files.forEach(function (file) { transfer.items.add(file); });
    this.photos.input.files = transfer.files;
    this.form.submit();
  };

  Today.prototype.send = function (item) {
    var self = this;
    if (navigator.onLine === false) {
      return this.queued();
    }
    return O.flush(this.context(), this.onChange).then(function () {
      return O.get(item.id);
    }).then(function (sent) {
      if (sent && sent.state === "synced") {
        window.location.replace(self.attr("data-today"));
        return null;
      }
      if (sent && sent.state === "failed") {
        return O.remove(item.id).then(function () {
          self.showRefusal(sent);
          self.setBusy(false);
          return self.renderOutbox();
        });
      }
      return self.queued();
    });
  };

  Today.prototype.queued = function () {
    var form = this.form;
    form.reset();
    this.photos.clear();
    this.filterTasks();
    this.location.apply();
    this.notice(this.T.queued);
    this.setBusy(false);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.sync && registration.sync.register(O.SYNC_TAG);
      }).catch(function () {});
    }
    return this.renderOutbox();
  };

  Today.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.button.disabled = busy;
    this.label.textContent = busy ? this.T.sending : this.buttonText;
  };

  /* --- messages on the form ----------------------------------------------------------------- */

  Today.prototype.clearMessages = function () {
    var form = this.form;
    form.querySelectorAll("[data-js-error], [data-form-notice]").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll(".is-invalid").forEach(function (node) {
      node.classList.remove("is-invalid");
    });
    var top = form.querySelector("[data-form-error]");
    top.hidden = true;
    top.querySelector("[data-form-error-text]").textContent = "";
  };

  Today.prototype.notice = function (text) {
    var note = C.el("div", "alert alert-warning", text);
    note.setAttribute("data-form-notice", "");
    note.setAttribute("role", "status");
    this.form.querySelector(".card-body").prepend(note);
  };

  Today.prototype.fieldError = function (name, message) {
    var form = this.form;
    var input = name === "photos" ? this.photos.input : form.elements[name];
    if (!input || input.type === "hidden") {
      var top = form.querySelector("[data-form-error]");
      top.querySelector("[data-form-error-text]").appendChild(C.el("div", "", message));
      top.hidden = false;
      return top;
    }
    var after = name === "photos" ? this.photos.grid : input;
    var feedback = C.el("div", "invalid-feedback d-block", message);
    feedback.setAttribute("data-js-error", "");
    after.insertAdjacentElement("afterend", feedback);
    input.classList.add("is-invalid");
    if (name === "flag_reason") {
      this.location.reason.hidden = false;
    }
    return feedback;
  };

  Today.prototype.showRefusal = function (item) {
    var self = this;
    var errors = item.errors && item.errors.length ? item.errors
      : [{ field: "body", message: item.message }];
    var first = null;
    errors.forEach(function (error) {
      var field = FIELDS.indexOf(error.field) >= 0 || error.field === "photos" ? error.field
        : "body";
      first = first || self.fieldError(field, error.message);
    });
    var details = first && first.closest("details");
    if (details) {
      details.open = true;
    }
    if (first) {
      first.scrollIntoView({ block: "center" });
    }
  };

  /* --- the outbox list ---------------------------------------------------------------------- */

  Today.prototype.flush = function () {
    var self = this;
    if (this.flushing || navigator.onLine === false) {
      return Promise.resolve();
    }
    this.flushing = true;
    return O.flush(this.context(), this.onChange).catch(function () {}).then(function () {
      self.flushing = false;
      return self.renderOutbox();
    });
  };

  Today.prototype.renderOutbox = function () {
    var self = this;
    return O.all().then(function (items) {
      var mine = items.filter(function (i) { return String(i.user) === self.user; }).reverse();
      self.section.hidden = !mine.length;
      self.list.textContent = "";
      mine.forEach(function (item) { self.list.appendChild(self.row(item)); });
    }).catch(function () {});
  };

  Today.prototype.row = function (item) {
    var T = this.T;
    var self = this;
    var state = this.uploading[item.id] ? "uploading" : item.state;
    var row = C.el("li", "list-group-item fw-ob");
    row.setAttribute("data-outbox-item", item.id);
    row.setAttribute("data-state", state);
    var line = C.el("div", "d-flex align-items-center gap-2");
    line.appendChild(C.el("span", "badge " + BADGES[state], T[state]));
    var what = C.el("div", "flex-fill");
    what.appendChild(C.el("div", "fw-ob-site", item.site));
    what.appendChild(C.el("div", "small text-secondary", C.format(T.madeAt, { time: clock(item.at) }) +
      (item.photos ? " · " + C.format(T.photos, { count: item.photos }) : "")));
    line.appendChild(what);
    if (state === "synced" && item.checkin) {
      var link = C.el("a", "btn btn-outline-primary", T.view);
      link.href = this.attr("data-detail").replace("/0/", "/" + item.checkin + "/");
      line.appendChild(link);
    } else if (state !== "synced" && state !== "uploading") {
      var discard = C.el("button", "btn btn-outline-danger", T.discard);
      discard.type = "button";
      discard.addEventListener("click", function () {
        if (window.confirm(T.discardConfirm)) {
          O.remove(item.id).then(function () { return self.renderOutbox(); });
        }
      });
      line.appendChild(discard);
    }
    row.appendChild(line);
    var message = state === "auth" ? T.auth : state === "failed" ? item.message : "";
    if (message) {
      var tone = state === "failed" ? "text-danger" : "text-warning";
      row.appendChild(C.el("div", "small mt-1 fw-ob-message " + tone, message));
    }
    return row;
  };

  registerWorker();
  guardCheckouts();
  var page = document.querySelector("[data-field-page]");
  if (page && C && O) {
    document.documentElement.classList.add("fw-js");
    window.EomsFieldToday = new Today(page);
  }
})();
