// A personal phone's side of the outbox (outbox.js), on its survey pages and its offline
// screen (surveys/offline.py, docs/surveys.md): registers the phone's worker
// (/enquete/sw.js, scope /enquete/), asks it to keep the survey being answered, sends what
// waits when the network returns, and shows on the offline screen what waits, what was
// sent (with the codes the server gave back) and what was refused, with a way to delete it.
// A response sent with no page to show its codes (the worker's Background Sync, the page
// closed) leaves them in the outbox (state "sent"): the next survey page or offline screen
// shows them once, then forgets them.
(function () {
  "use strict";
  var outbox = window.voixOutbox;
  var meta = outbox && outbox.phoneMeta && outbox.phoneMeta();
  if (!meta || !("indexedDB" in window)) return;

  function startPhone(meta) {
    forgetOldRefusals(Number(meta.dataset.keepRefusedDays) || 30);
    var offlineScreen = phoneScreen(), codesBox = sentCodesBox();
    var screen = function () { return Promise.all([offlineScreen(), codesBox()]); };
    codesBox();  // what was sent in the background, even if this page stays offline
    window.addEventListener("online", function () { outbox.flush().catch(function () {}).then(screen); });
    var later = function () { setTimeout(function () { afterPhoneLoad(meta, screen); }, 1000); };
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later);
  }

  function afterPhoneLoad(meta, screen) {
    if (navigator.onLine !== false) outbox.flush().catch(function () {}).then(screen);
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    // The worker's scope is its folder (/enquete/): it never sees the rest of the site.
    navigator.serviceWorker.register(meta.content).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var form = document.querySelector("form.survey");
      if (!form || navigator.onLine === false || !registration.active) return;
      // Keep this survey (blank, fetched by the worker) in each language of its switch, so
      // that a reload or a language switch without network still shows it.
      var languages = [form.dataset.contentLang || document.documentElement.lang];
      document.querySelectorAll('button[name="switch_lang"]').forEach(function (b) {
        if (languages.indexOf(b.value) < 0) languages.push(b.value);
      });
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (event.data && event.data.ok) document.documentElement.dataset.offlineReady = "true";
      };
      registration.active.postMessage({ type: "keep-survey", path: window.location.pathname, languages: languages,
                                        language: languages[0] }, [channel.port2]);
    }).catch(function () { /* no offline mode on this browser: the answers stay in the page */ });
  }

  // A refused response stays on the phone, shown to the resident, for a while only: a
  // personal phone is nobody's to check (docs/surveys.md).
  function forgetOldRefusals(days) {
    var before = new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
    outbox.all().then(function (entries) {
      return Promise.all(entries.filter(function (e) {
        return e.channel === "personal" && (e.state === "refused" || e.state === "sent") && e.answered_at < before;
      }).map(function (e) { return outbox.remove(e.uuid); }));
    }).catch(function () {});
  }

  // The phone's offline screen: what waits on this phone, what was sent, what was refused.
  // Returns the function that shows it again (after each sending).
  function phoneScreen() {
    var box = document.querySelector(".phone-outbox");
    if (!box) return function () {};
    var saved = new URLSearchParams(window.location.search).get("saved") === "1";
    var savedBox = box.querySelector(".offline-saved"), sent = box.querySelector(".offline-sent");
    var refusedBox = box.querySelector(".offline-refused"), notice = box.querySelector(".offline-notice");
    var first = true, poll = null;
    function show() {
      return outbox.all().then(function (entries) {
        var mine = entries.filter(function (e) { return e.channel === "personal"; });
        var sentLater = mine.filter(function (e) { return e.state === "sent"; });
        sentLater.forEach(function (e) { outbox.acknowledged(e, e); });  // sent by the worker meanwhile
        var waiting = mine.filter(function (e) { return e.state !== "refused" && e.state !== "sent"; });
        var refused = mine.filter(function (e) { return e.state === "refused"; });
        savedBox.hidden = !(saved && waiting.length);
        notice.hidden = saved;
        if (saved && !waiting.length && !refused.length && !sent.textContent) {
          // A live region is announced when it changes: filled (and styled) a moment after.
          setTimeout(function () { sent.className += " flash flash-info"; sent.textContent = sent.dataset.text; }, 50);
        }
        var list = refusedBox.querySelector("ul");
        list.textContent = "";
        refused.forEach(function (e) {
          var item = document.createElement("li");
          var when = new Date(e.answered_at);
          item.textContent = (isNaN(when) ? "" : when.toLocaleString(document.documentElement.lang) + " : ") + (e.reason || "");
          list.appendChild(item);
        });
        refusedBox.hidden = !refused.length;
        if (first && !savedBox.hidden) savedBox.querySelector("h1").focus();
        first = false;
        // Background Sync may send them with no help from this page: look again while any wait.
        clearTimeout(poll);
        if (waiting.length) poll = setTimeout(show, 2000);
        return Promise.all(sentLater.map(function (e) { return outbox.remove(e.uuid); }));
      }).catch(function () {});
    }
    // Sent while this screen is open: the codes the server gave back, as the thank-you page shows them.
    outbox.acknowledged = function (entry, data) {
      if (entry.channel !== "personal") return;
      [[".offline-panel-card", data.panel_code], [".offline-invitation", data.invitation_code]].forEach(function (pair) {
        var place = box.querySelector(pair[0]);
        if (!place || !pair[1]) return;
        place.querySelector(".code").textContent = pair[1];
        place.hidden = false;
      });
    };
    function showLinks() {
      box.querySelectorAll(".online-only").forEach(function (link) { link.hidden = navigator.onLine === false; });
    }
    window.addEventListener("online", showLinks);
    window.addEventListener("offline", showLinks);
    showLinks();
    refusedBox.querySelector(".delete-refused").addEventListener("click", function () {
      outbox.all().then(function (entries) {
        return Promise.all(entries.filter(function (e) { return e.channel === "personal" && e.state === "refused"; })
          .map(function (e) { return outbox.remove(e.uuid); }));
      }).then(show);
    });
    show();
    return show;
  }

  // A survey page: the codes of responses this phone sent while no page of it was open,
  // shown once (then forgotten), as the thank-you page would have shown them.
  function sentCodesBox() {
    var box = document.querySelector(".phone-sent");
    if (!box) return function () { return Promise.resolve(); };
    var invitation = box.querySelector(".phone-sent-invitation"), card = box.querySelector(".phone-sent-panel");
    return function show() {
      return outbox.all().then(function (entries) {
        var sent = entries.filter(function (e) { return e.channel === "personal" && e.state === "sent"; })
          .sort(function (a, b) { return a.answered_at < b.answered_at ? -1 : 1; });
        if (!sent.length) return null;
        sent.forEach(function (e) {
          if (e.invitation_code) {
            var line = invitation.cloneNode(true);
            line.querySelector(".code").textContent = e.invitation_code;
            line.hidden = false;
            invitation.parentNode.insertBefore(line, invitation);
          }
          if (e.panel_code) { card.querySelector(".code").textContent = e.panel_code; card.hidden = false; }
        });
        box.hidden = false;
        return Promise.all(sent.map(function (e) { return outbox.remove(e.uuid); }));
      }).catch(function () {});
    };
  }

  startPhone(meta);
})();
