/*
 * The service worker of the field pages (served by eoms.fieldwork.views_pwa.service_worker,
 * scope {{ scope_json|safe }}). Version {{ version }}.
 *
 * - The app shell (static files, the offline page) is cached at install; static files are
 *   then served from the cache and refreshed in the background.
 * - Pages are fetched from the network first. Only the today page is kept (its latest good
 *   copy), so the app opens without signal; when the network is slow (lie-fi) the cached
 *   copy is shown after a few seconds. Any other page offline gets the offline page.
 * - Nothing else is cached: no API answers, no photos, no other page with user data.
 * - Background Sync ("eoms-outbox"): check-ins queued on the phone (outbox.js) are sent when
 *   the connection returns, even with the page closed, as the signed-in user only.
 */
"use strict";

var VERSION = "{{ version }}";
var SHELL = "eoms-field-shell-" + VERSION;
var PAGES = "eoms-field-pages";
var SCOPE = {{ scope_json|safe }};
var OFFLINE = {{ offline_json|safe }};
var STATIC = {{ static_json|safe }};
var ASSETS = {{ assets_json|safe }};
var SLOW_NETWORK_MS = 6000;

importScripts({{ outbox_json|safe }});

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(ASSETS.concat([OFFLINE]));
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("eoms-field-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.clients.claim();
  }));
});

function isGood(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function fromCacheThenNetwork(request) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (isGood(response)) {
          cache.put(request, response.clone());
        }
        return response;
      });
      if (cached) {
        fresh.catch(function () { return null; });
        return cached;
      }
      return fresh;
    });
  });
}

function cachedToday() {
  return caches.open(PAGES).then(function (cache) { return cache.match(SCOPE); });
}

function offlinePage() {
  return caches.match(OFFLINE).then(function (page) { return page || Response.error(); });
}

// The today page: network first, its good copy kept; the copy (or the offline page) when
// the network fails, and the copy also when the network is too slow to wait for.
function todayPage(request) {
  var network = fetch(request).then(function (response) {
    if (isGood(response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(SCOPE, copy); });
    }
    return response;
  });
  var slow = new Promise(function (resolve) {
    setTimeout(function () { cachedToday().then(resolve); }, SLOW_NETWORK_MS);
  });
  var answer = network.catch(function () {
    return cachedToday().then(function (cached) { return cached || offlinePage(); });
  });
  return Promise.race([answer, slow.then(function (cached) { return cached || answer; })]);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return;
  }
  if (request.mode === "navigate") {
    if (url.pathname === SCOPE && !url.search) {
      event.respondWith(todayPage(request));
    } else if (url.pathname.indexOf(SCOPE) === 0) {
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;
  }
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(fromCacheThenNetwork(request));
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "eoms-outbox" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === EomsOutbox.SYNC_TAG) {
    event.waitUntil(EomsOutbox.flushStored().then(function (summary) {
      return tellPages().then(function () {
        if (summary.waiting) {
          throw new Error("outbox: still waiting for the network");  // the browser retries
        }
      });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "eoms-flush") {
    event.waitUntil(EomsOutbox.flushStored().then(tellPages));
  }
});
