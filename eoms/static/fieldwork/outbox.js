/*
 * The phone's outbox of check-ins (IndexedDB), shared by the field pages (field.js) and the
 * service worker (sw.js, Background Sync). No DOM and no texts here: what the worker reads
 * comes from the page's translated strings or from the server's own messages.
 *
 * A check-in is stored before it is sent, as the exact multipart body it will be sent with
 * (fields and photos), under one Idempotency-Key made when the worker tapped 签到. Every
 * retry sends the same bytes with the same key, so the server records it once whatever
 * happens to the answers (the server replays its first answer to a repeated key).
 *
 * Item: {id, key (Idempotency-Key), user, at, site, photos (count), body (Blob),
 *        contentType, state: pending | auth | failed | synced, message, errors, checkin,
 *        created, updated, tries}
 * - pending: waits for the network (sent on page load, `online`, a timer, Background Sync);
 * - auth: the session ended or the page's CSRF token was stale: sent again once signed in;
 * - failed: the server refused it (4xx) — kept with its message until the worker deletes it;
 * - synced: recorded on the server (photos dropped from the phone), shown for a day.
 * Items are sent only while their own user is the one signed in (GET /api/v1/accounts/me).
 */
(function (root) {
  "use strict";

  var DB_NAME = "eoms-field";
  var OUTBOX = "outbox";
  var META = "meta";
  var SYNC_TAG = "eoms-outbox";
  var LOCK = "eoms-outbox";
  var KEEP_SYNCED_MS = 24 * 3600 * 1000;
  var dbPromise = null;

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (!dbPromise) {
      if (!root.indexedDB) {
        return Promise.reject(new Error("no IndexedDB"));
      }
      var request = root.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(OUTBOX, { keyPath: "id" });
        request.result.createObjectStore(META, { keyPath: "key" });
      };
      dbPromise = done(request);
      dbPromise.catch(function () { dbPromise = null; });
    }
    return dbPromise;
  }

  function withStore(name, mode, work) {
    return open().then(function (db) {
      var tx = db.transaction(name, mode);
      var result = work(tx.objectStore(name));
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function put(item) {
    item.updated = Date.now();
    return withStore(OUTBOX, "readwrite", function (store) { store.put(item); });
  }

  function get(id) {
    return open().then(function (db) {
      return done(db.transaction(OUTBOX).objectStore(OUTBOX).get(id));
    });
  }

  function remove(id) {
    return withStore(OUTBOX, "readwrite", function (store) { store["delete"](id); });
  }

  function all() {
    return open().then(function (db) {
      return done(db.transaction(OUTBOX).objectStore(OUTBOX).getAll());
    }).then(function (items) {
      return items.sort(function (a, b) { return a.created - b.created; });
    });
  }

  function setMeta(values) {
    values.key = "session";
    return withStore(META, "readwrite", function (store) { store.put(values); });
  }

  function getMeta() {
    return open().then(function (db) {
      return done(db.transaction(META).objectStore(META).get("session"));
    });
  }

  /* Synced items are shown for a day, then forgotten. */
  function prune() {
    var cutoff = Date.now() - KEEP_SYNCED_MS;
    return all().then(function (items) {
      return Promise.all(items.filter(function (item) {
        return item.state === "synced" && item.updated < cutoff;
      }).map(function (item) { return remove(item.id); }));
    });
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) {
      return root.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /* The multipart body, built once: [[name, value]…] and files (sent as "photos"). */
  function encode(fields, files) {
    var boundary = "----eomsfield" + uuid().replace(/-/g, "");
    var parts = [];
    fields.forEach(function (pair) {
      parts.push("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + pair[0] +
                 "\"\r\n\r\n" + pair[1] + "\r\n");
    });
    files.forEach(function (file, index) {
      var type = file.type || "application/octet-stream";
      var ext = (type.split("/")[1] || "bin").replace(/[^a-z0-9]/g, "");
      parts.push("--" + boundary + "\r\nContent-Disposition: form-data; name=\"photos\"; " +
                 "filename=\"photo-" + (index + 1) + "." + ext + "\"\r\nContent-Type: " + type +
                 "\r\n\r\n", file, "\r\n");
    });
    parts.push("--" + boundary + "--\r\n");
    return { body: new Blob(parts), contentType: "multipart/form-data; boundary=" + boundary };
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("json") < 0) {
      return Promise.resolve(null);
    }
    return response.json().catch(function () { return null; });
  }

  function problemText(data, status) {
    if (!data) {
      return "HTTP " + status;
    }
    var messages = (data.errors || []).map(function (e) { return e.message; });
    return messages.length ? messages.join(" ") : (data.detail || data.title || "HTTP " + status);
  }

  function isStaleCsrf(status, data) {
    return status === 403 && data && /csrf/i.test(String(data.title || data.detail || ""));
  }

  /* Send one item; returns its new state (pending when the network failed). */
  function send(item, ctx) {
    var headers = { "Content-Type": item.contentType, "Idempotency-Key": item.key,
                    "X-CSRFToken": ctx.csrf || "", "Accept": "application/json" };
    return fetch(ctx.api, { method: "POST", body: item.body, headers: headers,
                            credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return readJson(response).then(function (data) { return settle(item, response, data); });
      }, function () {
        item.tries = (item.tries || 0) + 1;
        item.state = "pending";
        return put(item).then(function () { return item.state; });
      });
  }

  function settle(item, response, data) {
    var status = response.status;
    item.tries = (item.tries || 0) + 1;
    if (response.ok && data) {
      item.state = "synced";
      item.checkin = data.id || null;
      item.body = null;  // the photos are on the server now
      item.message = "";
      item.errors = [];
    } else if (status === 401 || isStaleCsrf(status, data)) {
      // Refused before any work: the next try (signed in, fresh token) gets a new key so
      // the refusal the server remembered for this one is not replayed.
      item.state = "auth";
      item.message = problemText(data, status);
      item.key = uuid();
    } else if (response.ok || !data || status === 408 || status === 429 || status >= 500) {
      item.state = "pending";  // a captive portal's page, an overloaded server: try later
    } else {
      item.state = "failed";
      item.message = problemText(data, status);
      item.errors = data.errors || [];
      item.body = null;  // the same key would only replay the refusal
    }
    return put(item).then(function () { return item.state; });
  }

  /* Who is signed in: the user id, "auth" when nobody, null when the network failed. */
  function whoAmI(ctx) {
    return fetch(ctx.me, { credentials: "same-origin", cache: "no-store",
                           headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          return "auth";
        }
        return response.ok ? readJson(response).then(function (data) {
          return data && data.id !== undefined ? String(data.id) : null;
        }) : null;
      }, function () { return null; });
  }

  function locked(work) {
    var locks = root.navigator && root.navigator.locks;
    return locks ? locks.request(LOCK, work) : work();
  }

  function sendable(item) {
    return item.state === "pending" || item.state === "auth";
  }

  /*
   * Send what waits, one at a time, as ctx.user (or whoever is signed in when ctx.user is
   * empty: the service worker). onChange(id, "uploading" | state) follows each item.
   * Resolves {sent, failed, waiting}.
   */
  function flush(ctx, onChange) {
    var notify = onChange || function () {};
    return locked(function () {
      var summary = { sent: 0, failed: 0, waiting: 0 };
      return all().then(function (items) {
        var waiting = items.filter(sendable);
        if (!waiting.length) {
          return summary;
        }
        return whoAmI(ctx).then(function (me) {
          if (me === null) {
            summary.waiting = waiting.length;  // no network
            return summary;
          }
          if (me === "auth") {  // signed out: the page shows it; nothing to retry until then
            return markSignedOut(waiting, ctx.user).then(function () {
              notify(null, "auth");
              return summary;
            });
          }
          var user = ctx.user ? String(ctx.user) : me;
          if (me !== user) {
            return summary;  // another person signed in since this page was loaded
          }
          return sendAll(user, ctx, notify, summary, {});
        });
      });
    });
  }

  function markSignedOut(items, user) {
    if (!user) {
      return Promise.resolve();
    }
    return Promise.all(items.filter(function (i) {
      return String(i.user) === String(user) && i.state === "pending";
    }).map(function (i) { i.state = "auth"; i.message = ""; return put(i); }));
  }

  function sendAll(user, ctx, notify, summary, tried) {
    return all().then(function (items) {
      var next = items.filter(function (i) {
        return sendable(i) && String(i.user) === user && !tried[i.id];
      })[0];
      if (!next) {
        return summary;
      }
      tried[next.id] = true;
      notify(next.id, "uploading");
      return send(next, ctx).then(function (state) {
        notify(next.id, state);
        if (state === "synced") {
          summary.sent += 1;
        } else if (state === "failed") {
          summary.failed += 1;
        } else {
          summary.waiting += 1;
          return summary;  // no network (or signed out): the rest waits too
        }
        return sendAll(user, ctx, notify, summary, tried);
      });
    });
  }

  /* For the service worker: the API addresses and CSRF token the page left. */
  function flushStored() {
    return getMeta().then(function (meta) {
      if (!meta) {
        return { sent: 0, failed: 0, waiting: 0 };
      }
      return flush({ api: meta.api, me: meta.me, csrf: meta.csrf, user: "" });
    });
  }

  root.EomsOutbox = {
    SYNC_TAG: SYNC_TAG, open: open, put: put, get: get, remove: remove, all: all,
    prune: prune, uuid: uuid, encode: encode, flush: flush, flushStored: flushStored,
    setMeta: setMeta, getMeta: getMeta
  };
})(self);
