// The kiosk's outbox (Enketo's design): a survey sent while the network is down is kept in
// IndexedDB under its response UUID and the time it was answered, then sent, one at a
// time, through the idempotent API (/api/v1/waves/<id>/responses) when the network returns:
// on the "online" event, by Background Sync where the browser has it, on each page load
// and by a retry timer that backs off. An entry leaves the outbox only when the server
// acknowledged it (201, or 200 for a repeat). A refused one (4xx) stays, marked refused
// with the server's reason, and is reported to staff (POST /kiosk/etat). Nothing here is
// ever shown to a resident, and no kiosk reset clears it.
// Supports, votes (pairwise, statements), comments, questions and statements proposed on a kiosk use the
// same outbox: each carries its UUID, and the resident who gave it is named by a UUID of
// the tablet's (one per resident, from one start screen to the next), for which the API
// gives the same participation token each time.
// Personal phones (survey pages, surveys/offline.py) keep a survey the same way, sent with
// channel "personal"; they report to no one: the phone's offline screen (outbox-phone.js)
// shows the resident what waits, and why the server refused what it refused (in their language);
// a phone's response sent with no page to show its codes leaves only those codes ("sent"),
// which its next survey page shows once.
// Used by kiosk and phone pages and by the service workers (sw.js, sw-phone.js), hence no
// DOM in the core.
(function (scope) {
  "use strict";
  var DB_NAME = "voix-outbox", STORE = "entries", USED_KEY = "voix-used-uuids";
  var API = "/api/v1/waves/", STATE_URL = "/kiosk/etat";
  var INFLIGHT_GRACE_MS = 60 * 1000;  // a form being sent right now is left alone this long
  var isWindow = typeof window !== "undefined" && scope === window;
  // Only a kiosk reports its outbox to staff (its worker is told where; a phone's is not).
  var reportUrl = isWindow ? null : (scope.VOIX_SW && scope.VOIX_SW.stateUrl) || null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode), result;
        var store = transaction.objectStore(STORE);
        Promise.resolve(work(store, function (value) { result = value; })).catch(reject);
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = function () { resolve(idbRequest.result); };
      idbRequest.onerror = function () { reject(idbRequest.error); };
    });
  }

  function all() {
    return withStore("readonly", function (store, done) { return request(store.getAll()).then(done); })
      .then(function (entries) { return entries || []; });
  }

  function put(entry) { return withStore("readwrite", function (store) { store.put(entry); }); }

  function get(uuid) {
    return withStore("readonly", function (store, done) { return request(store.get(String(uuid || ""))).then(done); });
  }

  function remove(uuid) { return withStore("readwrite", function (store) { store.delete(String(uuid || "")); }); }

  // The service worker, once the server answered the form itself: the copy is not needed.
  function forget(uuid) {
    return get(uuid).then(function (entry) { if (entry && entry.state === "inflight") return remove(uuid); });
  }

  // The service worker, when the form could not reach the server: the copy is now waiting.
  function keep(uuid) {
    return get(uuid).then(function (entry) {
      if (!entry) return null;
      if (entry.state === "inflight") { entry.state = "waiting"; return put(entry).then(function () { return entry; }); }
      return entry;
    });
  }

  var flushing = null, retryDelay = 5000, retryTimer = null;

  // Send what waits, oldest first, one at a time; stop at the first network failure.
  // A flush asked while one runs (the network came back while the last one was failing)
  // runs again right after it, or the entries would wait for the backed-off timer.
  var flushAgain = false;

  function flush() {
    if (flushing) { flushAgain = true; return flushing; }
    flushing = all().then(function (entries) {
      var now = Date.now();
      var due = entries.filter(function (e) {
        return e.state === "waiting" || (e.state === "inflight" && now - e.saved_at > INFLIGHT_GRACE_MS);
      }).sort(function (a, b) { return a.answered_at < b.answered_at ? -1 : 1; });
      var index = 0, tokens = {};
      function next() {
        if (index >= due.length) return true;
        return sendOne(due[index++], tokens).then(function (reached) { return reached ? next() : false; });
      }
      return next();
    }).then(function (allReached) {
      return report().then(function () { return allReached; }, function () { return allReached; });
    }).then(function (allReached) {
      flushing = null;
      scheduleRetry(allReached);
      if (flushAgain) { flushAgain = false; return flush(); }
      return allReached;
    }, function (error) {
      flushing = null;
      scheduleRetry(false);
      if (flushAgain) { flushAgain = false; return flush(); }
      throw error;
    });
    return flushing;
  }

  // The API call of each kind of entry (docs/openapi.yaml). Survey entries have no kind.
  var ACTIONS = {
    support: function (e) { return { url: "/api/v1/ideas/" + e.idea + "/supports", body: {} }; },
    pairwise: function (e) {
      return { url: "/api/v1/consultations/" + e.consultation + "/pairwise", body: { winner: e.winner, loser: e.loser } };
    },
    statement: function (e) { return { url: "/api/v1/statements/" + e.statement + "/votes", body: { value: e.value } }; },
    comment: function (e) {
      return { url: "/api/v1/ideas/" + e.idea + "/comments",
               body: { body: e.body, position: e.position, parent: e.parent || null, language: e.language } };
    },
    question: function (e) {
      return { url: "/api/v1/consultations/" + e.consultation + "/questions",
               body: { institution: e.institution, text: e.text, language: e.language } };
    },
    proposal: function (e) {
      return { url: "/api/v1/consultations/" + e.consultation + "/statements", body: { text: e.text, language: e.language } };
    },
  };

  // {reached: false} when the server could not be reached (or failed: 5xx, 408, 429),
  // else {reached: true, status, data}. A kiosk's refusals are for staff (?lang=fr), a
  // phone's for the resident, in their language.
  function post(url, body, language) {
    return fetch(url + "?lang=" + encodeURIComponent(language || "fr"), {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(body),
    }).then(function (response) {
      if (response.status >= 500 || response.status === 408 || response.status === 429) return { reached: false };
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { reached: true, status: response.status, data: data || {} };
      });
    }, function () { return { reached: false }; });
  }

  // true when the server answered (acknowledged or refused), false when it could not be reached.
  function settle(entry, result) {
    if (!result.reached) return false;
    if (result.status === 200 || result.status === 201) {
      if (api.acknowledged) api.acknowledged(entry, result.data);  // a phone's screen shows the codes given back
      else if (entry.channel === "personal" && !entry.kind && (result.data.invitation_code || result.data.panel_code)) {
        // Sent with no screen to show its codes (by the worker, the page closed): the
        // answers go, the codes wait on the phone for its next survey page (outbox-phone.js).
        return put(sentCodes(entry, result.data)).then(function () { return true; });
      }
      return remove(entry.uuid).then(function () { return true; });
    }
    entry.state = "refused";
    entry.status = result.status;
    entry.reason = result.data.message || String(result.status);
    var errors = result.data.errors;
    if (errors) entry.reason += " " + Object.keys(errors).map(function (k) { return k + ": " + errors[k]; }).join("; ");
    return put(entry).then(function () { return true; });
  }

  // What a phone keeps of a response sent in the background: its codes, nothing answered.
  function sentCodes(entry, data) {
    return { uuid: entry.uuid, wave: entry.wave, channel: "personal", state: "sent", language: entry.language,
             answered_at: entry.answered_at, invitation_code: data.invitation_code || null,
             panel_code: data.panel_code || null };
  }

  // The participation token of the resident who gave an entry (asked once per flush).
  function tokenFor(entry, tokens) {
    var key = entry.consultation + "/" + entry.resident;
    if (!tokens[key]) {
      tokens[key] = post("/api/v1/consultations/" + entry.consultation + "/participants", { uuid: entry.resident });
    }
    return tokens[key];
  }

  function sendOne(entry, tokens) {
    var action = ACTIONS[entry.kind];
    if (!action) {
      return post(API + entry.wave + "/responses", {
        uuid: entry.uuid, answers: entry.answers, about: entry.about, panel_code: entry.panel_code,
        language: entry.language, answered_at: entry.answered_at, channel: entry.channel,
      }, entry.channel === "personal" ? entry.language : "fr").then(function (result) { return settle(entry, result); });
    }
    return tokenFor(entry, tokens).then(function (result) {
      if (!result.reached || (result.status !== 200 && result.status !== 201)) return settle(entry, result);
      var call = action(entry);
      call.body.token = result.data.token;
      call.body.uuid = entry.uuid;
      return post(call.url, call.body).then(function (answer) { return settle(entry, answer); });
    });
  }

  function summary(entries) {
    var waiting = entries.filter(function (e) { return e.state !== "refused" && e.state !== "sent"; });
    var refused = entries.filter(function (e) { return e.state === "refused"; });
    var oldest = waiting.map(function (e) { return e.answered_at; }).sort()[0] || null;
    return {
      waiting: waiting.length, oldest_waiting_at: oldest, refused: refused.length,
      refusals: refused.slice(0, 20).map(function (e) {
        return { uuid: e.uuid, wave: e.wave, kind: e.kind || "survey", consultation: e.consultation,
                 answered_at: e.answered_at, status: e.status, reason: e.reason };
      }),
    };
  }

  // Tell the server what the tablet holds, so that staff see a tablet that has not synced.
  function report() {
    if (!reportUrl) return Promise.resolve();
    return all().then(function (entries) {
      return fetch(reportUrl, { method: "POST", credentials: "same-origin", cache: "no-store",
                                headers: { "Content-Type": "application/json" }, body: JSON.stringify(summary(entries)) });
    });
  }

  function scheduleRetry(allReached) {
    if (scope.setTimeout === undefined) return;
    clearTimeout(retryTimer);
    if (allReached) { retryDelay = 5000; return; }
    retryTimer = setTimeout(function () { flush().catch(function () {}); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5 * 60 * 1000);
  }

  var api = { flush: flush, forget: forget, keep: keep, all: all, summary: summary, remove: remove };
  scope.voixOutbox = api;
  if (!isWindow) {
    // In a service worker (sw.js, sw-phone.js): the outbox is sent when a page asks
    // ({type: "flush"}) and, where the browser has Background Sync, even with no page open.
    scope.addEventListener("message", function (event) {
      if ((event.data || {}).type === "flush" && event.waitUntil) event.waitUntil(flush());
    });
    scope.addEventListener("sync", function (event) {
      if (event.tag === "voix-outbox") event.waitUntil(flush());
    });
    return;
  }

  var isKiosk = document.body && document.body.classList.contains("kiosk");
  if (isKiosk) reportUrl = STATE_URL;

  // A personal phone's survey page or offline screen (surveys/offline.py).
  function phoneMeta() { return isKiosk ? null : document.querySelector('meta[name="voix-phone-outbox"]'); }

  // Whether "Send" without network may keep the answers here: always on a kiosk; on a phone
  // once its worker controls the page (it then has the offline screen to show). Else the
  // answers stay in the page (survey.js).
  api.canKeep = function () {
    if (isKiosk) return true;
    return !!(phoneMeta() && "indexedDB" in window && navigator.serviceWorker && navigator.serviceWorker.controller);
  };

  // --- In a kiosk page --------------------------------------------------------------

  function usedUuids() {
    try { return JSON.parse(localStorage.getItem(USED_KEY) || "[]"); } catch (e) { return []; }
  }

  function markUsed(uuid) {
    var used = usedUuids().filter(function (u) { return u !== uuid; });
    used.push(uuid);
    try { localStorage.setItem(USED_KEY, JSON.stringify(used.slice(-2000))); } catch (e) { /* full: the outbox check remains */ }
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // A page served from the cache carries the UUID it was cached with: a second resident
  // must never reuse one already given (the server would take their answers for a repeat).
  function freshUuid(form) {
    var field = form && form.querySelector('[name="uuid"]');
    if (field && usedUuids().indexOf(field.value) >= 0) field.value = newUuid();
    return field;
  }

  function answersOf(form) {
    var data = new FormData(form), answers = {}, about = {};
    form.querySelectorAll(".step[data-code]").forEach(function (step) {
      var code = step.dataset.code, name = "q-" + code;
      var ranks = form.querySelectorAll('[name^="' + name + '-rank-"]');
      if (step.dataset.rows) {  // a matrix or multiple question: {row: value, or values}
        var rows = {};
        step.dataset.rows.split(" ").forEach(function (row) {
          var given = data.getAll(name + "-" + row).filter(function (value) { return String(value).trim() !== ""; });
          if (given.length) rows[row] = step.dataset.rowsKind === "several" ? given : given[0];
        });
        answers[code] = rows;
      } else if (ranks.length) {
        var ranking = {};
        ranks.forEach(function (field) { if (!field.disabled && field.value) ranking[field.name.slice(name.length + 6)] = field.value; });
        answers[code] = ranking;
      } else if (form.querySelector('[name="' + name + '"][type="checkbox"]')) {
        answers[code] = data.getAll(name);
      } else if (data.has(name)) {
        answers[code] = data.get(name);
      }
    });
    ["gender", "gender_description", "age_bracket", "quartier", "invited_by"].forEach(function (key) {
      if (data.has("about-" + key)) about[key] = data.get("about-" + key);
    });
    return { answers: answers, about: about, panel_code: data.get("about-panel_code") || null };
  }

  // survey.js calls this just before sending: the answers are put aside ("inflight").
  function remember(form) {
    var field = freshUuid(form);
    if (!field || form.dataset.preview === "true") return Promise.resolve(null);
    var wave = (form.getAttribute("action") || window.location.pathname).match(/enquete\/(\d+)/);
    return get(field.value).then(function (existing) {
      if (existing && existing.state !== "inflight") field.value = newUuid();
      var given = answersOf(form);
      // The language of the texts the resident read (tr: one of the questionnaire's, maybe without a catalogue).
      var entry = { uuid: field.value, wave: Number(wave && wave[1]), answers: given.answers, about: given.about,
                    panel_code: given.panel_code, language: form.dataset.contentLang || form.dataset.lang || "fr",
                    answered_at: new Date().toISOString(), saved_at: Date.now(), state: "inflight" };
      if (!isKiosk) entry.channel = "personal";
      markUsed(entry.uuid);
      return put(entry).then(function () { return entry; });
    });
  }

  // survey.js, when the server cannot be reached at all: keep the answers and show the
  // "saved on this tablet" screen, which returns to the start (on a phone: "saved on
  // this phone", which stays).
  function keepAndRestart(form) {
    var uuid = form.querySelector('[name="uuid"]').value;
    return keep(uuid).then(function (entry) {
      if (!entry) return false;
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) registration.sync.register("voix-outbox").catch(function () {});
        });
      }
      scheduleRetry(false);
      var saved = isKiosk ? "/kiosk/hors-ligne" : phoneMeta().dataset.savedUrl;
      window.location.replace(saved + "?saved=1&lang=" + encodeURIComponent(entry.language));
      return true;
    });
  }

  api.remember = remember;
  api.keepAndRestart = keepAndRestart;

  // --- Supports, votes, comments, questions, statements proposed (forms marked data-outbox)

  var RESIDENT_KEY = "voix-resident";

  // The resident in front of the tablet, as the outbox names them: one UUID per consultation
  // (the server keeps a participant to one consultation) from one start screen to the next
  // (sessionStorage, forgotten on the start screen of the next person, so by the idle reset).
  var residentKeys = null;

  function residentKey(consultation) {
    if (residentKeys === null) {
      try { residentKeys = JSON.parse(sessionStorage.getItem(RESIDENT_KEY) || "{}"); } catch (e) { residentKeys = {}; }
      if (!residentKeys || typeof residentKeys !== "object" || Array.isArray(residentKeys)) residentKeys = {};
    }
    var name = String(consultation || "");
    if (!residentKeys[name]) {
      residentKeys[name] = newUuid();
      try { sessionStorage.setItem(RESIDENT_KEY, JSON.stringify(residentKeys)); } catch (e) { /* this page's keys then */ }
    }
    return residentKeys[name];
  }

  // Every consultation form of a kiosk page says who acts (field outbox_resident): the server
  // gives the resident the participant the outbox names offline, so that what they do online
  // and offline in one visit counts as one participant (deliberation/views.py participant()).
  function nameTheResident() {
    var meta = document.querySelector('meta[name="voix-consultation"]');
    document.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
      if (new URL(form.action, window.location.href).pathname.indexOf("/consultations/") !== 0) return;
      var consultation = form.dataset.consultation || (meta && meta.content);
      if (!consultation) return;
      var field = form.querySelector('input[name="outbox_resident"]');
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden"; field.name = "outbox_resident";
        form.appendChild(field);
      }
      field.value = residentKey(consultation);
    });
  }

  function number(value) { return value === null || value === "" ? null : Number(value); }

  // What a form gives, as an outbox entry (null when there is nothing to send yet).
  function actionOf(form, submitter) {
    var data = new FormData(form), kind = form.dataset.outbox;
    var entry = { kind: kind, consultation: number(form.dataset.consultation), resident: residentKey(form.dataset.consultation),
                  language: document.documentElement.lang || "fr" };
    if (kind === "support") entry.idea = number(form.dataset.idea);
    if (kind === "pairwise") { entry.winner = number(data.get("winner")); entry.loser = number(data.get("loser")); }
    if (kind === "statement") {
      entry.statement = number(data.get("statement"));
      entry.value = number(submitter && submitter.name === "value" ? submitter.value : data.get("value"));
      if (entry.value === null) return null;
    }
    if (kind === "comment") {
      entry.idea = number(form.dataset.idea);
      entry.body = String(data.get("body") || "").trim();
      entry.position = data.get("position") || "neutral";
      entry.parent = number(data.get("parent"));
      if (!entry.body) return null;
    }
    if (kind === "proposal") {
      entry.text = String(data.get("text") || "").trim();
      if (!entry.text) return null;  // the server says what is missing
    }
    if (kind === "question") {
      if (submitter && submitter.name === "edit") return null;  // back to the form: nothing sent
      entry.institution = number(data.get("institution"));
      entry.text = String(data.get("text") || "").trim();
      if (entry.institution === null || !entry.text) return null;  // the server says what is missing
    }
    return entry;
  }

  // The entry is put aside before the form is sent; a form that is not the last step (the
  // question before its confirmation) is put aside only when the network is down.
  function rememberAction(form, submitter, state) {
    var field = freshUuid(form), entry = actionOf(form, submitter);
    if (!field || !entry) return Promise.resolve(null);
    return get(field.value).then(function (existing) {
      if (existing && existing.state !== "inflight") field.value = newUuid();
      entry.uuid = field.value;
      entry.answered_at = new Date().toISOString();
      entry.saved_at = Date.now();
      entry.state = state;
      markUsed(entry.uuid);
      return put(entry).then(function () { return entry; });
    });
  }

  // A fresh CSRF token when the server can be reached, null when it cannot.
  function probe(url) {
    if (navigator.onLine === false) return Promise.resolve(null);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 5000);
    return fetch(url, { credentials: "same-origin", cache: "no-store", signal: controller && controller.signal })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { clearTimeout(timer); return (data && data.csrf_token) || null; },
            function () { clearTimeout(timer); return null; });
  }

  function requestSync() {
    if (!navigator.serviceWorker || !navigator.serviceWorker.ready) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) registration.sync.register("voix-outbox").catch(function () {});
    });
  }

  // The form goes to the server as the browser would have sent it (the submitter's value too).
  function sendForm(form, submitter) {
    if (submitter && submitter.name) {
      var copy = document.createElement("input");
      copy.type = "hidden"; copy.name = submitter.name; copy.value = submitter.value;
      form.appendChild(copy);
    }
    form.dataset.outboxSending = "true";
    form.submit();
  }

  function keptText(kind) {
    var texts = document.querySelector('meta[name="voix-outbox-kept"]');
    if (!texts) return "";
    return texts.dataset[{ pairwise: "vote", statement: "vote" }[kind] || kind] || "";
  }

  // Tell the resident, in words read aloud, that what they gave is kept on the tablet; the
  // focus comes back to what they acted on (a support's button), else to the message.
  function showKept(kind, form) {
    var message = document.createElement("p");
    message.className = "flash flash-info outbox-kept";
    message.setAttribute("role", "status");
    message.tabIndex = -1;
    message.id = "outbox-kept-" + Date.now();
    var place = form ? (form.closest(".duel") || form) : null;
    if (place && kind !== "pairwise" && kind !== "statement") place.parentNode.insertBefore(message, place.nextSibling);
    else document.getElementById("main").insertBefore(message, document.getElementById("main").firstChild);
    // Filled a moment later: a live region announces what changes in it, not what it is born with.
    setTimeout(function () { message.textContent = keptText(kind); }, 50);
    var button = form && kind === "support" && form.querySelector('button[type="submit"]');
    if (button) {
      button.setAttribute("aria-pressed", "true");
      button.setAttribute("aria-describedby", message.id);
      button.focus();
    } else {
      message.focus();
    }
    if (!form) return;
    form.dataset.kept = "true";
    if (kind === "comment" || kind === "proposal") form.querySelector("textarea").value = "";
    if (kind === "question") form.hidden = true;
    if (kind === "statement") form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  }

  function onActionSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-outbox]") || form.dataset.outboxSending === "true") return;
    if (!form.querySelector('[name="uuid"]')) return;  // withdrawing a support: online only
    event.preventDefault();
    var submitter = event.submitter;
    if (form.dataset.kept === "true") {  // one support, one vote; comments and statements: as many as one writes
      if (["comment", "proposal"].indexOf(form.dataset.outbox) < 0) return;
      delete form.dataset.kept;
    }
    var final = form.dataset.outboxFinal !== "false";
    (final ? rememberAction(form, submitter, "inflight") : Promise.resolve(null)).catch(function () { return null; })
      .then(function (entry) {
        return probe(document.querySelector('meta[name="voix-token-url"]').content).then(function (token) {
          if (token) {
            var csrf = form.querySelector('[name="csrf_token"]');
            if (csrf) csrf.value = token;
            return sendForm(form, submitter);
          }
          var kept = entry ? keep(entry.uuid) : rememberAction(form, submitter, "waiting");
          return kept.then(function (stored) {
            if (!stored) return sendForm(form, submitter);  // nothing to keep: the browser shows what it can
            requestSync();
            scheduleRetry(false);
            showKept(stored.kind, form);
          });
        });
      }).catch(function () { sendForm(form, submitter); });
  }

  // Back from the service worker (the form was sent but the network failed on the way).
  function keptOnArrival() {
    var kind = new URLSearchParams(window.location.search).get("kept");
    if (kind && ACTIONS[kind]) showKept(kind, null);
  }

  // The start screen of the next person: whoever acted before is forgotten.
  function freshStart() {
    try {
      // Answers carried across an offline language switch (survey.js) live only until the
      // survey page takes them: any other page forgets them.
      if (!document.querySelector("form.survey")) sessionStorage.removeItem("voix-offline-switch");
      if (document.querySelector('meta[name="voix-fresh-start"]')) { sessionStorage.removeItem(RESIDENT_KEY); residentKeys = {}; }
    } catch (e) { residentKeys = {}; }
  }

  api.actionOf = actionOf;
  api.phoneMeta = phoneMeta;

  // The "saved on this tablet" screen: return to the start by itself, like the thank-you screen.
  function savedScreen() {
    var box = document.querySelector(".offline-saved");
    if (!box || new URLSearchParams(window.location.search).get("saved") !== "1") return;
    box.hidden = false;
    document.querySelectorAll(".offline-notice").forEach(function (notice) { notice.hidden = true; });
    var heading = box.querySelector("h1, h2");
    if (heading) heading.focus();
    var timer = setTimeout(function () { window.location.replace(box.dataset.returnUrl); }, Number(box.dataset.seconds) * 1000);
    var stay = box.querySelector(".stay-here");
    stay.hidden = false;
    stay.addEventListener("click", function () { clearTimeout(timer); stay.hidden = true; });
  }

  function start() {
    if (phoneMeta()) return freshUuid(document.querySelector("form.survey"));  // the rest: outbox-phone.js
    if (!isKiosk) return;
    freshUuid(document.querySelector("form.survey"));
    savedScreen();
    freshStart();
    nameTheResident();
    if (!("indexedDB" in window)) return;
    document.querySelectorAll("form[data-outbox]").forEach(freshUuid);
    document.addEventListener("submit", onActionSubmit);
    keptOnArrival();
    window.addEventListener("online", function () { flush().catch(function () {}); });
    // A moment after the page has loaded: the resident's first taps come first.
    var later = function () { setTimeout(afterLoad, 2000); };
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later);
  }

  function afterLoad() {
    if (navigator.onLine !== false) flush().catch(function () {});
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // The pages are cached again from the start page, shown between two residents:
      // not while someone is answering.
      var startPage = window.location.pathname === "/kiosk/";
      if (!startPage || navigator.onLine === false || !registration.active) return;
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (event.data && event.data.ok) document.documentElement.dataset.offlineReady = "true";
      };
      registration.active.postMessage({ type: "refresh" }, [channel.port2]);
    }).catch(function () { /* no offline mode on this browser: everything works online as before */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof self !== "undefined" ? self : window);
