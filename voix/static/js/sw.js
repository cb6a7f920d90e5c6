// The kiosk's service worker, served at /sw.js (scope "/") by voix/kiosk/offline.py, which
// puts self.VOIX_SW = {version, outbox, staticFiles, pagesUrl} before this file.
// Online, everything goes to the network as before. When the network fails:
// - a kiosk page is served from the cache (the start page, the open surveys in fr/en/ar),
//   else an offline kiosk page, never the browser's error page;
// - a survey sent while the network fails stays in the outbox (outbox.js) and the resident
//   sees that it is saved on the tablet.
// The cached pages are fetched by this worker itself, never copied from what a resident
// saw, so no one's answers can be in them.
/* global VOIX_SW, voixOutbox */
"use strict";
importScripts(VOIX_SW.outbox);

var CACHE = "voix-kiosk-" + VOIX_SW.version;
var LANGUAGES = ["fr", "en", "ar"];
var DEFAULT_LANGUAGE = "fr";
var SHELL = "/kiosk/hors-ligne";
var STATE_KEY = "/__voix-sw-state";  // the last language asked for, kept across restarts
var REFRESH_EVERY_MS = 2 * 60 * 1000;
var lastRefresh = 0;
// The forms of a support, a vote, a comment, a question or a statement proposed (outbox.js
// puts them aside first).
var ACTION_PATHS = /^\/consultations\/(idees\/\d+\/(soutien|commentaires)|\d+\/(duel|affirmations|affirmations\/proposer|questions))$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(VOIX_SW.staticFiles);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("voix-kiosk-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// A kiosk page, online, asks for the pages to be (re)cached; the answer says when done.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  if (data.type === "refresh") {
    var work = refreshPages(data.force).then(function () { if (reply) reply.postMessage({ ok: true }); },
                                             function () { if (reply) reply.postMessage({ ok: false }); });
    if (event.waitUntil) event.waitUntil(work);
  }
});

function refreshPages(force) {
  if (!force && Date.now() - lastRefresh < REFRESH_EVERY_MS) return Promise.resolve();
  lastRefresh = Date.now();
  return fetch(VOIX_SW.pagesUrl, { credentials: "same-origin", cache: "no-store" })
    .then(function (response) { if (!response.ok) throw new Error("pages " + response.status); return response.json(); })
    .then(function (listing) {
      return caches.open(CACHE).then(function (cache) {
        return Promise.all(listing.pages.map(function (url) {
          // The header keeps these requests from touching the tablet's session (its language).
          return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "X-Voix-Precache": "1" } })
            .then(function (response) { if (response.ok) return cache.put(pageKey(url), response); });
        }));
      });
    });
}

// Pages are kept by path and language: /kiosk/enquete/3 in Arabic is "/kiosk/enquete/3?lang=ar".
function pageKey(url) {
  var parsed = new URL(url, self.location.origin);
  var language = parsed.searchParams.get("lang") || DEFAULT_LANGUAGE;
  return parsed.pathname + "?lang=" + language;
}

function languageOf(request) {
  var asked = new URL(request.url).searchParams.get("lang");
  if (LANGUAGES.indexOf(asked) >= 0) return Promise.resolve(asked);
  try {
    var from = new URL(request.referrer).searchParams.get("lang");
    if (LANGUAGES.indexOf(from) >= 0) return Promise.resolve(from);
  } catch (e) { /* no referrer */ }
  return caches.open(CACHE).then(function (cache) { return cache.match(STATE_KEY); })
    .then(function (kept) { return kept ? kept.text() : DEFAULT_LANGUAGE; })
    .then(function (language) { return LANGUAGES.indexOf(language) >= 0 ? language : DEFAULT_LANGUAGE; });
}

function keepLanguage(language) {
  return caches.open(CACHE).then(function (cache) { return cache.put(STATE_KEY, new Response(language)); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(navigate(request, url));
  } else if (request.mode === "navigate" && request.method === "POST" && /^\/kiosk\/enquete\/\d+$/.test(url.pathname)) {
    event.respondWith(sendSurvey(request));
  } else if (request.mode === "navigate" && request.method === "POST" && ACTION_PATHS.test(url.pathname)) {
    event.respondWith(sendAction(request));
  } else if (request.method === "GET" && VOIX_SW.staticFiles.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});

function navigate(request, url) {
  var asked = url.searchParams.get("lang");
  if (LANGUAGES.indexOf(asked) >= 0) keepLanguage(asked);
  return fetch(request).catch(function () { return offlinePage(request, url); });
}

function offlinePage(request, url) {
  var path = url.pathname;
  // Between two residents the next one starts on the start page, in French.
  if (path === "/kiosk/reinitialiser" || path === "/kiosk/merci") {
    return keepLanguage(DEFAULT_LANGUAGE).then(function () { return cached("/kiosk/", DEFAULT_LANGUAGE); });
  }
  return languageOf(request).then(function (language) {
    if (path === SHELL) return cached(SHELL, language, url.search);
    return cached(path, language);
  });
}

function cached(path, language, search) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(path + "?lang=" + language).then(function (hit) {
      return hit || cache.match(SHELL + "?lang=" + language);
    }).then(function (hit) {
      if (hit) return hit;
      return new Response("<!doctype html><title>Voix des quartiers</title><p><a href=\"/kiosk/\">Voix des quartiers</a>",
                          { headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

// A form outbox.js put aside before sending (its UUID in the outbox), sent normally. If the
// server answered (even to refuse), it has what was sent: the copy put aside is dropped. If
// it cannot be reached (or answers 5xx), the copy stays in the outbox and `whenKept(entry)`
// says where the resident goes, told that it is kept on the tablet.
function sendKeepingCopy(request, whenKept) {
  var copy = request.clone();
  return fetch(request).then(function (response) {
    if (response.status >= 500) throw new Error("server " + response.status);
    return copy.formData().then(function (form) { return voixOutbox.forget(form.get("uuid")); })
      .catch(function () {}).then(function () { return response; });
  }).catch(function () {
    return copy.formData().then(function (form) { return voixOutbox.keep(form.get("uuid")); }).then(function (entry) {
      if (!entry) return offlinePage(request, new URL(request.url));
      if (self.registration.sync) self.registration.sync.register("voix-outbox").catch(function () {});
      return whenKept(entry);
    });
  });
}

// The survey form: once kept, the tablet goes back to its start for the next resident.
function sendSurvey(request) {
  return sendKeepingCopy(request, function (entry) {
    return Response.redirect(SHELL + "?saved=1&lang=" + entry.language, 303);
  });
}

// A support, a vote, a comment or a question: once kept, the resident is back on the page
// they acted on.
function sendAction(request) {
  return sendKeepingCopy(request, function (entry) {
    if (!request.referrer) return offlinePage(request, new URL(request.url));
    var back = new URL(request.referrer);
    back.searchParams.set("kept", entry.kind);
    return Response.redirect(back.pathname + back.search, 303);
  });
}
