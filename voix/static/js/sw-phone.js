// A personal phone's service worker, served at /enquete/sw.js (scope /enquete/ only) by
// surveys/offline.py, which puts self.VOIX_SW = {version, outbox, staticFiles, languages,
// offlinePages, offlineScreen, maxSurveys, keepRefusedDays} before this file.
// Online, everything goes to the network as before. When the network fails:
// - a survey page already opened on this phone is served from the cache, else the phone's
//   offline screen, never the browser's error page;
// - answers sent while the network fails stay in the outbox (outbox.js) and the resident
//   sees that they are saved on this phone.
// Unlike a kiosk's worker it keeps no list of waves: only the static files, the offline
// screen, and the survey being answered (fetched blank by the worker, at most maxSurveys).
/* global VOIX_SW, voixOutbox */
"use strict";
importScripts(VOIX_SW.outbox);

var CACHE = "voix-phone-" + VOIX_SW.version;
var DEFAULT_LANGUAGE = "fr";
var STATE_KEY = "/__voix-phone-language";  // the last language of the resident, across restarts
var SURVEYS_KEY = "/__voix-phone-surveys";  // the survey paths kept, newest last
var SURVEY_PATH = /^\/enquete\/\d+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all([cache.addAll(VOIX_SW.staticFiles)].concat(VOIX_SW.offlinePages.map(function (url) {
      return precache(url).then(function (response) {
        if (!response.ok) throw new Error("offline screen " + response.status);
        return cache.put(url, response);
      });
    })));
  }).then(function () { return self.skipWaiting(); }));
});

// A page fetched to be kept, as for nobody: the header keeps the request from touching the
// resident's session (their language), and the page holds no answer and no session of anyone.
function precache(url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "X-Voix-Precache": "1" } });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("voix-phone-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// A survey page, online, asks to be kept (in each language of its switch); the answer says when done.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  if (data.type === "keep-survey" && SURVEY_PATH.test(data.path || "")) {
    var work = keepSurvey(data.path, data.languages || [], data.language).then(
      function () { if (reply) reply.postMessage({ ok: true }); },
      function () { if (reply) reply.postMessage({ ok: false }); });
    if (event.waitUntil) event.waitUntil(work);
  }
});

function readJson(cache, key, fallback) {
  return cache.match(key).then(function (hit) { return hit ? hit.json() : fallback; }).catch(function () { return fallback; });
}

// Each survey page load asks; the pages are fetched again at most every KEEP_FOR_MS, so
// that a phone costs the server one page view, not four.
var KEEP_FOR_MS = 30 * 60 * 1000;

function keepSurvey(path, languages, language) {
  var wanted = languages.filter(function (code) { return /^[a-z]{2,3}$/.test(code); }).slice(0, 12);
  return caches.open(CACHE).then(function (cache) {
    if (language) cache.put(STATE_KEY, new Response(JSON.stringify(language)));
    return readJson(cache, SURVEYS_KEY, []).then(function (kept) {
      kept = kept.filter(function (item) { return item && typeof item.path === "string"; });
      var mine = kept.filter(function (item) { return item.path === path; })[0];
      if (mine && Date.now() - mine.at < KEEP_FOR_MS &&
          wanted.every(function (code) { return mine.languages.indexOf(code) >= 0; })) return null;
      return Promise.all(wanted.map(function (code) {
        return precache(path + "?lang=" + code).then(function (response) {
          if (!response.ok) throw new Error("survey " + response.status);
          return cache.put(path + "?lang=" + code, response);
        });
      })).then(function () {
        kept = kept.filter(function (item) { return item.path !== path; })
          .concat([{ path: path, at: Date.now(), languages: wanted }]);
        var dropped = kept.slice(0, Math.max(0, kept.length - VOIX_SW.maxSurveys)).map(function (item) { return item.path; });
        kept = kept.slice(dropped.length);
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (request) {
            return dropped.indexOf(new URL(request.url).pathname) >= 0;
          }).map(function (request) { return cache.delete(request); }));
        }).then(function () { return cache.put(SURVEYS_KEY, new Response(JSON.stringify(kept))); });
      });
    });
  });
}

function languageOf(request, url) {
  var asked = url.searchParams.get("lang");
  if (asked) return Promise.resolve(asked);
  return caches.open(CACHE).then(function (cache) { return readJson(cache, STATE_KEY, DEFAULT_LANGUAGE); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(fetch(request).catch(function () { return offlinePage(request, url); }));
  } else if (request.mode === "navigate" && request.method === "POST" && SURVEY_PATH.test(url.pathname)) {
    event.respondWith(sendSurvey(request));
  } else if (request.method === "GET" && VOIX_SW.staticFiles.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});

function offlinePage(request, url) {
  return languageOf(request, url).then(function (language) {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(url.pathname + "?lang=" + language)
        .then(function (hit) { return hit || cache.match(VOIX_SW.offlineScreen + "?lang=" + language); })
        .then(function (hit) { return hit || cache.match(VOIX_SW.offlineScreen + "?lang=" + DEFAULT_LANGUAGE); })
        .then(function (hit) {
          return hit || new Response("<!doctype html><title>Voix des quartiers</title><p>Voix des quartiers",
                                     { headers: { "Content-Type": "text/html; charset=utf-8" } });
        });
    });
  });
}

// The survey form, which outbox.js put aside before sending: if the server answered (even
// to refuse), the copy is dropped; if it cannot be reached (or answers 5xx), the copy
// waits in the outbox and the phone shows that the answers are saved on it.
function sendSurvey(request) {
  var copy = request.clone();
  return fetch(request).then(function (response) {
    if (response.status >= 500) throw new Error("server " + response.status);
    return copy.formData().then(function (form) { return voixOutbox.forget(form.get("uuid")); })
      .catch(function () {}).then(function () { return response; });
  }).catch(function () {
    return copy.formData().then(function (form) { return voixOutbox.keep(form.get("uuid")); }).then(function (entry) {
      if (!entry) return offlinePage(request, new URL(request.url));
      if (self.registration.sync) self.registration.sync.register("voix-outbox").catch(function () {});
      return Response.redirect(VOIX_SW.offlineScreen + "?saved=1&lang=" + encodeURIComponent(entry.language), 303);
    });
  });
}
